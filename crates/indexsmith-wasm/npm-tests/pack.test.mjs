// `npm pack` gives a tarball that installs into a fresh folder, where `require` and `import` work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));

test("npm pack, install the tarball, then require and import it", () => {
  const dir = mkdtempSync(join(tmpdir(), "indexsmith-pack-"));
  try {
    const npm = (args, cwd) =>
      execFileSync("npm", [...args, "--no-audit", "--no-fund", "--offline"], {
        cwd,
        encoding: "utf8",
        env: {
          ...process.env,
          npm_config_cache: join(dir, "cache"),
          npm_config_update_notifier: "false",
        },
      });
    const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], pkgDir));
    assert.deepEqual(packed.files.map((f) => f.path).sort(), [
      "LICENSE",
      "README.md",
      "call-options.cjs",
      "call-options.web.js",
      "core.inline.js",
      "glue.node.cjs",
      "glue.web.js",
      "indexsmith.d.cts",
      "indexsmith.d.ts",
      "indexsmith_bg.wasm",
      "indexsmith_node_bg.wasm",
      "indexsmith_registry_bg.wasm",
      "inline.d.ts",
      "inline.js",
      "loader.js",
      "node.cjs",
      "node.d.ts",
      "node.mjs",
      "package.json",
      "registry.cjs",
      "registry.inline.js",
      "registry.web.js",
      "registry_glue.node.cjs",
      "registry_glue.web.js",
      "report.cjs",
      "report.web.js",
      "web.d.ts",
      "web.js",
    ]);
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), '{"private":true}');
    npm(["install", join(dir, packed.filename)], app);

    const doc =
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';
    const cjs = execFileSync(
      process.execPath,
      [
        "-e",
        `const i = require('indexsmith'); const r = i.validate(${JSON.stringify(doc)}); console.log(JSON.stringify([r.valid, r.kind, r.digest, i.version()]))`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    const esm = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import init, { validate, version } from 'indexsmith'; await init(); const r = validate(${JSON.stringify(doc)}); console.log(JSON.stringify([r.valid, r.kind, r.digest, version()]))`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    const expected = [
      true,
      "oci-index",
      require("indexsmith").digest(doc),
      require("indexsmith").version(),
    ];
    assert.deepEqual(JSON.parse(cjs), expected, "require");
    assert.deepEqual(JSON.parse(esm), expected, "import");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
