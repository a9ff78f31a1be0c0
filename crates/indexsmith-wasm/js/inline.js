// The entry point `indexsmith/inline`: the browser and bundler build with its WebAssembly modules
// inside the JS, for setups that do not carry a `.wasm` file along with the package's JS (esbuild,
// Rollup without a plugin, Vite's dev server, a bundle run by Node). `init()` still has to be
// awaited once; it compiles the core from the bytes of `core.inline.js`. The registry module is in
// `registry.inline.js`, imported on the first registry call only (a chunk of its own in bundlers
// that split, and dropped by every bundler from builds that call no registry function).

import { registryCall, start, startSync } from "./loader.js";
import coreBase64 from "./core.inline.js";

export {
  validate,
  validateDescriptor,
  validateAsync,
  digest,
  version,
  createIndex,
  editIndex,
  diffIndexes,
  parseReference,
  parsePlatform,
  formatPlatform,
  platformMatches,
  platformMatchesStrict,
  comparePlatforms,
  resolvePlatform,
  platformFromConfig,
} from "./web.js";

function bytes(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export default function init(input) {
  return start(input, () => bytes(coreBase64));
}

export function initSync(module) {
  startSync(module === undefined ? bytes(coreBase64) : module);
}

export { init };

const registryBytes = async () => bytes((await import("./registry.inline.js")).default);
export const fetchManifest = /* @__PURE__ */ registryCall("fetchManifest", registryBytes);
export const inspect = /* @__PURE__ */ registryCall("inspect", registryBytes);
export const listTags = /* @__PURE__ */ registryCall("listTags", registryBytes);
export const createIndexFromReferences = /* @__PURE__ */ registryCall(
  "createIndexFromReferences",
  registryBytes,
);
export const planPush = /* @__PURE__ */ registryCall("planPush", registryBytes);
export const pushIndex = /* @__PURE__ */ registryCall("pushIndex", registryBytes);
export const copyImage = /* @__PURE__ */ registryCall("copyImage", registryBytes);
