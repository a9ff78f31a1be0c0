// Loading the modules and the errors of calls: `init` in Chromium from a missing file, from an HTML
// page, with unknown members, and with `{ core, registry }`; the inline entry point; the fields of
// registry errors and the check of the driver's options, in Chromium and in Node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { launchChromium, servePage } from "./browser-support.mjs";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));
const DOC =
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}';

// Each function runs in a fresh page and returns what it saw; errors become { code, … }.
const PAGE = `<!doctype html><meta charset="utf-8"><title>loading</title>
<script type="module">
const fields = (e) => ({ code: e.code, message: e.message, url: e.url ?? undefined, status: e.status, retryable: e.retryable, retryAfter: e.retryAfter, detail: e.detail });
const attempt = async (f) => { try { return { value: await f() }; } catch (e) { return { error: fields(e) }; } };
const DOC = ${JSON.stringify(DOC)};
window.cases = {
  async missing() {
    const api = await import('/pkg/web.js');
    const first = await attempt(() => api.default('/nowhere/indexsmith_bg.wasm'));
    const html = await attempt(() => api.default('/'));
    const unknown = await attempt(() => api.default({ cores: '/pkg/indexsmith_bg.wasm' }));
    const wrongType = await attempt(() => api.default({ core: 42 }));
    const before = await attempt(() => api.validate(DOC));
    return { first, html, unknown, wrongType, before };
  },
  async locations() {
    const api = await import('/pkg/web.js');
    await api.default({ core: new URL('/pkg/indexsmith_bg.wasm', location.href), registry: '/nowhere/registry.wasm' });
    const digest = api.validate(DOC).digest;
    const registry = await attempt(() => api.listTags('127.0.0.1:9/x'));
    const options = await attempt(() => api.listTags(location.host + '/x', { timeout: 'soon' }));
    const signal = await attempt(() => api.inspect(location.host + '/x:1', { signal: 'stop' }));
    await api.default({ registry: '/pkg/indexsmith_registry_bg.wasm' });
    const badPort = await attempt(() => api.listTags('127.0.0.1:6000/x'));
    return { digest, registry, options, signal, badPort };
  },
  async inline() {
    const api = await import('/pkg/inline.js');
    await api.default();
    const wasmFetched = performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm'));
    const badRef = await attempt(() => api.fetchManifest('UPPER/Case'));
    return { digest: api.validate(DOC).digest, wasmFetched, badRef };
  },
};
window.ready = true;
</script>`;

let server;
before(async () => {
  server = await servePage(PAGE, { "/pkg/": pkgDir });
});
after(() => server?.close());

async function run(name) {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.origin + "/");
    await page.waitForFunction(() => window.ready === true);
    return await page.evaluate((n) => window.cases[n](), name);
  } finally {
    await browser.close();
  }
}

const NONE = { status: null, retryable: false, retryAfter: null, detail: null };

test("init: a module that cannot be loaded is load-failed, naming where; bad arguments are invalid-options", async () => {
  const out = await run("missing");
  assert.equal(out.first.error.code, "load-failed");
  assert.match(out.first.error.message, /\/nowhere\/indexsmith_bg\.wasm: the server answered 404/);
  assert.match(out.first.error.url, /\/nowhere\/indexsmith_bg\.wasm$/);
  // An HTML page where the module was expected (what a dev server answers for a missing file).
  assert.equal(out.html.error.code, "load-failed");
  assert.match(out.html.error.message, /indexsmith\/inline/);
  assert.equal(out.unknown.error.code, "invalid-options");
  assert.match(out.unknown.error.message, /`cores`/);
  assert.equal(out.wrongType.error.code, "invalid-options");
  assert.match(out.wrongType.error.message, /`core`/);
  assert.equal(out.before.error.code, "uninitialized");
});

test("init({ core, registry }): each module from where it says; registry errors have every field", async () => {
  const out = await run("locations");
  assert.match(out.digest, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(
    { ...out.registry.error, message: undefined, url: undefined },
    { code: "load-failed", message: undefined, url: undefined, ...NONE },
  );
  assert.match(out.registry.error.url, /\/nowhere\/registry\.wasm$/);
  assert.deepEqual(
    { ...out.options.error, url: undefined },
    {
      code: "invalid-options",
      message: "options.timeout: expected a positive number of seconds",
      url: undefined,
      ...NONE,
    },
  );
  assert.equal(out.signal.error.code, "invalid-options");
  // A port browsers refuse to connect to is a network error, not CORS.
  assert.equal(out.badPort.error.code, "NETWORK");
  assert.match(out.signal.error.message, /options\.signal/);
});

test("indexsmith/inline: no .wasm file fetched, the same results", async () => {
  const out = await run("inline");
  assert.equal(out.wasmFetched, false);
  assert.equal(out.digest, require("indexsmith").digest(DOC));
  assert.equal(out.badRef.error.code, "reference/name-contains-uppercase");
  assert.equal(out.badRef.error.status, null);
  assert.equal(out.badRef.error.retryable, false);
});

test("Node: registry errors have every field, and the driver's options are checked", async () => {
  const esm = await import("indexsmith");
  for (const [name, api] of [
    ["require", require("indexsmith")],
    ["import", esm],
  ]) {
    await assert.rejects(api.listTags("127.0.0.1:9/x", { timeout: "soon" }), (e) => {
      assert.equal(e.code, "invalid-options", name);
      assert.equal(e.message, "options.timeout: expected a positive number of seconds", name);
      assert.deepEqual(
        { status: e.status, retryable: e.retryable, retryAfter: e.retryAfter, detail: e.detail },
        NONE,
      );
      return true;
    });
    await assert.rejects(api.fetchManifest("127.0.0.1:9/x", { proxy: 8080 }), {
      code: "invalid-options",
    });
    await assert.rejects(api.fetchManifest("UPPER/Case"), (e) => {
      assert.equal(e.code, "reference/name-contains-uppercase", name);
      assert.equal(e.status, null, name);
      assert.equal(e.retryable, false, name);
      return true;
    });
  }
  // TypeScript's CommonJS output of `import init from "indexsmith"` reads `.default` of a module
  // marked `__esModule`.
  const cjs = require("indexsmith");
  assert.equal(cjs.__esModule, true);
  assert.equal(cjs.default, cjs.init);
  assert.equal(Object.keys(cjs).includes("__esModule"), false);
});
