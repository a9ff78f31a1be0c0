// The registry API against real registries on 127.0.0.1: docker-registry plain, with htpasswd
// basic auth and with token auth, and a fault-injecting proxy in front of them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import * as api from "indexsmith";
import {
  OCI_INDEX,
  OCI_MANIFEST,
  pushLargeBlob,
  seedImage,
  seedIndex,
  sha256,
  startFaultProxy,
  startRegistry,
  startTokenService,
} from "./registry-support.mjs";

const USER = { username: "alice", password: "wonderland" };
const PLATFORMS = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "arm", variant: "v7" },
];

let plain; // sources
let second; // copy target
let basic;
let tokens;
let tokenRegistry;
let images; // seeded in plain/src/app
let index;
const stops = [];

before(async () => {
  plain = await startRegistry();
  stops.push(plain);
  second = await startRegistry();
  stops.push(second);
  basic = await startRegistry({ auth: { basic: USER } });
  stops.push(basic);
  tokens = await startTokenService(USER.username, USER.password);
  stops.push(tokens);
  tokenRegistry = await startRegistry({
    auth: { token: { realm: tokens.realm, cert: tokens.cert } },
  });
  stops.push(tokenRegistry);

  images = [];
  for (const p of PLATFORMS) {
    images.push(
      await seedImage(plain.host, "src/app", p, {
        tag: p.variant ? `${p.architecture}-${p.variant}` : p.architecture,
        layers: 2,
      }),
    );
  }
  index = await seedIndex(plain.host, "src/app", "multi", images);
  await seedImage(basic.host, "private/app", PLATFORMS[0], { tag: "v1", auth: USER });
  await seedImage(tokenRegistry.host, "private/app", PLATFORMS[0], {
    tag: "v1",
    auth: { ...USER, realm: tokens.realm },
  });
  await seedImage(tokenRegistry.host, "private/app", PLATFORMS[1], {
    tag: "arm64",
    auth: { ...USER, realm: tokens.realm },
  });
});

after(async () => {
  for (const s of stops.reverse()) await s.stop();
});

async function rejectsWith(promise, code, status) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Error, "an Error");
    assert.equal(e.code, code, `code (${e.message})`);
    if (status !== undefined) assert.equal(e.status, status, "status");
    return true;
  });
}

test("fetchManifest by tag and by digest returns the exact bytes, verified", async () => {
  const cases = [
    {
      name: "index by tag",
      ref: `${plain.host}/src/app:multi`,
      expect: index,
      mediaType: OCI_INDEX,
      kind: "oci-index",
    },
    {
      name: "index by digest",
      ref: `${plain.host}/src/app@${index.digest}`,
      expect: index,
      mediaType: OCI_INDEX,
      kind: "oci-index",
    },
    {
      name: "image by tag",
      ref: `${plain.host}/src/app:amd64`,
      expect: images[0],
      mediaType: OCI_MANIFEST,
      kind: "oci-manifest",
    },
    {
      name: "image by digest",
      ref: `${plain.host}/src/app@${images[2].digest}`,
      expect: images[2],
      mediaType: OCI_MANIFEST,
      kind: "oci-manifest",
    },
  ];
  for (const c of cases) {
    const m = await api.fetchManifest(c.ref);
    assert.ok(m.bytes instanceof Uint8Array, c.name);
    assert.deepEqual(Buffer.from(m.bytes), Buffer.from(c.expect.bytes), c.name);
    assert.equal(m.text, c.expect.bytes.toString(), c.name);
    assert.equal(m.digest, c.expect.digest, c.name);
    assert.equal(m.digest, sha256(m.bytes), c.name);
    assert.equal(m.mediaType, c.mediaType, c.name);
    assert.equal(m.size, c.expect.bytes.length, c.name);
    assert.equal(m.report.valid, true, c.name);
    assert.equal(m.report.kind, c.kind, c.name);
    assert.equal(m.report.digest, m.digest, c.name);
  }
});

test("fetchManifest of a missing tag or repository is MANIFEST_UNKNOWN or NAME_UNKNOWN", async () => {
  await rejectsWith(api.fetchManifest(`${plain.host}/src/app:nope`), "MANIFEST_UNKNOWN", 404);
  await rejectsWith(api.fetchManifest(`${plain.host}/no/such:v1`), "MANIFEST_UNKNOWN", 404); // distribution 2.8 says so for a missing repository
  await rejectsWith(api.fetchManifest("127.0.0.1:1/x/y:v1"), "NETWORK");
  // A bad reference carries the code `parseReference` gives it.
  await rejectsWith(api.fetchManifest("Not A Reference"), "reference/name-contains-uppercase");
});

