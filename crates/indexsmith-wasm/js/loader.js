// How the browser and bundler entry points (web.js, inline.js) load their WebAssembly modules:
// the core when `init` is called, the registry module on the first registry call. Each module
// comes from where `init` was told (`init(input)` or `init({ core, registry })`), else from its
// entry point's default place. A module that cannot be loaded is an Error with code
// "load-failed" that names where it was looked for.

import initGlue, { initSync as initGlueSync } from "./glue.web.js";
import { callRegistry } from "./call-options.web.js";

let ready = false;
let registrySource; // what `init({ registry })` gave, if anything
let registry = null; // the promise of the registry API, once asked for

export const isReady = () => ready;

export function error(code, message, cause) {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.code = code;
  return e;
}

const hasPrototype = (v, name) => {
  const C = globalThis[name];
  return typeof C === "function" && v instanceof C;
};
const isLocation = (v) =>
  typeof v === "string" || hasPrototype(v, "URL") || hasPrototype(v, "Request");
const isModuleSource = (v) =>
  isLocation(v) ||
  hasPrototype(v, "Response") ||
  v instanceof ArrayBuffer ||
  ArrayBuffer.isView(v) ||
  v instanceof WebAssembly.Module ||
  (v !== null && typeof v === "object" && typeof v.then === "function");
const isPlainObject = (v) =>
  v !== null &&
  typeof v === "object" &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

function checkSource(value, name) {
  if (value !== undefined && !isModuleSource(value)) {
    throw error(
      "invalid-options",
      `indexsmith: init: \`${name}\` must be a URL, a Request, a Response, the bytes or a WebAssembly.Module of the module`,
    );
  }
  return value;
}

// `init`'s argument: a source of the core module, or `{ core, registry }`.
function initArgument(input) {
  if (!isPlainObject(input)) return { core: checkSource(input, "input") };
  for (const key of Object.keys(input)) {
    if (key !== "core" && key !== "registry") {
      throw error(
        "invalid-options",
        `indexsmith: init: unknown member \`${key}\` (the members are \`core\` and \`registry\`)`,
      );
    }
  }
  return {
    core: checkSource(input.core, "core"),
    registry: checkSource(input.registry, "registry"),
  };
}

const describe = (source) => {
  if (typeof source === "string") return source;
  if (hasPrototype(source, "URL")) return source.href;
  if (hasPrototype(source, "Request") || hasPrototype(source, "Response")) return source.url;
  return null;
};

// Resolves a location to its Response, refusing an answer that is not a success; other sources
// pass unchanged.
async function fetchSource(source) {
  const value = await source;
  if (!isLocation(value)) return value;
  const response = await fetch(value);
  if (!response.ok)
    throw new Error(`the server answered ${response.status} ${response.statusText}`);
  return response;
}

function loadError(which, file, source, cause) {
  const where = describe(source);
  const notWasm = /magic|expected|CompileError/i.test(
    `${cause && cause.name} ${cause && cause.message}`,
  );
  const e = error(
    "load-failed",
    `indexsmith: could not load the ${which} module (${file})${where ? ` from ${where}` : ""}: ${
      cause && cause.message
    }${
      notWasm || (where && /\b404\b/.test(String(cause && cause.message)))
        ? ". The package's JS was served without its .wasm file beside it: pass the module's location to init (init({ core, registry })), or import from 'indexsmith/inline', which needs no file (see the package README)"
        : ""
    }`,
    cause,
  );
  e.url = where;
  e.status = null;
  e.retryable = false;
  e.retryAfter = null;
  e.detail = null;
  return e;
}

/**
 * Loads the core module from `input` (or `{ core, registry }`), else from `defaultCore()`; takes
 * note of where the registry module comes from. Once loaded, later calls do nothing.
 */
export async function start(input, defaultCore) {
  const { core, registry: registryGiven } = initArgument(input);
  if (registryGiven !== undefined) registrySource = registryGiven;
  if (ready) return;
  const source = core !== undefined ? core : defaultCore();
  try {
    await initGlue({ module_or_path: await fetchSource(source) });
  } catch (e) {
    throw loadError("core", "indexsmith_bg.wasm", source, e);
  }
  ready = true;
}

/** `start` from bytes or a compiled module, synchronously. */
export function startSync(module) {
  if (ready) return;
  if (!(
    module instanceof ArrayBuffer ||
    ArrayBuffer.isView(module) ||
    module instanceof WebAssembly.Module
  )) {
    throw error(
      "invalid-options",
      "indexsmith: initSync takes the bytes or a WebAssembly.Module of the core module",
    );
  }
  try {
    initGlueSync({ module });
  } catch (e) {
    throw loadError("core", "indexsmith_bg.wasm", module, e);
  }
  ready = true;
}

// The registry API on its module: from `init({ registry })`, else from `defaultRegistry()` (a
// promise of a source; undefined for the file next to the package's JS).
async function loadRegistry(defaultRegistry) {
  const [driver, glue] = await Promise.all([
    import("./registry.web.js"),
    import("./registry_glue.web.js"),
  ]);
  let source = registrySource;
  try {
    if (source === undefined && defaultRegistry) source = await defaultRegistry();
    if (source === undefined) source = driver.defaultLocation();
    await glue.default({ module_or_path: await fetchSource(source) });
  } catch (e) {
    throw loadError("registry", "indexsmith_registry_bg.wasm", source, e);
  }
  return driver.registryApi(glue, glue.validate);
}

/** The registry function `name`, which loads the registry module on its first call. */
export function registryCall(name, defaultRegistry) {
  const api = () => {
    if (!ready) {
      throw error("uninitialized", "indexsmith: call `await init()` before using the module");
    }
    if (!registry) {
      registry = loadRegistry(defaultRegistry);
      registry.catch(() => (registry = null)); // a later call tries again
    }
    return registry;
  };
  return (...args) => callRegistry(api, name, args);
}
