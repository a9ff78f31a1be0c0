// What the browser tests share: a static server on 127.0.0.1 for a test page and folders, and
// Debian's Chromium driven by playwright-core in a fresh profile (no browser download).
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const { chromium } = createRequire(join(root, "package.json"))("playwright-core");

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".html": "text/html",
};

/// Serves `page` at `/` and each `{ prefix: folder }` below its prefix; anything else is 404.
export async function servePage(page, folders) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(page);
      return;
    }
    let file = null;
    for (const [prefix, dir] of Object.entries(folders)) {
      if (url.pathname.startsWith(prefix)) {
        const candidate = normalize(join(dir, url.pathname.slice(prefix.length)));
        if (candidate.startsWith(dir + sep)) file = candidate;
      }
    }
    try {
      if (!file || !statSync(file).isFile()) throw new Error("not found");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/// Headless Chromium in a new profile; `close()` ends it and removes the profile.
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "indexsmith-chromium-"));
  const env = {
    ...process.env,
    HOME: profile,
    XDG_CONFIG_HOME: join(profile, "config"),
    XDG_CACHE_HOME: join(profile, "cache"),
    XDG_DATA_HOME: join(profile, "data"),
  };
  const context = await chromium.launchPersistentContext(join(profile, "user-data"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    env,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
