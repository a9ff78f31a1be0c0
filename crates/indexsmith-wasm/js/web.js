// The browser and bundler entry point of indexsmith (ES module).
//
// Call `await init()` once before anything else: it fetches `indexsmith_bg.wasm` next to this file,
// or takes the module from `input` (a URL, a Response, bytes or a WebAssembly.Module). Digests are
// computed in WebAssembly (browsers have no synchronous SHA-256). A trap of the module (a bug) is
// turned into an Error with code "internal" after the module is re-instantiated.

import initGlue, * as glue from './glue.web.js';

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
export const validate = wrap(glue.validate);
export const validateDescriptor = wrap(glue.validateDescriptor);
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
