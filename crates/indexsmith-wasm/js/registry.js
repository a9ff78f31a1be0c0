// The registry API of indexsmith: a thin transport over the global `fetch` (Node 20 and browsers)
// that drives the sans-IO operations of the WebAssembly module (`RegistryOperation`).
//
// The driver sends every request an operation hands out at once, feeds each answer back, keeps
// the bodies of streamed downloads unread and reads exactly the byte ranges that uploads ask for
// (so a copy holds about one chunk per stream, whatever the layer size), reports requests that got
// no answer as network, timeout or CORS failures, honours an AbortSignal and reports progress.
//
// This file is shared by the Node (CommonJS) and browser (ES module) entry points: the build
// appends the export line of each module system. `registryApi(glue, validate, host)` takes the
// wasm-bindgen glue, the package's `validate`, and what the host offers besides fetch (Node:
// `sendStream`, a streamed request over node:http, and node:crypto's `createHash`).

function registryApi(glue, validate, host = {}) {
  const isBrowser = typeof window !== "undefined" && typeof document !== "undefined";
  // Outside browsers the driver streams upload bodies, holding no more than one network read;
  // browsers send request streams only over HTTP/2, so there it sends buffered chunks of the
  // session's chunk size.
  const streamUploads = !isBrowser;
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
  const nowSeconds = () => Math.floor(Date.now() / 1000);

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

  // `https://host/v2/…` through `<proxy>/host/v2/…`; URLs already under the proxy (its token
  // realms under `<proxy>-token/` included) are kept.
  function viaProxy(proxy, url) {
    if (!proxy) return url;
    const base = proxy.replace(/\/+$/, "");
    if (url.startsWith(base + "/") || url.startsWith(base + "-token/")) return url;
    const m = /^https?:\/\/([^/?#]+)(.*)$/i.exec(url);
    return m ? `${base}/${m[1]}${m[2]}` : url;
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

  // indexsmith-serve answers only requests with this header (a page of another site cannot
  // send it without the proxy's consent), and renames `Basic` challenges so that browsers show
  // no login prompt of their own: `unmaskBasic` reads them as `Basic` again.
  const PROXY_PROOF = ["indexsmith-proxy", "1"];
  function unmaskBasic(flat) {
    if (!/indexsmith-basic/i.test(flat)) return flat;
    return flat
      .split("\n")
      .map((line) =>
        line.toLowerCase().startsWith("www-authenticate:")
          ? line.replace(/(:|,)(\s*)Indexsmith-Basic\b/gi, "$1$2Basic")
          : line,
      )
      .join("\n");
  }

  // A TypeError from fetch in a browser on a cross-origin request is, most likely, CORS.
  function failureKind(error, url) {
    if (error && error.name === "TimeoutError") return "timeout";
    if (isBrowser && error instanceof TypeError && blockedPort(url)) return "network";
    if (isBrowser && error instanceof TypeError) {
      try {
        if (new URL(url).origin !== globalThis.location.origin) return "corsBlocked";
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

  // The held body of a streamed download: reads exactly `len` bytes at a time.
  class HeldBody {
    constructor(response) {
      this.reader = response.body ? response.body.getReader() : null;
      const length = Number(response.headers.get("content-length"));
      this.length = Number.isFinite(length) && length > 0 ? length : null;
      this.rest = null; // bytes read past the last range
      this.position = 0;
      this.queue = Promise.resolve();
    }

    // Ranges are read in order of `offset`; requests for one source are serialized.
    read(offset, len) {
      const result = this.queue.then(() => this.readNow(offset, len));
      this.queue = result.catch(() => {});
      return result;
    }

    async readNow(offset, len) {
      if (offset !== this.position) {
        throw new Error(
          `a streamed range starts at ${offset}, but the body was read up to ${this.position}`,
        );
      }
      const out = new Uint8Array(len);
      let filled = 0;
      while (filled < len) {
        let chunk = this.rest;
        this.rest = null;
        if (!chunk) {
          const { value, done } = this.reader ? await this.reader.read() : { done: true };
          if (done)
            throw new Error(
              `the download ended after ${this.position + filled} bytes, ${len - filled} short of the range`,
            );
          chunk = value;
        }
        const take = Math.min(chunk.byteLength, len - filled);
        out.set(take === chunk.byteLength ? chunk : chunk.subarray(0, take), filled);
        filled += take;
        if (take < chunk.byteLength) this.rest = chunk.subarray(take);
      }
      this.position += len;
      return out;
    }

    // True once every byte of a body of known length has been read.
    finished() {
      return this.length !== null && this.position >= this.length;
    }

    // The next bytes available, at most `max`, as they arrive (for streamed uploads).
    async readPiece(max) {
      let chunk = this.rest;
      this.rest = null;
      if (!chunk) {
        const { value, done } = this.reader ? await this.reader.read() : { done: true };
        if (done) throw new Error(`the download ended after ${this.position} bytes`);
        chunk = value;
      }
      if (chunk.byteLength > max) {
        this.rest = chunk.subarray(max);
        chunk = chunk.subarray(0, max);
      }
      this.position += chunk.byteLength;
      return chunk;
    }

    // A ReadableStream of bytes `offset..offset+len`, each piece passed to `check` before it is
    // handed to fetch. Nothing is buffered beyond the piece in hand.
    stream(offset, len, check) {
      if (offset !== this.position) {
        throw new Error(
          `a streamed range starts at ${offset}, but the body was read up to ${this.position}`,
        );
      }
      let left = len;
      return new ReadableStream(
        {
          pull: async (controller) => {
            if (left === 0) {
              controller.close();
              return;
            }
            try {
              const piece = await this.readPiece(left);
              check(piece);
              left -= piece.byteLength;
              controller.enqueue(piece);
              if (left === 0) controller.close();
            } catch (e) {
              controller.error(e);
            }
          },
        },
        { highWaterMark: 0 },
      );
    }

    cancel() {
      if (this.reader) this.reader.cancel().catch(() => {});
      this.reader = null;
    }
  }

  // Passes bytes of the held body of request `id` to the operation before they are sent: hashed
  // here with the host's native hasher when it has one for the blob's algorithm (the operation
  // then gets lengths and the digest), else handed to the operation, which hashes them in
  // WebAssembly. Throws when they must not be sent.
  function streamChecker(op) {
    const hashers = new Map(); // request id -> { algorithm, hash } or null
    return (id, piece) => {
      let h = hashers.get(id);
      if (h === undefined) {
        h = null;
        const digest = typeof host.createHash === "function" ? op.streamDigest(id) : undefined;
        const algorithm = digest ? digest.slice(0, digest.indexOf(":")) : "";
        if (algorithm === "sha256" || algorithm === "sha384" || algorithm === "sha512") {
          h = { algorithm, hash: host.createHash(algorithm) };
        }
        hashers.set(id, h);
      }
      if (!h) {
        op.handleStreamData(id, piece);
        return;
      }
      h.hash.update(piece);
      if (op.handleStreamLen(id, piece.byteLength)) {
        op.handleStreamDigest(id, `${h.algorithm}:${h.hash.digest("hex")}`);
      }
    };
  }

  // Runs one operation to its end with fetch.
  async function drive(op, opts) {
    const options = opts || {};
    const { signal, onProgress, proxy } = options;
    const timeoutMs =
      typeof options.timeout === "number" && options.timeout > 0 ? options.timeout * 1000 : 0;
    // A bearer token given as `auth: { token }` goes only to the API hosts of the call's
    // registries (never to a token realm, a redirect target or another registry).
    const bearer =
      options.auth && typeof options.auth.token === "string" ? options.auth.token : null;
    const bearerHosts = bearer ? new Set(op.apiHosts()) : null;
    const hostOf = (url) => {
      try {
        return new URL(url).host.toLowerCase();
      } catch {
        return "";
      }
    };
    const held = new Map(); // request id -> HeldBody
    const passStream = streamChecker(op);
    const controller = new AbortController();
    const onAbort = () => controller.abort(abortReason(signal));
    if (signal) {
      if (signal.aborted) {
        op.free();
        throw abortReason(signal);
      }
      signal.addEventListener("abort", onAbort, { once: true });
    }

    // `base`: the signal that ends the request with the operation (the cleanup after a failure
    // has its own).
    const send = async (req, base = controller.signal) => {
      const headers = new Headers();
      for (const [name, value] of req.headers) {
        const lower = name.toLowerCase();
        if (lower === "content-length" || lower === "host") continue; // fetch sets them
        headers.append(name, value);
      }
      if (bearer && !headers.has("authorization") && bearerHosts.has(hostOf(req.url)))
        headers.set("authorization", `Bearer ${bearer}`);
      let body = req.body;
      let refused = null;
      let duplex;
      const url = viaProxy(proxy, req.url);
      const proxied = url !== req.url;
      if (proxied) headers.set(PROXY_PROOF[0], PROXY_PROOF[1]);
      // A timeout per request, and `base` where aborting matters. In Node a signal costs fetch a
      // listener, a WeakRef and a finalizer per request (measured: about 1 ms of CPU, 6%, of an
      // inspect of 16 children on loopback), so there a request gets one only with the caller's
      // signal or a timeout, when it streams a body (a copy's downloads and uploads), or in the
      // cleanup after a failure (which has its own); a small request still in flight when the
      // operation ends finishes on its own and its answer is ignored. Browsers always get it: a
      // request left running keeps one of their few connections per host.
      const streams = req.streamResponse || (body && !(body instanceof Uint8Array));
      const abortable = isBrowser || signal || timeoutMs || streams || base !== controller.signal;
      const requestSignal = timeoutMs
        ? AbortSignal.any([base, AbortSignal.timeout(timeoutMs)])
        : abortable
          ? base
          : undefined;
      if (body && !(body instanceof Uint8Array) && typeof host.sendStream === "function") {
        // Node: the range goes from the download into the upload one read at a time.
        const source = held.get(body.source);
        if (!source) throw new Error(`no held download for request ${body.source}`);
        const { source: id, offset, len } = body;
        if (offset !== source.position)
          throw new Error(
            `a streamed range starts at ${offset}, but the body was read up to ${source.position}`,
          );
        let left = len;
        const next = async () => {
          if (left === 0) return null;
          const piece = await source.readPiece(left);
          try {
            passStream(id, piece);
          } catch (e) {
            refused = e;
            throw e;
          }
          left -= piece.byteLength;
          if (source.finished()) held.delete(id);
          return piece;
        };
        const fields = {};
        headers.forEach((value, name) => {
          fields[name] = value;
        });
        let answer;
        try {
          answer = await host.sendStream(url, {
            method: req.method,
            headers: fields,
            length: len,
            next,
            signal: requestSignal,
          });
        } catch (e) {
          if (base.aborted) throw abortReason(base);
          if (refused) return { refused };
          return { failure: failureKind(e, url), message: describe(e) };
        }
        const answered = proxied ? unmaskBasic(answer.headers) : answer.headers;
        return { status: answer.status, headers: answered, body: answer.body, held: false };
      }
      if (body && !(body instanceof Uint8Array) && streamUploads) {
        // Node: pipe the range straight from the download into the upload.
        const source = held.get(body.source);
        if (!source) throw new Error(`no held download for request ${body.source}`);
        const { source: id, offset, len } = body;
        body = source.stream(offset, len, (piece) => {
          try {
            passStream(id, piece);
          } catch (e) {
            refused = e;
            throw e;
          }
          if (source.finished()) held.delete(id);
        });
        duplex = "half";
      } else if (body && !(body instanceof Uint8Array)) {
        const source = held.get(body.source);
        if (!source) throw new Error(`no held download for request ${body.source}`);
        let bytes;
        try {
          bytes = await source.read(body.offset, body.len);
        } catch (e) {
          if (base.aborted) throw abortReason(base);
          return { failure: "network", message: `reading the download: ${describe(e)}` };
        }
        try {
          passStream(body.source, bytes);
        } catch (refused) {
          return { refused }; // the bytes must not be sent; the operation has failed
        }
        if (source.finished()) {
          source.cancel();
          held.delete(body.source);
        }
        body = bytes;
      }
      let response;
      try {
        response = await fetch(url, {
          method: req.method,
          headers,
          body: body || undefined,
          duplex,
          // The machine follows redirects itself; a browser cannot read a manual redirect's
          // Location, so there fetch follows them (and drops Authorization across origins).
          redirect: isBrowser ? "follow" : "manual",
          signal: requestSignal,
          cache: "no-store",
        });
      } catch (e) {
        if (base.aborted) throw abortReason(base);
        if (refused) return { refused };
        return { failure: failureKind(e, url), message: describe(e) };
      }
      // One `name:value` line per header: a single string to cross into the module rather than
      // two per header (fetch's header names have no colon, and its values no line break).
      let flat = "";
      response.headers.forEach((value, name) => {
        flat += `${name}:${value}\n`;
      });
      if (proxied) flat = unmaskBasic(flat);
      if (
        req.streamResponse &&
        response.status >= 200 &&
        response.status < 300 &&
        req.method !== "HEAD"
      ) {
        held.set(req.id, new HeldBody(response));
        return { status: response.status, headers: flat, held: true };
      }
      let bytes;
      try {
        bytes = req.method === "HEAD" ? undefined : new Uint8Array(await response.arrayBuffer());
      } catch (e) {
        if (base.aborted) throw abortReason(base);
        return { failure: failureKind(e, url), message: describe(e) };
      }
      return { status: response.status, headers: flat, body: bytes, held: false };
    };

    // Answers in the order they arrive. Each request settles into `arrived` once, and the loop
    // waits on one promise at a time: racing every request in flight instead attaches a reaction
    // to each of them per answer, quadratic in the number in flight.
    const arrived = [];
    let waiting = null;
    let inflight = 0;
    const settle = (done) => {
      arrived.push(done);
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake();
      }
    };
    const start = (req) => {
      inflight++;
      send(req).then(
        (outcome) => settle({ id: req.id, outcome }),
        (error) => settle({ id: req.id, error }),
      );
    };

    // The operation failed: it hands out only DELETEs of the upload sessions it abandoned
    // (distribution-spec "cancel an upload"), sent after every other request was stopped, on a
    // best-effort basis, within the call's timeout (10 s without one) or until the call's signal
    // aborts.
    let failed = false;
    const outputOf = () => {
      try {
        return op.pollOutput();
      } catch (e) {
        failed = true;
        throw e;
      }
    };
    const cancelAbandonedUploads = async () => {
      controller.abort();
      for (const body of held.values()) body.cancel();
      held.clear();
      const cleanup = new AbortController();
      const timer = setTimeout(() => cleanup.abort(), timeoutMs || 10000);
      const stop = () => cleanup.abort();
      if (signal) signal.addEventListener("abort", stop, { once: true });
      try {
        for (let round = 0; round < 4 && !cleanup.signal.aborted; round++) {
          const requests = op
            .pollRequests(nowSeconds())
            .filter((req) => req.method === "DELETE" && !req.body);
          if (requests.length === 0) break;
          const answers = await Promise.all(
            requests.map((req) =>
              send(req, cleanup.signal).then(
                (outcome) => ({ id: req.id, outcome }),
                () => null,
              ),
            ),
          );
          for (const a of answers) {
            if (!a || a.outcome.refused) continue;
            if (a.outcome.failure)
              op.handleFailure(a.id, a.outcome.failure, a.outcome.message, nowSeconds());
            else
              op.handleResponse(
                a.id,
                a.outcome.status,
                a.outcome.headers,
                a.outcome.body,
                a.outcome.held,
                nowSeconds(),
              );
          }
        }
      } catch {
        // best effort: the operation's error is what the call reports
      } finally {
        clearTimeout(timer);
        if (signal) signal.removeEventListener("abort", stop);
      }
    };

    // Without onProgress the events are dropped in the module rather than converted.
    const emit = () => {
      const events = op.pollEvents(Boolean(onProgress));
      if (onProgress) for (const e of events) onProgress(e);
    };

    try {
      for (;;) {
        emit();
        // The output first: after a failure, the operation's requests are the cleanup's.
        const output = outputOf(); // throws the operation's error
        if (output !== undefined) return output;
        for (const req of op.pollRequests(nowSeconds())) start(req);
        if (inflight === 0) {
          throw apiError(
            "INTERNAL",
            "indexsmith: the registry operation stopped without a result (a bug)",
          );
        }
        if (arrived.length === 0) await new Promise((resolve) => (waiting = resolve));
        // One answer per turn: the requests it makes possible (a child's config) go out before the
        // next answer is read.
        const done = arrived.shift();
        inflight--;
        if (done.error) {
          if (controller.signal.aborted) throw abortReason(controller.signal);
          throw done.error;
        }
        const { outcome } = done;
        if (outcome.refused) {
          // The operation has its error in pollOutput (which throws it).
          const output = outputOf();
          if (output === undefined) throw outcome.refused;
          return output;
        }
        if (outcome.failure) {
          op.handleFailure(done.id, outcome.failure, outcome.message, nowSeconds());
        } else {
          op.handleResponse(
            done.id,
            outcome.status,
            outcome.headers,
            outcome.body,
            outcome.held,
            nowSeconds(),
          );
        }
      }
    } catch (error) {
      if (failed) await cancelAbandonedUploads();
      throw error;
    } finally {
      if (signal) signal.removeEventListener("abort", onAbort);
      // Requests still in flight (after a failure) and held downloads are cancelled; when nothing
      // is outstanding there is nothing to abort.
      if (!controller.signal.aborted && (inflight > 0 || held.size > 0)) controller.abort();
      for (const body of held.values()) body.cancel();
      op.free();
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
