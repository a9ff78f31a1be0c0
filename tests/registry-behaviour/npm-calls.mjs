// One scenario's operation over the npm package's API, its result shaped as `scenarios.mjs`
// describes. Plain ES module without Node imports: the Node runner imports it, and the Chromium
// page loads it from the suite's folder.

const HEX = "0123456789abcdef";

async function sha256(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of hash) hex += HEX[b >> 4] + HEX[b & 15];
  return `sha256:${hex}`;
}

const platformText = (p) =>
  p ? [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/") : null;

/** What `pushIndex` and `copyImage` read back from their target. */
async function readBack(api, reference, options) {
  return (await api.fetchManifest(reference, options)).digest;
}

const OPERATIONS = {
  async fetchManifest(api, [reference], options) {
    const m = await api.fetchManifest(reference, options);
    return {
      digest: m.digest,
      mediaType: m.mediaType,
      size: m.size,
      bytesDigest: await sha256(m.bytes),
    };
  },
  async inspect(api, [reference], options) {
    const r = await api.inspect(reference, options);
    return {
      digest: r.digest,
      mediaType: r.mediaType,
      kind: r.kind,
      children: r.children.map((c) => ({
        digest: c.descriptor.digest,
        platform: platformText(c.platform),
      })),
    };
  },
  async listTags(api, [repository], options) {
    return { tags: [...(await api.listTags(repository, options))].sort() };
  },
  async createIndexFromReferences(api, [references, extra], options) {
    const r = await api.createIndexFromReferences(references, { ...extra, ...options });
    const doc = JSON.parse(r.text);
    return {
      mediaType: r.mediaType,
      digestOfBytes: r.digest === (await sha256(new TextEncoder().encode(r.text))),
      children: doc.manifests.map((m) => ({
        digest: m.digest,
        platform: platformText(m.platform),
      })),
    };
  },
  async pushIndex(api, [text, target, extra], options) {
    const plan = await api.planPush(text, target, { ...extra, ...options });
    const pushed = await api.pushIndex(text, target, { ...extra, ...options });
    return {
      actions: plan.children.map((c) => c.action),
      digest: pushed.digest,
      readBack: await readBack(api, target, options),
    };
  },
  async copyImage(api, [source, target], options) {
    const r = await api.copyImage(source, target, options);
    return { digest: r.digest, readBack: await readBack(api, target, options) };
  },
};

/**
 * Runs operation `op` of `api` (the npm package's module) on `args` with the call's `options`
 * (`auth`, `proxy`); a registry error becomes `{ error: code }`, anything else is rethrown.
 */
export async function callNpm(api, op, args, options) {
  try {
    return await OPERATIONS[op](api, args, options);
  } catch (e) {
    if (e && typeof e.code === "string" && "status" in e)
      return { error: e.code, message: e.message };
    throw e;
  }
}
