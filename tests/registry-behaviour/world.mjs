// The world the behaviour suite runs in, all on 127.0.0.1: docker-registry anonymous, with
// htpasswd and with token auth (and its token service), a second anonymous registry (and another
// host in front of it that records the credentials it is sent), a server
// answering every manifest with 4.5 MiB, and the project's proxy (`indexsmith serve`), with the
// images of `scenarios.mjs` seeded in each registry.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  pushBlob,
  pushManifest,
  sha256,
  startRegistry,
  startTokenService,
} from "../../crates/indexsmith-wasm/npm-tests/registry-support.mjs";
import { DOCKER_LIST, PLATFORMS, ROUTES, USER, tagOf } from "./scenarios.mjs";
import { cliProgram } from "./cli-program.mjs";

/** The media types of an image and its index, in either format. */
const FORMATS = {
  oci: { index: OCI_INDEX, manifest: OCI_MANIFEST, config: OCI_CONFIG, layer: OCI_LAYER },
  docker: {
    index: DOCKER_LIST,
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  },
};

/**
 * Seeds the images and their index in `repo`: the same bytes in every repository and registry
 * (two layers per image), so digests are the scenarios' whatever the registry. `format`: "oci"
 * (images tagged by platform, the index `multi`) or "docker" (schema 2 images by digest, the
 * manifest list `1.0`); `index: false` seeds the images only.
 */
async function seed(host, repo, auth, { format = "oci", index: withIndex = true } = {}) {
  const types = FORMATS[format];
  const images = [];
  for (const platform of PLATFORMS) {
    const name = [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
    const config = await pushBlob(
      host,
      repo,
      Buffer.from(JSON.stringify({ ...platform, rootfs: { type: "layers", diff_ids: [] } })),
      auth,
    );
    const layers = [];
    for (const n of [0, 1])
      layers.push(await pushBlob(host, repo, Buffer.from(`layer ${n} of ${name}`), auth));
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: types.manifest,
        config: { mediaType: types.config, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: types.layer, digest: l.digest, size: l.size })),
      }),
    );
    const reference = format === "oci" ? tagOf(platform) : sha256(bytes);
    const pushed = await pushManifest(host, repo, reference, bytes, types.manifest, auth);
    images.push({ digest: pushed.digest, size: pushed.size, platform });
  }
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: types.index,
      manifests: images.map((m) => ({
        mediaType: types.manifest,
        digest: m.digest,
        size: m.size,
        platform: m.platform,
      })),
    }),
  );
  const tag = format === "oci" ? "multi" : "1.0";
  const index = withIndex
    ? await pushManifest(host, repo, tag, bytes, types.index, auth)
    : { digest: sha256(bytes), size: bytes.length };
  return { images, index: { digest: index.digest, size: index.size, text: bytes.toString() } };
}

