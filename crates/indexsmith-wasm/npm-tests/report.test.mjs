// The report of `validate` (packed by the module and unpacked in JS) against the report the
// module's serializer gives for the same document: the same plain objects, fields, key order and
// values, for clean documents, every corpus document, non-ASCII text and reports of thousands of
// findings (capped per code).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { validate, validateDescriptor } = require("indexsmith");
// The registry module's `validate` and `validateDescriptor` return what the serializer builds.
const pkg = dirname(require.resolve("indexsmith/package.json"));
const serialized = require(join(pkg, "registry_glue.node.cjs"));
const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, "../../../tests/fixtures/corpus");

const entry = (i, platform) =>
  `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${i
    .toString(16)
    .padStart(64, "0")}","size":${i + 1}${platform}}`;
const index = (entries) =>
  `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[${entries.join(",")}]}`;

const cases = [
  ["empty", ""],
  ["not JSON, non-ASCII", "héllo 😀"],
  ["an invalid byte", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ["a cut character", '{"a": \u00e9}'],
  ["clean index", index([entry(1, ',"platform":{"os":"linux","architecture":"amd64"}')])],
  [
    "non-ASCII keys repeated, on several lines",
    '{\n  "é😀": 1,\r\n  "é😀": 2,\r  "schemaVersion": 2, "\\ud800": "\u0001"}',
  ],
  [
    "1,500 duplicate platforms on one line",
    index(
      Array.from({ length: 1_501 }, (_, i) =>
        entry(i, ',"platform":{"os":"linux","architecture":"amd64"}'),
      ),
    ),
  ],
  [
    "os.version on linux, missing architectures, 3,000 repeated keys",
    `{"schemaVersion":2${',"x":1'.repeat(3_000)},"manifests":[${Array.from(
      { length: 400 },
      (_, i) =>
        entry(
          i,
          i % 2
            ? `,"platform":{"os":"linux","architecture":"arm64","os.version":"${i}"}`
            : ',"platform":{"os":"linux"}',
        ),
    ).join(",")}]}`,
  ],
  [
    "messages written from the document: non-ASCII values, escapes, pointers with ~ and /",
    index([
      entry(0, ',"platform":{"os":"linux","architecture":"arm","variant":"v7"}'),
      entry(1, ',"platform":{"os":"li\\u006eux","architecture":"arm","variant":"v7"}'),
      entry(2, ',"platform":{"os":"lïnux😀","architecture":"amd64","os.version":"é"}'),
      entry(3, ',"platform":{"os":"linux"},"annotations":{"a/b~c":1}'),
      entry(
        4,
        ',"annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:é\\u0041"}',
      ),
    ]),
  ],
];
for (const file of readdirSync(corpusDir).filter((f) => f.endsWith(".json")))
  cases.push([file, readFileSync(join(corpusDir, file))]);

test("validate gives the serializer's report, field for field", () => {
  for (const [name, input] of cases) {
    for (const [packed, plain] of [
      [validate, serialized.validate],
      [validateDescriptor, serialized.validateDescriptor],
    ]) {
      const got = packed(input);
      const want = plain(input);
      assert.deepStrictEqual(got, want, name);
      // The same key order, as JSON.stringify shows it.
      assert.equal(JSON.stringify(got), JSON.stringify(want), name);
      for (const d of got.diagnostics) {
        assert.equal(Object.getPrototypeOf(d), Object.prototype, name);
        assert.equal(Object.getPrototypeOf(d.span.start), Object.prototype, name);
      }
    }
  }
});

test("a report of thousands of findings lists 1,000 of a code and counts the rest", () => {
  const text = index(
    Array.from({ length: 2_500 }, (_, i) =>
      entry(i, ',"platform":{"os":"linux","architecture":"amd64"}'),
    ),
  );
  const report = validate(text);
  const count = (code) => report.diagnostics.filter((d) => d.code === code).length;
  assert.equal(count("index/duplicate-platform"), 1_000);
  const notes = report.diagnostics.filter((d) => d.code === "document/too-many-diagnostics");
  assert.equal(notes.length, 1);
  assert.equal(notes[0].severity, "info");
  assert.match(notes[0].message, /^1499 more `index\/duplicate-platform`/);
  assert.equal(notes[0].pointer, "/manifests/1001/platform");
  assert.equal(report.valid, true);
});
