// Real registries for the registry tests and the benchmark: CNCF distribution (`docker-registry`)
// on free 127.0.0.1 ports with generated configs (plain, htpasswd basic auth, token auth with a
// token service of our own that signs RS256 JWTs), images seeded over HTTP, and a fault-injecting
// proxy that speaks the `/proxy/<registry-host>/v2/…` form of the project's serve binary.
import { spawn, execFileSync } from "node:child_process";
import { createHash, createPrivateKey, sign } from "node:crypto";
import { createServer } from "node:http";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const SERVICE = "indexsmith-test-registry";
export const ISSUER = "indexsmith-test-issuer";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

// Registries still running when the process exits (a failed test, an interrupt) are stopped.
const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill();
});

export const sha256 = (bytes) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

const CORS = `    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: [HEAD, GET, OPTIONS, DELETE, POST, PUT, PATCH]
    Access-Control-Allow-Headers: [Authorization, Accept, Content-Type, Content-Range, Range]
    Access-Control-Expose-Headers: [Docker-Content-Digest, Location, WWW-Authenticate, Link, Content-Length, Range, Docker-Upload-UUID]
`;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts docker-registry. `auth`: undefined, `{ basic: { username, password } }` or
 * `{ token: { realm, cert } }`. `cors: false` leaves the CORS headers out.
 *
 * The configuration is Debian's default one (the docker-registry package's config.yml, itself
 * upstream's example), as a deployment runs it: log at the default level (info) with the access
 * log on, the in-memory blob descriptor cache, the storage health check, `X-Content-Type-Options:
 * nosniff`; only the address, the storage folder, the auth and the CORS headers differ. The log
 * goes to a file, as a service's log goes to the journal: a pipe read by this process would put
 * the registry's logging on the test's (or benchmark's) CPU, and one nobody reads blocks the
 * registry once it is full.
 */
export async function startRegistry({ auth, cors = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "indexsmith-npm-registry-"));
  const port = await freePort();
  let authYaml = "";
  if (auth?.basic) {
    const line = execFileSync("htpasswd", ["-Bbn", auth.basic.username, auth.basic.password]);
    writeFileSync(join(dir, "htpasswd"), line);
    authYaml = `auth:\n  htpasswd:\n    realm: indexsmith-test\n    path: ${join(dir, "htpasswd")}\n`;
  } else if (auth?.token) {
    authYaml = `auth:\n  token:\n    realm: ${auth.token.realm}\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n    rootcertbundle: ${auth.token.cert}\n`;
  }
  const config = `version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: ${join(dir, "data")}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: indexsmith-test-secret
  headers:
    X-Content-Type-Options: [nosniff]
${cors ? CORS : ""}health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
${authYaml}`;
  writeFileSync(join(dir, "config.yml"), config);
  const logPath = join(dir, "registry.log");
  const logFd = openSync(logPath, "a");
  let child;
  try {
    child = spawn(
      process.env.DOCKER_REGISTRY ?? "docker-registry",
      ["serve", join(dir, "config.yml")],
      { stdio: ["ignore", "ignore", logFd] },
    );
  } finally {
    closeSync(logFd);
  }
  running.add(child);
  child.once("exit", () => running.delete(child));
  const log = () => {
    try {
      return readFileSync(logPath, "utf8").slice(-4000);
    } catch {
      return "";
    }
  };
  const host = `127.0.0.1:${port}`;
  // Wait until it answers /v2/ (bounded by attempts).
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://${host}/v2/`);
      break;
    } catch {
      if (i > 400 || child.exitCode !== null)
        throw new Error(`docker-registry did not start on ${host}: ${log()}`);
      await sleep(25);
    }
  }
  return {
    host,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** A token service: one user, RS256 JWTs that docker-registry's token auth accepts. */
export async function startTokenService(username, password) {
  const dir = mkdtempSync(join(tmpdir(), "indexsmith-npm-token-"));
  const keyPath = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${ISSUER}`,
      "-keyout",
      keyPath,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  const der = execFileSync("openssl", ["x509", "-outform", "DER", "-in", cert]);
  const key = createPrivateKey(readFileSync(keyPath));
  rmSync(keyPath);
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const requests = [];
  let n = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const auth = req.headers.authorization;
    const scopes = url.searchParams.getAll("scope").flatMap((s) => s.split(" "));
    requests.push({ basic: auth !== undefined, scopes });
    if (auth !== undefined && auth !== expected) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
      return;
    }
    const access = auth
      ? scopes.map((s) => {
          const [type, name, actions] = s.split(":");
          return { type, name, actions: (actions ?? "").split(",") };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [der.toString("base64")] };
    const claims = {
      iss: ISSUER,
      sub: auth ? username : "",
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: `t${n++}`,
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const jwt = `${input}.${b64url(sign("sha256", Buffer.from(input), key))}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        token: jwt,
        access_token: jwt,
        expires_in: 300,
        issued_at: new Date(now * 1000).toISOString(),
      }),
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    realm: `http://127.0.0.1:${server.address().port}/token`,
    cert,
    requests,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Authorization for seeding: Basic, or a token got from `realm` with Basic credentials. */
async function seedAuth(auth, repo) {
  if (!auth) return {};
  const basic = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  if (!auth.realm) return { authorization: basic };
  const url = `${auth.realm}?service=${SERVICE}&scope=${encodeURIComponent(`repository:${repo}:pull,push`)}`;
  const { token } = await (await fetch(url, { headers: { authorization: basic } })).json();
  return { authorization: `Bearer ${token}` };
}

