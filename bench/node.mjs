// Node benchmark: the same inputs through the indexsmith npm package (when built), a JavaScript
// baseline (JSON.parse + ajv with the OCI schemas + the index lints + node:crypto SHA-256), and
// the floor (JSON.parse + node:crypto SHA-256), clean and with 1, 10 and 80 findings per 100
// entries; then hostile shapes at n and 4n. Prints and writes a Markdown table of times (the
// mean of a batch of runs, the best of nine batches taken in turns: see bestOfInterleavedBatches) and ratios.
//
//   node --expose-gc bench/node.mjs INPUTS_DIR OUT.md [AJV_PREFIX] [PKG_DIR]   (AJV_PREFIX: where node_modules/
//   has ajv; default the repository root, the npm workspace)

import { createHash } from "node:crypto";
import { readFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { indexSchema, manifestSchema } from "./oci-schema.mjs";
import {
  checkDocument,
  fmt,
  bestOfBatches as timeFn,
  bestOfInterleavedBatches,
} from "./baseline.mjs";

const [
  inputs = "target/bench-inputs",
  out = "target/bench-node.md",
  ajvPrefix = ".",
  pkgDir = "crates/indexsmith-wasm/pkg",
] = process.argv.slice(2);

const require = createRequire(pathToFileURL(resolve(ajvPrefix, "node_modules", "x.js")));
const Ajv = require("ajv");
const ajv = new Ajv({ allErrors: true, strict: false });
const validateIndex = ajv.compile(indexSchema);
const validateManifest = ajv.compile(manifestSchema);

// --- the JavaScript baseline a web developer would write -------------------------------------

function baseline(text) {
  const checked = checkDocument(text, validateIndex, validateManifest);
  const digest = "sha256:" + createHash("sha256").update(text).digest("hex");
  return { ...checked, digest };
}

function floor(text) {
  const doc = JSON.parse(text);
  const digest = "sha256:" + createHash("sha256").update(text).digest("hex");
  return { doc, digest };
}

// --- the npm package ----------------------------------------------------------------------------

async function loadIndexsmith() {
  if (!existsSync(pkgDir)) return null;
  // The package's Node entry point; else a wasm-bindgen build (a web one initialised from its
  // .wasm bytes).
  const candidates = [];
  if (existsSync(join(pkgDir, "node.mjs"))) candidates.push({ dir: pkgDir, file: "node.mjs" });
  for (const sub of ["nodejs", "node", "", "web", "bundler"]) {
    const dir = join(pkgDir, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (f.endsWith(".js") && !f.endsWith("_bg.js") && !f.includes("snippets"))
        candidates.push({ dir, file: f, sub });
    }
  }
  for (const { dir, file } of candidates) {
    try {
      const mod = await import(pathToFileURL(resolve(dir, file)).href);
      if (typeof mod.initSync === "function") {
        const wasm = readdirSync(dir).find((f) => f.endsWith(".wasm"));
        mod.initSync({ module: readFileSync(join(dir, wasm)) });
      }
      if (typeof mod.validate === "function") return { mod, path: join(dir, file) };
    } catch (e) {
      console.error(`cannot load ${join(dir, file)}: ${e.message}`);
    }
  }
  return null;
}

// [entries, findings per 100 entries, file]
const files = [10, 100, 1000, 10000].map((n) => [String(n), 0, `index-${n}.json`]);
if (process.env.BENCH_50MB) files.push(["50mb", 0, "index-50mb.json"]);
for (const n of [1000, 10000])
  for (const d of [1, 10, 80]) files.push([String(n), d, `index-${n}-f${d}.json`]);

// Diagnostics that are about the document's size, not its content: the baseline has no such check.
const SIZE_ONLY = new Set(["document/exceeds-registry-limit"]);

const indexsmith = await loadIndexsmith();
const rows = [];
for (const [name, density, file] of files) {
  const path = join(inputs, file);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  // The baseline must agree on what is wrong, or it would time another path: a clean input is
  // valid without findings, and an input with findings has as many for both.
  const b = baseline(text);
  if (density === 0 && (!b.valid || b.findings !== 0))
    throw new Error(
      `${file}: the baseline finds it invalid: ${JSON.stringify([...b.errors, ...b.lints].slice(0, 3))}`,
    );
  const row = {
    name,
    density,
    bytes: Buffer.byteLength(text),
    findings: b.findings,
  };
  const contestants = { baseline: () => baseline(text), floor: () => floor(text) };
  if (indexsmith) {
    const r = indexsmith.mod.validate(text, {});
    const found = r.diagnostics.filter((d) => !SIZE_ONLY.has(d.code)).length;
    // indexsmith lists 1,000 diagnostics of a code, then one that counts the rest.
    const lintCounts = new Map();
    for (const l of b.lints) lintCounts.set(l.code, (lintCounts.get(l.code) ?? 0) + 1);
    const perCode = [b.errors.length, ...lintCounts.values()].filter((n) => n > 0);
    const listed = perCode.reduce((sum, n) => sum + Math.min(n, 1000) + (n > 1000 ? 1 : 0), 0);
    if (found !== listed)
      throw new Error(`${file}: indexsmith lists ${found} findings, the baseline ${listed}`);
    if (r.digest !== b.digest)
      throw new Error(`${file}: digests differ: ${r.digest} vs ${b.digest}`);
    row.diagnostics = r.diagnostics.length;
    contestants.indexsmith = () => indexsmith.mod.validate(text, {});
  }
  Object.assign(row, bestOfInterleavedBatches(contestants));
  rows.push(row);
  console.log(`${name}/${density}: ${JSON.stringify(row)}`);
}

let md = `## Node ${process.version}\n\n`;
md +=
  "Times: the mean of a batch of runs of about 0.15 s, the best of nine batches, indexsmith, the baseline and the floor taking turns batch by batch, each batch on a collected heap (other work on a shared machine only adds time, and all three see the same moments of it).\n\n";
md += indexsmith
  ? `indexsmith npm package: \`${indexsmith.path}\`.\n\n`
  : "indexsmith npm package: not built; JavaScript only.\n\n";
md +=
  "| entries | findings per 100 entries | bytes | diagnostics | indexsmith | JS baseline (JSON.parse + ajv + lints + SHA-256) | floor (JSON.parse + SHA-256) | baseline / indexsmith | indexsmith / floor |\n";
md += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
for (const r of rows) {
  const ix = r.indexsmith;
  md += `| ${r.name} | ${r.density} | ${r.bytes} | ${r.diagnostics ?? r.findings} | ${ix ? fmt(ix) : "–"} | ${fmt(r.baseline)} | ${fmt(r.floor)} | ${ix ? (r.baseline / ix).toFixed(2) + "×" : "–"} | ${ix ? (ix / r.floor).toFixed(2) + "×" : "–"} |\n`;
}
md +=
  "\nTargets: indexsmith ≥ 1.5× faster than the baseline from 1,000 entries at every findings density, and within 1.3× of the floor on clean input.\n";

// Each budget as a line: what it asks, what was measured, pass or miss.
const budgets = [];
const budget = (what, measured, pass) =>
  budgets.push(`| ${what} | ${measured} | ${pass ? "pass" : "**MISS**"} |`);
if (indexsmith) {
  for (const r of rows.filter((r) => Number(r.name) >= 1000)) {
    const speedup = r.baseline / r.indexsmith;
    budget(
      `${r.name} entries, ${r.density} findings per 100: baseline / indexsmith ≥ 1.5`,
      `${speedup.toFixed(2)}× (${fmt(r.indexsmith)} vs ${fmt(r.baseline)})`,
      speedup >= 1.5,
    );
    if (r.density === 0) {
      const overFloor = r.indexsmith / r.floor;
      budget(
        `${r.name} entries, clean: indexsmith / floor ≤ 1.3`,
        `${overFloor.toFixed(2)}× (${fmt(r.indexsmith)} vs ${fmt(r.floor)})`,
        overFloor <= 1.3,
      );
    }
  }
}

// Hostile shapes: time at 4n against time at n, and 1.5 MB of repeated keys.
if (indexsmith) {
  const validate = (text) => indexsmith.mod.validate(text, {});
  const repeatedKeys = (n) => `{"schemaVersion":2${',"manifests":[]'.repeat(n)}}`;
  const entry = (i, platform) =>
    `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${i.toString(16).padStart(64, "0")}","size":1${platform}}`;
  const shapes = [
    ["repeated keys on one line", repeatedKeys, 25_000],
    [
      "duplicate platforms on one line",
      (n) =>
        `{"schemaVersion":2,"manifests":[${Array.from({ length: n }, (_, i) => entry(i, ',"platform":{"os":"linux","architecture":"amd64"}')).join(",")}]}`,
      2_500,
    ],
    [
      "findings under a huge key",
      (n) =>
        `{"${"k".repeat(n * 20)}":{${Array.from({ length: n }, () => '"a":"\\u0001"').join(",")}}}`,
      5_000,
    ],
    [
      "control characters after a long non-ASCII run",
      (n) => `{"a":"${"é".repeat(n * 20)}${"\u0001".repeat(1000)}"}`,
      5_000,
    ],
    ["lone surrogates", (n) => `{"a":"${"\\ud800".repeat(n)}"}`, 10_000],
  ];
  md +=
    "\n### Hostile shapes\n\n| shape | n | time at n | time at 4n | ratio |\n|---|---:|---:|---:|---:|\n";
  for (const [shape, make, n] of shapes) {
    const small = make(n);
    const large = make(4 * n);
    const a = timeFn(() => validate(small));
    const b = timeFn(() => validate(large));
    md += `| ${shape} | ${n} | ${fmt(a)} | ${fmt(b)} | ${(b / a).toFixed(2)}× |\n`;
    budget(`${shape}: time at 4n / time at n ≤ 5`, `${(b / a).toFixed(2)}×`, b / a <= 5);
  }
  const mb = repeatedKeys(Math.ceil(1_500_000 / 15));
  const mbTime = timeFn(() => validate(mb));
  md += `\n1.5 MB of repeated keys (${mb.length} bytes): ${fmt(mbTime)}.\n`;
  md +=
    "\nTargets: time at 4n ≤ 5× time at n for every shape; 1.5 MB of repeated keys under 50 ms.\n";
  budget(`1.5 MB of repeated keys (${mb.length} bytes) < 50 ms`, fmt(mbTime), mbTime < 50);
}
if (budgets.length > 0) {
  md += `\n### Budgets in Node\n\n| budget | measured | verdict |\n|---|---:|---|\n${budgets.join("\n")}\n`;
}
writeFileSync(out, md);
console.log(md);
