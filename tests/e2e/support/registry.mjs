// The distribution API from Node (no CORS here): read manifests back, and copy an image with its
// children and blobs from one registry to another (used to seed the registry without CORS).

import { sha256 } from "./digest.mjs";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const ALL_MANIFESTS = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(", ");

// `http://<host>` for a `host:port` registry, or a proxy base such as `http://app/proxy/<host>`.
export const direct = (host) => `http://${host}`;

// The header indexsmith-serve's proxy requires on every request (the app sends it too).
export const PROXY_PROOF = { "Indexsmith-Proxy": "1" };

// fetch, with the proxy's header when the URL goes through the proxy.
function send(url, init = {}) {
  const through = String(url).includes("/proxy/");
  const headers = through ? { ...PROXY_PROOF, ...(init.headers ?? {}) } : init.headers;
  return fetch(url, { ...init, headers });
}

async function expectStatus(response, statuses, what) {
  if (!statuses.includes(response.status)) {
    const body = await response.text().catch(() => "");
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
  return response;
}

// GET a manifest: `{ bytes, digest (of the bytes), headerDigest, mediaType }`.
export async function getManifest(base, repository, reference, accept = ALL_MANIFESTS) {
  const response = await send(`${base}/v2/${repository}/manifests/${reference}`, {
    headers: { Accept: accept },
  });
  await expectStatus(response, [200], `GET ${repository} manifest ${reference}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    bytes,
    digest: sha256(bytes),
    headerDigest: response.headers.get("docker-content-digest"),
    mediaType: response.headers.get("content-type"),
  };
}

// Whether a manifest exists (HEAD), and the headers of the answer.
export async function headManifest(base, repository, reference) {
  const response = await send(`${base}/v2/${repository}/manifests/${reference}`, {
    method: "HEAD",
    headers: { Accept: ALL_MANIFESTS },
  });
  return { status: response.status, headers: response.headers };
}

async function copyBlob(from, to, repository, digest) {
  const head = await send(`${to}/v2/${repository}/blobs/${digest}`, { method: "HEAD" });
  if (head.status === 200) {
    return;
  }
  const got = await expectStatus(
    await send(`${from}/v2/${repository}/blobs/${digest}`),
    [200],
    `GET blob ${digest}`,
  );
  const bytes = Buffer.from(await got.arrayBuffer());
  if (sha256(bytes) !== digest) {
    throw new Error(`blob ${digest} came back as ${sha256(bytes)}`);
  }
  const uploadUrl = `${to}/v2/${repository}/blobs/uploads/`;
  const started = await expectStatus(
    await send(uploadUrl, { method: "POST" }),
    [202],
    `start upload of ${digest}`,
  );
  const location = new URL(started.headers.get("location"), uploadUrl);
  location.searchParams.set("digest", digest);
  await expectStatus(
    await send(location, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes,
    }),
    [201],
    `finish upload of ${digest}`,
  );
}

async function putManifest(to, repository, reference, manifest) {
  const response = await send(`${to}/v2/${repository}/manifests/${reference}`, {
    method: "PUT",
    headers: { "Content-Type": manifest.mediaType },
    body: manifest.bytes,
  });
  await expectStatus(response, [201], `PUT ${repository} manifest ${reference}`);
  return response.headers.get("docker-content-digest");
}

// Copies `repository:tag` (an index or list with its children, or a single image) from one
// registry base URL to another, byte for byte. Returns the digest of the copied manifest.
export async function copyImage(from, to, repository, tag) {
  const root = await getManifest(from, repository, tag);
  const parsed = JSON.parse(root.bytes.toString("utf8"));
  const children = Array.isArray(parsed.manifests) ? parsed.manifests : [];
  for (const child of children) {
    const manifest = await getManifest(from, repository, child.digest);
    const image = JSON.parse(manifest.bytes.toString("utf8"));
    for (const blob of [image.config, ...(image.layers ?? [])].filter(Boolean)) {
      await copyBlob(from, to, repository, blob.digest);
    }
    await putManifest(to, repository, child.digest, manifest);
  }
  if (children.length === 0 && parsed.config) {
    for (const blob of [parsed.config, ...(parsed.layers ?? [])]) {
      await copyBlob(from, to, repository, blob.digest);
    }
  }
  const stored = await putManifest(to, repository, tag, root);
  if (stored !== root.digest) {
    throw new Error(`the target stored ${repository}:${tag} as ${stored}, not ${root.digest}`);
  }
  return root.digest;
}
