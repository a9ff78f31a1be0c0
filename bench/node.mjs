// Node benchmark: the same inputs through the indexsmith npm package (when built), a JavaScript
// baseline (JSON.parse + ajv with the OCI schemas + a duplicate-platform pass + node:crypto
// SHA-256), and the floor (JSON.parse + node:crypto SHA-256). Prints and writes a Markdown table
// of medians and ratios.
//
//   node bench/node.mjs INPUTS_DIR OUT.md [AJV_PREFIX] [PKG_DIR]   (AJV_PREFIX: where node_modules/
//   has ajv; default the repository root, the npm workspace)

import { createHash } from "node:crypto";
import { readFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { indexSchema, manifestSchema } from "./oci-schema.mjs";
import { checkDocument, fmt, time as timeFn } from "./baseline.mjs";

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

const files = [10, 100, 1000, 10000].map((n) => [String(n), `index-${n}.json`]);
if (process.env.BENCH_50MB) files.push(["50mb", "index-50mb.json"]);

const indexsmith = await loadIndexsmith();
const rows = [];
for (const [name, file] of files) {
  const path = join(inputs, file);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  // The baseline must agree that the input is valid, or it would time an error path.
  const b = baseline(text);
  if (!b.valid)
    throw new Error(
      `${file}: the baseline finds it invalid: ${JSON.stringify(b.errors?.slice(0, 3))}`,
    );
  const row = {
    name,
    bytes: Buffer.byteLength(text),
    baseline: timeFn(() => baseline(text)),
    floor: timeFn(() => floor(text)),
  };
  if (indexsmith) {
    const r = indexsmith.mod.validate(text, {});
    if (r.valid !== true) throw new Error(`${file}: indexsmith finds it invalid`);
    if (r.digest !== b.digest)
      throw new Error(`${file}: digests differ: ${r.digest} vs ${b.digest}`);
    row.indexsmith = timeFn(() => indexsmith.mod.validate(text, {}));
  }
  rows.push(row);
  console.log(`${name}: ${JSON.stringify(row)}`);
}

let md = `## Node ${process.version}\n\n`;
md += indexsmith
  ? `indexsmith npm package: \`${indexsmith.path}\`.\n\n`
  : "indexsmith npm package: not built; JavaScript only.\n\n";
md +=
  "| entries | bytes | indexsmith | JS baseline (JSON.parse + ajv + duplicates + SHA-256) | floor (JSON.parse + SHA-256) | baseline / indexsmith | indexsmith / floor |\n";
md += "|---:|---:|---:|---:|---:|---:|---:|\n";
for (const r of rows) {
  const ix = r.indexsmith;
  md += `| ${r.name} | ${r.bytes} | ${ix ? fmt(ix) : "–"} | ${fmt(r.baseline)} | ${fmt(r.floor)} | ${ix ? (r.baseline / ix).toFixed(2) + "×" : "–"} | ${ix ? (ix / r.floor).toFixed(2) + "×" : "–"} |\n`;
}
md +=
  "\nTargets: indexsmith ≥ 1.5× faster than the baseline from 1,000 entries, and within 1.3× of the floor.\n";
writeFileSync(out, md);
console.log(md);
