// The registry API of indexsmith: the transport of the WebAssembly module's registry driver, over
// the global `fetch` (Node 20 and browsers) and, in Node, `node:http` for streamed uploads.
//
// Everything else is the module's (`RegistryOperation.run`, the crate's driver): which requests go
// out and when, answers handled as they arrive, held downloads piped into uploads and checked
// against their digests, bounded reads, the proxy, credentials scoped per registry, and the
// cancellation of abandoned uploads. This file sends what it is handed, reads bodies as they
// arrive, reports requests that got no answer as network, timeout or CORS failures, and honours
// an AbortSignal.
//
// This file is shared by the Node (CommonJS) and browser (ES module) entry points: the build
// appends the export line of each module system. `registryApi(glue, validate, host)` takes the
// wasm-bindgen glue, the package's `validate`, and what the host offers besides fetch (Node:
// `sendStream`, a streamed request over node:http).

function registryApi(glue, validate, host = {}) {
  const isBrowser = typeof window !== "undefined" && typeof document !== "undefined";
  // Outside browsers upload bodies are streamed, holding no more than one network read;
  // browsers send request streams only over HTTP/2, so there they go in buffered chunks of the
  // session's chunk size.
  // Node sends streamed bodies with `host.sendStream` (node:http): fetch (undici) with a
  // ReadableStream body kept every byte of the request until it ended, so a whole 256 MiB blob in
  // one fetch held 256 MiB, and 16 MiB ranges about 80 MiB (measured with bench/registry.mjs).
  // Over node:http a blob goes up in one PATCH (`streamUploads`), whatever its size, holding one
  // read at a time; blobs up to the chunk size in one PUT.
  // Browsers open 6 connections per host over HTTP/1.1; Node has no such limit, and a 16-child
  // index needs its children and configs in flight together to take two round trips.
  const NODE_DEFAULTS = {
    maxConcurrent: 32,
    chunkSize: 16 * 1024 * 1024,
    streamUploads: typeof host.sendStream === "function",
  };

  function apiError(code, message, extra) {
    const e = new Error(message);
    e.code = code;
    e.status = null;
    Object.assign(e, extra);
    return e;
  }

  function abortReason(signal) {
    if (signal.reason !== undefined) return signal.reason;
    const e = new Error("the operation was aborted");
    e.name = "AbortError";
    return e;
  }

  // Ports browsers refuse to connect to (the Fetch standard's "bad ports"): a request to one is a
  // network error, whatever the origin.
  const BAD_PORTS = new Set([
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
  ]);
  const blockedPort = (url) => {
    try {
      return BAD_PORTS.has(Number(new URL(url).port));
    } catch {
      return false;
    }
  };

  // A TypeError from fetch in a browser on a cross-origin request is, most likely, CORS.
  function failureKind(error, url) {
    if (error && error.name === "TimeoutError") return "timeout";
    if (isBrowser && error instanceof TypeError && blockedPort(url)) return "network";
    if (isBrowser && error instanceof TypeError) {
      try {
        if (new URL(url, globalThis.location.href).origin !== globalThis.location.origin)
          return "corsBlocked";
      } catch {
        // not a URL the page can compare: a network failure
      }
    }
    return "network";
  }

  function describe(error) {
    if (!error) return "";
    const cause = error.cause && (error.cause.code || error.cause.message);
    return cause ? `${error.message}: ${cause}` : String(error.message || error);
  }

  // The body of an answer, read as it arrives; cancelled when the module drops it.
  function bodyReader(response) {
    let reader = response.body ? response.body.getReader() : null;
    return {
      async read() {
        if (!reader) return null;
        const { value, done } = await reader.read();
        if (done) {
          reader = null;
          return null;
        }
        return value;
      },
      cancel() {
        if (reader) reader.cancel().catch(() => {});
        reader = null;
      },
    };
  }

  // The transport of one call: sends the requests the module's driver hands it (proxy,
  // credentials, streaming and retries of policy are the module's) with fetch, or with
  // `host.sendStream` (node:http) for a streamed upload; honours the call's signal and timeout.
  function transport(options, controller) {
    const timeoutMs =
      typeof options.timeout === "number" && options.timeout > 0 ? options.timeout * 1000 : 0;
    // A timeout per request, and the call's signal where aborting matters. In Node a signal costs
    // fetch a listener, a WeakRef and a finalizer per request (measured: about 1 ms of CPU, 6%, of
    // an inspect of 16 children on loopback), so there a request gets one only with the caller's
    // signal or a timeout, or when it streams a body; a small request still in flight when the
    // operation ends finishes on its own and its answer is ignored. Browsers always get it: a
    // request left running keeps one of their few connections per host.
    const signalOf = (req) => {
      if (timeoutMs) return AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]);
      const abortable = isBrowser || options.signal || req.stream || req.streamsResponse;
      return abortable ? controller.signal : undefined;
    };
    const flat = (headers) => {
      // One `name:value` line per header: a single string to cross into the module.
      let out = "";
      headers.forEach((value, name) => {
        out += `${name}:${value}\n`;
      });
      return out;
    };
    const failed = (e, url) => {
      if (controller.signal.aborted) throw e;
      return { failure: failureKind(e, url), message: describe(e) };
    };
    return {
      streamsUploads: !isBrowser,
      async send(req) {
        const headers = new Headers();
        for (const [name, value] of req.headers) {
          const lower = name.toLowerCase();
          if (lower === "content-length" || lower === "host") continue; // fetch sets them
          headers.append(name, value);
        }
        const signal = signalOf(req);
        if (req.stream && typeof host.sendStream === "function") {
          // Node: the upload goes out one piece at a time, as the module passes them.
          const fields = {};
          headers.forEach((value, name) => {
            fields[name] = value;
          });
          try {
            const answer = await host.sendStream(req.url, {
              method: req.method,
              headers: fields,
              length: req.stream.len,
              next: () => req.stream.next(),
              signal,
            });
            let body = answer.body && answer.body.byteLength > 0 ? answer.body : null;
            return {
              status: answer.status,
              headers: answer.headers,
              body: {
                async read() {
                  const piece = body;
                  body = null;
                  return piece;
                },
                cancel() {},
              },
            };
          } catch (e) {
            return failed(e, req.url);
          }
        }
        let body = req.body || undefined;
        let duplex;
        if (req.stream) {
          // A streamed upload over fetch (outside Node and browsers).
          body = new ReadableStream(
            {
              async pull(c) {
                try {
                  const piece = await req.stream.next();
                  if (piece === null) c.close();
                  else c.enqueue(piece);
                } catch (e) {
                  c.error(e);
                }
              },
            },
            { highWaterMark: 0 },
          );
          duplex = "half";
        }
        let response;
        try {
          response = await fetch(req.url, {
            method: req.method,
            headers,
            body,
            duplex,
            // The module follows redirects itself; a browser cannot read a manual redirect's
            // Location, so there fetch follows them (and drops Authorization across origins).
            redirect: isBrowser ? "follow" : "manual",
            signal,
            cache: "no-store",
          });
        } catch (e) {
          return failed(e, req.url);
        }
        return {
          status: response.status,
          headers: flat(response.headers),
          body: req.method === "HEAD" ? null : bodyReader(response),
        };
      },
    };
  }

  // Runs one operation to its end in the module's driver.
  async function drive(op, opts) {
    const options = opts || {};
    const { signal, onProgress } = options;
    const controller = new AbortController();
    const onAbort = () => controller.abort(abortReason(signal));
    if (signal) {
      if (signal.aborted) {
        op.free();
        throw abortReason(signal);
      }
      signal.addEventListener("abort", onAbort, { once: true });
    }
    try {
      return await op.run(transport(options, controller), onProgress);
    } catch (error) {
      if (controller.signal.aborted) throw abortReason(controller.signal);
      throw error;
    } finally {
      if (signal) signal.removeEventListener("abort", onAbort);
      // Requests still in flight after a failure are stopped (those that carry the signal).
      if (!controller.signal.aborted) controller.abort();
    }
  }

  const Op = glue.RegistryOperation;
  const sessionOptions = (opts) => {
    const { onProgress, signal, ...rest } = opts || {};
    if (isBrowser) delete rest.streamUploads;
    return isBrowser ? rest : { ...NODE_DEFAULTS, ...rest };
  };

  async function fetchManifest(reference, opts) {
    const m = await drive(Op.fetchManifest(reference, sessionOptions(opts)), opts);
    const text = new TextDecoder().decode(m.bytes);
    return {
      bytes: m.bytes,
      text,
      digest: m.digest,
      mediaType: m.mediaType,
      size: m.size,
      report: validate(m.bytes),
    };
  }

  async function inspect(reference, opts) {
    return drive(Op.inspect(reference, sessionOptions(opts)), opts);
  }

  async function listTags(repository, opts) {
    return drive(Op.listTags(repository, sessionOptions(opts)), opts);
  }

  async function createIndexFromReferences(references, opts) {
    const format = opts && opts.format !== undefined ? opts.format : undefined;
    const rest = sessionOptions(opts);
    if (rest) delete rest.format;
    return drive(Op.createIndex(references, format, rest), opts);
  }

  const indexBytes = (index) => {
    if (typeof index === "string") return new TextEncoder().encode(index);
    if (index instanceof Uint8Array) return index;
    if (index && typeof index.text === "string") return new TextEncoder().encode(index.text);
    throw apiError(
      "INVALID_INPUT",
      "the index must be a string, a Uint8Array or an object with `text`",
    );
  };

  function pushOptions(opts) {
    const rest = sessionOptions(opts);
    const sources = Array.isArray(rest.sources)
      ? rest.sources
      : rest.sources === undefined
        ? []
        : null;
    if (sources === null)
      throw apiError("INVALID_INPUT", "`sources` must be an array of repositories");
    delete rest.sources;
    return { sources, rest };
  }

  async function planPush(index, target, opts) {
    const { sources, rest } = pushOptions(opts);
    return drive(Op.pushIndex(indexBytes(index), target, sources, true, rest), opts);
  }

  async function pushIndex(index, target, opts) {
    const bytes = indexBytes(index);
    const { sources, rest } = pushOptions(opts);
    const plan = await drive(Op.pushIndex(bytes, target, sources, true, rest), opts);
    const report = await drive(Op.pushIndex(bytes, target, sources, false, rest), opts);
    return { digest: report.digest ?? plan.digest, plan, report };
  }

  async function copyImage(source, target, opts) {
    return drive(Op.copyImage(source, target, sessionOptions(opts)), opts);
  }

  return {
    fetchManifest,
    inspect,
    listTags,
    createIndexFromReferences,
    planPush,
    pushIndex,
    copyImage,
  };
}
