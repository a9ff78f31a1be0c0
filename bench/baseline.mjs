// The JavaScript baseline a web developer would write to validate an index or manifest, without
// the hashing (each host hashes its own way): JSON.parse, the OCI schemas compiled by ajv, and a
// pass of the index lints indexsmith has for the benchmark's findings. Shared by the Node benchmark and the page of the Chromium benchmark.

function platformKey(p) {
  const features = [...(p["os.features"] ?? [])].sort().join(",");
  const variant = p.architecture === "arm64" && p.variant === "v8" ? "" : (p.variant ?? "");
  return `${p.os}|${p.architecture}|${variant}|${p["os.version"] ?? ""}|${features}`;
}

function isAttestation(m) {
  return m?.annotations?.["vnd.docker.reference.type"] === "attestation-manifest";
}

// The lints of the index: duplicate platforms, `os.version` off Windows, attestations of digests
// that are not entries.
function lintIndex(doc) {
  const seen = new Map();
  const digests = new Set();
  const findings = [];
  const manifests = Array.isArray(doc.manifests) ? doc.manifests : [];
  for (const m of manifests) if (typeof m?.digest === "string") digests.add(m.digest);
  manifests.forEach((m, i) => {
    const p = m?.platform;
    if (isAttestation(m)) {
      const target = m.annotations["vnd.docker.reference.digest"];
      if (typeof target === "string" && !digests.has(target))
        findings.push({ code: "index/dangling-attestation", pointer: `/manifests/${i}` });
      return;
    }
    if (!p || typeof p !== "object") return;
    if (p.os === "unknown" && p.architecture === "unknown") return;
    if (p["os.version"] !== undefined && p.os !== "windows")
      findings.push({ code: "platform/os-version-not-windows", pointer: `/manifests/${i}` });
    if (typeof p.os !== "string" || typeof p.architecture !== "string") return;
    const key = platformKey(p);
    if (seen.has(key))
      findings.push({ code: "index/duplicate-platform", pointer: `/manifests/${i}/platform` });
    else seen.set(key, i);
  });
  return findings;
}

/**
 * Parses and checks `text` with the ajv validators of the index and manifest schemas, then lints
 * an index. `valid` is the schema's verdict; `findings` counts schema errors and lint findings.
 */
export function checkDocument(text, validateIndex, validateManifest) {
  const doc = JSON.parse(text);
  const isIndex =
    doc.mediaType === "application/vnd.oci.image.index.v1+json" || Array.isArray(doc.manifests);
  const check = isIndex ? validateIndex : validateManifest;
  const valid = check(doc);
  const errors = valid ? [] : check.errors;
  const lints = isIndex ? lintIndex(doc) : [];
  return { valid, errors, lints, findings: errors.length + lints.length };
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

/** Milliseconds of `fn()`, the mean of one batch: at least `minRuns` runs, about `batchMs`. */
function batchMean(fn, batchMs, minRuns) {
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (runs < minRuns || elapsed < batchMs) {
    fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return elapsed / runs;
}

/**
 * Milliseconds of `fn()`: the mean of a batch of runs (at least `minRuns`, about `batchMs`), the
 * best of `batches` batches. On a shared machine other work only ever adds time, so the best batch
 * is the one least disturbed: ratios of these figures hold where medians of single runs swing.
 */
export function bestOfBatches(fn, { batches = 5, batchMs = 200, minRuns = 3 } = {}) {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    best = Math.min(best, batchMean(fn, batchMs, minRuns));
  }
  return best;
}

/**
 * `bestOfBatches` for several functions compared with each other: one batch of each in turn,
 * `batches` rounds, the best batch of each kept. Contestants measured one after the other see
 * different moments of a shared machine (a neighbour's burst lands on one of them); taking turns
 * batch by batch, they see the same ones, and their ratios hold. Returns `{ name: ms }`.
 */
export function bestOfInterleavedBatches(fns, { batches = 9, batchMs = 150, minRuns = 3 } = {}) {
  const entries = Object.entries(fns);
  for (const [, fn] of entries) for (let i = 0; i < 3; i++) fn();
  const best = Object.fromEntries(entries.map(([name]) => [name, Infinity]));
  for (let b = 0; b < batches; b++) {
    for (const [name, fn] of entries) {
      // Each batch starts on a collected heap (with --expose-gc), so that no contestant pays
      // for the garbage of the one before it.
      globalThis.gc?.();
      best[name] = Math.min(best[name], batchMean(fn, batchMs, minRuns));
    }
  }
  return best;
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