test("inspect gives every child with its platform from the config", async () => {
  const events = [];
  const r = await api.inspect(`${plain.host}/src/app:multi`, { onProgress: (e) => events.push(e) });
  assert.equal(r.digest, index.digest);
  assert.equal(r.mediaType, OCI_INDEX);
  assert.equal(r.kind, "index");
  assert.equal(r.children.length, images.length);
  r.children.forEach((c, i) => {
    const name = `child ${i}`;
    assert.equal(c.descriptor.digest, images[i].digest, name);
    assert.equal(c.platform.os, PLATFORMS[i].os, name);
    assert.equal(c.platform.architecture, PLATFORMS[i].architecture, name);
    assert.equal(c.platform.variant ?? null, PLATFORMS[i].variant ?? null, name);
    assert.equal(c.manifest.mediaType, OCI_MANIFEST, name);
    assert.equal(c.manifest.size, images[i].size, name);
    assert.equal(c.manifest.layers, 2, name);
    assert.equal(c.config.digest, images[i].config.digest, name);
  });
  assert.ok(
    events.filter((e) => e.type === "manifestFetched").length >= 1 + images.length,
    "progress for each manifest",
  );

  const image = await api.inspect(`${plain.host}/src/app:amd64`);
  assert.equal(image.kind, "image");
  assert.equal(image.children.length, 1);
  assert.equal(image.children[0].platform.architecture, "amd64");
});

test("planPush and pushIndex into another repository: mounts only, 0 blob bytes", async () => {
  const created = await api.createIndexFromReferences(
    images.map((m) => `${plain.host}/src/app@${m.digest}`),
  );
  const target = `${plain.host}/dst/app:v1`;
  const plan = await api.planPush(created.text, target, { sources: [`${plain.host}/src/app`] });
  assert.deepEqual(
    plan.children.map((c) => c.action),
    ["mount", "mount", "mount"],
  );
  assert.deepEqual(
    plan.children.map((c) => c.bytes),
    [0, 0, 0],
  );
  assert.deepEqual(
    plan.children.map((c) => c.blobs),
    [3, 3, 3],
  );
  assert.equal(plan.children[1].platform.architecture, "arm64");
  assert.equal(plan.blobsToCopy, 0);
  const events = [];
  const pushed = await api.pushIndex(created.text, target, {
    sources: [`${plain.host}/src/app`],
    onProgress: (e) => events.push(e),
  });
  assert.equal(pushed.digest, created.digest);
  assert.equal(pushed.report.bytesUploaded, 0, "no blob bytes");
  assert.equal(pushed.report.blobsUploaded, 0);
  assert.equal(pushed.report.blobsMounted, 9);
  assert.equal(events.filter((e) => e.type === "blobMounted").length, 9);
  assert.equal(events.filter((e) => e.type === "blobProgress").length, 0);
  assert.equal((await api.fetchManifest(target)).digest, created.digest);
  assert.equal(
    (await api.planPush(created.text, target)).rootPresent,
    true,
    "a second plan finds it present",
  );
});

