"use strict";
// The Node entry point of indexsmith (CommonJS; node.mjs re-exports it for `import`).
//
// The WebAssembly module is instantiated synchronously when this file loads. Digests of inputs are
// computed with node:crypto (native SHA-256); validation runs in WebAssembly. A trap of the module
// (a bug) is turned into an Error with code "internal" after the module is re-instantiated, so
// later calls work.

const { createHash } = require("node:crypto");
const glue = require("./glue.node.cjs");
const { unpackReport } = require("./report.cjs");

// Exports of the glue that are not part of the API.
const HIDDEN = new Set([
  "__wbg_reset_state",
  "validateDocument",
  "validateDescriptorDocument",
  "validateInput",
  "inputBuffer",
  "inputDigest",
  "wasmMemory",
  "start",
  "abortForTest",
  "RegistryOperation",
]);

function internalError(cause) {
  const error = new Error(
    `indexsmith: internal error, the WebAssembly module trapped (${cause.message}); it has been re-instantiated`,
    { cause },
  );
  error.code = "internal";
  return error;
}

function call(name, args) {
  try {
    return glue[name](...args);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      glue.__wbg_reset_state();
      throw internalError(e);
    }
    throw e;
  }
}

const isInput = (input) => typeof input === "string" || input instanceof Uint8Array;

function hash(algorithm, input) {
  // A string is hashed as its UTF-8 encoding (an unpaired surrogate as U+FFFD, as TextEncoder does).
  return `${algorithm}:${createHash(algorithm).update(input).digest("hex")}`;
}

// Node's TextDecoder goes through ICU; Buffer decodes UTF-8 natively, several times faster.
const decodeUtf8 = (bytes) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");

const byteLength = (input) =>
  typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;

function report(validation, digest, size) {
  return {
    valid: validation.valid,
    kind: validation.kind,
    mediaType: validation.mediaType,
    digest,
    size,
    diagnostics: validation.diagnostics,
  };
}

const api = {};
for (const name of Object.keys(glue)) {
  if (!HIDDEN.has(name) && typeof glue[name] === "function") {
    api[name] = (...args) => call(name, args);
  }
}

// Inputs up to the core's size limit are written straight into the module's memory (a string
// encoded to UTF-8 natively there, an unpaired surrogate as U+FFFD as TextEncoder does), hashed
// there by node:crypto, and validated in place: no copy of the document on either side. Larger
// ones take the copying path, whose only outcome is the core's json/too-large diagnostic.
const DIRECT_LIMIT = 64 * 1024 * 1024;

function validateWith(descriptor, input, options) {
  if (!isInput(input)) {
    // Anything else: the module's error.
    return call(descriptor ? "validateDescriptorDocument" : "validateDocument", [input, options]);
  }
  const size = byteLength(input);
  if (size > DIRECT_LIMIT) {
    const v = call(descriptor ? "validateDescriptorDocument" : "validateDocument", [
      input,
      options,
    ]);
    return report(v, hash("sha256", input), size);
  }
  const at = call("inputBuffer", [size]);
  const bytes = Buffer.from(call("wasmMemory", []).buffer, at, size);
  if (typeof input !== "string") bytes.set(input);
  else if (size === input.length)
    bytes.latin1Write(input); // ASCII: one byte a character
  else bytes.utf8Write(input);
  const digest = hash("sha256", bytes); // before validating: the view ends when memory grows
  const packed = call("validateInput", [size, descriptor, options]);
  return unpackReport(call("wasmMemory", []).buffer, packed, digest, size, decodeUtf8);
}

api.validate = (input, options) => validateWith(false, input, options);
api.validateDescriptor = (input, options) => validateWith(true, input, options);
// node:crypto hashes synchronously and natively: the async variant is the sync one.
api.validateAsync = async (input, options) => api.validate(input, options);
api.digest = (input, algorithm) => {
  if (
    isInput(input) &&
    (algorithm === undefined || algorithm === "sha256" || algorithm === "sha512")
  ) {
    return hash(algorithm ?? "sha256", input);
  }
  return call("digest", [input, algorithm]); // throws the error for a bad input or algorithm
};

// A request whose body streams from `next()` (a Uint8Array, or null at the end; `length` bytes in
// all) over node:http(s), for the registry driver's uploads. fetch (undici) kept every byte of a
// streamed request body until the request ended; here each piece is written, and the next one
// read only once the socket has taken it, so the request holds about one network read. Resolves
// to `{ status, headers, body }` with the headers as `name:value` lines; rejects when `next`
// throws, on a network error and when `signal` aborts (with its reason).
function sendStream(url, { method, headers, length, next, signal }) {
  const http = url.startsWith("https:")
    ? require("node:https")
    : url.startsWith("http:")
      ? require("node:http")
      : null;
  if (!http) return Promise.reject(new TypeError(`cannot send a request to ${url}`));
  return new Promise((resolve, reject) => {
    let settled = false;
    let answered = false;
    const req = http.request(url, {
      method,
      headers: { ...headers, "content-length": String(length) },
      signal,
    });
    const fail = (error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(signal && signal.aborted ? signal.reason : error);
    };
    req.on("error", fail);
    req.on("response", (res) => {
      answered = true;
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        if (settled) return;
        settled = true;
        // An answer before the whole body was sent (an error status): the connection cannot be
        // reused.
        if (!req.writableFinished) req.destroy();
        let flat = "";
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
          flat += `${res.rawHeaders[i].toLowerCase()}:${res.rawHeaders[i + 1]}\n`;
        resolve({
          status: res.statusCode,
          headers: flat,
          body: new Uint8Array(Buffer.concat(chunks)),
        });
      });
    });
    const drained = () =>
      new Promise((done) => {
        const go = () => {
          req.off("drain", go);
          req.off("close", go);
          done();
        };
        req.on("drain", go);
        req.on("close", go);
      });
    (async () => {
      for (;;) {
        if (answered || settled) return;
        const piece = await next();
        if (piece === null) break;
        if (settled) return;
        if (!req.write(piece)) await drained();
      }
      req.end();
    })().catch(fail);
  });
}

// The registry API (async, over the global fetch, and node:http for streamed uploads;
// registry.cjs) runs on a second module, the core with the registry protocol, loaded on the first
// registry call.
let registry = null;
const registryApi = () => {
  registry ??= require("./registry.cjs").registryApi(
    require("./registry_glue.node.cjs"),
    api.validate,
    { sendStream, createHash },
  );
  return registry;
};
const { callRegistry } = require("./call-options.cjs");
for (const name of [
  "fetchManifest",
  "inspect",
  "listTags",
  "createIndexFromReferences",
  "planPush",
  "pushIndex",
  "copyImage",
]) {
  api[name] = (...args) => callRegistry(registryApi, name, args);
}

// The module is ready as soon as this file has loaded; init exists so that code written for
// browsers runs unchanged.
api.init = async () => {};
api.initSync = () => {};
// What TypeScript and Babel compile `import init from "indexsmith"` to reads `.default` of a
// module marked `__esModule` (not enumerated, as their own output does it).
api.default = api.init;
Object.defineProperty(api, "__esModule", { value: true });

module.exports = api;
