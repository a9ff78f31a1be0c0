// The registry functions' options that the JS driver reads (registry.js), checked before a call:
// the module checks the others (`auth`, `plainHttp`, `chunkSize`, …). Shared by the Node
// (CommonJS) and browser (ES module) entry points: the build appends the export line of each
// module system. Every error a registry function throws has the fields of a `RegistryError`.

// An Error with `code` and the fields of a RegistryError.
function callError(code, message) {
  const e = new Error(message);
  e.code = code;
  return registryErrorFields(e);
}

// Gives an error thrown by a registry function the fields a RegistryError has, where it lacks them.
function registryErrorFields(e) {
  if (e instanceof Error && typeof e.code === "string") {
    for (const [key, none] of [
      ["status", null],
      ["detail", null],
      ["url", null],
      ["retryable", false],
      ["retryAfter", null],
    ]) {
      if (e[key] === undefined) e[key] = none;
    }
  }
  return e;
}

const DRIVER_OPTIONS = {
  timeout: [
    (v) => typeof v === "number" && v > 0 && Number.isFinite(v),
    "a positive number of seconds",
  ],
  proxy: [(v) => typeof v === "string" && /^https?:\/\//i.test(v), "an http(s) URL"],
  onProgress: [(v) => typeof v === "function", "a function"],
  signal: [
    (v) =>
      v !== null &&
      typeof v === "object" &&
      typeof v.aborted === "boolean" &&
      typeof v.addEventListener === "function",
    "an AbortSignal",
  ],
};

// Throws `invalid-options`, naming the member, for a driver option of the wrong type.
function checkCallOptions(options) {
  if (options === undefined || options === null) return;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw callError("invalid-options", "options: expected an object");
  }
  for (const [key, [valid, expected]] of Object.entries(DRIVER_OPTIONS)) {
    if (options[key] !== undefined && !valid(options[key])) {
      throw callError("invalid-options", `options.${key}: expected ${expected}`);
    }
  }
}

// The position of the options argument of each registry function.
const OPTIONS_AT = {
  fetchManifest: 1,
  inspect: 1,
  listTags: 1,
  createIndexFromReferences: 1,
  planPush: 2,
  pushIndex: 2,
  copyImage: 2,
};

// Runs registry function `name` of `api()` (a promise of the API) on `args`: the options checked
// first, every error with a RegistryError's fields.
async function callRegistry(api, name, args) {
  try {
    checkCallOptions(args[OPTIONS_AT[name]]);
    return await (await api())[name](...args);
  } catch (e) {
    throw registryErrorFields(e);
  }
}
