/**
 * An error of a registry function: `code` is the registry's code (`MANIFEST_UNKNOWN`,
 * `UNAUTHORIZED`, `DENIED`, `TOOMANYREQUESTS`, …) or one of `CORS_BLOCKED`, `TIMEOUT`, `NETWORK`,
 * `NOT_A_REGISTRY`, `DIGEST_MISMATCH`, `UNEXPECTED_STATUS`, `INVALID_RESPONSE`, `INVALID_INPUT`;
 * `status` the HTTP status when there was an answer.
 */
export interface RegistryErrorFields {
  code: string;
  status: number | null;
  detail: string | null;
  url: string | null;
  retryable: boolean;
  retryAfter: number | null;
}
export type RegistryError = Error & RegistryErrorFields;

/** Options of every registry function: `onProgress` gets each progress event; `signal` aborts the call (it rejects with the signal's reason). */
export type RegistryCallOptions = RegistryOptions & {
  onProgress?: (event: RegistryEvent) => void;
  signal?: HostInstance<"AbortSignal">;
};
/** Options of `createIndexFromReferences`. */
export type CreateIndexFromReferencesOptions = RegistryCallOptions & { format?: "oci" | "docker" };
/** Options of `planPush` and `pushIndex`: `sources` are repositories (`host/path`) where children missing from the target can be found. Each such child comes from the first source that has it (a 404, `MANIFEST_UNKNOWN` or `NAME_UNKNOWN` moves on to the next; any other error fails the call; a child no source has fails with `MANIFEST_UNKNOWN` naming every repository tried), and its blobs are mounted from that repository (same registry as the target) or copied from it (another registry). */
export type PushOptions = RegistryCallOptions & { sources?: string[] };

/** GET a manifest by tag or digest (`host[:port]/path[:tag][@digest]`), verified against its digest. */
export function fetchManifest(
  reference: string,
  options?: RegistryCallOptions,
): Promise<FetchedManifest>;
/** A manifest and, for an index, every child manifest and its config, fetched concurrently. */
export function inspect(reference: string, options?: RegistryCallOptions): Promise<InspectResult>;
/** Every tag of a repository (`host[:port]/path`), all pages. */
export function listTags(repository: string, options?: RegistryCallOptions): Promise<string[]>;
/** An index composed from image references, each entry's platform read from its config. */
export function createIndexFromReferences(
  references: string[],
  options?: CreateIndexFromReferencesOptions,
): Promise<CreatedIndex>;
/** What pushing `index` to `target` would do, without writing anything. */
export function planPush(
  index: string | Uint8Array | { text: string },
  target: string,
  options?: PushOptions,
): Promise<PlanResult>;
/** Pushes `index` to `target`: blobs, then children, then the index (by the target's tag, else by digest). */
export function pushIndex(
  index: string | Uint8Array | { text: string },
  target: string,
  options?: PushOptions,
): Promise<PushResult>;
/** Copies an image or index with every child and blob from `source` to `target` (`skopeo copy --all`). */
export function copyImage(
  source: string,
  target: string,
  options?: RegistryCallOptions,
): Promise<CopyResult>;