test("planPush and pushIndex with two sources: each child comes from the repository that has it", async () => {
  // An index built from images in two repositories (`docker manifest create app app-amd64 app-arm64`).
  const repoA = `${plain.host}/multi/app-amd64`;
  const repoB = `${plain.host}/multi/app-arm64`;
  const amd = await seedImage(plain.host, "multi/app-amd64", PLATFORMS[0], {
    tag: "1.0",
    layers: 2,
  });
  const arm = await seedImage(plain.host, "multi/app-arm64", PLATFORMS[1], {
    tag: "1.0",
    layers: 2,
  });
  const created = await api.createIndexFromReferences([`${repoA}:1.0`, `${repoB}:1.0`]);
  const sizeOf = async (repo, m) =>
    m.config.size + (await api.inspect(`${repo}@${m.digest}`)).children[0].manifest.layersSize;
  const bytes = [await sizeOf(repoA, amd), await sizeOf(repoB, arm)];

  // (name, target, sources, per child [action, source] or the error and the repositories it names)
  const cases = [
    {
      name: "sources in the order of the children",
      target: `${plain.host}/multi/app:1.0`,
      sources: [repoA, repoB],
      children: [
        ["mount", repoA],
        ["mount", repoB],
      ],
    },
    {
      name: "sources in the other order",
      target: `${plain.host}/multi/app:1.0`,
      sources: [repoB, repoA],
      children: [
        ["mount", repoA],
        ["mount", repoB],
      ],
    },
    {
      name: "a missing repository first",
      target: `${plain.host}/multi/app:1.0`,
      sources: [`${plain.host}/multi/nothing-here`, repoA, repoB],
      children: [
        ["mount", repoA],
        ["mount", repoB],
      ],
    },
    {
      name: "another registry: copies from each",
      target: `${second.host}/multi/app:1.0`,
      sources: [repoA, repoB],
      children: [
        ["copy", repoA],
        ["copy", repoB],
      ],
    },
    {
      name: "the arm64 repository left out",
      target: `${plain.host}/multi/app:1.0`,
      sources: [repoA],
      error: ["MANIFEST_UNKNOWN", [arm.digest, repoA]],
    },
    {
      name: "no sources",
      target: `${plain.host}/multi/app:1.0`,
      sources: [],
      error: ["MANIFEST_UNKNOWN", []],
    },
  ];
  for (const c of cases) {
    const planning = api.planPush(created.text, c.target, { sources: c.sources });
    if (c.error) {
      const [code, named] = c.error;
      await assert.rejects(planning, (e) => {
        assert.equal(e.code, code, `${c.name}: code (${e.message})`);
        for (const n of named)
          assert.ok(e.message.includes(n), `${c.name}: the error names ${n}: ${e.message}`);
        return true;
      });
      continue;
    }
    const plan = await planning;
    assert.deepEqual(
      plan.children.map((ch) => [ch.action, ch.source]),
      c.children,
      c.name,
    );
    assert.deepEqual(
      plan.children.map((ch) => ch.from),
      c.children.map(([, s]) => s),
      `${c.name}: blobs from the source`,
    );
    assert.deepEqual(
      plan.children.map((ch) => ch.blobs),
      [3, 3],
      c.name,
    );
    const copies = c.children[0][0] === "copy";
    assert.deepEqual(
      plan.children.map((ch) => [ch.blobsToMount, ch.blobsToCopy]),
      copies
        ? [
            [0, 3],
            [0, 3],
          ]
        : [
            [3, 0],
            [3, 0],
          ],
      c.name,
    );
    assert.deepEqual(
      plan.children.map((ch) => ch.bytes),
      copies ? bytes : [0, 0],
      `${c.name}: bytes to copy`,
    );
    assert.equal(plan.bytesToCopy, copies ? bytes[0] + bytes[1] : 0, c.name);
  }

  // The push, then the index and both children read back from the target.
  const target = `${plain.host}/multi/app:1.0`;
  const events = [];
  const pushed = await api.pushIndex(created.text, target, {
    sources: [repoA, repoB],
    onProgress: (e) => events.push(e),
  });
  assert.equal(pushed.digest, created.digest);
  assert.deepEqual(
    pushed.plan.children.map((ch) => ch.source),
    [repoA, repoB],
  );
  assert.equal(pushed.report.manifestsPushed, 3);
  assert.equal(pushed.report.blobsMounted, 6);
  assert.equal(pushed.report.bytesUploaded, 0, "everything mounted");
  const mountedFrom = new Set(events.filter((e) => e.type === "blobMounted").map((e) => e.from));
  assert.deepEqual(
    [...mountedFrom].sort(),
    [repoA, repoB].sort(),
    "blobs mounted from both repositories",
  );
  const back = await api.fetchManifest(target);
  assert.equal(back.digest, created.digest);
  for (const m of [amd, arm]) {
    const child = await api.fetchManifest(`${plain.host}/multi/app@${m.digest}`);
    assert.equal(
      Buffer.from(child.bytes).equals(m.bytes),
      true,
      `child ${m.platform.architecture} read back byte for byte`,
    );
  }
  const inspected = await api.inspect(target);
  assert.deepEqual(
    inspected.children.map((ch) => ch.config !== null),
    [true, true],
    "both configs readable from the target",
  );
  assert.equal(
    (await api.planPush(created.text, target, { sources: [repoA, repoB] })).rootPresent,
    true,
    "a second plan finds it present",
  );
});

