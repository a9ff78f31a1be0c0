// The browser and bundler entry point of indexsmith (ES module).
//
// Call `await init()` once before anything else: it fetches `indexsmith_bg.wasm` next to this file,
// or takes the module from `input` (a URL, a Response, bytes or a WebAssembly.Module), or each
// module from `{ core, registry }` (loader.js). Digests are computed in WebAssembly (browsers have
// no synchronous SHA-256). A trap of the module (a bug) is turned into an Error with code
// "internal" after the module is re-instantiated.
//
// Every export is marked pure so that bundlers drop what a page does not use; the registry
// functions load their JS and module on the first call (a chunk of its own in bundlers).

import * as glue from "./glue.web.js";
import { error, isReady, registryCall, start, startSync } from "./loader.js";
import { unpackReport } from "./report.web.js";

function wrap(fn) {
  return (...args) => {
    if (!isReady()) {
      throw error("uninitialized", "indexsmith: call `await init()` before using the module");
    }
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        glue.__wbg_reset_state();
        throw error(
          "internal",
          `indexsmith: internal error, the WebAssembly module trapped (${e.message}); it has been re-instantiated`,
          e,
        );
      }
      throw e;
    }
  };
}

export default function init(input) {
  return start(input, () => new URL("./indexsmith_bg.wasm", import.meta.url));
}

export function initSync(module) {
  startSync(module);
}

export { init };
// A string is encoded to UTF-8 natively (an unpaired surrogate as U+FFFD, as the glue would);
// handed a string, the glue encodes it in a JavaScript loop, character by character.
const encoder = new TextEncoder();
const utf8 = (input) => (typeof input === "string" ? encoder.encode(input) : input);
const isInput = (input) => typeof input === "string" || input instanceof Uint8Array;

// Inputs up to the core's size limit are written straight into the module's memory and validated
// in place. Returns the bytes written, a view into the module's memory valid until the next call
// into the module, or null for an input that takes the copying path (larger ones, whose only
// outcome is the core's json/too-large diagnostic).
const DIRECT_LIMIT = 64 * 1024 * 1024;
function writeInput(input) {
  if (typeof input === "string") return writeString(input);
  if (input.byteLength > DIRECT_LIMIT) return null;
  const at = glue.inputBuffer(input.byteLength);
  const memory = new Uint8Array(glue.wasmMemory().buffer, at, input.byteLength);
  memory.set(input);
  return memory;
}

// A string is encoded into room for one byte a UTF-16 unit (exact for ASCII); when that is not
// enough, the buffer grows by what is left, again at one byte a unit, and encoding goes on after
// what fits. The module's memory, which never shrinks, grows by about the encoded size, not by
// three bytes a unit.
function writeString(s) {
  let read = 0;
  let written = 0;
  let at = 0;
  for (;;) {
    // Three bytes more than the units left, so that the next code point always fits.
    const room = written + (s.length - read) + 3;
    if (room > DIRECT_LIMIT + 3) return null;
    at = glue.inputBuffer(room); // keeps the bytes written so far
    const rest = read === 0 ? s : s.slice(read);
    const r = encoder.encodeInto(
      rest,
      new Uint8Array(glue.wasmMemory().buffer, at + written, room - written),
    );
    read += r.read;
    written += r.written;
    if (read >= s.length) return new Uint8Array(glue.wasmMemory().buffer, at, written);
  }
}

function validateWith(descriptor, input, options) {
  const written = isInput(input) ? writeInput(input) : null;
  if (written === null) {
    // The copying path; anything but a string or bytes gets the module's error.
    return descriptor
      ? glue.validateDescriptor(utf8(input), options)
      : glue.validate(utf8(input), options);
  }
  const size = written.length;
  const digest = glue.inputDigest(size);
  const at = glue.validateInput(size, descriptor, options);
  return unpackReport(glue.wasmMemory().buffer, at, digest, size);
}

export const validate = /* @__PURE__ */ wrap((input, options) =>
  validateWith(false, input, options),
);
export const validateDescriptor = /* @__PURE__ */ wrap((input, options) =>
  validateWith(true, input, options),
);

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

// WebCrypto takes its copy of the bytes when called, before validation reuses the module's memory.
const startValidation = /* @__PURE__ */ wrap((input, options) => {
  const written = writeInput(input);
  if (written === null) return null;
  const digest = crypto.subtle.digest("SHA-256", written);
  return {
    digest,
    validation: unpackReport(
      glue.wasmMemory().buffer,
      glue.validateInput(written.length, false, options),
      null,
      written.length,
    ),
  };
});

/**
 * `validate` with the digest from WebCrypto, which hashes beside the validation (off the main
 * thread where the browser does so) instead of after it in WebAssembly.
 */
export async function validateAsync(input, options) {
  const started =
    isInput(input) && globalThis.crypto?.subtle ? startValidation(input, options) : null;
  if (started === null) return validate(input, options);
  started.validation.digest = `sha256:${hex(await started.digest)}`;
  return started.validation;
}

export const digest = /* @__PURE__ */ wrap(glue.digest);
export const version = /* @__PURE__ */ wrap(glue.version);
export const createIndex = /* @__PURE__ */ wrap(glue.createIndex);
export const editIndex = /* @__PURE__ */ wrap(glue.editIndex);
export const diffIndexes = /* @__PURE__ */ wrap(glue.diffIndexes);
export const parseReference = /* @__PURE__ */ wrap(glue.parseReference);
export const parsePlatform = /* @__PURE__ */ wrap(glue.parsePlatform);
export const formatPlatform = /* @__PURE__ */ wrap(glue.formatPlatform);
export const platformMatches = /* @__PURE__ */ wrap(glue.platformMatches);
export const platformMatchesStrict = /* @__PURE__ */ wrap(glue.platformMatchesStrict);
export const comparePlatforms = /* @__PURE__ */ wrap(glue.comparePlatforms);
export const resolvePlatform = /* @__PURE__ */ wrap(glue.resolvePlatform);
export const platformFromConfig = /* @__PURE__ */ wrap(glue.platformFromConfig);

// The registry API (async, over the global fetch; registry.web.js) runs on a second module, the
// core with the registry protocol, loaded on the first registry call: from `init({ registry })`,
// else `indexsmith_registry_bg.wasm` next to this file.
export const fetchManifest = /* @__PURE__ */ registryCall("fetchManifest");
export const inspect = /* @__PURE__ */ registryCall("inspect");
export const listTags = /* @__PURE__ */ registryCall("listTags");
export const createIndexFromReferences = /* @__PURE__ */ registryCall("createIndexFromReferences");
export const planPush = /* @__PURE__ */ registryCall("planPush");
export const pushIndex = /* @__PURE__ */ registryCall("pushIndex");
export const copyImage = /* @__PURE__ */ registryCall("copyImage");
