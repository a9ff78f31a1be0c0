// Chromium benchmark: the npm package's web build in headless Chromium (Debian's, driven by
// playwright-core) on the 1,000- and 10,000-entry inputs (clean, and with 1, 10 and 80 findings per 100 entries), next to the JavaScript baseline of
// bench/baseline.mjs in the same page. Browsers have no synchronous native SHA-256, so there are
// two pairs, each side by side in one run:
//   sync:  indexsmith `validate` (SHA-256 in WebAssembly) against the baseline hashing with
//          @noble/hashes (the usual synchronous SHA-256 for browsers);
//   async: indexsmith `validateAsync` against the baseline, both hashing with WebCrypto.
// Writes a Markdown table.
//
//   node bench/chromium.mjs INPUTS_DIR OUT.md DEPS_DIR PKG_DIR   (DEPS_DIR: where node_modules/ has
//   ajv and @noble/hashes; default the repository root, the npm workspace)

import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { indexSchema, manifestSchema } from "./oci-schema.mjs";
import { fmt } from "./baseline.mjs";
import { launchChromium, servePage } from "../crates/indexsmith-wasm/npm-tests/browser-support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [
  inputs = "target/bench-inputs",
  out = "target/bench-chromium.md",
  deps = ".",
  pkgDir = "crates/indexsmith-wasm/pkg",
] = process.argv.slice(2);
// The clean inputs, then those with 1, 10 and 80 findings per 100 entries (`-fN`).
const sizes = ["1000", "10000"]
  .flatMap((n) => [n, `${n}-f1`, `${n}-f10`, `${n}-f80`])
  .filter((n) => existsSync(join(inputs, `index-${n}.json`)));

// The ajv validators as standalone ES modules: the page cannot compile schemas with `new Function`
// from Node's ajv, and a web developer would ship them precompiled anyway.
const require = createRequire(pathToFileURL(resolve(deps, "node_modules", "x.js")));
const Ajv = require("ajv");
const standalone = require("ajv/dist/standalone").default;
const ajvDir = mkdtempSync(join(tmpdir(), "indexsmith-bench-ajv-"));
for (const [name, schema] of [
  ["index", indexSchema],
  ["manifest", manifestSchema],
]) {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
  writeFileSync(join(ajvDir, `${name}.js`), standalone(ajv, ajv.compile(schema)));
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>indexsmith bench</title>
<script type="importmap">{ "imports": { "@noble/hashes/crypto": "/noble/crypto.js" } }</script>
<script type="module">
import init, * as ix from '/pkg/web.js';
import validateIndex from '/ajv/index.js';
import validateManifest from '/ajv/manifest.js';
import { sha256 } from '/noble/sha2.js';
import { checkDocument, time, timeAsync } from '/bench/baseline.mjs';

const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
const encoder = new TextEncoder();
const subtle = async (text) => 'sha256:' + hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
const noble = (text) => 'sha256:' + hex(sha256(encoder.encode(text)));
const check = (text) => checkDocument(text, validateIndex, validateManifest);

const cases = {
  indexsmithSync: (text) => ix.validate(text),
  baselineSync: (text) => ({ ...check(text), digest: noble(text) }),
  floorSync: (text) => ({ doc: JSON.parse(text), digest: noble(text) }),
};
const asyncCases = {
  indexsmithAsync: (text) => ix.validateAsync(text),
  baselineAsync: async (text) => {
    const digest = subtle(text);
    return { ...check(text), digest: await digest };
  },
  floorAsync: async (text) => {
    const digest = subtle(text);
    return { doc: JSON.parse(text), digest: await digest };
  },
};

window.run = async (size) => {
  await init();
  const text = await (await fetch('/inputs/index-' + size + '.json')).text();
  const row = { size, userAgent: navigator.userAgent };
  // Every contender must agree on the digest, and the checkers on validity (of a clean input).
  const clean = !size.includes('-f');
  const digests = new Set();
  for (const [name, fn] of Object.entries(cases)) {
    const r = fn(text);
    if (clean && r.valid === false) throw new Error(name + ' finds the input invalid');
    digests.add(r.digest);
    row[name] = time(() => fn(text));
  }
  for (const [name, fn] of Object.entries(asyncCases)) {
    const r = await fn(text);
    if (clean && r.valid === false) throw new Error(name + ' finds the input invalid');
    digests.add(r.digest);
    row[name] = await timeAsync(() => fn(text));
  }
  if (digests.size !== 1) throw new Error('digests differ: ' + [...digests].join(' '));
  return row;
};
window.ready = true;
</script>`;

const server = await servePage(PAGE, {
  "/pkg/": resolve(pkgDir),
  "/ajv/": ajvDir,
  "/noble/": resolve(deps, "node_modules/@noble/hashes/esm"),
  "/bench/": here,
  "/inputs/": resolve(inputs),
});
const browser = await launchChromium();
const rows = [];
try {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.origin + "/");
  await page
    .waitForFunction(() => window.ready === true, null, { timeout: 30_000 })
    .catch(() => {
      throw new Error(`the bench page did not load: ${errors.join("; ")}`);
    });
  for (const size of sizes) {
    const row = await page.evaluate((n) => window.run(n), size);
    rows.push(row);
    console.log(`${size}: ${JSON.stringify(row)}`);
  }
} finally {
  await browser.close();
  server.close();
  rmSync(ajvDir, { recursive: true, force: true });
}

const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
let md = `## Headless Chromium (${rows[0]?.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? "unknown version"})\n\n`;
md +=
  "The web build (`web.js`, the size-tuned module). sync: indexsmith `validate` hashes in WebAssembly; the baseline ";
md +=
  "(JSON.parse + ajv standalone + the index lints) hashes with @noble/hashes. async: indexsmith `validateAsync` and the ";
md += "baseline both hash with WebCrypto. Floors: JSON.parse + the same SHA-256.\n\n";
md +=
  "| entries (-fN: N findings per 100) | indexsmith sync | baseline sync | floor sync | baseline / indexsmith | indexsmith async | baseline async | floor async | baseline / indexsmith |\n";
md += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
for (const r of rows) {
  md += `| ${r.size} | ${fmt(r.indexsmithSync)} | ${fmt(r.baselineSync)} | ${fmt(r.floorSync)} | ${ratio(r.baselineSync, r.indexsmithSync)} | ${fmt(r.indexsmithAsync)} | ${fmt(r.baselineAsync)} | ${fmt(r.floorAsync)} | ${ratio(r.baselineAsync, r.indexsmithAsync)} |\n`;
}
md += "\nTarget: in Chromium, indexsmith not slower than the baseline (ratio ≥ 1).\n";
// Each budget as a line: what it asks, what was measured, pass or miss.
md += "\n### Budgets in Chromium\n\n| budget | measured | verdict |\n|---|---:|---|\n";
for (const r of rows) {
  for (const [mode, ix, base] of [
    ["sync", r.indexsmithSync, r.baselineSync],
    ["async", r.indexsmithAsync, r.baselineAsync],
  ]) {
    md += `| ${r.size}, ${mode}: baseline / indexsmith ≥ 1 | ${ratio(base, ix)} (${fmt(ix)} vs ${fmt(base)}) | ${base / ix >= 1 ? "pass" : "**MISS**"} |\n`;
  }
}
writeFileSync(out, md);
console.log(md);
