// The Report of a packed validation (the module's `validateInput`; crates/indexsmith-wasm/src/
// packed.rs gives the layout): numbers from one Uint32Array, strings sliced from one text decoded
// at once, plain objects built here. One source for both module systems: the build appends the
// export line of each.

const SEVERITIES = ["error", "warning", "info"];
const KINDS = [null, "oci-index", "oci-manifest", "docker-manifest-list", "docker-manifest"];
const HEADER = 6;
const RECORD = 15;
const NONE = 0xffffffff;
const reportDecoder = new TextDecoder();
const decodeText = (bytes) => reportDecoder.decode(bytes);

/**
 * The Report (or, with `digest` null, the report waiting for its digest) of `words`. `decode`
 * turns the text's UTF-8 bytes into a string (a host may have a faster way than TextDecoder).
 */
function unpackReport(words, digest, size, decode = decodeText) {
  const count = words[4];
  const textAt = HEADER + count * RECORD;
  const text = decode(new Uint8Array(words.buffer, words.byteOffset + textAt * 4, words[5]));
  const diagnostics = [];
  for (let w = HEADER; w < textAt; w += RECORD) {
    const line = words[w + 9];
    const column = words[w + 10];
    diagnostics.push({
      severity: SEVERITIES[words[w]],
      code: text.slice(words[w + 1], words[w + 1] + words[w + 2]),
      message: text.slice(words[w + 3], words[w + 3] + words[w + 4]),
      pointer: text.slice(words[w + 5], words[w + 5] + words[w + 6]),
      line,
      column,
      span: {
        start: { line, column, offset: words[w + 11] },
        end: { line: words[w + 12], column: words[w + 13], offset: words[w + 14] },
      },
      help: words[w + 8] === NONE ? null : text.slice(words[w + 7], words[w + 7] + words[w + 8]),
    });
  }
  return {
    valid: words[0] === 1,
    kind: KINDS[words[1]],
    mediaType: words[3] === NONE ? null : text.slice(words[2], words[2] + words[3]),
    digest,
    size,
    diagnostics,
  };
}
