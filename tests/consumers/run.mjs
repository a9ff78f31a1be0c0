// The consumer matrix of the npm package: each setup a user has — TypeScript (CommonJS and ESM,
// every module resolution, without the DOM lib), arethetypeswrong, Node ESM and CommonJS, Vite
// (dev server and build), webpack 5, esbuild (browser, and bundles for Node), Rollup — in a fresh
// temporary project with the packed tarball installed, built with the pinned tools of this folder
// and run in Node or loaded in headless Chromium, asserting a real result: the corpus index is
// valid, with its sha256 digest and size, and the registry module answers a registry call.
//
//   node tests/consumers/run.mjs [PKG_DIR] [--only NAME,...]
//
// PKG_DIR defaults to crates/indexsmith-wasm/pkg (scripts/build-npm.sh). Prints, per browser
// setup, what a page that only validates downloads (raw and gzip -9), and writes the figures to
// tests/output/consumers.json.
import assert from "node:assert/strict";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  DOC,
  EXPECTED,
  TAGS,
  here,
  launchChromium,
  node,
  pack,
  project,
  remove,
  runPage,
  serve,
  tools,
  toolsRequire,
} from "./support.mjs";

const args = process.argv.slice(2);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(",")) : null;
const positional = args.filter((a, i) => !a.startsWith("--") && i !== onlyAt + 1);
const root = resolve(here, "../..");
const pkgDir = resolve(positional[0] ?? join(root, "crates/indexsmith-wasm/pkg"));

const toolImport = (name) => import(pathToFileURL(toolsRequire.resolve(name)).href);

// ---- the programs the setups build ---------------------------------------------------------

const docModule = `export default ${JSON.stringify(DOC)};\n`;

// Node: validates, and checks that init is the function a default import gives.
const nodeProgram = (importLine, exit = "") => `${importLine}
const run = async () => {
  if (typeof init !== "function") throw new Error("the default import is not init: " + typeof init);
  await init();
  const r = validate(doc);
  console.log(JSON.stringify({ valid: r.valid, kind: r.kind, digest: r.digest, size: r.size, version: version() }));
};
run().catch((e) => { console.error(e); process.exit(1); });${exit}
`;

// Browsers: validates, notes what the page loaded so far, then makes one registry call.
const browserProgram = (entry) => `import init, { validate, listTags } from "${entry}";
import doc from "./doc.js";

async function main() {
  await init();
  const r = validate(doc);
  const loaded = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);
  const registry = new URLSearchParams(location.search).get("registry");
  let tags;
  try {
    tags = await listTags(registry + "/consumer/app");
  } catch (e) {
    tags = { code: e.code, message: e.message };
  }
  return { valid: r.valid, kind: r.kind, digest: r.digest, size: r.size, loaded, tags };
}
main().then(
  (result) => (window.result = result),
  (e) => (window.result = { error: (e && e.code) + ": " + (e && e.message) }),
);
`;

const browserValidateOnly = (entry) => `import init, { validate } from "${entry}";
import doc from "./doc.js";
init().then(() => { window.result = validate(doc).digest; });
`;

const html = (script, module = true) =>
  `<!doctype html><meta charset="utf-8"><title>consumer</title><script ${module ? 'type="module" ' : ""}src="${script}"></script>\n`;

// ---- TypeScript -----------------------------------------------------------------------------

const TS_USE = `
const report: Report = validate(doc);
const d: Diagnostic[] = report.diagnostics;
const p: Platform = parsePlatform("linux/arm64");
const ok: boolean = report.valid && d.length >= 0 && p.architecture === "arm64";
`;

function tsProject(name, tarball, { type, compilerOptions, files, run }) {
  return {
    name,
    kind: "node",
    run: () => {
      const dir = project(name, {
        tarball,
        type,
        links: ["typescript", "@types/node"],
        files: {
          "tsconfig.json": JSON.stringify({
            compilerOptions: {
              strict: true,
              skipLibCheck: false,
              target: "es2022",
              outDir: "out",
              types: ["node"],
              ...compilerOptions,
            },
            include: ["src"],
          }),
          "src/doc.ts": `export default ${JSON.stringify(DOC)};\n`,
          ...files,
        },
      });
      try {
        node([join(tools, "typescript/bin/tsc"), "-p", "."], dir);
        return run ? run(dir) : { typechecked: true };
      } finally {
        remove(dir);
      }
    },
  };
}