test("copyImage copies an index with every child and blob to a second registry", async () => {
  const events = [];
  const target = `${second.host}/copies/app:multi`;
  const r = await api.copyImage(`${plain.host}/src/app:multi`, target, {
    onProgress: (e) => events.push(e),
  });
  assert.equal(r.digest, index.digest);
  assert.equal(r.manifests, 4);
  assert.deepEqual(r.blobs, { copied: 9, mounted: 0, skipped: 0 });
  const expectedBytes =
    images.reduce((n, m) => n + m.config.size, 0) +
    (await Promise.all(images.map((m) => api.inspect(`${plain.host}/src/app@${m.digest}`)))).reduce(
      (n, i) => n + i.children[0].manifest.layersSize,
      0,
    );
  assert.equal(r.bytes, expectedBytes);
  assert.equal(events.filter((e) => e.type === "blobUploaded").length, 9);
  assert.equal((await api.fetchManifest(target)).digest, index.digest);
  const again = await api.copyImage(`${plain.host}/src/app:multi`, target);
  assert.equal(again.bytes, 0, "a second copy uploads nothing");

  // How blobs go up (9 blobs, each over 7 bytes): each then closed with one PUT.
  const cases = [
    // Node's default: blobs up to the chunk size (16 MiB) in one streamed PUT.
    { name: "monolithic", repo: "whole", options: {}, patches: (n) => n === 0 },
    // Stream uploads: each blob over the chunk size in one streamed PATCH of all its bytes.
    {
      name: "one PATCH per blob",
      repo: "streamed",
      options: { chunkSize: 7 },
      patches: (n) => n === 9,
    },
    // The ranged path (browsers, and Node with `streamUploads: false`): several PATCH requests.
    {
      name: "ranges of 7 bytes",
      repo: "ranged",
      options: { chunkSize: 7, streamUploads: false },
      patches: (n) => n >= Math.ceil(expectedBytes / 7) - 9,
    },
  ];
  for (const c of cases) {
    const progress = [];
    const proxy = await startFaultProxy(() => undefined);
    try {
      const copied = await api.copyImage(
        `${plain.host}/src/app:multi`,
        `${second.host}/${c.repo}/app:multi`,
        { ...c.options, proxy: proxy.base, onProgress: (e) => progress.push(e) },
      );
      assert.equal(copied.bytes, expectedBytes, c.name);
      assert.deepEqual(copied.blobs, { copied: 9, mounted: 0, skipped: 0 }, c.name);
      const patches = proxy.log.filter((l) =>
        l.startsWith(`PATCH /v2/${c.repo}/app/blobs/uploads/`),
      ).length;
      assert.ok(c.patches(patches), `${c.name}: ${patches} PATCH requests`);
      const closes = proxy.log.filter((l) =>
        l.startsWith(`PUT /v2/${c.repo}/app/blobs/uploads/`),
      ).length;
      assert.equal(closes, 9, `${c.name}: one closing PUT per blob`);
      assert.ok(
        progress.filter((e) => e.type === "blobProgress").length >= patches,
        `${c.name}: progress for each PATCH`,
      );
    } finally {
      await proxy.stop();
    }
    assert.equal(
      (await api.fetchManifest(`${second.host}/${c.repo}/app:multi`)).digest,
      index.digest,
      c.name,
    );
  }
});

