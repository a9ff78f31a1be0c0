// One copyImage in a fresh Node process, sampling its memory: prints one JSON line
// { idleRss, peakRss, peakHeap, peakExternal, ms, result }. Arguments: package dir, source, target.
import { createRequire } from "node:module";
import { join } from "node:path";

const [pkgDir, source, target] = process.argv.slice(2);
const api = createRequire(join(pkgDir, "package.json"))("./node.cjs");

// Warm up (instantiate, JIT the driver) on a manifest fetch, then let the heap settle.
await api.listTags(source.replace(/[:@][^/]*$/, ""));
globalThis.gc?.();
await new Promise((r) => setTimeout(r, 200));
const idle = process.memoryUsage();
let peakRss = idle.rss;
let peakHeap = idle.heapUsed;
let peakExternal = idle.external + idle.arrayBuffers;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
};
const timer = setInterval(sample, 5);
// GC_EVERY=<ms>: collect garbage that often during the copy, to tell garbage from retained memory.
const collector = process.env.GC_EVERY
  ? setInterval(() => globalThis.gc?.(), Number(process.env.GC_EVERY))
  : null;
const t0 = performance.now();
// CHUNK_MIB=<n>: another upload chunk size than the package's default.
const chunk = process.env.CHUNK_MIB
  ? { chunkSize: Number(process.env.CHUNK_MIB) * 1024 * 1024 }
  : {};
const result = await api.copyImage(source, target, { onProgress: sample, ...chunk });
const ms = performance.now() - t0;
clearInterval(timer);
if (collector) clearInterval(collector);
sample();
console.log(
  JSON.stringify({
    idleRss: idle.rss,
    peakRss,
    peakHeap,
    idleHeap: idle.heapUsed,
    peakExternal,
    idleExternal: idle.external + idle.arrayBuffers,
    ms,
    result,
  }),
);
