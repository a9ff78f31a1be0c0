// Attacks on indexsmith-serve from a hostile web site, in a real browser: the site is another
// origin (`http://evil.test:<port>`, mapped to 127.0.0.1, support/hostile.mjs) open next to the
// app, as it is on a developer's machine. It frames proxy URLs so that its registry's HTML runs on
// the app's origin, reads and writes the local registry through the proxy and directly, rebinds a
// name of its own to the server listening on every address, and frames the app. Each test fails
// on a server without the protections (the Rust side of the same attacks is in
// crates/indexsmith-serve/tests/attacks.rs).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { browserTest, openApp, editor, HANG_GUARD_MS } from "./support/browser.mjs";
import { env } from "./support/env.mjs";
import { startHostile } from "./support/hostile.mjs";
import { direct, getManifest, headManifest } from "./support/registry.mjs";

const PROOF = { "Indexsmith-Proxy": "1" };

// Runs `fn(hostile)` with a hostile site, stopped afterwards.
async function withHostile(fn) {
  const hostile = await startHostile();
  try {
    await fn(hostile);
  } finally {
    await hostile.stop();
  }
}

browserTest("a hostile registry's HTML framed by another site runs no script", async ({ page }) => {
  await withHostile(async (hostile) => {
    const src =
      `${env.app}/proxy/${hostile.registryHost}/v2/html/manifests/latest` +
      `?registry=${env.registry}`;
    await page.goto(`${hostile.origin}/frames?src=${encodeURIComponent(src)}`);
    assert.equal(page.mainFrame().childFrames().length, 1, "the frame exists");
    assert.deepEqual(hostile.upstreamRequests(), [], "the proxy forwarded a frame's navigation");
    assert.deepEqual(hostile.reports, [], "the script reported what it read");
  });
});

browserTest(
  "another site can neither read nor write registries through the proxy",
  async ({ page }) => {
    const index = await getManifest(direct(env.registry), "sample/hello", "latest");
    await withHostile(async (hostile) => {
      await page.goto(`${hostile.origin}/page`);
      const results = await page.evaluate(
        async ({ app, registry, hostileRegistry, digest, proof }) => {
          const attempt = async (url, init) => {
            try {
              const response = await fetch(url, init);
              return { status: response.status, body: await response.text() };
            } catch (e) {
              return { blocked: e.name };
            }
          };
          const catalog = `${app}/proxy/${registry}/v2/_catalog`;
          const manifest = `/v2/sample/hello/manifests/${digest}`;
          return {
            "read through the proxy": await attempt(catalog),
            "read through the proxy, with the header": await attempt(catalog, { headers: proof }),
            "read the registry directly": await attempt(`http://${registry}/v2/_catalog`),
            "delete through the proxy": await attempt(`${app}/proxy/${registry}${manifest}`, {
              method: "DELETE",
              headers: proof,
            }),
            "delete directly": await attempt(`http://${registry}${manifest}`, { method: "DELETE" }),
            "blind upload through the proxy": await attempt(
              `${app}/proxy/${hostileRegistry}/v2/x/blobs/uploads/`,
              { method: "POST", mode: "no-cors", body: "x" },
            ),
            "blind read through the proxy": await attempt(
              `${app}/proxy/${hostileRegistry}/v2/x/manifests/y`,
              { mode: "no-cors" },
            ),
          };
        },
        {
          app: env.app,
          registry: env.registry,
          hostileRegistry: hostile.registryHost,
          digest: index.digest,
          proof: PROOF,
        },
      );
      for (const name of [
        "read through the proxy",
        "read through the proxy, with the header",
        "read the registry directly",
        "delete through the proxy",
        "delete directly",
      ]) {
        assert.deepEqual(
          results[name],
          { blocked: "TypeError" },
          `${name}: ${JSON.stringify(results[name])}`,
        );
      }
      assert.deepEqual(
        hostile.upstreamRequests(),
        [],
        "the proxy forwarded another site's blind requests",
      );
    });
    const after = await headManifest(direct(env.registry), "sample/hello", index.digest);
    assert.equal(after.status, 200, "the index is still in the registry");
  },
);

// Starts indexsmith-serve with `args`; resolves with its app URL once it is ready.
function startServe(args) {
  const child = spawn(env.serve, args, { stdio: ["ignore", "pipe", "pipe"] });
  const lines = [];
  const ready = new Promise((resolve, reject) => {
    const guard = setTimeout(
      () => reject(new Error(`not ready: ${lines.join("\n")}`)),
      HANG_GUARD_MS,
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      if (line.includes("Press Ctrl-C")) {
        clearTimeout(guard);
        const app = lines.find((l) => l.trim().startsWith("app"));
        resolve(app.trim().split(/\s+/)[1].replace(/\/$/, ""));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(guard);
      reject(new Error(`indexsmith-serve exited (${code}): ${lines.join("\n")}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { ready, stop };
}

browserTest(
  "DNS rebinding: with --listen 0.0.0.0 a page under a rebound name reads nothing",
  async ({ page }) => {
    const served = startServe([
      "--listen",
      "0.0.0.0",
      "--port",
      "0",
      "--no-registry",
      "--dist",
      env.dist,
    ]);
    try {
      const port = new URL(await served.ready).port;
      // The attacker's page was loaded from the attacker's server under rebind.test; the name now
      // resolves to this machine, so its script runs on the origin rebind.test:<port> and its
      // requests reach indexsmith-serve as same-origin ones. (The page here is the server's own
      // refusal, loaded from 127.0.0.1: the origin is what counts.)
      const rebound = `http://rebind.test:${port}`;
      const refused = await page.goto(`${rebound}/`);
      assert.equal(refused.status(), 421, "the app under a rebound name");
      const rebinding = await page.evaluate(
        async ({ registry, proof }) => {
          const read = async (path, init) => {
            const response = await fetch(path, init);
            return { status: response.status, body: await response.text() };
          };
          return {
            catalog: await read(`/proxy/${registry}/v2/_catalog`, { headers: proof }),
            app: await read("/"),
          };
        },
        { registry: env.registry, proof: PROOF },
      );
      assert.equal(rebinding.catalog.status, 421, JSON.stringify(rebinding.catalog));
      assert.doesNotMatch(rebinding.catalog.body, /sample/);
      assert.equal(rebinding.app.status, 421);

      // The same server under its address serves the app, and the app the registry.
      await page.goto(`http://127.0.0.1:${port}/`);
      await editor(page).waitFor();
      const own = await page.evaluate(
        async ({ registry, proof }) =>
          (await fetch(`/proxy/${registry}/v2/_catalog`, { headers: proof })).status,
        { registry: env.registry, proof: PROOF },
      );
      assert.equal(own, 200);
    } finally {
      await served.stop();
    }
  },
);

browserTest(
  "the app runs only its own scripts, and only ?embed may be framed",
  async ({ page }) => {
    const refused = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await openApp(page);
    assert.deepEqual(refused, [], "the app needs something its policy refuses");
    const injected = await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.head.append(script);
      return window.__injected === true;
    });
    assert.equal(injected, false, "an inline script injected into the page ran");

    await withHostile(async (hostile) => {
      const srcs = [`${env.app}/`, `${env.app}/?embed`]
        .map((s) => `src=${encodeURIComponent(s)}`)
        .join("&");
      await page.goto(`${hostile.origin}/frames?${srcs}`);
      const [full, embed] = page.mainFrame().childFrames();
      assert.ok(!full.url().startsWith(env.app), `the full app was framed: ${full.url()}`);
      await embed.getByRole("textbox", { name: "Manifest JSON", exact: true }).waitFor();
    });
  },
);
