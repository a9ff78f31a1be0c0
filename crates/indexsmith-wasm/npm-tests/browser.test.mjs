// The web build in headless Chromium: a page served from 127.0.0.1 loads the package's web entry
// point, initialises it, and validates a corpus document fetched from the same server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { launchChromium, root, servePage } from "./browser-support.mjs";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));

const PAGE = `<!doctype html><meta charset="utf-8"><title>indexsmith</title>
<script type="module">
import * as api from '/pkg/web.js';
window.run = async () => {
  const out = { names: Object.keys(api).sort() };
  try { api.validate('{}'); } catch (e) { out.beforeInit = { isError: e instanceof Error, code: e.code }; }
  await api.default(); // the .wasm next to web.js, found through import.meta.url
  await api.init(); // a second call does nothing
  const text = await (await fetch('/corpus/regclient-v3-index-arm-variants.json')).text();
  out.report = api.validate(text);
  out.bytesReport = api.validate(new Uint8Array(await (await fetch('/corpus/regclient-v3-index-arm-variants.json')).arrayBuffer()));
  out.version = api.version();
  const bad = '{\\n  "é😀\\uD800": x}';
  out.bad = api.validate(bad);
  // The async variant hashes with WebCrypto: the same reports.
  out.asyncReport = await api.validateAsync(text);
  out.asyncBad = await api.validateAsync(bad);
  out.asyncBytes = await api.validateAsync(new TextEncoder().encode(bad));
  try { await api.validateAsync(42); } catch (e) { out.asyncError = { isError: e instanceof Error, code: e.code }; }
  // A string longer than the in-place encoding threshold (one million units), not all ASCII.
  const big = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"x":"' + 'é€'.repeat(600000) + '"}}';
  const bigBytes = new TextEncoder().encode(big);
  const bigHash = new Uint8Array(await crypto.subtle.digest('SHA-256', bigBytes));
  out.big = { report: api.validate(big), asyncReport: await api.validateAsync(big), size: bigBytes.length, digest: 'sha256:' + Array.from(bigHash, (b) => b.toString(16).padStart(2, '0')).join('') };
  out.badColumn = bad.split('\\n')[1].indexOf('x') + 1;
  const encoded = new TextEncoder().encode(bad);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', encoded));
  out.badExpectedDigest = 'sha256:' + Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  out.badExpectedSize = encoded.length;
  out.platform = api.parsePlatform('linux/arm');
  try { api.parseReference('UPPER'); } catch (e) { out.referenceError = { isError: e instanceof Error, code: e.code }; }
  // What the entry point does after a trap, done by hand on the glue it wraps (same module
  // instance): a real trap, then re-instantiation, after which calls work.
  const glue = await import('/pkg/glue.web.js');
  const instance = glue.initSync();
  try { glue.abortForTest(); } catch (e) { out.trapped = e instanceof WebAssembly.RuntimeError; }
  glue.__wbg_reset_state();
  out.reinstantiated = glue.initSync() !== instance;
  out.afterReset = api.validate(text).digest;
  return out;
};
window.ready = true;
</script>`;

let server;

before(async () => {
  server = await servePage(PAGE, {
    "/pkg/": pkgDir,
    "/corpus/": join(root, "tests/fixtures/corpus"),
  });
});

after(() => server?.close());

test("the web build validates in Chromium", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(server.origin + "/");
    await page.waitForFunction(() => window.ready === true);
    const out = await page.evaluate(() => window.run());
    assert.deepEqual(errors, []);

    const nodeNames = Object.keys(require("indexsmith"))
      .filter((n) => n !== "default")
      .sort();
    assert.deepEqual(
      out.names.filter((n) => n !== "default"),
      nodeNames,
      "the web build has the API of the Node build",
    );
    assert.deepEqual(out.beforeInit, { isError: true, code: "uninitialized" });

    for (const [name, r] of [
      ["string", out.report],
      ["bytes", out.bytesReport],
    ]) {
      assert.equal(r.valid, true, name);
      assert.equal(r.kind, "oci-index", name);
      assert.equal(r.mediaType, "application/vnd.oci.image.index.v1+json", name);
      assert.equal(
        r.digest,
        "sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
        name,
      );
      assert.equal(r.size, 1141, name);
    }
    assert.equal(out.version, require("indexsmith").version());

    const d = out.bad.diagnostics.find((x) => x.code === "json/syntax");
    assert.equal(d.line, 2);
    assert.equal(d.column, out.badColumn);
    assert.equal(
      out.bad.digest,
      out.badExpectedDigest,
      "a string is digested as its UTF-8 encoding",
    );
    assert.equal(out.bad.size, out.badExpectedSize);
    assert.equal(out.bad.kind, null);
    assert.deepEqual(out.asyncReport, out.report, "validateAsync: the report of validate");
    assert.deepEqual(out.asyncBad, out.bad, "validateAsync of a string with an unpaired surrogate");
    assert.deepEqual(out.asyncBytes, out.bad, "validateAsync of bytes");
    assert.deepEqual(out.asyncError, { isError: true, code: "invalid-input" });
    assert.equal(out.big.report.size, out.big.size, "a long string: its UTF-8 size");
    assert.equal(
      out.big.report.digest,
      out.big.digest,
      "a long string: the digest of its UTF-8 bytes",
    );
    assert.equal(out.big.report.kind, "oci-index");
    assert.deepEqual(out.big.asyncReport, out.big.report, "a long string: validateAsync");

    assert.deepEqual(out.platform, {
      os: "linux",
      architecture: "arm",
      variant: "v7",
      osVersion: null,
      osFeatures: [],
    });
    assert.deepEqual(out.referenceError, {
      isError: true,
      code: "reference/name-contains-uppercase",
    });
    assert.equal(out.trapped, true);
    assert.equal(out.reinstantiated, true);
    assert.equal(
      out.afterReset,
      "sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
    );
  } finally {
    await browser.close();
  }
});
