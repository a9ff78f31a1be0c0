// The hostile-input suite through the package (the Rust side is crates/indexsmith/tests/hostile.rs):
// each input gets a located diagnostic with a specific code, the module never traps, and a 50 MB
// input is validated in bounded memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { validate } from "indexsmith";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = (file) => readFileSync(join(here, "../../../tests/fixtures/corpus", file));
const D1 = `sha256:${"1".repeat(64)}`;
const index = (entries) =>
  `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[${entries}]}`;
const entry = (size) =>
  `{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${D1}","size":${size},"platform":{"os":"linux","architecture":"amd64"}}`;

function located(report, code, name) {
  assert.equal(report.valid, false, `${name}: valid`);
  const d = report.diagnostics.find((x) => x.code === code);
  assert.ok(
    d,
    `${name}: expected ${code}, got ${report.diagnostics.map((x) => x.code).join(", ")}`,
  );
  assert.equal(d.severity, "error", name);
  assert.ok(d.line >= 1 && d.column >= 1, `${name}: located at ${d.line}:${d.column}`);
  return d;
}

const cases = [
  ["not JSON", "hello", "json/syntax"],
  ["empty", "", "json/empty"],
  ["BOM", '\ufeff{"schemaVersion":2,"manifests":[]}', "json/bom"],
  [
    "invalid UTF-8",
    new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    "json/invalid-utf8",
  ],
  ["NUL in a string", '{"a\u0000":1}', "json/control-character"],
  ["NUL after the document", "{}\u0000", "json/trailing-content"],
  ["duplicate keys", '{"schemaVersion":2,"schemaVersion":2,"manifests":[]}', "json/duplicate-key"],
  ["10,000-deep nesting", "[".repeat(10000), "json/too-deep"],
  ["lone surrogate escape", index(entry(1)).replace('"linux"', '"\\ud800"'), "json/lone-surrogate"],
  ["size 1e400", index(entry("1e400")), "descriptor/invalid-size"],
  ["size -0", index(entry("-0")), "descriptor/invalid-size"],
  ["size 2^64", index(entry("18446744073709551616")), "descriptor/size-out-of-range"],
  [
    "schemaVersion 2.0",
    index(entry(1)).replace('"schemaVersion":2', '"schemaVersion":2.0'),
    "document/invalid-schema-version",
  ],
  ["wrong type: digest", index(entry(1)).replace(`"${D1}"`, "123"), "schema/wrong-type"],
  [
    "wrong type: platform",
    index(entry(1)).replace('{"os":"linux","architecture":"amd64"}', "[]"),
    "schema/wrong-type",
  ],
  ["schema 1", corpus("containers-image-v2s1-unsigned.json"), "document/schema1"],
  [
    "unknown media type",
    '{"schemaVersion":2,"mediaType":"application/x-unknown+json","manifests":[]}',
    "document/unknown-media-type",
  ],
];

for (const [name, input, code] of cases) {
  test(`hostile: ${name} → ${code}`, () => {
    const report = validate(input);
    located(report, code, name);
    const bytes = typeof input === "string" ? Buffer.from(input) : input;
    assert.equal(report.size, bytes.length, name);
    assert.equal(report.digest, `sha256:${createHash("sha256").update(bytes).digest("hex")}`, name);
  });
}

test("hostile: every truncation of a real index ends in a located json/unexpected-end (or json/empty)", () => {
  const text = corpus("regclient-v3-index-arm-variants.json").toString("utf8");
  const end = text.lastIndexOf("}");
  for (let n = 0; n < end; n++) {
    const prefix = text.slice(0, n);
    const report = validate(prefix);
    const code = prefix.trim() === "" ? "json/empty" : "json/unexpected-end";
    const d = located(report, code, `prefix of ${n}`);
    assert.ok(
      d.span.end.offset <= Buffer.byteLength(prefix),
      `prefix of ${n}: span inside the input`,
    );
  }
});

test("hostile: an unpaired surrogate in a JS string is hashed and located like TextEncoder bytes", () => {
  const input = `{"schemaVersion":2,"manifests":[],"annotations":{"k":"\ud800","n":1}}`;
  const report = validate(input);
  const bytes = new TextEncoder().encode(input);
  assert.equal(report.size, bytes.length);
  assert.equal(report.digest, `sha256:${createHash("sha256").update(bytes).digest("hex")}`);
  const d = report.diagnostics.find((x) => x.code === "descriptor/annotation-not-string");
  assert.ok(d);
  assert.equal(d.column, input.indexOf(":1}") + 2);
});

test("hostile: a 50 MB index validates in bounded memory (peak growth under 4x the input)", () => {
  // A child process, so that the measurement sees only this validation.
  const script = `
    const { validate } = require('indexsmith');
    const D = 'sha256:' + '2'.repeat(64);
    const e = (i) => '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"' + D + '","size":' + i + ',"platform":{"os":"windows","architecture":"amd64","os.version":"10.0.' + i + '"},"annotations":{"org.example.padding":"' + 'x'.repeat(96) + '"}}';
    const parts = [];
    for (let i = 0; i < 150000; i++) parts.push(e(i));
    const input = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' + parts.join(',') + ']}');
    parts.length = 0;
    global.gc && global.gc();
    const before = process.memoryUsage().rss;
    const report = validate(input);
    const after = process.memoryUsage().rss;
    process.stdout.write(JSON.stringify({ size: input.length, growth: after - before, valid: report.valid, codes: [...new Set(report.diagnostics.map((d) => d.code))] }));
  `;
  const run = spawnSync(process.execPath, ["--expose-gc", "-e", script], {
    cwd: here,
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.ok(result.size > 50_000_000, `input is ${result.size} bytes`);
  assert.ok(result.codes.includes("document/exceeds-registry-limit"), result.codes.join(", "));
  assert.ok(
    result.growth < 4 * result.size,
    `memory grew by ${result.growth} bytes for a ${result.size}-byte input`,
  );
  console.log(
    `50 MB validation: input ${result.size} bytes, RSS growth ${result.growth} bytes (${(result.growth / result.size).toFixed(2)}x)`,
  );
});