const tsProgram = (
  from,
  extra = "",
) => `import init, { validate, parsePlatform, version } from "${from}";
import type { Report, Diagnostic, Platform, InitInput, RegistryError } from "${from}";
import doc from "./doc${extra}";
${TS_USE}
const input: InitInput | undefined = undefined;
const registryError: RegistryError | null = null;
(async () => {
  if (typeof init !== "function") throw new Error("the default import is not init: " + typeof init);
  await init(input);
  const r = validate(doc);
  console.log(JSON.stringify({ valid: r.valid, kind: r.kind, digest: r.digest, size: r.size, version: version(), ok, registryError }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// Types only: no console, no process, no DOM; every kind of value the declarations name.
const tsTypesOnly = (
  from,
) => `import init, { initSync, validate, parsePlatform, listTags } from "${from}";
import type { Report, InitInput, InitOptions, RegistryError, RegistryCallOptions } from "${from}";
export async function check(doc: string, wasm: Uint8Array, options: RegistryCallOptions): Promise<string> {
  const input: InitInput = wasm;
  const where: InitOptions = { core: input, registry: "/assets/indexsmith_registry_bg.wasm" };
  await init(where);
  initSync(wasm);
  const r: Report = validate(doc);
  const tags: string[] = await listTags("127.0.0.1:5000/app", options);
  const e = null as RegistryError | null;
  return r.digest + parsePlatform("linux/arm64").os + tags.length + (e ? e.code + e.status + e.retryable : "");
}
`;

const parseRun = (out) => JSON.parse(out.trim().split("\n").pop());

function checkReport(r) {
  assert.equal(r.valid, EXPECTED.valid, "valid");
  assert.equal(r.kind, EXPECTED.kind, "kind");
  assert.equal(r.digest, EXPECTED.digest, "digest");
  assert.equal(r.size, EXPECTED.size, "size");
}

// ---- the setups -----------------------------------------------------------------------------

function setups(tarball, version) {
  const runNode = (file) => (dir) => {
    const r = parseRun(node([file], dir));
    checkReport(r);
    assert.equal(r.version, version);
    return { valid: r.valid, digest: r.digest };
  };
  const list = [];

  for (const [name, type, file, importLine] of [
    ["node-esm", "module", "main.mjs", 'import init, { validate, version } from "indexsmith";'],
    [
      "node-cjs",
      "commonjs",
      "main.cjs",
      'const { validate, version } = require("indexsmith"); const init = require("indexsmith").default;',
    ],
    [
      "node-esm-subpath",
      "module",
      "main.mjs",
      'import init, { validate, version } from "indexsmith/node";',
    ],
  ]) {
    list.push({
      name,
      kind: "node",
      run: () => {
        const dir = project(name, {
          tarball,
          type,
          files: { [file]: `const doc = ${JSON.stringify(DOC)};\n${nodeProgram(importLine)}` },
        });
        try {
          return runNode(file)(dir);
        } finally {
          remove(dir);
        }
      },
    });
  }

  // TypeScript compiled to CommonJS and to ES modules, run; and type-checked only.
  list.push(
    tsProject("ts-node16-cjs", tarball, {
      type: "commonjs",
      compilerOptions: { module: "node16", moduleResolution: "node16" },
      files: {
        "src/main.ts": tsProgram("indexsmith", ".js"),
        "src/sub.ts": tsProgram("indexsmith/node", ".js"),
      },
      run: (dir) => {
        runNode("out/sub.js")(dir);
        return runNode("out/main.js")(dir);
      },
    }),
    tsProject("ts-node16-esm", tarball, {
      type: "module",
      compilerOptions: { module: "node16", moduleResolution: "node16" },
      files: {
        "src/main.ts": tsProgram("indexsmith", ".js"),
        "src/sub.ts": tsProgram("indexsmith/node", ".js"),
      },
      run: (dir) => {
        runNode("out/sub.js")(dir);
        return runNode("out/main.js")(dir);
      },
    }),
    tsProject("ts-nodenext-cjs", tarball, {
      type: "commonjs",
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext" },
      files: { "src/main.ts": tsProgram("indexsmith", ".js") },
      run: runNode("out/main.js"),
    }),
    tsProject("ts-node10-cjs", tarball, {
      compilerOptions: { module: "commonjs", moduleResolution: "node10", esModuleInterop: true },
      files: {
        "src/main.ts": tsProgram("indexsmith"),
        "src/sub.ts": tsProgram("indexsmith/node"),
      },
      run: (dir) => {
        runNode("out/sub.js")(dir);
        return runNode("out/main.js")(dir);
      },
    }),
    tsProject("ts-bundler", tarball, {
      type: "module",
      compilerOptions: {
        module: "esnext",
        moduleResolution: "bundler",
        noEmit: true,
        lib: ["es2022", "dom"],
      },
      files: {
        "src/main.ts": tsProgram("indexsmith"),
        "src/inline.ts": tsProgram("indexsmith/inline"),
        "src/web.ts": tsProgram("indexsmith/web"),
      },
    }),
    // No DOM lib and no @types/node: the declarations stand on their own.
    tsProject("ts-no-dom", tarball, {
      type: "module",
      compilerOptions: {
        module: "node16",
        moduleResolution: "node16",
        lib: ["es2022"],
        types: [],
        noEmit: true,
      },
      files: {
        "src/main.ts": tsTypesOnly("indexsmith"),
        "src/inline.ts": tsTypesOnly("indexsmith/inline"),
      },
    }),
    tsProject("ts-no-dom-node-types", tarball, {
      type: "module",
      compilerOptions: {
        module: "node16",
        moduleResolution: "node16",
        lib: ["es2022"],
        noEmit: true,
      },
      files: {
        "src/main.ts": tsProgram("indexsmith", ".js"),
        "src/types.ts": tsTypesOnly("indexsmith"),
      },
    }),
  );

  list.push({
    name: "arethetypeswrong",
    kind: "node",
    run: () => {
      // The .wasm files are assets, not modules. attw exits 1 when it finds a problem, and its
      // report goes to a file: piped, it is cut where the process exits.
      const report = join(dirname(tarball), "attw.json");
      const fd = openSync(report, "w");
      try {
        execFileSync(
          process.execPath,
          [
            join(tools, "@arethetypeswrong/cli/dist/index.js"),
            "--format",
            "json",
            "--exclude-entrypoints",
            "./indexsmith_bg.wasm",
            "./indexsmith_registry_bg.wasm",
            "--",
            tarball,
          ],
          { stdio: ["ignore", fd, "pipe"] },
        );
      } catch (e) {
        if (e.status !== 1) throw e;
      } finally {
        closeSync(fd);
      }
      const result = JSON.parse(readFileSync(report, "utf8"));
      const problems = Object.values(result.problems ?? {})
        .flat()
        .map((p) => `${p.kind} ${p.entrypoint} ${p.resolutionKind}`);
      // `.` and `./node` are clean in every mode; `./web` and `./inline` are ES modules (browser
      // and bundler entry points), which CommonJS in Node reaches by dynamic import only.
      assert.deepEqual(
        problems.sort(),
        ["CJSResolvesToESM ./inline node16-cjs", "CJSResolvesToESM ./web node16-cjs"],
        "arethetypeswrong problems",
      );
      const entrypoints = Object.keys(result.analysis.entrypoints);
      for (const e of [".", "./node", "./web", "./inline"]) assert.ok(entrypoints.includes(e), e);
      return { problems, entrypoints };
    },
  });

  // Node bundles: esbuild --platform=node, run from a folder without node_modules.
  for (const format of ["esm", "cjs"]) {
    list.push({
      name: `esbuild-node-${format}`,
      kind: "node",
      run: async () => {
        const file = format === "esm" ? "main.mjs" : "main.cjs";
        const dir = project(`esbuild-node-${format}`, {
          tarball,
          type: "module",
          files: {
            "src/main.js": `import doc from "./doc.js";\n${nodeProgram('import init, { validate, version } from "indexsmith";')}`,
            "src/doc.js": docModule,
          },
        });
        const elsewhere = mkdtempSync(join(tmpdir(), "indexsmith-consumer-bundle-"));
        try {
          const esbuild = toolsRequire("esbuild");
          await esbuild.build({
            absWorkingDir: dir,
            entryPoints: ["src/main.js"],
            bundle: true,
            platform: "node",
            format,
            outfile: join(elsewhere, file),
            logLevel: "warning",
          });
          const r = parseRun(node([file], elsewhere));
          checkReport(r);
          return { valid: r.valid, digest: r.digest };
        } finally {
          remove(dir);
          remove(elsewhere);
        }
      },
    });
  }

  // Browsers.
  const browser = (name, entry, build, { splits = true, fails } = {}) =>
    list.push({
      name,
      kind: "browser",
      run: async (ctx) => {
        const dir = project(name, {
          tarball,
          type: "module",
          files: {
            "src/main.js": browserProgram(entry),
            "src/doc.js": docModule,
            "index.html": html("/src/main.js"),
          },
        });
        try {
          const { url, served, stop } = await build(dir);
          try {
            const registry = new URL(ctx.registry.origin).host;
            const { result, errors } = await runPage(ctx.context, `${url}?registry=${registry}`);
            if (fails) {
              // A setup the README says needs its one line: without it, a clear error.
              assert.match(String(result.error), fails);
              return { error: result.error.slice(0, 60) };
            }
            assert.equal(result.error, undefined, `${result.error} ${errors.join("\n")}`);
            checkReport(result);
            assert.deepEqual(result.tags, TAGS, "listTags through the registry module");
            const early = result.loaded.filter((p) => !p.startsWith("/v2/"));
            assert.ok(
              !early.some((p) => p.includes("indexsmith_registry_bg")),
              `a page that validates loads no registry module: ${early}`,
            );
            const sizes = served ? sizesOf(served, early, splits) : null;
            return { valid: result.valid, digest: result.digest, ...sizes };
          } finally {
            await stop();
          }
        } finally {
          remove(dir);
        }
      },
    });

  // What the page fetched before its first registry call: the bytes, and no registry driver.
  function sizesOf(distDir, paths, splits) {
    let raw = 0;
    let gzip = 0;
    const files = [...new Set(paths)].filter((p) => existsSync(join(distDir, p)));
    for (const p of files) {
      const bytes = readFileSync(join(distDir, p));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
      if (splits && p.endsWith(".js")) {
        assert.ok(
          !bytes.includes("a streamed range starts at"),
          `${p} carries the registry driver into a page that only validates`,
        );
      }
    }
    return { validatePageRaw: raw, validatePageGzip: gzip, files: files.length };
  }

  const staticBuild =
    (builder, distName = "dist") =>
    async (dir) => {
      await builder(dir);
      const dist = join(dir, distName);
      const server = await serve(dist);
      return { url: `${server.origin}/`, served: dist, stop: server.close };
    };

  const viteBuild = (optimize) =>
    staticBuild(async (dir) => {
      const vite = await toolImport("vite");
      // logLevel "error": Vite warns of chunks over 500 kB, which the inline entry point's are.
      await vite.build({ root: dir, configFile: false, logLevel: "error", ...optimize });
    });
  const viteDev = (optimize) => async (dir) => {
    const vite = await toolImport("vite");
    const server = await vite.createServer({
      root: dir,
      configFile: false,
      logLevel: "warn",
      server: { host: "127.0.0.1", port: 0, strictPort: false, hmr: false },
      ...optimize,
    });
    await server.listen();
    const address = server.httpServer.address();
    return { url: `http://127.0.0.1:${address.port}/`, served: null, stop: () => server.close() };
  };
  const EXCLUDE = { optimizeDeps: { exclude: ["indexsmith"] } };

  browser("vite-build", "indexsmith", viteBuild({}));
  browser("vite-build-inline", "indexsmith/inline", viteBuild({}));
  browser("vite-dev-inline", "indexsmith/inline", viteDev({}));
  browser("vite-dev-exclude", "indexsmith", viteDev(EXCLUDE));
  browser("vite-dev-without-exclude", "indexsmith", viteDev({}), {
    fails: /^load-failed: .*indexsmith_bg\.wasm.*indexsmith\/inline/,
  });

  browser(
    "webpack",
    "indexsmith",
    staticBuild(async (dir) => {
      const webpack = toolsRequire("webpack");
      await new Promise((done, fail) =>
        webpack(
          {
            mode: "production",
            context: dir,
            entry: "./src/main.js",
            output: { path: join(dir, "dist") },
          },
          (err, stats) =>
            err || stats.hasErrors()
              ? fail(err ?? new Error(stats.toString("errors-only")))
              : done(),
        ),
      );
      writeFileSync(join(dir, "dist/index.html"), html("main.js", false));
    }),
  );
  browser(
    "webpack-inline",
    "indexsmith/inline",
    staticBuild(async (dir) => {
      const webpack = toolsRequire("webpack");
      await new Promise((done, fail) =>
        webpack(
          {
            mode: "production",
            context: dir,
            entry: "./src/main.js",
            output: { path: join(dir, "dist") },
          },
          (err, stats) =>
            err || stats.hasErrors()
              ? fail(err ?? new Error(stats.toString("errors-only")))
              : done(),
        ),
      );
      writeFileSync(join(dir, "dist/index.html"), html("main.js", false));
    }),
  );

  const esbuildBrowser = (options) =>
    staticBuild(async (dir) => {
      const esbuild = toolsRequire("esbuild");
      await esbuild.build({
        absWorkingDir: dir,
        entryPoints: ["src/main.js"],
        bundle: true,
        outdir: "dist",
        logLevel: "warning",
        ...options,
      });
      writeFileSync(join(dir, "dist/index.html"), html("main.js", options.format === "esm"));
    });
  // Without splitting esbuild puts the registry code a page calls into its one file.
  browser("esbuild", "indexsmith/inline", esbuildBrowser({ format: "iife", minify: true }), {
    splits: false,
  });
  browser(
    "esbuild-splitting",
    "indexsmith/inline",
    esbuildBrowser({ format: "esm", splitting: true }),
  );

  browser(
    "rollup",
    "indexsmith/inline",
    staticBuild(async (dir) => {
      const { rollup } = await toolImport("rollup");
      const { nodeResolve } = await toolImport("@rollup/plugin-node-resolve");
      const bundle = await rollup({
        input: join(dir, "src/main.js"),
        plugins: [nodeResolve({ browser: true, rootDir: dir })],
      });
      await bundle.write({ dir: join(dir, "dist"), format: "es" });
      writeFileSync(join(dir, "dist/index.html"), html("main.js"));
    }),
  );

  // A page that only validates, built by esbuild without splitting: no registry code in it.
  list.push({
    name: "esbuild-validate-only",
    kind: "node",
    run: async () => {
      const dir = project("esbuild-validate-only", {
        tarball,
        type: "module",
        files: { "src/main.js": browserValidateOnly("indexsmith/inline"), "src/doc.js": docModule },
      });
      try {
        const esbuild = toolsRequire("esbuild");
        const out = await esbuild.build({
          absWorkingDir: dir,
          entryPoints: ["src/main.js"],
          bundle: true,
          minify: true,
          format: "iife",
          write: false,
          outdir: "dist",
        });
        const text = out.outputFiles.map((f) => f.text).join("");
        assert.ok(!text.includes("a streamed range starts at"), "no registry driver");
        const registryBase64 = readFileSync(
          join(dir, "node_modules/indexsmith/registry.inline.js"),
          "utf8",
        ).slice(16, 80);
        assert.ok(!text.includes(registryBase64), "no registry module");
        return { bytes: text.length, gzip: gzipSync(text, { level: 9 }).length };
      } finally {
        remove(dir);
      }
    },
  });

  return only ? list.filter((s) => only.has(s.name)) : list;
}

