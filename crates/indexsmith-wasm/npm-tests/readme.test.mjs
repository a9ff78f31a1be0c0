// The package README, checked against the package: every JavaScript example in it runs, and what
// it states of the package (sizes, the actions of a push plan) is what the package has.
//
// Examples are fenced `js` (run in Node, in a folder with the package and `index.json`, a real
// corpus index), `js browser` (run as a module in headless Chromium, `indexsmith` mapped to the web
// entry point, the same index in the page's textarea) or `js registry` (run in Node against a
// docker-registry on 127.0.0.1 seeded with the images the example names, its hosts rewritten to
// it). An example passes when it runs to its end without an error and prints what it says it does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium, root, servePage } from "./browser-support.mjs";
import { seedImage, seedIndex, startRegistry } from "./registry-support.mjs";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));
const readme = readFileSync(join(root, "crates/indexsmith-wasm/README.md"), "utf8");
const doc = readFileSync(
  join(root, "tests/fixtures/corpus/regclient-v3-index-arm-variants.json"),
  "utf8",
);
const docDigest = `sha256:${createHash("sha256").update(doc).digest("hex")}`;

/** The fenced examples of the README: `{ kind, code, line }`. */
function examples() {
  const out = [];
  const fence = /^```js( browser| registry)?\n([\s\S]*?)^```$/gm;
  for (let m; (m = fence.exec(readme));) {
    out.push({
      kind: (m[1] ?? " node").trim(),
      code: m[2],
      line: readme.slice(0, m.index).split("\n").length,
    });
  }
  return out;
}

const REGISTRY_NAMES = [
  "fetchManifest",
  "inspect",
  "listTags",
  "createIndexFromReferences",
  "planPush",
  "pushIndex",
  "copyImage",
];

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "indexsmith-readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(pkgDir, join(dir, "node_modules/indexsmith"), "dir");
  writeFileSync(join(dir, "package.json"), '{"private":true,"type":"module"}');
  writeFileSync(join(dir, "index.json"), doc);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function runNode(code, name) {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8", stdio: "pipe" });
}

test("the README has examples of each kind", () => {
  const kinds = examples().map((e) => e.kind);
  for (const kind of ["node", "browser", "registry"]) assert.ok(kinds.includes(kind), kind);
});

test("the README's Node examples run and print the index's real report", () => {
  for (const { kind, code, line } of examples()) {
    if (kind !== "node") continue;
    const out = runNode(code, `node-${line}`);
    assert.match(out, new RegExp(`true oci-index ${docDigest} ${Buffer.byteLength(doc)}`), line);
  }
});

test("the README's browser examples run in Chromium and print the index's real report", async () => {
  const browser = await launchChromium();
  try {
    for (const { kind, code, line } of examples()) {
      if (kind !== "browser") continue;
      const page = `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"indexsmith":"/pkg/web.js"}}</script>
<textarea>${doc.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</textarea>
<script type="module" src="/example/example.js"></script>`;
      const server = await servePage(page, { "/pkg/": pkgDir, "/example/": dir });
      writeFileSync(join(dir, "example.js"), code);
      try {
        const tab = await browser.context.newPage();
        const logged = [];
        const errors = [];
        tab.on("console", (m) => {
          // A failed request is reported below with its URL (the browser asks for a favicon).
          if (m.text().startsWith("Failed to load resource")) return;
          (m.type() === "error" ? errors : logged).push(m.text());
        });
        tab.on("response", (r) => {
          if (r.status() >= 400 && !r.url().endsWith("/favicon.ico"))
            errors.push(`${r.status()} ${r.url()}`);
        });
        tab.on("pageerror", (e) => errors.push(String(e)));
        await tab.goto(`${server.origin}/`);
        await new Promise((resolve) => {
          const check = () => (logged.length || errors.length ? resolve() : setTimeout(check, 50));
          check();
        });
        assert.deepEqual(errors, [], `README line ${line}`);
        assert.deepEqual(logged, [`true oci-index ${docDigest}`], `README line ${line}`);
        await tab.close();
      } finally {
        server.close();
      }
    }
  } finally {
    await browser.close();
  }
});

test("the README's registry examples run against a local registry", async () => {
  for (const { kind, code, line } of examples()) {
    if (kind !== "registry") continue;
    const registry = await startRegistry();
    try {
      const { host } = registry;
      const amd64 = { os: "linux", architecture: "amd64" };
      const arm64 = { os: "linux", architecture: "arm64", variant: "v8" };
      const images = [
        await seedImage(host, "owner/app", amd64, { tag: "1.0-amd64" }),
        await seedImage(host, "owner/app", arm64, { tag: "1.0-arm64" }),
      ];
      await seedIndex(host, "owner/app", "1.0", images);
      await seedImage(host, "app-amd64", amd64, { tag: "1.0" });
      await seedImage(host, "app-arm64", arm64, { tag: "1.0" });
      const imports = REGISTRY_NAMES.filter(
        (n) => !code.includes(`${n},`) && !code.includes(`${n} }`),
      );
      const program =
        (code.includes("from 'indexsmith'")
          ? ""
          : `import { ${imports.join(", ")} } from 'indexsmith';\n`) +
        code.replaceAll("ghcr.io", host).replaceAll("registry.example", host) +
        "\nconsole.log('done');\n";
      const out = runNode(program, `registry-${line}`);
      assert.match(out, /done\n$/, `README line ${line}`);
    } finally {
      await registry.stop();
    }
  }
});

test("the README's figures and names are the package's", () => {
  // The registry module's gzip size, in KiB.
  const registryKiB = Number(
    /`indexsmith_registry_bg\.wasm` \(about (\d+) KiB\s+gzip/.exec(readme)?.[1],
  );
  const actual =
    gzipSync(readFileSync(join(pkgDir, "indexsmith_registry_bg.wasm")), { level: 9 }).length / 1024;
  assert.ok(
    Math.abs(registryKiB - actual) <= actual * 0.03,
    `README ${registryKiB} KiB, package ${actual.toFixed(1)} KiB`,
  );
  // The actions of a push plan: the README's list is the declared union.
  const declared = /export type PlanAction = ([^;]+);/
    .exec(readFileSync(join(pkgDir, "indexsmith.d.ts"), "utf8"))[1]
    .split("|")
    .map((s) => s.trim().replace(/"/g, ""));
  const written = /action: ('[^,]+)/
    .exec(readme)[1]
    .split("|")
    .map((s) => s.trim().replace(/'/g, ""));
  assert.deepEqual(written, declared);
  // The modules the README names are the package's .wasm files.
  const files = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).files;
  for (const wasm of files.filter((f) => f.endsWith(".wasm")))
    assert.ok(readme.includes(wasm), wasm);
  assert.match(readme, /three WebAssembly modules/);
  assert.equal(files.filter((f) => f.endsWith(".wasm")).length, 3);
});
