// Budgets of the `indexsmith` command line (run by scripts/bench-cli.sh, which builds it first):
//
// 1. `indexsmith validate` of the 10,000-entry index: ≤ 1.5 × (the core's native
//    validate+digest, from criterion) + process start (`indexsmith --version`);
// 2. `indexsmith copy` of a 2-platform image with one 64 MiB layer each between two local
//    registries: ≤ 1.2 × `skopeo copy --all` on the same registries, side by side in one run
//    (alternating, each copy into a fresh registry); peak RSS < 64 MiB;
// 3. process start to first request (`indexsmith tags` against a listener that notes when the
//    request arrives): < 20 ms.
//
// Arguments: the indexsmith binary, the 10,000-entry index, the criterion estimate file of the
// core's validate+digest on it. Prints the figures and writes them as JSON to $REPORT
// (default bench/report-cli.json, git-ignored).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  pushLargeBlob,
  seedImage,
  seedIndex,
  startRegistry,
} from "../crates/indexsmith-wasm/npm-tests/registry-support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [bin, index10k, criterionEstimate] = process.argv.slice(2);
const MiB = 1024 * 1024;
const LAYER = Number(process.env.LAYER_MIB ?? 64) * MiB;
const RUNS = Number(process.env.RUNS ?? 30);
const COPY_RUNS = Number(process.env.COPY_RUNS ?? 3);
const ONLY = process.env.ONLY ?? "";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => x.toFixed(1);

/** Runs a command under GNU time: wall and CPU (user + system) milliseconds, peak RSS in MiB. */
function measured(cmd, args, input) {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", cmd, ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 64 * MiB,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !(cmd === bin && args[0] === "validate" && r.status === 1))
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  const [user, system, rss] = lines[lines.length - 1].split(" ").map(Number);
  return { ms, cpuMs: (user + system) * 1000, peakRssMiB: rss / 1024, stdout: r.stdout };
}

function timeOnly(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status === null || r.status > 1) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return ms;
}

const report = { date: new Date().toISOString() };

if (!ONLY || ONLY === "validate") {
  for (let i = 0; i < 5; i++) timeOnly(bin, ["--version"]);
  const start = [];
  const validate = [];
  // CPU time (user + system) too: on a loaded machine a short process spends much of its wall
  // time waiting for a core, which says nothing about the program.
  const startCpu = [];
  const validateCpu = [];
  for (let i = 0; i < RUNS; i++) {
    start.push(timeOnly(bin, ["--version"]));
    validate.push(timeOnly(bin, ["validate", "--format", "json", index10k]));
    startCpu.push(measured(bin, ["--version"]).cpuMs);
    validateCpu.push(measured(bin, ["validate", "--format", "json", index10k]).cpuMs);
  }
  const estimate = JSON.parse(readFileSync(criterionEstimate, "utf8"));
  const coreMs = estimate.median.point_estimate / 1e6;
  const budget = 1.5 * (coreMs + median(start));
  report.validate = {
    bytes: readFileSync(index10k).length,
    cliMs: median(validate),
    coreMs,
    processStartMs: median(start),
    budgetMs: budget,
    ratio: median(validate) / (coreMs + median(start)),
    ok: median(validate) <= budget,
    cliCpuMs: median(validateCpu),
    processStartCpuMs: median(startCpu),
    cpuRatio: median(validateCpu) / (coreMs + median(startCpu)),
    loadAverage: loadavg()[0],
  };
}

