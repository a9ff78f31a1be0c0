// Budgets of the npm package's registry API, measured against real docker-registry instances on
// 127.0.0.1 (run by `cargo xtask bench-registry`, which builds the package first):
//
// 1. inspect of an index with 16 children: wall time ≤ 2 × one child's round trip (inspect of
//    one child image: its manifest and config);
// 2. pushIndex of an index whose children are in another repository of the same registry:
//    0 blob bytes uploaded;
// 3. copyImage of an image with a 256 MiB layer: peak RSS of the Node process < 64 MiB above its
//    idle level, and time ≤ 1.2 × `skopeo copy --all` on the same registries, side by side.
//
// Prints the figures and writes them to bench/report-registry.json (or $REPORT). ONLY=inspect
// measures the first budget alone.
//
// The registry (npm-tests/registry-support.mjs) runs Debian's default configuration, as a
// deployment does: info-level log with the access log on, written to a file (as a service's log
// goes to the journal, not through a pipe into this process), and the in-memory blob descriptor
// cache. On loopback a round trip is CPU work of this process and of the registry, both on the
// same cores, so the inspect figures come with the CPU time each side spent and the floor that
// sets: 33 requests cannot take less wall time than the registry's CPU time for them divided by
// the cores, however concurrent the client.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  pushLargeBlob,
  seedImage,
  seedIndex,
  sha256,
  startRegistry,
} from "../crates/indexsmith-wasm/npm-tests/registry-support.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkgDir = join(root, "crates/indexsmith-wasm/pkg");
const api = createRequire(join(pkgDir, "package.json"))("./node.cjs");
const MiB = 1024 * 1024;
const LAYER = Number(process.env.LAYER_MIB ?? 256) * MiB;
const RUNS = Number(process.env.RUNS ?? 15);
const inspectOnly = process.env.ONLY === "inspect";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

// CPU time of a process so far, in ms (Linux: utime + stime from /proc/<pid>/stat, in ticks
// of 10 ms), and of this process (process.cpuUsage, in µs).
const processCpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const cores = availableParallelism();