/** A registry whose every manifest is 4.5 MiB of spaces (docker-registry stores none over 4 MiB). */
async function startHugeManifestServer() {
  const SIZE = 4.5 * 1024 * 1024;
  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "*",
    "access-control-expose-headers": "*",
  };
  const server = createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, HEAD" });
      res.end();
    } else if (/^\/v2\/.+\/manifests\//.test(req.url)) {
      res.writeHead(200, { ...cors, "content-type": OCI_MANIFEST, "content-length": SIZE });
      res.end(req.method === "HEAD" ? undefined : Buffer.alloc(SIZE, " "));
    } else {
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      res.end("{}");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${server.address().port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Another host in front of `upstream` (`host:port`) that passes every request on and records the
 * `Authorization` each one carried: a source registry that must never see a target's credentials.
 */
async function startRecordingForwarder(upstream) {
  const authorizations = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    authorizations.push(req.headers.authorization ?? null);
    const headers = { ...req.headers };
    for (const h of ["host", "connection", "content-length", "transfer-encoding"])
      delete headers[h];
    try {
      const answer = await fetch(`http://${upstream}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      const out = {};
      answer.headers.forEach((v, k) => {
        if (!["content-length", "transfer-encoding", "connection", "content-encoding"].includes(k))
          out[k] = v;
      });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, out);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${server.address().port}`,
    /** The `Authorization` of every request since the last call (null: none), and forgets them. */
    take: () => authorizations.splice(0),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * `indexsmith serve` on a free port, without its own registry: its proxy (`/proxy/<host>/v2/…`,
 * token realms rewritten to `/proxy-token/…`). `corsOrigin`: a page's origin allowed to call it.
 */
async function startProxy(corsOrigin) {
  const dir = mkdtempSync(join(tmpdir(), "indexsmith-behaviour-serve-"));
  const dist = join(dir, "dist");
  mkdirSync(dist);
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>indexsmith</title>");
  const args = ["serve", "--port", "0", "--no-registry", "--dist", dist];
  if (corsOrigin) args.push("--cors-origin", corsOrigin);
  // Its access log goes to a file, as docker-registry's does: shown when it does not start.
  const logPath = join(dir, "serve.log");
  const logFd = openSync(logPath, "a");
  let child;
  try {
    child = spawn(cliProgram(), args, { stdio: ["ignore", "pipe", logFd] });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // The address from its `app` line; its standard output is read to the end, so that a full pipe
  // never blocks it.
  const lines = createInterface({ input: child.stdout });
  const origin = await new Promise((resolve) => {
    lines.on("line", (line) => {
      const m = /^\s*app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) resolve(m[1]);
    });
    lines.once("close", () => resolve(null));
  });
  if (!origin) {
    const log = readFileSync(logPath, "utf8").slice(-4000);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`indexsmith serve printed no \`app\` address: ${log}`);
  }
  return {
    base: `${origin}/proxy`,
    async stop() {
      if (child.exitCode === null) {
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the world. `corsOrigin`: the origin of a page that calls the proxy. Returns
 * `{ hosts: { anonymous, htpasswd, token }, other, recorded, recorder, huge, proxy, seed,
 * credentials, stop }`: `credentials[auth]` is what a run passes to that registry (null: none),
 * `recorded` the recording host in front of `other`.
 */
export async function startWorld({ corsOrigin } = {}) {
  const stops = [];
  const started = (x) => (stops.push(x), x);
  try {
    const tokens = started(await startTokenService(USER.username, USER.password));
    const registries = {
      anonymous: started(await startRegistry()),
      htpasswd: started(await startRegistry({ auth: { basic: USER } })),
      token: started(
        await startRegistry({ auth: { token: { realm: tokens.realm, cert: tokens.cert } } }),
      ),
    };
    const other = started(await startRegistry());
    const recorder = started(await startRecordingForwarder(other.host));
    const huge = started(await startHugeManifestServer());
    const proxy = started(await startProxy(corsOrigin));
    const seedAuth = {
      anonymous: undefined,
      htpasswd: USER,
      token: { ...USER, realm: tokens.realm },
    };
    let seeded;
    for (const [auth, registry] of Object.entries(registries)) {
      seeded = await seed(registry.host, "behaviour/app", seedAuth[auth]);
      seeded.docker = await seed(registry.host, "behaviour/docker", seedAuth[auth], {
        format: "docker",
      });
      for (const route of ROUTES)
        await seed(registry.host, `behaviour/same-${route}`, seedAuth[auth], { index: false });
    }
    await seed(other.host, "behaviour/app");
    await seed(other.host, "behaviour/docker", undefined, { format: "docker" });
    return {
      hosts: Object.fromEntries(Object.entries(registries).map(([k, r]) => [k, r.host])),
      other: other.host,
      recorded: recorder.host,
      recorder,
      huge: huge.host,
      proxy: proxy.base,
      seed: seeded,
      credentials: { anonymous: null, htpasswd: USER, token: USER },
      async stop() {
        for (const s of stops.reverse()) await s.stop();
      },
    };
  } catch (e) {
    for (const s of stops.reverse()) await s.stop();
    throw e;
  }
}
