// What the consumer setups share: fresh temporary projects with the packed package installed and
// the pinned tools linked in, a static server on 127.0.0.1 that also answers one registry call,
// and headless Chromium.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(fileURLToPath(import.meta.url));
export const tools = join(here, "node_modules");
export const toolsRequire = createRequire(join(here, "package.json"));

/** A document every setup validates, and what the package must say of it. */
export const DOC = readFileSync(
  join(here, "../fixtures/corpus/regclient-v3-index-arm-variants.json"),
  "utf8",
);
export const EXPECTED = {
  valid: true,
  kind: "oci-index",
  digest: `sha256:${createHash("sha256").update(DOC).digest("hex")}`,
  size: Buffer.byteLength(DOC),
};

/** Tags the static server's registry answers for `127.0.0.1:<port>/consumer/app`. */
export const TAGS = ["1.0", "1.0-amd64"];

/** Packs the built package (crates/indexsmith-wasm/pkg) into `dir`; returns the tarball's path. */
export function pack(pkgDir, dir) {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], {
    cwd: pkgDir,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  const [packed] = JSON.parse(out);
  return { path: join(dir, packed.filename), size: packed.size, unpackedSize: packed.unpackedSize };
}

/**
 * A fresh project in a temporary folder: `files` written, the tarball installed by npm as a user
 * does, and each of `links` (tools of this folder's package.json) linked into its node_modules.
 */
export function project(name, { tarball, files = {}, links = [], type }) {
  const dir = mkdtempSync(join(tmpdir(), `indexsmith-consumer-${name}-`));
  const pkg = { name: `consumer-${name}`, private: true, version: "0.0.0" };
  if (type) pkg.type = type;
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  if (tarball) {
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--offline", "--no-package-lock", tarball],
      {
        cwd: dir,
        encoding: "utf8",
        env: {
          ...process.env,
          npm_config_cache: join(dir, ".npm-cache"),
          npm_config_update_notifier: "false",
        },
      },
    );
  }
  for (const link of links) {
    const target = join(dir, "node_modules", link);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(tools, link), target, "dir");
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

export const remove = (dir) => rmSync(dir, { recursive: true, force: true });

/** Runs `node args` in `cwd`; returns stdout, or throws with stderr. */
export function node(args, cwd) {
  return execFileSync(process.execPath, args, { cwd, encoding: "utf8", stdio: "pipe" });
}

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".html": "text/html",
  ".css": "text/css",
};

/**
 * Serves the files of `dir` (`/` is index.html) on 127.0.0.1, and the one registry call the pages
 * make: the tags of `consumer/app`. Records every path asked for.
 */
export async function serve(dir) {
  const requested = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requested.push(url.pathname);
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "*",
      "access-control-allow-methods": "GET, HEAD, OPTIONS",
      "access-control-expose-headers": "*",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (url.pathname === "/v2/") {
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      res.end("{}");
      return;
    }
    if (url.pathname === "/v2/consumer/app/tags/list") {
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      res.end(JSON.stringify({ name: "consumer/app", tags: TAGS }));
      return;
    }
    const file = normalize(join(dir, url.pathname === "/" ? "index.html" : url.pathname));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<!doctype html><title>404</title>");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requested,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // the browser's kept-alive ones too
      }),
  };
}

/** Headless Chromium in a fresh profile; `close()` ends it and removes the profile. */
export async function launchChromium() {
  const { chromium } = toolsRequire("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "indexsmith-consumer-chromium-"));
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

/**
 * Opens `url` and waits for the page's `window.result` (set by the app when it is done, or
 * `{ error }`); returns it with the page's console errors.
 */
export async function runPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 0 });
    return { result: await page.evaluate(() => window.result), errors };
  } finally {
    await page.close();
  }
}
