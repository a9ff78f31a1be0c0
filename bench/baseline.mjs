// The JavaScript baseline a web developer would write to validate an index or manifest, without
// the hashing (each host hashes its own way): JSON.parse, the OCI schemas compiled by ajv, and a
// duplicate-platform pass. Shared by the Node benchmark and the page of the Chromium benchmark.

function platformKey(p) {
  const features = [...(p["os.features"] ?? [])].sort().join(",");
  const variant = p.architecture === "arm64" && p.variant === "v8" ? "" : (p.variant ?? "");
  return `${p.os}|${p.architecture}|${variant}|${p["os.version"] ?? ""}|${features}`;
}

function duplicatePlatforms(doc) {
  const seen = new Map();
  const findings = [];
  (doc.manifests ?? []).forEach((m, i) => {
    const p = m?.platform;
    if (!p || typeof p !== "object") return;
    if (m.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return;
    if (p.os === "unknown" && p.architecture === "unknown") return;
    const key = platformKey(p);
    if (seen.has(key))
      findings.push({ code: "index/duplicate-platform", pointer: `/manifests/${i}/platform` });
    else seen.set(key, i);
  });
  return findings;
}

/** Parses and checks `text` with the ajv validators of the index and manifest schemas. */
export function checkDocument(text, validateIndex, validateManifest) {
  const doc = JSON.parse(text);
  const isIndex =
    doc.mediaType === "application/vnd.oci.image.index.v1+json" || Array.isArray(doc.manifests);
  const check = isIndex ? validateIndex : validateManifest;
  const valid = check(doc);
  const errors = valid ? [] : check.errors;
  const duplicates = isIndex ? duplicatePlatforms(doc) : [];
  return { valid: valid && duplicates.length === 0, errors, duplicates };
}

/** Median milliseconds of `fn()`, after warm-up, over at least `minRuns` runs and about 1 s. */
export function time(fn, minRuns = 15) {
  for (let i = 0; i < 3; i++) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start < 1000 && samples.length < 2000)) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** `time` for a function returning a promise: each run is awaited before the next starts. */
export async function timeAsync(fn, minRuns = 15) {
  for (let i = 0; i < 3; i++) await fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start < 1000 && samples.length < 2000)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function fmt(ms) {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}
