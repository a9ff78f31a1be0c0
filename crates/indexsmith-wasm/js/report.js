// The Report of a packed validation (the module's `validateInput`; crates/indexsmith-wasm/src/
// packed.rs gives the layout): numbers read in place from the module's memory, strings sliced
// from one text decoded at once, plain objects built here. One source for both module systems:
// the build appends the export line of each.

const SEVERITIES = ["error", "warning", "info"];
const KINDS = [null, "oci-index", "oci-manifest", "docker-manifest-list", "docker-manifest"];
const HEADER = 6;
const RECORD = 15;
const NONE = 0xffffffff;
const reportDecoder = new TextDecoder();
const decodeText = (bytes) => reportDecoder.decode(bytes);

/**
 * The packed words at address `at` of the module's memory `buffer` (an ArrayBuffer): a view,
 * valid until the next call into the module, read in place.
 */
function packedWords(buffer, at) {
  const header = new Uint32Array(buffer, at, HEADER);
  return new Uint32Array(buffer, at, HEADER + header[4] * RECORD + Math.ceil(header[5] / 4));
}

/**
 * The Report (or, with `digest` null, the report waiting for its digest) of the packed words at
 * address `at` of the module's memory `buffer`. `decode` turns the text's UTF-8 bytes into a
 * string (a host may have a faster way than TextDecoder); it must not call into the module.
 */
function unpackReport(buffer, at, digest, size, decode = decodeText) {
  const words = packedWords(buffer, at);
  const count = words[4];
  const textAt = HEADER + count * RECORD;
  const text = decode(new Uint8Array(words.buffer, words.byteOffset + textAt * 4, words[5]));
  // A code's string, and its last message and help: the packer writes a message or help equal
  // to the last one of its code once, and both diagnostics point at it, so it is sliced once.
  const byCode = new Map();
  const diagnostics = new Array(count);
  for (let k = 0, w = HEADER; k < count; k++, w += RECORD) {
    let c = byCode.get(words[w + 1]);
    if (c === undefined) {
      c = { code: text.slice(words[w + 1], words[w + 1] + words[w + 2]) };
      c.message = c.help = null;
      c.messageAt = c.helpAt = -1;
      byCode.set(words[w + 1], c);
    }
    if (words[w + 3] !== c.messageAt || words[w + 4] !== c.message.length) {
      c.messageAt = words[w + 3];
      c.message = text.slice(c.messageAt, c.messageAt + words[w + 4]);
    }
    let help = null;
    if (words[w + 8] !== NONE) {
      if (words[w + 7] !== c.helpAt || words[w + 8] !== c.help.length) {
        c.helpAt = words[w + 7];
        c.help = text.slice(c.helpAt, c.helpAt + words[w + 8]);
      }
      help = c.help;
    }
    const line = words[w + 9];
    const column = words[w + 10];
    diagnostics[k] = {
      severity: SEVERITIES[words[w]],
      code: c.code,
      message: c.message,
      pointer: text.slice(words[w + 5], words[w + 5] + words[w + 6]),
      line,
      column,
      span: {
        start: { line, column, offset: words[w + 11] },
        end: { line: words[w + 12], column: words[w + 13], offset: words[w + 14] },
      },
      help,
    };
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
