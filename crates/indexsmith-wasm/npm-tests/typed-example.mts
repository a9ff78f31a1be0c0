// A typed use of the package, compiled with `tsc --strict` against the generated declarations.
import init, { validate, validateDescriptor, digest, parseReference, parsePlatform, formatPlatform, platformMatches, platformMatchesStrict, comparePlatforms, resolvePlatform, createIndex, editIndex, diffIndexes, version } from 'indexsmith';
import type { Report, Diagnostic, Kind, Platform, Reference, Composed, Edit, IndexDiff, Resolution, Descriptor } from 'indexsmith';

await init();
const report: Report = validate('{}', { expect: 'oci-index' });
const valid: boolean = report.valid;
const kind: Kind | null = report.kind;
const mediaType: string | null = report.mediaType;
const size: number = validateDescriptor(new Uint8Array([123, 125])).size;
const first: Diagnostic | undefined = report.diagnostics[0];
const where: string = first ? `${first.line}:${first.column} ${first.code} ${first.severity} ${first.span.end.offset} ${first.help ?? ''}` : '';
const d: string = digest('x', 'sha512');
const r: Reference = parseReference('ubuntu', { normalize: false });
const tag: string | null = r.tag;
const p: Platform = parsePlatform('linux/arm64');
const variant: string | null = p.variant;
const s: string = formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }) + formatPlatform(p);
const m: boolean = platformMatches('linux/arm64', p) && platformMatchesStrict(p, 'linux/arm64/v8');
const order: number = comparePlatforms('linux/arm/v7', 'linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v5' });
const resolution: Resolution = resolvePlatform('{}', 'linux/amd64', { strict: true });
const selected: Descriptor | null = resolution.selected;
const selectedDigest: string | undefined = selected?.digest;
const reason: string | undefined = resolution.candidates[0]?.reason;
const edits: Edit[] = [
  { op: 'add', manifest: '{}', platform: { os: 'linux', architecture: 'amd64' } },
  { op: 'remove', select: { platform: { os: 'linux', architecture: 'arm' } } },
  { op: 'move', from: 0, to: 1 },
  { op: 'annotate', key: 'k', value: null },
  { op: 'setPlatform', index: 0, platform: null },
  { op: 'filter', platforms: [{ os: 'linux', architecture: 'amd64' }, 'linux/arm64'], keepAttestations: true },
  { op: 'remove', select: { platform: 'linux/s390x' } },
  { op: 'convert', to: 'docker' },
];
const created: Composed = createIndex({ format: 'oci', manifests: [{ manifest: '{}', platform: 'linux/amd64', annotations: { a: 'b' } }], style: 'docker' });
const edited: Composed = editIndex(created.text, edits, { style: 'compact' });
const diff: IndexDiff = diffIndexes(created.text, edited.text);
const change: 'added' | 'removed' | 'changed' | 'unchanged' | undefined = diff.entries[0]?.change;
const v: string = version();
const fromConfig: Platform | null = (await import('indexsmith')).platformFromConfig('{}').platform;

// The declarations are precise: these must not compile.
// @ts-expect-error a number is not an input
validate(42);
// @ts-expect-error not a kind
validate('{}', { expect: 'oci' });
// @ts-expect-error kind can be null
const notNull: Kind = report.kind;
// @ts-expect-error unknown edit
const badEdit: Edit = { op: 'paint' };
// @ts-expect-error the algorithm is sha256 or sha512
digest('x', 'md5');

export { fromConfig, valid, kind, mediaType, size, where, d, tag, variant, s, m, order, selectedDigest, reason, change, v, notNull, badEdit };