const source = await startRegistry();
const report = { date: new Date().toISOString(), node: process.version };
try {
  // 1. inspect, 16 children.
  const platforms = Array.from({ length: 16 }, (_, i) => ({
    os: "linux",
    architecture: `arch${i}`,
  }));
  const children = [];
  for (const p of platforms)
    children.push(await seedImage(source.host, "bench/many", p, { layers: 2 }));
  await seedIndex(source.host, "bench/many", "v1", children);
  const child = `${source.host}/bench/many@${children[0].digest}`;
  const whole = `${source.host}/bench/many:v1`;
  // Warm-up: V8 compiles the hot WebAssembly and JavaScript functions again, optimized, on
  // background threads during the first calls; that CPU time belongs to no steady-state call.
  for (let i = 0; i < 30; i++) {
    await api.inspect(child);
    await api.inspect(whole);
  }
  const childTimes = [];
  const indexTimes = [];
  // CPU spent by the registry and by this process, summed over the runs of each kind.
  const cpu = {
    child: { registry: 0, node: 0 },
    index: { registry: 0, node: 0 },
    bare: { registry: 0, node: 0 },
  };
  async function measured(kind, fn) {
    const r0 = processCpuMs(source.pid);
    const n0 = ownCpuMs();
    const ms = await timed(fn);
    cpu[kind].node += ownCpuMs() - n0;
    cpu[kind].registry += processCpuMs(source.pid) - r0;
    return ms;
  }
  for (let i = 0; i < RUNS; i++) {
    childTimes.push(await measured("child", () => api.inspect(child)));
    indexTimes.push(await measured("index", () => api.inspect(whole)));
  }
  // The same requests with bare fetch and no protocol work (index, then the 16 manifests at once,
  // then the 16 configs at once): what the registry itself allows on this machine.
  const accept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";
  const get = (path) =>
    fetch(`http://${source.host}/v2/bench/many/${path}`, { headers: { accept } }).then((r) =>
      r.arrayBuffer(),
    );
  const bareTimes = [];
  for (let i = 0; i < RUNS; i++) {
    bareTimes.push(
      await measured("bare", async () => {
        await get("manifests/v1");
        await Promise.all(children.map((c) => get(`manifests/${c.digest}`)));
        await Promise.all(children.map((c) => get(`blobs/${c.config.digest}`)));
      }),
    );
  }
  // One request at a time, each kind on its own: the registry's cost per request.
  const perRequest = async (path) => {
    for (let i = 0; i < 20; i++) await get(path);
    const n = 200;
    const r0 = processCpuMs(source.pid);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await get(path);
    return {
      wallMs: (performance.now() - t0) / n,
      registryCpuMs: (processCpuMs(source.pid) - r0) / n,
    };
  };
  const registryPerRequest = {
    manifest: await perRequest(`manifests/${children[0].digest}`),
    configBlob: await perRequest(`blobs/${children[0].config.digest}`),
  };
  // The same index served from memory by a process of its own (bench/registry-static-server.mjs):
  // the ratio without the registry's cost per request.
  const routes = {};
  const capture = async (path, type) => {
    const r = await fetch(`http://${source.host}/v2/bench/many/${path}`, { headers: { accept } });
    const body = Buffer.from(await r.arrayBuffer());
    routes[`/v2/bench/many/${path}`] = {
      type: r.headers.get("content-type") ?? type,
      digest: r.headers.get("docker-content-digest") ?? sha256(body),
      body: body.toString("base64"),
    };
  };
  await capture("manifests/v1");
  for (const c of children) {
    await capture(`manifests/${c.digest}`);
    await capture(`blobs/${c.config.digest}`, "application/octet-stream");
  }
  const routesFile = join(mkdtempSync(join(tmpdir(), "indexsmith-bench-")), "routes.json");
  writeFileSync(routesFile, JSON.stringify(routes));
  const staticInspect = async (delayMs) => {
    const staticServer = spawn(
      process.execPath,
      [join(root, "bench/registry-static-server.mjs"), routesFile, String(delayMs)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const staticPort = await new Promise((resolve) =>
      staticServer.stdout.once("data", (d) => resolve(Number(String(d).trim()))),
    );
    try {
      const sChild = `127.0.0.1:${staticPort}/bench/many@${children[0].digest}`;
      const sWhole = `127.0.0.1:${staticPort}/bench/many:v1`;
      for (let i = 0; i < 3; i++) {
        await api.inspect(sChild);
        await api.inspect(sWhole);
      }
      const sChildTimes = [];
      const sIndexTimes = [];
      for (let i = 0; i < RUNS; i++) {
        sChildTimes.push(await timed(() => api.inspect(sChild)));
        sIndexTimes.push(await timed(() => api.inspect(sWhole)));
      }
      const sGet = (path) =>
        fetch(`http://127.0.0.1:${staticPort}/v2/bench/many/${path}`, { headers: { accept } }).then(
          (r) => r.arrayBuffer(),
        );
      const sBare = [];
      for (let i = 0; i < RUNS; i++) {
        sBare.push(
          await timed(async () => {
            await sGet("manifests/v1");
            await Promise.all(children.map((c) => sGet(`manifests/${c.digest}`)));
            await Promise.all(children.map((c) => sGet(`blobs/${c.config.digest}`)));
          }),
        );
      }
      return {
        childRoundTripMs: median(sChildTimes),
        indexMs: median(sIndexTimes),
        ratio: median(sIndexTimes) / median(sChildTimes),
        budget: 2,
        bareFetchMs: median(sBare),
      };
    } finally {
      staticServer.kill();
    }
  };
  try {
    report.inspectStatic = await staticInspect(0);
    // With 20 ms per answer, as from a remote registry: the index takes three round trips
    // (index, children, configs) and one child two, so concurrency shows as a ratio near 1.5.
    report.inspectRemote = { delayMs: 20, ...(await staticInspect(20)) };
  } finally {
    rmSync(dirname(routesFile), { recursive: true, force: true });
  }
  for (const r of [report.inspectStatic, report.inspectRemote]) r.ok = r.ratio <= 2;
  const inspectResult = await api.inspect(whole);
  const perRun = (kind) => ({
    registryCpuMs: cpu[kind].registry / RUNS,
    nodeCpuMs: cpu[kind].node / RUNS,
  });
  report.inspect = {
    children: inspectResult.children.length,
    childRoundTripMs: median(childTimes),
    indexMs: median(indexTimes),
    ratio: median(indexTimes) / median(childTimes),
    budget: 2,
    bareFetchMs: median(bareTimes),
    ratioToBareFetch: median(indexTimes) / median(bareTimes),
    cores,
    // Mean CPU time per run: the registry's and this process's.
    cpu: { child: perRun("child"), index: perRun("index"), bareFetch: perRun("bare") },
    registryPerRequest,
  };
  // The least wall time the index can take here: the registry's CPU time for its requests spread
  // over every core, with a client that costs nothing; and with this client's CPU time added.
  const idx = report.inspect.cpu.index;
  report.inspect.registryFloorMs = idx.registryCpuMs / cores;
  report.inspect.registryFloorRatio =
    report.inspect.registryFloorMs / report.inspect.childRoundTripMs;
  report.inspect.cpuFloorMs = (idx.registryCpuMs + idx.nodeCpuMs) / cores;
  report.inspect.cpuFloorRatio = report.inspect.cpuFloorMs / report.inspect.childRoundTripMs;
  report.inspect.ok = report.inspect.ratio <= 2;

  if (!inspectOnly) {
    // 2. push with mounts.
    const created = await api.createIndexFromReferences(
      children.map((c) => `${source.host}/bench/many@${c.digest}`),
    );
    const pushed = await api.pushIndex(created.text, `${source.host}/bench/mounted:v1`, {
      sources: [`${source.host}/bench/many`],
    });
    report.pushMount = {
      children: 16,
      blobsMounted: pushed.report.blobsMounted,
      blobsUploaded: pushed.report.blobsUploaded,
      bytesUploaded: pushed.report.bytesUploaded,
      budget: 0,
    };
    report.pushMount.ok = pushed.report.bytesUploaded === 0;

    // 3. copy of an image with a large layer.
    const layer = await pushLargeBlob(source.host, "bench/big", LAYER);
    await seedImage(
      source.host,
      "bench/big",
      { os: "linux", architecture: "amd64" },
      { tag: "v1", layerDescriptors: [layer] },
    );
    const src = `${source.host}/bench/big:v1`;
    const copies = { indexsmith: [], skopeo: [] };
    let memory = null;
    let liveAboveIdleMiB = 0;
    const worker = (env, to) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ["--expose-gc", join(root, "bench/registry-copy-worker.mjs"), pkgDir, src, to],
          { encoding: "utf8", env: { ...process.env, ...env } },
        )
          .trim()
          .split("\n")
          .pop(),
      );
    // Each copy goes to a fresh registry: skopeo remembers where it has seen a blob and would
    // mount it from an earlier copy's repository.
    async function withTarget(fn) {
      const target = await startRegistry();
      try {
        return await fn(target.host);
      } finally {
        await target.stop();
      }
    }
    for (let run = 0; run < Number(process.env.COPY_RUNS ?? 3); run++) {
      // Alternate the order so that neither always runs on a warmer cache.
      const order = run % 2 === 0 ? ["skopeo", "indexsmith"] : ["indexsmith", "skopeo"];
      for (const tool of order) {
        await withTarget(async (host) => {
          const dest = `${host}/bench/copy:v1`;
          if (tool === "skopeo") {
            const t0 = performance.now();
            const r = spawnSync(
              "skopeo",
              [
                "copy",
                "--all",
                "--quiet",
                "--src-tls-verify=false",
                "--dest-tls-verify=false",
                `docker://${src}`,
                `docker://${dest}`,
              ],
              { encoding: "utf8" },
            );
            if (r.status !== 0) throw new Error(`skopeo copy failed: ${r.stderr}`);
            copies.skopeo.push(performance.now() - t0);
            return;
          }
          const m = worker({}, dest);
          if (m.result.bytes < LAYER || m.result.blobs.copied !== 2)
            throw new Error(`unexpected copy result ${JSON.stringify(m.result)}`);
          copies.indexsmith.push(m.ms);
          const above = (m.peakRss - m.idleRss) / MiB;
          if (!memory || above > memory.peakAboveIdleMiB) {
            memory = {
              idleRssMiB: m.idleRss / MiB,
              peakRssMiB: m.peakRss / MiB,
              peakAboveIdleMiB: above,
              peakHeapAboveIdleMiB: (m.peakHeap - m.idleHeap) / MiB,
              peakBuffersAboveIdleMiB: (m.peakExternal - m.idleExternal) / MiB,
              bytesCopied: m.result.bytes,
            };
          }
        });
      }
    }
    // Once more with a collection every 10 ms: the memory the copy keeps alive, without the garbage
    // (network reads) that V8 lets pile up until its next collection. Not timed.
    await withTarget(async (host) => {
      const live = worker({ GC_EVERY: "10" }, `${host}/bench/live:v1`);
      liveAboveIdleMiB = (live.peakRss - live.idleRss) / MiB;
    });
    report.copy = {
      layerMiB: LAYER / MiB,
      ...memory,
      liveAboveIdleMiB,
      memoryBudgetMiB: 64,
      indexsmithMs: median(copies.indexsmith),
      skopeoMs: median(copies.skopeo),
      runs: copies,
      timeRatio: median(copies.indexsmith) / median(copies.skopeo),
      timeBudget: 1.2,
    };
    report.copy.memoryOk = report.copy.peakAboveIdleMiB < 64;
    report.copy.timeOk = report.copy.timeRatio <= 1.2;
  }
} finally {
  await source.stop();
}

