
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
