// The behaviour suite over the npm package in headless Chromium: a page on its own 127.0.0.1
// origin loads the package's browser entry point and runs each scenario's operation there (fetch,
// uploads in buffered ranges, hashing in WebAssembly). Through the proxy the page is a
// cross-origin caller that `indexsmith serve` allows (`--cors-origin`).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  launchChromium,
  servePage,
} from "../../crates/indexsmith-wasm/npm-tests/browser-support.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { defineSuite } from "./suite.mjs";
import { CANNOT, USER } from "./scenarios.mjs";
import { startWorld } from "./world.mjs";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("indexsmith/package.json"));
const suiteDir = dirname(fileURLToPath(import.meta.url));

const PAGE = `<!doctype html><meta charset="utf-8"><title>indexsmith registry behaviour</title>
<script type="module">
import * as api from '/pkg/web.js';
import { callNpm } from '/behaviour/npm-calls.mjs';
const loaded = api.default(new URL('/pkg/indexsmith_bg.wasm', location.href));
window.call = async (op, args, options) => {
  await loaded;
  return callNpm(api, op, args, options);
};
window.ready = true;
</script>`;

const running = defineSuite("chromium", async () => {
  const server = await servePage(PAGE, { "/pkg/": pkgDir, "/behaviour/": suiteDir });
  let world;
  let browser;
  try {
    world = await startWorld({ corsOrigin: server.origin });
    browser = await launchChromium();
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => window.ready === true);
    return {
      world,
      async call(op, args, options) {
        if (errors.length) throw new Error(`errors on the page: ${errors.join("; ")}`);
        return page.evaluate(([o, a, opts]) => window.call(o, a, opts), [op, args, options]);
      },
      async stop() {
        await browser.close();
        await world.stop();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await world?.stop();
    server.close();
    throw e;
  }
});

// The runs the table says a page cannot make fail as it says: the page's direct requests to
// docker-registry with auth are blocked (its CORS preflight is answered 401).
test("chromium, direct: the registries the table says a page cannot reach are CORS_BLOCKED", async () => {
  const { world, call } = running();
  const blocked = CANNOT.filter((c) => c.transport === "chromium" && c.route === "direct");
  assert.deepEqual(
    blocked.map((c) => c.auth),
    ["htpasswd", "token"],
  );
  for (const { auth } of blocked) {
    const { message, ...outcome } = await call(
      "fetchManifest",
      [`${world.hosts[auth]}/behaviour/app:multi`],
      { auth: USER },
    );
    assert.deepEqual(outcome, { error: "CORS_BLOCKED" }, `${auth}: ${message}`);
  }
});