test("a blob larger than the chunk size goes up in one streamed PATCH, verified before it is closed", async () => {
  const size = 20 * 1024 * 1024 + 5;
  const layer = await pushLargeBlob(plain.host, "src/big", size, 7);
  const image = await seedImage(plain.host, "src/big", PLATFORMS[0], {
    tag: "v1",
    layerDescriptors: [layer],
  });
  // (name, fault on the layer's GET, the error, PATCH requests expected, closing PUTs allowed)
  const cases = [
    { name: "intact", repo: "big", fault: undefined, code: null, patches: 1, closes: [2] },
    // The last byte flipped: the last read of the PATCH is refused, the layer's upload never
    // closed (the config's may be).
    {
      name: "corrupted",
      repo: "big-corrupt",
      fault: "corrupt",
      code: "DIGEST_MISMATCH",
      patches: 1,
      closes: [0, 1],
    },
  ];
  for (const c of cases) {
    const proxy = await startFaultProxy((req, path) =>
      req.method === "GET" && path.endsWith(`/blobs/${layer.digest}`) ? c.fault : undefined,
    );
    const target = `${second.host}/${c.repo}/app:v1`;
    try {
      const copy = api.copyImage(`${plain.host}/src/big:v1`, target, { proxy: proxy.base });
      if (c.code) {
        await rejectsWith(copy, c.code);
        await assert.rejects(
          api.fetchManifest(target),
          (e) => ["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].includes(e.code),
          `${c.name}: nothing tagged`,
        );
        const head = await fetch(`http://${second.host}/v2/${c.repo}/app/blobs/${layer.digest}`, {
          method: "HEAD",
        });
        assert.equal(head.status, 404, `${c.name}: the layer is not in the target`);
      } else {
        const r = await copy;
        assert.equal(r.bytes, size + image.config.size, c.name);
        assert.equal((await api.fetchManifest(target)).digest, image.digest, c.name);
        const head = await fetch(`http://${second.host}/v2/${c.repo}/app/blobs/${layer.digest}`, {
          method: "HEAD",
        });
        assert.equal(head.headers.get("docker-content-digest"), layer.digest, c.name);
      }
      const patches = proxy.log.filter((l) =>
        l.startsWith(`PATCH /v2/${c.repo}/app/blobs/uploads/`),
      ).length;
      const closes = proxy.log.filter((l) =>
        l.startsWith(`PUT /v2/${c.repo}/app/blobs/uploads/`),
      ).length;
      assert.equal(patches, c.patches, `${c.name}: PATCH requests`);
      assert.ok(c.closes.includes(closes), `${c.name}: ${closes} uploads closed`);
    } finally {
      await proxy.stop();
    }
  }

  // Aborted while the streamed PATCH waits for its answer: the call rejects with the reason.
  const controller = new AbortController();
  const reason = new Error("stop during the upload");
  const proxy = await startFaultProxy((req, path) => {
    if (req.method === "PATCH" && path.startsWith("/v2/big-aborted/")) controller.abort(reason);
    return undefined;
  });
  try {
    await assert.rejects(
      api.copyImage(`${plain.host}/src/big:v1`, `${second.host}/big-aborted/app:v1`, {
        proxy: proxy.base,
        signal: controller.signal,
      }),
      (e) => e === reason,
    );
    assert.equal(
      proxy.log.filter((l) => l.startsWith("PATCH /v2/big-aborted/")).length,
      1,
      "the PATCH was under way",
    );
    await assert.rejects(api.fetchManifest(`${second.host}/big-aborted/app:v1`), (e) =>
      ["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].includes(e.code),
    );
  } finally {
    await proxy.stop();
  }
});

test("token auth: tokens from the realm, pushes with mounts; a wrong password is UNAUTHORIZED", async () => {
  const ref = `${tokenRegistry.host}/private/app:v1`;
  const before = tokens.requests.length;
  const r = await api.inspect(ref, { auth: USER });
  assert.equal(r.kind, "image");
  assert.ok(tokens.requests.length > before, "a token was requested");
  assert.ok(
    tokens.requests.slice(before).every((q) => q.basic),
    "with Basic credentials",
  );
  const created = await api.createIndexFromReferences(
    [ref, `${tokenRegistry.host}/private/app:arm64`],
    { auth: USER },
  );
  const pushed = await api.pushIndex(created.text, `${tokenRegistry.host}/public/app:v1`, {
    auth: USER,
    sources: [`${tokenRegistry.host}/private/app`],
  });
  assert.equal(pushed.report.bytesUploaded, 0);
  assert.equal(pushed.report.blobsMounted, 4);
  assert.equal(
    (await api.fetchManifest(`${tokenRegistry.host}/public/app:v1`, { auth: USER })).digest,
    created.digest,
  );
  await rejectsWith(
    api.fetchManifest(ref, { auth: { ...USER, password: "wrong" } }),
    "UNAUTHORIZED",
    401,
  );
  await rejectsWith(api.fetchManifest(ref), "UNAUTHORIZED", 401);
});

test("bytes that do not match their digest are DIGEST_MISMATCH, and nothing is tagged", async () => {
  const proxy = await startFaultProxy((req, path) =>
    req.method === "GET" && /\/(manifests|blobs)\/sha256:/.test(path) ? "corrupt" : undefined,
  );
  try {
    await rejectsWith(
      api.fetchManifest(`${plain.host}/src/app@${images[0].digest}`, { proxy: proxy.base }),
      "DIGEST_MISMATCH",
    );
    assert.ok(
      proxy.log.some((l) => l.startsWith("GET /v2/src/app/manifests/")),
      "the request went through the proxy",
    );
    const target = `${second.host}/corrupt/app:v1`;
    await rejectsWith(
      api.copyImage(`${plain.host}/src/app:multi`, target, { proxy: proxy.base }),
      "DIGEST_MISMATCH",
    );
    await rejectsWith(api.fetchManifest(target), "MANIFEST_UNKNOWN", 404); // blobs may have arrived, the tag did not
  } finally {
    await proxy.stop();
  }
  // Blobs only, in ranges: the last range of a blob is refused before it is sent, so no upload of
  // a corrupted blob is closed.
  const blobs = await startFaultProxy((req, path) =>
    req.method === "GET" && /\/blobs\/sha256:/.test(path) && !path.includes(images[0].config.digest)
      ? "corrupt"
      : undefined,
  );
  try {
    const ranged = `${second.host}/corrupt-ranged/app:v1`;
    await rejectsWith(
      api.copyImage(`${plain.host}/src/app:amd64`, ranged, {
        proxy: blobs.base,
        chunkSize: 7,
        streamUploads: false,
      }),
      "DIGEST_MISMATCH",
    );
    await assert.rejects(api.fetchManifest(ranged), (e) =>
      ["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].includes(e.code),
    );
    const patches = blobs.log.filter((l) =>
      l.startsWith("PATCH /v2/corrupt-ranged/app/blobs/uploads/"),
    );
    assert.ok(patches.length > 0, "ranges of the corrupted layers were sent before the last one");
    const closes = blobs.log.filter((l) =>
      l.startsWith("PUT /v2/corrupt-ranged/app/blobs/uploads/"),
    );
    assert.ok(closes.length <= 1, `only the intact config may be closed (${closes.length} closed)`);
  } finally {
    await blobs.stop();
  }
});

test("an upload abandoned by a failure is cancelled with DELETE, and nothing is tagged", async () => {
  const configDigest = images[0].config.digest;
  // (name, options, fault for the proxy given a counter, error)
  const cases = [
    {
      name: "a range answered 500",
      repo: "cancel-ranged",
      options: { chunkSize: 7, streamUploads: false },
      fault: (count) => (req) =>
        req.method === "PATCH" && ++count.patches === 2 ? "fail" : undefined,
      code: "UNEXPECTED_STATUS",
    },
    {
      name: "corrupted bytes refused",
      repo: "cancel-streamed",
      options: { chunkSize: 7 },
      fault: () => (req, path) =>
        req.method === "GET" && /\/blobs\/sha256:/.test(path) && !path.includes(configDigest)
          ? "corrupt"
          : undefined,
      code: "DIGEST_MISMATCH",
    },
  ];
  for (const c of cases) {
    const proxy = await startFaultProxy(c.fault({ patches: 0 }));
    const target = `${second.host}/${c.repo}/app:v1`;
    try {
      await rejectsWith(
        api.copyImage(`${plain.host}/src/app:amd64`, target, { ...c.options, proxy: proxy.base }),
        c.code,
      );
      const deletes = proxy.log.filter((l) =>
        l.startsWith(`DELETE /v2/${c.repo}/app/blobs/uploads/`),
      );
      assert.ok(
        deletes.length >= 1,
        `${c.name}: the abandoned upload was cancelled (${proxy.log.join(", ")})`,
      );
      for (const d of deletes) {
        const session = await fetch(`http://${second.host}${d.slice("DELETE ".length)}`);
        assert.equal(session.status, 404, `${c.name}: upload session ${d} is gone`);
      }
      await assert.rejects(
        api.fetchManifest(target),
        (e) => ["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].includes(e.code),
        `${c.name}: nothing tagged`,
      );
    } finally {
      await proxy.stop();
    }
  }
});

test("a 500 in the middle of a push tags nothing, and a retry completes", async () => {
  let manifestPuts = 0;
  const proxy = await startFaultProxy((req, path) => {
    if (req.method === "PUT" && path.includes("/manifests/") && ++manifestPuts === 2) return "fail";
    return undefined;
  });
  const target = `${second.host}/retry/app:v1`;
  try {
    await rejectsWith(
      api.copyImage(`${plain.host}/src/app:multi`, target, { proxy: proxy.base }),
      "UNEXPECTED_STATUS",
      500,
    );
    assert.ok(
      manifestPuts >= 2 && manifestPuts <= images.length,
      "failed among the child manifests, before the index",
    );
    await rejectsWith(api.fetchManifest(target), "MANIFEST_UNKNOWN", 404);
    const r = await api.copyImage(`${plain.host}/src/app:multi`, target, { proxy: proxy.base });
    assert.equal(r.digest, index.digest);
    assert.ok(r.blobs.skipped > 0, "blobs of the first try are kept");
    assert.equal((await api.fetchManifest(target)).digest, index.digest);
  } finally {
    await proxy.stop();
  }
});

test("an aborted signal rejects with its reason", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(
    api.inspect(`${plain.host}/src/app:multi`, { signal: controller.signal }),
    (e) => e === reason,
  );
  const late = new AbortController();
  const p = api.copyImage(`${plain.host}/src/app:multi`, `${second.host}/aborted/app:v1`, {
    signal: late.signal,
    onProgress: (e) => {
      if (e.type === "manifestFetched") late.abort(reason);
    },
  });
  await assert.rejects(p, (e) => e === reason);
  await assert.rejects(api.fetchManifest(`${second.host}/aborted/app:v1`), (e) =>
    ["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].includes(e.code),
  );
});

test("a failed inspect rejects at once; its other requests in flight finish and are ignored", async () => {
  // A registry of our own: the index of plain/src/app, whose first child fails with a 500 once
  // all three child requests are in; the other two are answered only after the rejection.
  const { createServer } = await import("node:http");
  const diagnostics = await import("node:diagnostics_channel");
  const pending = new Map(); // digest -> res
  let allIn;
  const inFlight = new Promise((resolve) => (allIn = resolve));
  const server = createServer((req, res) => {
    if (req.url === "/v2/a/b/manifests/multi") {
      res.writeHead(200, { "content-type": OCI_INDEX, "docker-content-digest": index.digest });
      res.end(index.bytes);
      return;
    }
    pending.set(req.url.split("/").pop(), res);
    if (pending.size === images.length) allIn();
  });
  // How each of the two late requests ends on the client (fetch's diagnostics channels): its
  // answer read to the end, or an error (an abort).
  const ends = new Map(images.slice(1).map((img) => [`/v2/a/b/manifests/${img.digest}`, null]));
  const endedAs =
    (kind) =>
    ({ request }) => {
      const resolve = ends.get(request.path);
      if (resolve) resolve(kind);
    };
  const endings = [...ends.keys()].map((path) => new Promise((resolve) => ends.set(path, resolve)));
  const onTrailers = endedAs("read to the end");
  const onError = endedAs("aborted");
  diagnostics.subscribe("undici:request:trailers", onTrailers);
  diagnostics.subscribe("undici:request:error", onError);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const inspected = api.inspect(`127.0.0.1:${server.address().port}/a/b:multi`).catch((e) => e);
    await inFlight;
    pending
      .get(images[0].digest)
      .writeHead(500, { "content-type": "text/plain" })
      .end("injected failure");
    const e = await inspected;
    assert.equal(e.status, 500, e.message);
    for (const img of images.slice(1)) {
      pending
        .get(img.digest)
        .writeHead(200, { "content-type": OCI_MANIFEST, "docker-content-digest": img.digest })
        .end(img.bytes);
    }
    assert.deepEqual(await Promise.all(endings), ["read to the end", "read to the end"]);
    const again = await api.inspect(`${plain.host}/src/app:multi`);
    assert.equal(again.children.length, images.length);
  } finally {
    diagnostics.unsubscribe("undici:request:trailers", onTrailers);
    diagnostics.unsubscribe("undici:request:error", onError);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("auth { token }: a bearer token issued beforehand is sent as is", async () => {
  const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString("base64")}`;
  const url = `${tokens.realm}?service=indexsmith-test-registry&scope=${encodeURIComponent("repository:private/app:pull")}`;
  const { token } = await (await fetch(url, { headers: { authorization: basic } })).json();
  const m = await api.fetchManifest(`${tokenRegistry.host}/private/app:v1`, { auth: { token } });
  assert.equal(m.mediaType, OCI_MANIFEST);
  const before = tokens.requests.length;
  await rejectsWith(
    api.fetchManifest(`${tokenRegistry.host}/private/app:v1`, { auth: { token: "not-a-jwt" } }),
    "UNAUTHORIZED",
    401,
  );
  const realm = tokens.requests.slice(before);
  assert.ok(realm.length > 0, "the refused token led to the realm");
  assert.ok(
    realm.every((q) => !q.basic),
    "the bearer token is not sent to the token realm, another host",
  );
});

test("a request without an answer within `timeout` fails with TIMEOUT", async () => {
  const { createServer } = await import("node:http");
  const held = [];
  const silent = createServer((req, res) => held.push(res)); // never answers
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const e = await api
      .fetchManifest(`127.0.0.1:${silent.address().port}/a/b:v1`, { timeout: 0.2 })
      .catch((x) => x);
    assert.equal(e.code, "TIMEOUT", e.message);
    assert.equal(e.retryable, true);
  } finally {
    for (const res of held) res.destroy();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
});

// A server on 127.0.0.1 that records each request (method, URL, Authorization) and hands it to
// `handle(req, res, body)`.
async function recordingServer(handle) {
  const log = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    log.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    await handle(req, res, Buffer.concat(chunks));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port: server.address().port, log, stop };
}

// Forwards `path` to `http://<upstream><path>` and the answer back, headers rewritten by `rewrite`.
async function forward(upstream, req, res, body, path = req.url, rewrite = (h) => h) {
  const headers = { ...req.headers };
  for (const h of ["host", "connection", "content-length", "transfer-encoding"]) delete headers[h];
  const answer = await fetch(`http://${upstream}${path}`, {
    method: req.method,
    headers,
    body: body.length ? body : undefined,
    redirect: "manual",
  });
  const out = {};
  answer.headers.forEach((v, k) => {
    if (!["content-length", "transfer-encoding", "connection", "content-encoding"].includes(k))
      out[k] = v;
  });
  res.writeHead(answer.status, rewrite(out));
  res.end(req.method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer()));
}

test("credentials are per registry: a source on another host gets none of the target's", async () => {
  // The source registry, reached through a recording proxy on its own port: another host.
  const source = await recordingServer((req, res, body) => forward(plain.host, req, res, body));
  try {
    const sources = [`127.0.0.1:${source.port}/src/app`];
    const target = `${basic.host}/scoped/app:v1`;
    const pushed = await api.pushIndex(index.bytes, target, { sources, auth: USER });
    assert.equal(pushed.digest, index.digest);
    assert.ok(pushed.report.blobsUploaded > 0, "the blobs were copied from the source");
    assert.ok(source.log.length > 0, "the source was read through the recording proxy");
    assert.deepEqual(
      source.log.filter((r) => r.authorization),
      [],
      "the source saw no credentials",
    );
    // The per-registry form: each registry gets its own entry, and only that.
    const perRegistry = { [basic.host]: USER, "registry.example": { token: "elsewhere" } };
    const again = await api.pushIndex(index.bytes, `${basic.host}/scoped/app:v2`, {
      sources,
      auth: perRegistry,
    });
    assert.equal(again.digest, index.digest);
    assert.deepEqual(
      source.log.filter((r) => r.authorization),
      [],
      "the source saw no credentials",
    );
  } finally {
    await source.stop();
  }
});

test("Docker Hub names go to registry-1.docker.io with library/ (request URLs only)", async () => {
  // The session's proxy points at a local server that answers 404: nothing leaves 127.0.0.1.
  const hub = await recordingServer((req, res) => {
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  });
  try {
    const proxy = `http://127.0.0.1:${hub.port}/proxy`;
    const cases = [
      ["docker.io/alpine", "/proxy/registry-1.docker.io/v2/library/alpine/manifests/latest"],
      ["alpine", "/proxy/registry-1.docker.io/v2/library/alpine/manifests/latest"],
      ["ubuntu:24.04", "/proxy/registry-1.docker.io/v2/library/ubuntu/manifests/24.04"],
      [
        "index.docker.io/sample/hello",
        "/proxy/registry-1.docker.io/v2/sample/hello/manifests/latest",
      ],
    ];
    for (const [reference, url] of cases) {
      hub.log.length = 0;
      await assert.rejects(api.fetchManifest(reference, { proxy }), { code: "MANIFEST_UNKNOWN" });
      assert.equal(hub.log[0] && hub.log[0].url, url, reference);
    }
  } finally {
    await hub.stop();
  }
});