const f = (x) => x.toFixed(1);
console.log(
  `inspect, ${report.inspect.children} children: ${f(report.inspect.indexMs)} ms; one child: ${f(report.inspect.childRoundTripMs)} ms; ratio ${report.inspect.ratio.toFixed(2)} (budget ≤ 2) ${report.inspect.ok ? "ok" : "MISSED"}`,
);
console.log(
  `  the same 33 requests with bare fetch, fully concurrent: ${f(report.inspect.bareFetchMs)} ms (inspect / bare fetch: ${report.inspect.ratioToBareFetch.toFixed(2)})`,
);
{
  const i = report.inspect;
  const c = (x) => `registry ${f(x.registryCpuMs)} ms + this process ${f(x.nodeCpuMs)} ms`;
  console.log(
    `  CPU per run: index ${c(i.cpu.index)}; one child ${c(i.cpu.child)}; bare fetch ${c(i.cpu.bareFetch)}`,
  );
  console.log(
    `  the registry per request (one at a time): manifest ${i.registryPerRequest.manifest.wallMs.toFixed(2)} ms wall, ${i.registryPerRequest.manifest.registryCpuMs.toFixed(2)} ms CPU; config blob ${i.registryPerRequest.configBlob.wallMs.toFixed(2)} ms wall, ${i.registryPerRequest.configBlob.registryCpuMs.toFixed(2)} ms CPU`,
  );
  console.log(
    `  floor on ${i.cores} cores: the registry's CPU alone ${f(i.registryFloorMs)} ms (ratio ${i.registryFloorRatio.toFixed(2)}); with this process's ${f(i.cpuFloorMs)} ms (ratio ${i.cpuFloorRatio.toFixed(2)})`,
  );
}
console.log(
  `  the same index served from memory by another process: ${f(report.inspectStatic.indexMs)} ms; one child: ${f(report.inspectStatic.childRoundTripMs)} ms; ratio ${report.inspectStatic.ratio.toFixed(2)} (budget ≤ 2) ${report.inspectStatic.ok ? "ok" : "MISSED"}; bare fetch ${f(report.inspectStatic.bareFetchMs)} ms`,
);
console.log(
  `  the same index answered after 20 ms each (a remote registry's round trip): ${f(report.inspectRemote.indexMs)} ms; one child: ${f(report.inspectRemote.childRoundTripMs)} ms; ratio ${report.inspectRemote.ratio.toFixed(2)} (budget ≤ 2) ${report.inspectRemote.ok ? "ok" : "MISSED"}`,
);
if (!inspectOnly) {
  console.log(
    `push with mounts, 16 children: ${report.pushMount.blobsMounted} blobs mounted, ${report.pushMount.bytesUploaded} blob bytes uploaded (budget 0) ${report.pushMount.ok ? "ok" : "MISSED"}`,
  );
  console.log(
    `copy, ${report.copy.layerMiB} MiB layer: peak RSS ${f(report.copy.peakAboveIdleMiB)} MiB above idle (${f(report.copy.idleRssMiB)} → ${f(report.copy.peakRssMiB)} MiB; budget < 64) ${report.copy.memoryOk ? "ok" : "MISSED"}`,
  );
  console.log(`  live (collecting every 10 ms): ${f(report.copy.liveAboveIdleMiB)} MiB above idle`);
  console.log(
    `copy time: indexsmith ${f(report.copy.indexsmithMs)} ms, skopeo copy --all ${f(report.copy.skopeoMs)} ms; ratio ${report.copy.timeRatio.toFixed(2)} (budget ≤ 1.2) ${report.copy.timeOk ? "ok" : "MISSED"}`,
  );
}
const out = process.env.REPORT ?? join(root, "bench/report-registry.json");
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(`report: ${out}`);
