// The registry API in headless Chromium: a page on one 127.0.0.1 origin fetches a manifest from a
// docker-registry on another origin that sends CORS headers, and from one that does not
// (CORS_BLOCKED), and copies an image between two registries (buffered ranges, hashed in
// WebAssembly).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { launchChromium, servePage } from "./browser-support.mjs";
import { seedImage, seedIndex, startRegistry } from "./registry-support.mjs";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));

const PAGE = `<!doctype html><meta charset="utf-8"><title>indexsmith registry</title>
<script type="module">
import * as api from '/pkg/web.js';
window.run = async (withCors, withoutCors) => {
  await api.default(new URL('/pkg/indexsmith_bg.wasm', location.href));
  const out = {};
  const events = [];
  const m = await api.fetchManifest(withCors + '/src/app:multi', { onProgress: (e) => events.push(e.type) });
  out.manifest = { digest: m.digest, mediaType: m.mediaType, size: m.size, text: m.text, isBytes: m.bytes instanceof Uint8Array, valid: m.report.valid, kind: m.report.kind };
  out.events = events;
  const inspected = await api.inspect(withCors + '/src/app:multi');
  out.platforms = inspected.children.map((c) => c.platform.architecture);
  try {
    await api.fetchManifest(withoutCors + '/src/app:multi');
    out.blocked = null;
  } catch (e) {
    out.blocked = { isError: e instanceof Error, code: e.code };
  }
  return out;
};
window.copy = async (source, target, options) => {
  await api.default(new URL('/pkg/indexsmith_bg.wasm', location.href));
  const progress = [];
  const r = await api.copyImage(source, target, { ...options, onProgress: (e) => progress.push(e.type) });
  return { result: r, progress: progress.filter((t) => t === 'blobProgress').length };
};
window.ready = true;
</script>`;

let server;
let cors;
let noCors;
let target;
let index;
let images;

before(async () => {
  cors = await startRegistry();
  noCors = await startRegistry({ cors: false });
  target = await startRegistry();
  images = [];
  for (const architecture of ["amd64", "arm64"])
    images.push(await seedImage(cors.host, "src/app", { os: "linux", architecture }));
  index = await seedIndex(cors.host, "src/app", "multi", images);
  const other = await seedImage(noCors.host, "src/app", { os: "linux", architecture: "amd64" });
  await seedIndex(noCors.host, "src/app", "multi", [other]);

  server = await servePage(PAGE, { "/pkg/": pkgDir });
});

after(async () => {
  server?.close();
  await cors?.stop();
  await noCors?.stop();
  await target?.stop();
});

test("copyImage from a page in Chromium: blobs in buffered ranges of the chunk size", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(server.origin + "/");
    await page.waitForFunction(() => window.ready === true);
    // `streamUploads` is ignored in browsers: ranges of 7 bytes all the same.
    const out = await page.evaluate(
      ([a, b]) => window.copy(a, b, { chunkSize: 7, streamUploads: true }),
      [`${cors.host}/src/app:multi`, `${target.host}/copy/app:multi`],
    );
    assert.deepEqual(errors, []);
    assert.equal(out.result.digest, index.digest);
    assert.deepEqual(out.result.blobs, { copied: 4, mounted: 0, skipped: 0 });
    // seedImage's layer: `layer 0 of <os>/<arch> in <repo>`.
    const layerBytes = images.reduce(
      (n, m) => n + Buffer.byteLength(`layer 0 of linux/${m.platform.architecture} in src/app`),
      0,
    );
    assert.equal(
      out.result.bytes,
      images.reduce((n, m) => n + m.config.size, 0) + layerBytes,
      "configs and layers",
    );
    assert.ok(
      out.progress >= Math.ceil(out.result.bytes / 7) - 4,
      `${out.progress} ranges of at most 7 bytes`,
    );
    const back = await fetch(`http://${target.host}/v2/copy/app/manifests/multi`, {
      headers: { accept: "application/vnd.oci.image.index.v1+json" },
    });
    assert.equal(back.headers.get("docker-content-digest"), index.digest);
  } finally {
    await browser.close();
  }
});

test("fetchManifest from a page in Chromium, and CORS_BLOCKED without CORS headers", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(server.origin + "/");
    await page.waitForFunction(() => window.ready === true);
    const out = await page.evaluate(([a, b]) => window.run(a, b), [cors.host, noCors.host]);
    assert.deepEqual(errors, []);
    assert.equal(out.manifest.digest, index.digest);
    assert.equal(out.manifest.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.equal(out.manifest.size, index.bytes.length);
    assert.equal(out.manifest.text, index.bytes.toString());
    assert.equal(out.manifest.isBytes, true);
    assert.equal(out.manifest.valid, true);
    assert.equal(out.manifest.kind, "oci-index");
    assert.deepEqual(out.events, ["manifestFetched"]);
    assert.deepEqual(out.platforms, ["amd64", "arm64"]);
    assert.deepEqual(out.blocked, { isError: true, code: "CORS_BLOCKED" });
  } finally {
    await browser.close();
  }
});
