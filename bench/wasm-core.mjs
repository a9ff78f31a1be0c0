// The core in WebAssembly against the same code natively: times the raw exports of
// `indexsmith-bench-wasm` (no bindings, no serialization) on the benchmark inputs, and divides by
// the native criterion medians. Writes a Markdown table.
//
//   node bench/wasm-core.mjs INPUTS_DIR OUT.md [CRITERION_DIR]

import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const [
  inputs = "target/bench-inputs",
  out = "target/bench-wasm-core.md",
  criterion = "target/criterion",
] = process.argv.slice(2);

const builds = [
  [
    "wasm-node (opt-level 3, the npm package in Node)",
    "target/wasm32-unknown-unknown/wasm-node/indexsmith_bench_wasm.wasm",
  ],
  [
    "wasm-release (opt-level z, the npm package in browsers)",
    "target/wasm32-unknown-unknown/wasm-release/indexsmith_bench_wasm.wasm",
  ],
].filter(([, path]) => existsSync(path));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn, minRuns = 15) {
  for (let i = 0; i < 3; i++) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start < 1000 && samples.length < 2000)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** The native criterion median in milliseconds, if measured. */
function native(id) {
  const path = join(criterion, id, "new/estimates.json");
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")).median.point_estimate / 1e6;
}

const fmt = (ms) =>
  ms === undefined ? "–" : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
const ratio = (a, b) => (a === undefined || b === undefined ? "–" : `${(a / b).toFixed(2)}×`);

const sizes = ["10", "100", "1000", "10000"];
if (process.env.BENCH_50MB) sizes.push("50mb");

let md = `## The core in WebAssembly (Node ${process.version}) against native\n\n`;
md +=
  "Same code, raw exports, input already in wasm memory. Ratio = wasm median / native criterion median.\n\n";
for (const [label, path] of builds) {
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
  const x = instance.exports;
  md += `### ${label}: ${readFileSync(path).length} bytes raw, ${gzipSync(readFileSync(path), { level: 9 }).length} bytes gzip -9\n\n`;
  md +=
    "| entries | parse + validate (no digest) | ratio to native | parse only | ratio | SHA-256 only | ratio | validate + digest | ratio |\n";
  md += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const size of sizes) {
    const file = join(inputs, size === "50mb" ? "index-50mb.json" : `index-${size}.json`);
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    const ptr = x.input(bytes.length);
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    if (x.validate_with_digest() !== 1) throw new Error(`${file}: invalid in wasm`);
    const v = time(() => x.validate_document_only());
    const p = time(() => x.parse_only());
    const h = time(() => x.sha256_only());
    const all = time(() => x.validate_with_digest());
    md += `| ${size} | ${fmt(v)} | ${ratio(v, native(`validate/validate_document/${size}`))} | ${fmt(p)} | ${ratio(p, native(`validate/parse/${size}`))} | ${fmt(h)} | ${ratio(h, native(`validate/sha256/${size}`))} | ${fmt(all)} | ${ratio(all, native(`validate/validate+digest/${size}`))} |\n`;
  }
  md += "\n";
}
md += "Target: wasm parse + validate (hashing excluded) within 2× native.\n\n";
writeFileSync(out, md);
console.log(md);