// ---- the run --------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), "indexsmith-consumers-"));
const packed = pack(pkgDir, work);
const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
console.log(`packed ${packed.path}: ${packed.size} bytes, ${packed.unpackedSize} unpacked`);

const results = {};
let failures = 0;
let browserCtx = null;
try {
  for (const setup of setups(packed.path, version)) {
    if (setup.kind === "browser" && !browserCtx) {
      const registry = await serve(work);
      const chromium = await launchChromium();
      browserCtx = { registry, context: chromium.context, close: chromium.close };
    }
    const started = Date.now();
    try {
      const result = await setup.run(browserCtx);
      results[setup.name] = { ok: true, ...result };
      console.log(`ok   ${setup.name} ${JSON.stringify(result)} (${Date.now() - started} ms)`);
    } catch (e) {
      failures++;
      results[setup.name] = { ok: false, error: String(e.stack ?? e) };
      console.log(
        `FAIL ${setup.name}\n${String(e.stdout ?? "")}${String(e.stderr ?? "")}${e.stack ?? e}`,
      );
    }
  }
} finally {
  if (browserCtx) {
    await browserCtx.close();
    await browserCtx.registry.close();
  }
  remove(work);
}

mkdirSync(join(root, "tests/output"), { recursive: true });
writeFileSync(
  join(root, "tests/output/consumers.json"),
  JSON.stringify(
    { tarball: { size: packed.size, unpackedSize: packed.unpackedSize }, results },
    null,
    2,
  ),
);
console.log(failures ? `${failures} setup(s) failed` : "every setup passed");
process.exit(failures ? 1 : 0);
