// A typed use of the package, compiled with `tsc --strict` against the generated declarations.
import init, {
  validate,
  validateAsync,
  validateDescriptor,
  digest,
  parseReference,
  parsePlatform,
  formatPlatform,
  platformMatches,
  platformMatchesStrict,
  comparePlatforms,
  resolvePlatform,
  createIndex,
  editIndex,
  diffIndexes,
  version,
} from "indexsmith";
import type {
  Report,
  Diagnostic,
  Kind,
  Platform,
  Reference,
  Composed,
  Edit,
  IndexDiff,
  Resolution,
  Descriptor,
} from "indexsmith";

await init();
const report: Report = validate("{}", { expect: "oci-index" });
const valid: boolean = report.valid;
const kind: Kind | null = report.kind;
const mediaType: string | null = report.mediaType;
const size: number = validateDescriptor(new Uint8Array([123, 125])).size;
const later: Report = await validateAsync(new Uint8Array([123, 125]), { expect: "oci-manifest" });
const first: Diagnostic | undefined = report.diagnostics[0];
const where: string = first
  ? `${first.line}:${first.column} ${first.code} ${first.severity} ${first.span.end.offset} ${first.help ?? ""}`
  : "";
const d: string = digest("x", "sha512");
const r: Reference = parseReference("ubuntu", { normalize: false });
const tag: string | null = r.tag;
const p: Platform = parsePlatform("linux/arm64");
const variant: string | null = p.variant;
const s: string =
  formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }) + formatPlatform(p);
const m: boolean = platformMatches("linux/arm64", p) && platformMatchesStrict(p, "linux/arm64/v8");
const order: number = comparePlatforms("linux/arm/v7", "linux/arm/v6", {
  os: "linux",
  architecture: "arm",
  variant: "v5",
});
const resolution: Resolution = resolvePlatform("{}", "linux/amd64", { strict: true });
const selected: Descriptor | null = resolution.selected;
const selectedDigest: string | undefined = selected?.digest;
const reason: string | undefined = resolution.candidates[0]?.reason;
const edits: Edit[] = [
  { op: "add", manifest: "{}", platform: { os: "linux", architecture: "amd64" } },
  { op: "remove", select: { platform: { os: "linux", architecture: "arm" } } },
  { op: "move", from: 0, to: 1 },
  { op: "annotate", key: "k", value: null },
  { op: "setPlatform", index: 0, platform: null },
  {
    op: "filter",
    platforms: [{ os: "linux", architecture: "amd64" }, "linux/arm64"],
    keepAttestations: true,
  },
  { op: "remove", select: { platform: "linux/s390x" } },
  { op: "convert", to: "docker" },
];
const created: Composed = createIndex({
  format: "oci",
  manifests: [{ manifest: "{}", platform: "linux/amd64", annotations: { a: "b" } }],
  style: "docker",
});
const edited: Composed = editIndex(created.text, edits, { style: "compact" });
const diff: IndexDiff = diffIndexes(created.text, edited.text);
const change: "added" | "removed" | "changed" | "unchanged" | undefined = diff.entries[0]?.change;
const v: string = version();
const fromConfig: Platform | null = (await import("indexsmith")).platformFromConfig("{}").platform;

// The declarations are precise: these must not compile.
// @ts-expect-error a number is not an input
validate(42);
// @ts-expect-error not a kind
validate("{}", { expect: "oci" });
// @ts-expect-error kind can be null
const notNull: Kind = report.kind;
// @ts-expect-error unknown edit
const badEdit: Edit = { op: "paint" };
// @ts-expect-error the algorithm is sha256 or sha512
digest("x", "md5");

export {
  fromConfig,
  valid,
  kind,
  mediaType,
  size,
  later,
  where,
  d,
  tag,
  variant,
  s,
  m,
  order,
  selectedDigest,
  reason,
  change,
  v,
  notNull,
  badEdit,
};

// The registry API (compiled only: nothing here is run).
import {
  fetchManifest,
  inspect,
  listTags,
  createIndexFromReferences,
  planPush,
  pushIndex,
  copyImage,
} from "indexsmith";
import type {
  FetchedManifest,
  InspectResult,
  CreatedIndex,
  PlanResult,
  PushResult,
  CopyResult,
  RegistryEvent,
  RegistryError,
} from "indexsmith";
export async function registryExample(signal: AbortSignal): Promise<string> {
  const events: RegistryEvent[] = [];
  const opts = {
    auth: { username: "u", password: "p" },
    signal,
    onProgress: (e: RegistryEvent) => events.push(e),
  };
  const fetched: FetchedManifest = await fetchManifest("127.0.0.1:5000/a/b:v1", opts);
  const bytes: Uint8Array = fetched.bytes;
  const inspected: InspectResult = await inspect("127.0.0.1:5000/a/b:v1", {
    proxy: "http://127.0.0.1:8080/proxy",
  });
  const arch: string | undefined = inspected.children[0]?.platform?.architecture;
  const tags: string[] = await listTags("127.0.0.1:5000/a/b", { auth: { token: "t" } });
  const created: CreatedIndex = await createIndexFromReferences(["127.0.0.1:5000/a/b:amd64"], {
    format: "docker",
  });
  const plan: PlanResult = await planPush(created.text, "127.0.0.1:5000/a/c:v1", {
    sources: ["127.0.0.1:5000/a/b"],
  });
  const action: "present" | "mount" | "copy" | undefined = plan.children[0]?.action;
  const pushed: PushResult = await pushIndex(created.text, "127.0.0.1:5000/a/c:v1");
  const copied: CopyResult = await copyImage("127.0.0.1:5000/a/b:v1", "127.0.0.1:5001/a/b:v1", {
    plainHttp: true,
    timeout: 30,
  });
  let code = "";
  try {
    await fetchManifest("127.0.0.1:5000/a/b:missing");
  } catch (e) {
    code = (e as RegistryError).code;
  }
  return `${bytes.length} ${arch} ${tags.length} ${action} ${pushed.report.bytesUploaded} ${copied.blobs.copied} ${code} ${events.length}`;
}
