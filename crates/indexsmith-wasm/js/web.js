// The browser and bundler entry point of indexsmith (ES module).
//
// Call `await init()` once before anything else: it fetches `indexsmith_bg.wasm` next to this file,
// or takes the module from `input` (a URL, a Response, bytes or a WebAssembly.Module). Digests are
// computed in WebAssembly (browsers have no synchronous SHA-256). A trap of the module (a bug) is
// turned into an Error with code "internal" after the module is re-instantiated.

import initGlue, * as glue from './glue.web.js';
import initRegistryGlue, * as registryGlue from './registry_glue.web.js';
import { registryApi } from './registry.web.js';

let ready = false;

function error(code, message, cause) {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.code = code;
  return e;
}

function wrap(fn) {
  return (...args) => {
    if (!ready) {
      throw error('uninitialized', 'indexsmith: call `await init()` before using the module');
    }
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        glue.__wbg_reset_state();
        throw error('internal', `indexsmith: internal error, the WebAssembly module trapped (${e.message}); it has been re-instantiated`, e);
      }
      throw e;
    }
  };
}

export default async function init(input) {
  if (!ready) {
    await initGlue(input === undefined ? undefined : { module_or_path: input });
    ready = true;
  }
}

export function initSync(module) {
  if (!ready) {
    glue.initSync({ module });
    ready = true;
  }
}

export { init };
// A string is encoded to UTF-8 once, natively (an unpaired surrogate as U+FFFD, as the glue
// would); handed a string, the glue encodes it in a JavaScript loop, character by character.
const encoder = new TextEncoder();
const utf8 = (input) => (typeof input === 'string' ? encoder.encode(input) : input);
export const validate = wrap((input, options) => glue.validate(utf8(input), options));
export const validateDescriptor = wrap((input, options) => glue.validateDescriptor(utf8(input), options));
export const digest = wrap(glue.digest);
export const version = wrap(glue.version);
export const createIndex = wrap(glue.createIndex);
export const editIndex = wrap(glue.editIndex);
export const diffIndexes = wrap(glue.diffIndexes);
export const parseReference = wrap(glue.parseReference);
export const parsePlatform = wrap(glue.parsePlatform);
export const formatPlatform = wrap(glue.formatPlatform);
export const platformMatches = wrap(glue.platformMatches);
export const platformMatchesStrict = wrap(glue.platformMatchesStrict);
export const comparePlatforms = wrap(glue.comparePlatforms);
export const resolvePlatform = wrap(glue.resolvePlatform);
export const platformFromConfig = wrap(glue.platformFromConfig);

// The registry API (async, over the global fetch; registry.web.js) runs on a second module, the
// core with the registry protocol: `indexsmith_registry_bg.wasm` next to this file, fetched on the
// first registry call.
let registry = null;
async function registryReady() {
  if (!registry) {
    await initRegistryGlue();
    registry = registryApi(registryGlue, registryGlue.validate);
  }
  return registry;
}
function wrapAsync(name) {
  return async (...args) => {
    if (!ready) {
      throw error('uninitialized', 'indexsmith: call `await init()` before using the module');
    }
    return (await registryReady())[name](...args);
  };
}
export const fetchManifest = wrapAsync('fetchManifest');
export const inspect = wrapAsync('inspect');
export const listTags = wrapAsync('listTags');
export const createIndexFromReferences = wrapAsync('createIndexFromReferences');
export const planPush = wrapAsync('planPush');
export const pushIndex = wrapAsync('pushIndex');
export const copyImage = wrapAsync('copyImage');