if (!ONLY || ONLY === "first-request") {
  // A listener that notes when the first request arrives and answers an empty tag list.
  let arrived = null;
  const server = createServer((req, res) => {
    arrived ??= performance.now();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: "bench/first", tags: [] }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${server.address().port}`;
  const times = [];
  for (let i = 0; i < RUNS + 5; i++) {
    arrived = null;
    const t0 = performance.now();
    const child = spawn(bin, ["tags", "--quiet", `${host}/bench/first`], { stdio: "ignore" });
    await new Promise((resolve) => child.on("exit", resolve));
    if (arrived === null) throw new Error("indexsmith tags sent no request");
    if (i >= 5) times.push(arrived - t0);
  }
  server.close();
  report.firstRequest = { ms: median(times), budgetMs: 20, ok: median(times) < 20 };
}

if (!ONLY || ONLY === "copy") {
  const source = await startRegistry({ cors: false });
  try {
    const images = [];
    for (const [i, architecture] of ["amd64", "arm64"].entries()) {
      const layer = await pushLargeBlob(source.host, "bench/two", LAYER, i + 1);
      images.push(
        await seedImage(
          source.host,
          "bench/two",
          { os: "linux", architecture },
          {
            layerDescriptors: [layer],
          },
        ),
      );
    }
    const index = await seedIndex(source.host, "bench/two", "v1", images);
    const src = `${source.host}/bench/two:v1`;
    const runs = { indexsmith: [], skopeo: [] };
    let peakRssMiB = 0;
    let skopeoPeakRssMiB = 0;
    for (let run = 0; run < COPY_RUNS; run++) {
      const order = run % 2 === 0 ? ["skopeo", "indexsmith"] : ["indexsmith", "skopeo"];
      for (const tool of order) {
        // Each copy goes to a fresh registry, so that no blob is already there or mountable.
        const target = await startRegistry({ cors: false });
        try {
          const dest = `${target.host}/bench/copy:v1`;
          if (tool === "skopeo") {
            const m = measured("skopeo", [
              "copy",
              "--all",
              "--quiet",
              "--src-tls-verify=false",
              "--dest-tls-verify=false",
              `docker://${src}`,
              `docker://${dest}`,
            ]);
            runs.skopeo.push(m.ms);
            skopeoPeakRssMiB = Math.max(skopeoPeakRssMiB, m.peakRssMiB);
          } else {
            const m = measured(bin, ["copy", "--quiet", src, dest]);
            if (m.stdout.trim() !== index.digest)
              throw new Error(`copy printed ${m.stdout.trim()}, expected ${index.digest}`);
            runs.indexsmith.push(m.ms);
            peakRssMiB = Math.max(peakRssMiB, m.peakRssMiB);
          }
        } finally {
          await target.stop();
        }
      }
    }
    report.copy = {
      layerMiB: LAYER / MiB,
      platforms: 2,
      indexsmithMs: median(runs.indexsmith),
      skopeoMs: median(runs.skopeo),
      ratio: median(runs.indexsmith) / median(runs.skopeo),
      timeOk: median(runs.indexsmith) <= 1.2 * median(runs.skopeo),
      peakRssMiB,
      skopeoPeakRssMiB,
      memoryOk: peakRssMiB < 64,
      runs,
    };
  } finally {
    await source.stop();
  }
}

const lines = [];
if (report.validate) {
  const v = report.validate;
  lines.push(
    `validate (10,000 entries, ${v.bytes} bytes): indexsmith ${f(v.cliMs)} ms; core ${f(v.coreMs)} ms + process start ${f(v.processStartMs)} ms; ratio ${v.ratio.toFixed(2)} (budget ≤ 1.5) ${v.ok ? "ok" : "MISSED"}`,
    `validate CPU time: indexsmith ${f(v.cliCpuMs)} ms; core ${f(v.coreMs)} ms + process start ${f(v.processStartCpuMs)} ms; ratio ${v.cpuRatio.toFixed(2)} (load average ${v.loadAverage.toFixed(1)})`,
  );
}
if (report.firstRequest) {
  lines.push(
    `process start to first request: ${f(report.firstRequest.ms)} ms (budget < 20) ${report.firstRequest.ok ? "ok" : "MISSED"}`,
  );
}
if (report.copy) {
  const c = report.copy;
  lines.push(
    `copy (2 platforms × ${c.layerMiB} MiB): indexsmith ${f(c.indexsmithMs)} ms, skopeo copy --all ${f(c.skopeoMs)} ms; ratio ${c.ratio.toFixed(2)} (budget ≤ 1.2) ${c.timeOk ? "ok" : "MISSED"}`,
    `copy peak RSS: indexsmith ${f(c.peakRssMiB)} MiB (budget < 64) ${c.memoryOk ? "ok" : "MISSED"}; skopeo ${f(c.skopeoPeakRssMiB)} MiB`,
  );
}
console.log(lines.join("\n"));
const out = process.env.REPORT ?? join(root, "bench/report-cli.json");
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(`report: ${out}`);
