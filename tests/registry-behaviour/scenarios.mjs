// The registry behaviour every transport must show, written once: each scenario names the seeded
// images it reads, the operation (the npm API's function) with its arguments, and the outcome in
// the npm API's terms. `suite.mjs` runs the table over a transport (the npm package in Node or in
// Chromium, the command-line program) against docker-registry anonymous, with htpasswd and with
// token auth, directly and through the `indexsmith serve` proxy.
//
// A scenario's functions get the world (`world.mjs`) as seen from one run:
// - `reg`: the registry under test (`host:port`), `other`: a second, anonymous registry,
//   `recorded`: another host in front of `other` that records the credentials it gets, `huge`: a
//   server answering every manifest with 4.5 MiB, `route`: "direct" or "proxy" (names written by
//   a run carry it, so the two routes never see each other's pushes);
// - `seed`: what was seeded in `reg` (and, the same bytes, in `other`): `images` (linux/amd64,
//   linux/arm64/v8, linux/arm/v7, each `{ digest, size, platform }`, tagged `amd64`, `arm64-v8`,
//   `arm-v7`) and `index` (of the three, tagged `multi`) in `behaviour/app`; the images alone in
//   `behaviour/same-<route>`; `docker`: the same images as Docker schema 2 manifests and their
//   manifest list (tagged `1.0`) in `behaviour/docker`.
//
// Outcomes, as `npm-calls.mjs` and the command-line runner shape them:
// - fetchManifest: `{ digest, mediaType, size, bytesDigest }` (`bytesDigest`: sha256 of the bytes
//   as received, so "the bytes hash to the digest" is `digest === bytesDigest`);
// - inspect: `{ digest, mediaType, kind, children: [{ digest, platform }] }`, platforms as
//   `os/architecture[/variant]`;
// - listTags: `{ tags }`, sorted;
// - createIndexFromReferences: `{ mediaType, digestOfBytes, children }` (`digestOfBytes`: the
//   reported digest is the sha256 of the document's bytes);
// - pushIndex: `{ actions, digest, readBack }`: the plan's action per child (`present`, `mount`,
//   `copy`), the pushed digest, the digest fetched back from the target;
// - copyImage: `{ digest, readBack }`;
// - a failure: `{ error: CODE }` (the registry error's code).

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

export const USER = { username: "alice", password: "wonderland" };

/** The images seeded in every registry, in this order. */
export const PLATFORMS = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "arm", variant: "v7" },
];

/** The tag of a seeded image. */
export const tagOf = (p) => (p.variant ? `${p.architecture}-${p.variant}` : p.architecture);

