/**
 * What `init` loads the WebAssembly module from: a URL or path, a `Response`, the bytes, or a
 * compiled `WebAssembly.Module`.
 */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module. In browsers call it once, before any other function; without
 * `input` it fetches `indexsmith_bg.wasm` next to the package's JS. In Node the module is loaded
 * when the package is, and `init` resolves at once.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export { init };

/** Like `init`, from bytes or a compiled module, synchronously. */
export function initSync(module: BufferSource | WebAssembly.Module): void;

/**
 * `validate`, with the digest computed by the host's native SHA-256: WebCrypto in browsers, which
 * hashes beside the validation instead of after it; node:crypto in Node. Resolves to the same
 * report as `validate`; rejects with the errors `validate` throws.
 */
export function validateAsync(
  input: string | Uint8Array,
  options?: ValidateOptions,
): Promise<Report>;