async function check(res, what) {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** Pushes a blob in one POST + PUT. */
export async function pushBlob(host, repo, bytes, auth) {
  const digest = sha256(bytes);
  const headers = await seedAuth(auth, repo);
  const head = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`, {
    method: "HEAD",
    headers,
  });
  if (head.ok) return { digest, size: bytes.length };
  const post = await check(
    await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST", headers }),
    "start upload",
  );
  const location = new URL(post.headers.get("location"), `http://${host}`);
  location.searchParams.set("digest", digest);
  await check(
    await fetch(location, {
      method: "PUT",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body: bytes,
    }),
    "put blob",
  );
  return { digest, size: bytes.length };
}

/** Pushes a blob of `size` deterministic bytes in chunks, never holding more than one chunk. */
export async function pushLargeBlob(host, repo, size, seed = 1, chunk = 8 << 20) {
  const block = (i) => {
    const b = Buffer.alloc(Math.min(chunk, size - i * chunk));
    let x = (seed * 2654435761 + i) >>> 0;
    for (let k = 0; k + 4 <= b.length; k += 4) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      b.writeUInt32LE(x, k);
    }
    return b;
  };
  const blocks = Math.ceil(size / chunk);
  const hash = createHash("sha256");
  for (let i = 0; i < blocks; i++) hash.update(block(i));
  const digest = `sha256:${hash.digest("hex")}`;
  let location = new URL(
    (
      await check(
        await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" }),
        "start upload",
      )
    ).headers.get("location"),
    `http://${host}`,
  );
  for (let i = 0; i < blocks; i++) {
    const body = block(i);
    const res = await check(
      await fetch(location, {
        method: "PATCH",
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `${i * chunk}-${i * chunk + body.length - 1}`,
        },
        body,
      }),
      "patch",
    );
    location = new URL(res.headers.get("location"), `http://${host}`);
  }
  location.searchParams.set("digest", digest);
  await check(await fetch(location, { method: "PUT" }), "close upload");
  return { digest, size };
}

export async function pushManifest(host, repo, reference, bytes, mediaType, auth) {
  const headers = { ...(await seedAuth(auth, repo)), "content-type": mediaType };
  await check(
    await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, {
      method: "PUT",
      headers,
      body: bytes,
    }),
    "put manifest",
  );
  return { digest: sha256(bytes), size: bytes.length, mediaType };
}

/** An image for one platform: a config and `layers` tiny layers (or the given layer descriptors). */
export async function seedImage(
  host,
  repo,
  platform,
  { tag, auth, layers = 1, layerDescriptors } = {},
) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      rootfs: { type: "layers", diff_ids: [] },
    }),
  );
  const cfg = await pushBlob(host, repo, config, auth);
  const descs = layerDescriptors ?? [];
  for (let i = 0; i < layers && !layerDescriptors; i++) {
    const layer = Buffer.from(
      `layer ${i} of ${platform.os}/${platform.architecture}${platform.variant ? "/" + platform.variant : ""} in ${repo}`,
    );
    descs.push(await pushBlob(host, repo, layer, auth));
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size },
      layers: descs.map((d) => ({ mediaType: OCI_LAYER, digest: d.digest, size: d.size })),
    }),
  );
  const pushed = await pushManifest(
    host,
    repo,
    tag ?? sha256(manifest),
    manifest,
    OCI_MANIFEST,
    auth,
  );
  return { ...pushed, bytes: manifest, platform, config: cfg };
}

/** An index of images, pushed by `tag`. */
export async function seedIndex(host, repo, tag, images, auth) {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: images.map((m) => ({
        mediaType: OCI_MANIFEST,
        digest: m.digest,
        size: m.size,
        platform: m.platform,
      })),
    }),
  );
  const pushed = await pushManifest(host, repo, tag, bytes, OCI_INDEX, auth);
  return { ...pushed, bytes };
}

/**
 * A proxy in the form `/proxy/<registry-host>/v2/…` (the serve binary's), with faults:
 * `fault(req, url)` may return `'corrupt'` (flip a byte of a 200 body), `'fail'` (answer 500), or
 * nothing. `log` lists `METHOD path` of every request. Like the serve binary, it refuses requests
 * without the header `Indexsmith-Proxy` (and does not forward it).
 */
export async function startFaultProxy(fault) {
  const log = [];
  const server = createServer(async (req, res) => {
    const m = /^\/proxy\/([^/]+)(\/.*)$/.exec(req.url);
    if (!m) {
      res.writeHead(404);
      res.end();
      return;
    }
    const [, host, rest] = m;
    log.push(`${req.method} ${rest}`);
    if (!req.headers["indexsmith-proxy"]) {
      res.writeHead(403, { "content-type": "text/plain" });
      res.end("no Indexsmith-Proxy header");
      return;
    }
    const chunks = [];
    try {
      for await (const c of req) chunks.push(c);
    } catch {
      // The client abandoned its request mid-body (a refused upload): nothing is forwarded.
      res.destroy();
      return;
    }
    const action = fault?.(req, rest);
    if (action === "fail") {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("injected failure");
      return;
    }
    const headers = { ...req.headers };
    delete headers["indexsmith-proxy"];
    delete headers.host;
    delete headers.connection;
    delete headers["content-length"];
    delete headers["transfer-encoding"];
    let upstream;
    try {
      upstream = await fetch(`http://${host}${rest}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(e));
      return;
    }
    let body = Buffer.from(await upstream.arrayBuffer());
    if (action === "corrupt" && upstream.status === 200 && body.length > 0) {
      body = Buffer.from(body);
      body[body.length - 1] ^= 0x01;
    }
    const out = {};
    upstream.headers.forEach((v, k) => {
      if (
        (k !== "content-length" || req.method === "HEAD") &&
        k !== "transfer-encoding" &&
        k !== "connection" &&
        k !== "content-encoding"
      )
        out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}/proxy`,
    log,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
