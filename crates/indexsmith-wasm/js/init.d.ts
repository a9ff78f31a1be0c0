/**
 * The instance type of the host's global class `Name` (`Response`, `URL`, `AbortSignal`, …), or
 * `never` where the program's declarations have no such class: the package's declarations need
 * neither the DOM lib nor `@types/node`, and use their types where a program has them.
 */
export type HostInstance<Name extends string> = Name extends keyof typeof globalThis
  ? (typeof globalThis)[Name] extends { prototype: infer T }
    ? T
    : never
  : never;

/** A compiled `WebAssembly.Module` (`never` where the program's declarations have none). */
export type WasmModule = typeof globalThis extends {
  WebAssembly: { Module: { prototype: infer M } };
}
  ? M
  : never;

/** Bytes of a WebAssembly module. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/**
 * Where a WebAssembly module is loaded from: a URL (a string or `URL`), a `Request` or `Response`,
 * the bytes, or a compiled `WebAssembly.Module`.
 */
export type InitInput =
  | string
  | HostInstance<"URL">
  | HostInstance<"Request">
  | HostInstance<"Response">
  | WasmBytes
  | WasmModule;

/**
 * Where `init` loads each module from: `core`, the module every function but the registry ones
 * runs on (`indexsmith_bg.wasm`), and `registry`, the one the registry functions run on
 * (`indexsmith_registry_bg.wasm`, loaded on the first registry call). A module not given is loaded
 * from its default place: next to the package's JS, or, with `indexsmith/inline`, from the package
 * itself.
 */
export interface InitOptions {
  core?: InitInput | Promise<InitInput>;
  registry?: InitInput | Promise<InitInput>;
}

/**
 * Loads the WebAssembly module. In browsers call it once, before any other function; without an
 * argument it fetches `indexsmith_bg.wasm` next to the package's JS (`indexsmith/inline` has it
 * built in). Given an `InitInput`, it loads the core module from there; given `{ core, registry }`,
 * each module from where it says. Rejects with an `Error` with code `load-failed` when a module
 * cannot be loaded. In Node the module is loaded when the package is, and `init` resolves at once.
 */
export default function init(input?: InitInput | Promise<InitInput> | InitOptions): Promise<void>;
export { init };

/** Like `init`, from bytes or a compiled module of the core, synchronously. */
export function initSync(module: WasmBytes | WasmModule): void;

/**
 * `validate`, with the digest computed by the host's native SHA-256: WebCrypto in browsers, which
 * hashes beside the validation instead of after it; node:crypto in Node. Resolves to the same
 * report as `validate`; rejects with the errors `validate` throws.
 */
export function validateAsync(
  input: string | Uint8Array,
  options?: ValidateOptions,
): Promise<Report>;

/**
 * The errors the package throws: an `Error` with a string `code` (`invalid-input`,
 * `invalid-options`, `invalid-algorithm`, `uninitialized`, `load-failed`, `internal`, or a
 * `platform/…`, `reference/…` or `compose/…` code of the core). Registry functions reject with a
 * `RegistryError`.
 */
export type IndexsmithError = Error & { code: string };