export const platformText = (p) =>
  [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/");

const children = (seed) =>
  seed.images.map((m) => ({ digest: m.digest, platform: platformText(m.platform) }));

/** The registries a run targets: their auth, and the credentials a run passes. */
export const AUTHS = ["anonymous", "htpasswd", "token"];
export const ROUTES = ["direct", "proxy"];

/**
 * Runs a transport cannot make, and why: `{ transport, route?, auth?, why }` (a missing key
 * matches every value). The suite registers them as skipped tests that say why.
 */
export const CANNOT = [
  {
    transport: "chromium",
    route: "direct",
    auth: "htpasswd",
    why: "docker-registry with htpasswd answers the CORS preflight with 401: a page reaches it only through the proxy",
  },
  {
    transport: "chromium",
    route: "direct",
    auth: "token",
    why: "docker-registry with token auth answers the CORS preflight with 401: a page reaches it only through the proxy",
  },
];

/**
 * The scenarios. `auths` (default: all) lists the registries a scenario applies to, `why` says
 * why it leaves others out; `cannot` maps a transport to why it cannot run the scenario;
 * `observe(world)` adds what the world saw during the call to the outcome (a recording host's
 * log); `differs` lists known departures from `expect`: `{ transport?, route?, outcome, why }`, the
 * outcome asserted instead (so the test fails once the departure is fixed, and the entry goes).
 */
export const SCENARIOS = [
  {
    name: "fetch an index by tag: the bytes hash to the digest",
    op: "fetchManifest",
    args: ({ reg }) => [`${reg}/behaviour/app:multi`],
    expect: ({ seed }) => ({
      digest: seed.index.digest,
      mediaType: OCI_INDEX,
      size: seed.index.size,
      bytesDigest: seed.index.digest,
    }),
  },
  {
    name: "fetch an image by digest: the bytes hash to the digest",
    op: "fetchManifest",
    args: ({ reg, seed }) => [`${reg}/behaviour/app@${seed.images[1].digest}`],
    expect: ({ seed }) => ({
      digest: seed.images[1].digest,
      mediaType: OCI_MANIFEST,
      size: seed.images[1].size,
      bytesDigest: seed.images[1].digest,
    }),
  },
  {
    name: "fetch a missing tag: MANIFEST_UNKNOWN",
    op: "fetchManifest",
    args: ({ reg }) => [`${reg}/behaviour/app:missing`],
    expect: () => ({ error: "MANIFEST_UNKNOWN" }),
  },
  {
    name: "inspect an index: every child with its platform",
    op: "inspect",
    args: ({ reg }) => [`${reg}/behaviour/app:multi`],
    expect: ({ seed }) => ({
      digest: seed.index.digest,
      mediaType: OCI_INDEX,
      kind: "index",
      children: children(seed),
    }),
  },
  {
    name: "fetch a Docker manifest list by tag: its media type, the bytes hash to the digest",
    op: "fetchManifest",
    args: ({ reg }) => [`${reg}/behaviour/docker:1.0`],
    expect: ({ seed }) => ({
      digest: seed.docker.index.digest,
      mediaType: DOCKER_LIST,
      size: seed.docker.index.size,
      bytesDigest: seed.docker.index.digest,
    }),
  },
  {
    name: "inspect a Docker manifest list: every schema 2 child with its platform",
    op: "inspect",
    args: ({ reg }) => [`${reg}/behaviour/docker:1.0`],
    expect: ({ seed }) => ({
      digest: seed.docker.index.digest,
      mediaType: DOCKER_LIST,
      kind: "index",
      children: children(seed.docker),
    }),
  },
  {
    name: "inspect an image by tag: one child, its platform from the config",
    op: "inspect",
    args: ({ reg }) => [`${reg}/behaviour/app:arm-v7`],
    expect: ({ seed }) => ({
      digest: seed.images[2].digest,
      mediaType: OCI_MANIFEST,
      kind: "image",
      children: [{ digest: seed.images[2].digest, platform: "linux/arm/v7" }],
    }),
  },
  {
    name: "list tags",
    op: "listTags",
    args: ({ reg }) => [`${reg}/behaviour/app`],
    expect: () => ({ tags: ["amd64", "arm-v7", "arm64-v8", "multi"] }),
  },
  {
    name: "list the tags of a missing repository: NAME_UNKNOWN",
    op: "listTags",
    args: ({ reg }) => [`${reg}/behaviour/nothing-here`],
    expect: () => ({ error: "NAME_UNKNOWN" }),
  },
  {
    name: "create an OCI index from references (tags and a digest), platforms from the configs",
    op: "createIndexFromReferences",
    args: ({ reg, seed }) => [
      [
        `${reg}/behaviour/app:amd64`,
        `${reg}/behaviour/app:arm64-v8`,
        `${reg}/behaviour/app@${seed.images[2].digest}`,
      ],
      { format: "oci" },
    ],
    expect: ({ seed }) => ({ mediaType: OCI_INDEX, digestOfBytes: true, children: children(seed) }),
  },
  {
    name: "create a Docker manifest list from references",
    op: "createIndexFromReferences",
    args: ({ reg }) => [
      [`${reg}/behaviour/app:amd64`, `${reg}/behaviour/app:arm64-v8`],
      { format: "docker" },
    ],
    expect: ({ seed }) => ({
      mediaType: DOCKER_LIST,
      digestOfBytes: true,
      children: children(seed).slice(0, 2),
    }),
  },
  {
    name: "create from an index reference: INVALID_INPUT",
    op: "createIndexFromReferences",
    args: ({ reg }) => [[`${reg}/behaviour/app:multi`], { format: "oci" }],
    expect: () => ({ error: "INVALID_INPUT" }),
  },
  {
    name: "push an index into the repository of its children: every child present, nothing copied",
    op: "pushIndex",
    args: ({ reg, seed, route }) => [seed.index.text, `${reg}/behaviour/same-${route}:v1`, {}],
    expect: ({ seed }) => ({
      actions: ["present", "present", "present"],
      digest: seed.index.digest,
      readBack: seed.index.digest,
    }),
  },
  {
    name: "push an index into another repository: every child mounted from the source",
    op: "pushIndex",
    args: ({ reg, seed, route }) => [
      seed.index.text,
      `${reg}/behaviour/mounted-${route}:v1`,
      { sources: [`${reg}/behaviour/app`] },
    ],
    expect: ({ seed }) => ({
      actions: ["mount", "mount", "mount"],
      digest: seed.index.digest,
      readBack: seed.index.digest,
    }),
  },
  {
    name: "push an index whose children are nowhere: MANIFEST_UNKNOWN, nothing tagged",
    op: "pushIndex",
    args: ({ reg, seed, route }) => [seed.index.text, `${reg}/behaviour/orphan-${route}:v1`, {}],
    expect: () => ({ error: "MANIFEST_UNKNOWN" }),
  },
  {
    name: "copy an index from another registry: the digest preserved",
    op: "copyImage",
    args: ({ reg, other, route }) => [
      `${other}/behaviour/app:multi`,
      `${reg}/behaviour/copied-${route}:v1`,
    ],
    expect: ({ seed }) => ({ digest: seed.index.digest, readBack: seed.index.digest }),
  },
  {
    name: "copy a Docker manifest list from another registry: media types and digest preserved",
    op: "copyImage",
    args: ({ reg, other, route }) => [
      `${other}/behaviour/docker:1.0`,
      `${reg}/behaviour/docker-copied-${route}:1.0`,
    ],
    expect: ({ seed }) => ({
      digest: seed.docker.index.digest,
      readBack: seed.docker.index.digest,
    }),
  },
  {
    name: "copy from a source on another host: the source sees none of the target's credentials",
    auths: ["htpasswd", "token"],
    why: "the anonymous registry is given no credentials that could leak",
    op: "copyImage",
    args: ({ reg, recorded, route }) => [
      `${recorded}/behaviour/app:multi`,
      `${reg}/behaviour/recorded-${route}:v1`,
    ],
    observe: ({ recorder }) => {
      const seen = recorder.take();
      return { sourceRead: seen.length > 0, sourceGotCredentials: seen.filter(Boolean) };
    },
    expect: ({ seed }) => ({
      digest: seed.index.digest,
      readBack: seed.index.digest,
      sourceRead: true,
      sourceGotCredentials: [],
    }),
  },
  {
    name: "a wrong password: UNAUTHORIZED",
    auths: ["htpasswd", "token"],
    why: "the anonymous registry checks no credentials",
    op: "fetchManifest",
    args: ({ reg }) => [`${reg}/behaviour/app:multi`],
    credentials: { ...USER, password: "wrong" },
    expect: () => ({ error: "UNAUTHORIZED" }),
  },
  {
    name: "no credentials: UNAUTHORIZED",
    auths: ["htpasswd", "token"],
    why: "the anonymous registry checks no credentials",
    op: "fetchManifest",
    args: ({ reg }) => [`${reg}/behaviour/app:multi`],
    credentials: null,
    expect: () => ({ error: "UNAUTHORIZED" }),
  },
  {
    name: "a manifest over 4 MiB: TOO_LARGE",
    auths: ["anonymous"],
    why: "docker-registry refuses to store a manifest over 4 MiB, so a server of the suite's serves one, without auth",
    op: "fetchManifest",
    args: ({ huge }) => [`${huge}/behaviour/app:huge`],
    expect: () => ({ error: "TOO_LARGE" }),
  },
];

/** The outcome `scenario` must have over (transport, route), and why it departs from `expect`. */
export function expected(transport, route, scenario, context) {
  for (const d of scenario.differs ?? []) {
    if ((d.transport ?? transport) === transport && (d.route ?? route) === route)
      return { outcome: d.outcome, why: d.why };
  }
  return { outcome: scenario.expect(context), why: null };
}

/** Why `transport` cannot run `scenario` over (route, auth), or null when it can. */
export function cannotRun(transport, route, auth, scenario) {
  for (const c of CANNOT) {
    if (c.transport === transport && (c.route ?? route) === route && (c.auth ?? auth) === auth)
      return c.why;
  }
  if (scenario.auths && !scenario.auths.includes(auth)) return scenario.why;
  return scenario.cannot?.[transport] ?? null;
}
