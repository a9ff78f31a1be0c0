// Tests of the built npm package, through its public entry points: every function is exercised
// through `import` and through `require`, which must be the same module instance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esm from "indexsmith";

const require = createRequire(import.meta.url);
const cjs = require("indexsmith");
const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, "../../../tests/fixtures/corpus");
const corpus = (file) => readFileSync(join(corpusDir, file));
const corpusText = (file) => readFileSync(join(corpusDir, file), "utf8");
const sha256 = (bytes) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

const API = [
  "comparePlatforms",
  "copyImage",
  "createIndex",
  "createIndexFromReferences",
  "diffIndexes",
  "digest",
  "editIndex",
  "fetchManifest",
  "formatPlatform",
  "init",
  "initSync",
  "inspect",
  "listTags",
  "parsePlatform",
  "parseReference",
  "planPush",
  "platformFromConfig",
  "platformMatches",
  "platformMatchesStrict",
  "pushIndex",
  "resolvePlatform",
  "validate",
  "validateAsync",
  "validateDescriptor",
  "version",
];

/** Asserts that `fn` throws an Error with string `code`. */
function throwsCode(fn, code, name) {
  assert.throws(
    fn,
    (e) => {
      assert.ok(e instanceof Error, `${name}: an Error`);
      assert.equal(typeof e.code, "string", `${name}: code is a string`);
      assert.equal(e.code, code, `${name}: ${e.message}`);
      return true;
    },
    name,
  );
}

test("import and require expose the same API, and nothing else", () => {
  const esmNames = Object.keys(esm)
    .filter((n) => n !== "default")
    .sort();
  const cjsNames = Object.keys(cjs)
    .filter((n) => n !== "default")
    .sort();
  assert.deepEqual(esmNames, API);
  assert.deepEqual(cjsNames, API);
  assert.equal(esm.default, esm.init);
  for (const name of API) assert.equal(esm[name], cjs[name], `${name}: one instance`);
});

for (const [label, api] of [
  ["import", esm],
  ["require", cjs],
]) {
  const {
    validate,
    validateAsync,
    validateDescriptor,
    digest,
    version,
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
    init,
    initSync,
    platformFromConfig,
  } = api;

  test(`${label}: version and init`, async () => {
    const pkg = JSON.parse(readFileSync(require.resolve("indexsmith/package.json"), "utf8"));
    assert.equal(version(), pkg.version);
    assert.equal(await init(), undefined);
    assert.equal(initSync(), undefined);
  });

  test(`${label}: validate reports kind, media type, digest and size of the exact bytes`, () => {
    const bytes = corpus("regclient-v3-index-arm-variants.json");
    const padded = new Uint8Array(bytes.length + 7).fill(0x20);
    padded.set(bytes, 3);
    const view = new Uint8Array(padded.buffer, 3, bytes.length);
    for (const [name, input] of [
      ["bytes", new Uint8Array(bytes)],
      ["Buffer", bytes],
      ["string", bytes.toString("utf8")],
      ["view into a larger buffer", view],
    ]) {
      const r = validate(input);
      assert.deepEqual(
        Object.keys(r),
        ["valid", "kind", "mediaType", "digest", "size", "diagnostics"],
        name,
      );
      assert.equal(r.valid, true, name);
      assert.equal(r.kind, "oci-index", name);
      assert.equal(r.mediaType, "application/vnd.oci.image.index.v1+json", name);
      assert.equal(
        r.digest,
        "sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
        name,
      );
      assert.equal(r.size, 1141, name);
    }
  });

  test(`${label}: validateAsync resolves to the report of validate`, async () => {
    const text = corpusText("regclient-v3-index-arm-variants.json");
    for (const [name, input] of [
      ["string", text],
      ["bytes", corpus("regclient-v3-index-arm-variants.json")],
      ["not JSON", "hello"],
      ["unpaired surrogate", '{"\uD800": 1}'],
    ]) {
      assert.deepEqual(await validateAsync(input), validate(input), name);
    }
    await assert.rejects(
      validateAsync(42),
      (e) => e instanceof Error && e.code === "invalid-input",
    );
  });

  test(`${label}: validate never throws for a bad document, and absent values are null`, () => {
    const cases = [
      { name: "empty", input: "", code: "json/empty" },
      { name: "not JSON", input: "hello", code: "json/syntax" },
      { name: "truncated", input: '{"schemaVersion": 2', code: "json/unexpected-end" },
      { name: "array", input: "[]", code: "document/not-object" },
      {
        name: "invalid UTF-8",
        input: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
        code: "json/invalid-utf8",
      },
    ];
    for (const { name, input, code } of cases) {
      const r = validate(input);
      assert.equal(r.valid, false, name);
      assert.equal(r.kind, null, name);
      assert.equal(r.mediaType, null, name);
      assert.ok(
        r.diagnostics.some((d) => d.code === code),
        `${name}: ${JSON.stringify(r.diagnostics)}`,
      );
      for (const d of r.diagnostics) {
        assert.deepEqual(
          Object.keys(d),
          ["severity", "code", "message", "pointer", "line", "column", "span", "help"],
          name,
        );
        assert.ok(d.help === null || typeof d.help === "string", name);
        assert.equal(d.line, d.span.start.line, name);
        assert.equal(d.column, d.span.start.column, name);
      }
    }
  });

  test(`${label}: options.expect gives the kind of a document without mediaType`, () => {
    const text = corpusText("image-spec-v1.0-index-example-no-mediatype.json");
    assert.equal(validate(text).kind, "oci-index");
    const docker = validate(text, { expect: "docker-manifest-list" });
    assert.equal(docker.kind, "docker-manifest-list");
    const manifest = validate(corpusText("regclient-oci-manifest-2layers.json"), {
      expect: "oci-index",
    });
    assert.ok(manifest.diagnostics.some((d) => d.code === "document/media-type-mismatch"));
  });

  test(`${label}: bad calls throw Errors with a code`, () => {
    const cases = [
      ["validate(number)", () => validate(42), "invalid-input"],
      ["validate(null)", () => validate(null), "invalid-input"],
      ["validate unknown kind", () => validate("{}", { expect: "oci-thing" }), "invalid-options"],
      ["validateDescriptor(object)", () => validateDescriptor({}), "invalid-input"],
      ["digest(number)", () => digest(1), "invalid-input"],
      ["digest md5", () => digest("x", "md5"), "invalid-algorithm"],
      ["parseReference empty", () => parseReference(""), "reference/empty"],
      [
        "parseReference uppercase",
        () => parseReference("Ubuntu"),
        "reference/name-contains-uppercase",
      ],
      ["parseReference bad tag", () => parseReference("ubuntu:-x"), "reference/invalid-tag"],
      ["parseReference bad format", () => parseReference("a//b"), "reference/invalid-format"],
      [
        "parseReference options",
        () => parseReference("ubuntu", { normalize: "no" }),
        "invalid-options",
      ],
      ["parsePlatform empty", () => parsePlatform(""), "platform/empty"],
      [
        "parsePlatform too many",
        () => parsePlatform("linux/arm/v7/x"),
        "platform/too-many-components",
      ],
      ["formatPlatform no arch", () => formatPlatform({ os: "linux" }), "invalid-options"],
      ["platformMatches bad", () => platformMatches("linux/amd64", "*"), "platform/wildcard"],
      [
        "resolvePlatform manifest",
        () => resolvePlatform(corpus("regclient-oci-manifest-2layers.json"), "linux/amd64"),
        "compose/not-an-index",
      ],
      ["createIndex no manifests", () => createIndex({ format: "oci" }), "invalid-options"],
      [
        "createIndex bad child",
        () => createIndex({ manifests: [{ manifest: "nope" }] }),
        "compose/invalid-child",
      ],
      [
        "createIndex bad platform",
        () => createIndex({ manifests: [{ manifest: "{}", platform: "linux/" }] }),
        "platform/invalid-component",
      ],
      [
        "createIndex manifest type",
        () => createIndex({ manifests: [{ manifest: 3 }] }),
        "invalid-options",
      ],
      [
        "editIndex bad op",
        () => editIndex(corpus("regclient-v3-index-arm-variants.json"), [{ op: "paint" }]),
        "invalid-options",
      ],
      [
        "editIndex not array",
        () => editIndex(corpus("regclient-v3-index-arm-variants.json"), { op: "move" }),
        "invalid-options",
      ],
      [
        "editIndex out of range",
        () =>
          editIndex(corpus("regclient-v3-index-arm-variants.json"), [
            { op: "move", from: 9, to: 0 },
          ]),
        "compose/entry-out-of-range",
      ],
      [
        "editIndex missing field",
        () => editIndex(corpus("regclient-v3-index-arm-variants.json"), [{ op: "move", from: 0 }]),
        "invalid-options",
      ],
      [
        "editIndex wrong type",
        () =>
          editIndex(corpus("regclient-v3-index-arm-variants.json"), [
            { op: "move", from: 0, to: "end" },
          ]),
        "invalid-options",
      ],
      [
        "editIndex fractional",
        () =>
          editIndex(corpus("regclient-v3-index-arm-variants.json"), [
            { op: "move", from: 0.5, to: 1 },
          ]),
        "invalid-options",
      ],
      ["diffIndexes not an index", () => diffIndexes("{}", "{}"), "compose/not-an-index"],
    ];
    for (const [name, fn, code] of cases) throwsCode(fn, code, name);
    try {
      editIndex("[]", []);
      assert.fail("editIndex of a non-index must throw");
    } catch (e) {
      assert.equal(e.code, "compose/not-an-index");
      assert.ok(Array.isArray(e.diagnostics), "the reasons come along");
    }
  });

  test(`${label}: line and column count UTF-16 code units (é, emoji, unpaired surrogate)`, () => {
    const cases = [
      { name: "ascii", line2: '  "a": x}' },
      { name: "é", line2: '  "é": x}' },
      { name: "emoji", line2: '  "😀😀": x}' },
      { name: "é and emoji", line2: '  "é😀é": x}' },
      { name: "unpaired surrogate", line2: '  "\uD800": x}' },
      { name: "unpaired low surrogate then emoji", line2: '  "\uDC00😀": x}' },
    ];
    for (const { name, line2 } of cases) {
      const text = `{\n${line2}`;
      const r = validate(text);
      const d = r.diagnostics.find((x) => x.code === "json/syntax");
      assert.ok(d, `${name}: ${JSON.stringify(r.diagnostics)}`);
      assert.equal(d.line, 2, name);
      assert.equal(d.column, line2.indexOf("x") + 1, name);
      // The offset counts UTF-8 bytes of the text as encoded (an unpaired surrogate as U+FFFD).
      const encoded = new TextEncoder().encode(text);
      assert.equal(d.span.start.offset, encoded.indexOf(0x78), name);
      assert.equal(r.size, encoded.length, name);
      assert.equal(r.digest, sha256(encoded), name);
      assert.equal(digest(text), sha256(encoded), name);
    }
    // A value with non-ASCII text and a later error on the same line.
    const text =
      '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "annotations": {"é😀": 1}, "manifests": []}';
    const r = validate(text);
    const d = r.diagnostics.find((x) => x.code === "descriptor/annotation-not-string");
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.pointer, "/annotations/é😀");
    assert.equal(d.column, text.indexOf(": 1}") + 3);
  });

  test(`${label}: the corpus gets the verdicts of the Rust corpus test`, () => {
    const index = JSON.parse(corpusText("INDEX.json"));
    const expectedErrors = {
      "distribution-spec-manifest-list-trailing-comma.json": "json/trailing-comma",
      "containers-image-v2s1-unsigned.json": "document/schema1",
      "image-spec-rc-artifact-manifest-withdrawn.json": "document/artifact-manifest",
      "invalid-image-spec-index-missing-digest.json": "descriptor/missing-digest",
      "invalid-image-spec-index-empty-mediatype.json": "descriptor/invalid-media-type",
      "invalid-image-spec-manifest-config-size-string.json": "schema/wrong-type",
      "invalid-image-spec-manifest-config-digest-not-hex.json":
        "descriptor/invalid-digest-encoding",
      "ggcr-docker-save-manifest-not-registry.json": "document/docker-save",
    };
    assert.ok(index.entries.length >= 40);
    for (const e of index.entries) {
      const bytes = corpus(e.file);
      const isDescriptor = e.kind.startsWith("descriptor");
      const r = (isDescriptor ? validateDescriptor : validate)(bytes);
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      assert.equal(r.valid, errors.length === 0, `${e.file}: valid iff no error`);
      assert.equal(r.valid, e.valid_expected, `${e.file}: ${JSON.stringify(errors)}`);
      assert.equal(r.digest, e.sha256_of_file, e.file);
      assert.equal(r.size, e.size_bytes, e.file);
      if (!e.valid_expected) {
        assert.ok(
          errors.some((d) => d.code === expectedErrors[e.file]),
          `${e.file}: expected ${expectedErrors[e.file]}`,
        );
      } else if (isDescriptor) {
        assert.equal(r.kind, null, e.file);
      } else if (!e.kind.startsWith("image-config")) {
        const kind =
          ["oci-index", "oci-manifest", "docker-manifest-list"].find((k) => e.kind.startsWith(k)) ??
          "docker-manifest";
        assert.equal(r.kind, kind, e.file);
      }
      for (const d of r.diagnostics) {
        assert.ok(d.line >= 1 && d.column >= 1, `${e.file}: ${d.code}`);
        assert.ok(
          d.span.start.offset <= bytes.length && d.span.end.offset >= d.span.start.offset,
          `${e.file}: ${d.code}`,
        );
      }
    }
  });

  test(`${label}: validateDescriptor`, () => {
    const r = validateDescriptor(corpus("image-spec-empty-descriptor.json"));
    assert.equal(r.valid, true);
    assert.equal(r.kind, null);
    assert.equal(r.mediaType, null);
    const bad = validateDescriptor(
      '{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1}',
    );
    assert.equal(bad.valid, false);
    assert.ok(bad.diagnostics.some((d) => d.code === "descriptor/missing-digest"));
  });

  test(`${label}: digest`, () => {
    const cases = [
      [
        "{} sha256",
        "{}",
        undefined,
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      ],
      [
        "empty",
        "",
        "sha256",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      ],
      [
        "abc sha512",
        "abc",
        "sha512",
        "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      ],
      ["é bytes", new Uint8Array([0xc3, 0xa9]), undefined, sha256(Buffer.from("é"))],
      ["é string", "é", undefined, sha256(Buffer.from([0xc3, 0xa9]))],
    ];
    for (const [name, input, algorithm, expected] of cases)
      assert.equal(digest(input, algorithm), expected, name);
  });

  test(`${label}: parseReference`, () => {
    const cases = [
      [
        "ubuntu",
        undefined,
        {
          domain: "docker.io",
          path: "library/ubuntu",
          tag: null,
          digest: null,
          name: "docker.io/library/ubuntu",
          familiar: "ubuntu",
          string: "docker.io/library/ubuntu",
        },
      ],
      [
        "ubuntu:24.04",
        undefined,
        {
          domain: "docker.io",
          path: "library/ubuntu",
          tag: "24.04",
          digest: null,
          name: "docker.io/library/ubuntu",
          familiar: "ubuntu:24.04",
          string: "docker.io/library/ubuntu:24.04",
        },
      ],
      [
        "ghcr.io/regclient/regctl:v0.8@sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
        undefined,
        {
          domain: "ghcr.io",
          path: "regclient/regctl",
          tag: "v0.8",
          digest: "sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
          name: "ghcr.io/regclient/regctl",
          familiar:
            "ghcr.io/regclient/regctl:v0.8@sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
          string:
            "ghcr.io/regclient/regctl:v0.8@sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
        },
      ],
      [
        "localhost:5000/a/b",
        undefined,
        {
          domain: "localhost:5000",
          path: "a/b",
          tag: null,
          digest: null,
          name: "localhost:5000/a/b",
          familiar: "localhost:5000/a/b",
          string: "localhost:5000/a/b",
        },
      ],
      [
        "ubuntu",
        { normalize: false },
        {
          domain: "",
          path: "ubuntu",
          tag: null,
          digest: null,
          name: "ubuntu",
          familiar: "ubuntu",
          string: "ubuntu",
        },
      ],
      [
        "library/ubuntu:x",
        { normalize: true },
        {
          domain: "docker.io",
          path: "library/ubuntu",
          tag: "x",
          digest: null,
          name: "docker.io/library/ubuntu",
          familiar: "ubuntu:x",
          string: "docker.io/library/ubuntu:x",
        },
      ],
    ];
    for (const [input, options, expected] of cases)
      assert.deepEqual(parseReference(input, options), expected, input);
  });

  test(`${label}: parsePlatform normalizes and formatPlatform reads back`, () => {
    const cases = [
      [
        "linux/amd64",
        { os: "linux", architecture: "amd64", variant: null, osVersion: null, osFeatures: [] },
      ],
      [
        "linux/arm",
        { os: "linux", architecture: "arm", variant: "v7", osVersion: null, osFeatures: [] },
      ],
      [
        "linux/aarch64",
        { os: "linux", architecture: "arm64", variant: null, osVersion: null, osFeatures: [] },
      ],
      [
        "Linux/x86_64",
        { os: "linux", architecture: "amd64", variant: null, osVersion: null, osFeatures: [] },
      ],
      [
        "windows(10.0.20348)/amd64",
        {
          os: "windows",
          architecture: "amd64",
          variant: null,
          osVersion: "10.0.20348",
          osFeatures: [],
        },
      ],
    ];
    for (const [input, expected] of cases) {
      const p = parsePlatform(input);
      assert.deepEqual(p, expected, input);
      assert.deepEqual(parsePlatform(formatPlatform(p)), p, `${input}: round trip`);
    }
    assert.equal(
      formatPlatform({ os: "linux", architecture: "arm", variant: "v6" }),
      "linux/arm/v6",
    );
    assert.equal(
      formatPlatform("windows(10.0.17763+win32k)/amd64"),
      "windows(10.0.17763+win32k)/amd64",
    );
  });

  test(`${label}: platform matching and preference`, () => {
    const cases = [
      ["linux/amd64", "linux/amd64", true, true],
      ["linux/arm64", "linux/arm64/v8", true, true],
      ["linux/arm64", "linux/arm/v7", true, false],
      ["linux/arm/v7", "linux/arm/v6", true, false],
      ["linux/arm/v6", "linux/arm/v7", false, false],
      ["linux/amd64", "linux/arm64", false, false],
      ["linux/amd64", { os: "linux", architecture: "amd64" }, true, true],
    ];
    for (const [requested, candidate, only, strict] of cases) {
      const name = `${requested} runs ${JSON.stringify(candidate)}`;
      assert.equal(platformMatches(requested, candidate), only, name);
      assert.equal(platformMatchesStrict(requested, candidate), strict, `${name} (strict)`);
    }
    assert.ok(comparePlatforms("linux/arm/v7", "linux/arm/v7", "linux/arm/v6") < 0);
    assert.ok(comparePlatforms("linux/arm/v7", "linux/arm/v6", "linux/arm/v7") > 0);
    assert.equal(comparePlatforms("linux/arm/v7", "linux/amd64", "linux/s390x"), 0);
    const sorted = ["linux/arm/v5", "linux/arm/v7", "linux/arm/v6"].sort((a, b) =>
      comparePlatforms("linux/arm/v7", a, b),
    );
    assert.deepEqual(sorted, ["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]);
  });

  test(`${label}: resolvePlatform picks the entry a pull selects, with a verdict per entry`, () => {
    const text = corpusText("regclient-v3-index-arm-variants.json");
    const index = JSON.parse(text);
    const cases = [
      ["linux/arm/v7", 2],
      ["linux/arm/v6", 3],
      ["linux/arm64", 1],
      ["linux/amd64", 0],
    ];
    for (const [requested, expected] of cases) {
      const r = resolvePlatform(text, requested);
      assert.equal(r.selectedIndex, expected, requested);
      assert.deepEqual(r.selected, index.manifests[expected], requested);
      assert.equal(r.candidates.length, index.manifests.length, requested);
      assert.equal(r.candidates[expected].reason, "resolve/selected", requested);
      assert.equal(r.candidates[expected].matched, true, requested);
    }
    const none = resolvePlatform(text, "linux/s390x");
    assert.equal(none.selected, null);
    assert.equal(none.selectedIndex, null);
    assert.ok(none.candidates.every((c) => c.reason === "resolve/platform-mismatch"));
    const strict = resolvePlatform(text, "linux/arm/v8", { strict: true });
    assert.equal(
      strict.selected,
      null,
      "arm/v8 is not in the index, and strict allows no fallback",
    );
    assert.equal(
      resolvePlatform(text, "linux/arm/v8").selectedIndex,
      2,
      "arm/v8 falls back to arm/v7",
    );
  });

  test(`${label}: platformFromConfig reads an image config`, () => {
    const cases = [
      [
        "regclient-config-amd64-buildkit.json",
        { os: "linux", architecture: "amd64", variant: null, osVersion: null, osFeatures: [] },
      ],
      [
        "image-spec-compat-dockerhub-docker-1.12.1-config.json",
        { os: "linux", architecture: "amd64", variant: null, osVersion: null, osFeatures: [] },
      ],
    ];
    for (const [file, expected] of cases) {
      const r = platformFromConfig(corpus(file));
      assert.deepEqual(r.platform, expected, file);
      assert.ok(Array.isArray(r.diagnostics), file);
    }
    const none = platformFromConfig('{"rootfs": {}}');
    assert.equal(none.platform, null);
    assert.ok(
      none.diagnostics.some((d) => d.code === "config/missing-platform"),
      JSON.stringify(none.diagnostics),
    );
    const notJson = platformFromConfig("nope");
    assert.equal(notJson.platform, null);
    assert.ok(notJson.diagnostics.some((d) => d.code === "json/syntax"));
  });

  test(`${label}: createIndex from corpus children`, () => {
    const manifest = corpus("regclient-oci-manifest-2layers.json");
    const config = corpus("regclient-config-amd64-buildkit.json");
    const r = createIndex({
      manifests: [{ manifest, config }],
      annotations: { "org.opencontainers.image.title": "é" },
    });
    assert.equal(r.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.equal(r.digest, sha256(Buffer.from(r.text)));
    assert.equal(r.size, Buffer.byteLength(r.text));
    assert.ok(Array.isArray(r.diagnostics));
    const doc = JSON.parse(r.text);
    assert.equal(doc.manifests.length, 1);
    assert.equal(doc.manifests[0].digest, sha256(manifest));
    assert.equal(doc.manifests[0].size, manifest.length);
    assert.deepEqual(doc.manifests[0].platform, { architecture: "amd64", os: "linux" });
    assert.deepEqual(doc.annotations, { "org.opencontainers.image.title": "é" });
    assert.equal(validate(r.text).valid, true);

    const docker = createIndex({
      format: "docker",
      style: "docker",
      manifests: [
        {
          manifest: corpusText("hello-world-2022-docker-v2-manifest-amd64.json"),
          platform: { os: "linux", architecture: "amd64" },
        },
        { manifest: corpusText("distribution-spec-v2s2-example.json"), platform: "linux/arm/v7" },
      ],
    });
    assert.equal(docker.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
    assert.ok(docker.text.includes('\n   "'), "docker style indents by 3");
    assert.deepEqual(
      JSON.parse(docker.text).manifests.map((m) => m.platform.variant ?? null),
      [null, "v7"],
    );
    assert.equal(validate(docker.text).kind, "docker-manifest-list");
  });

  test(`${label}: editIndex applies edits in order and reports losses`, () => {
    const text = corpusText("regclient-v3-index-arm-variants.json");
    const same = editIndex(text, []);
    assert.equal(same.text, text, "no edits: the same bytes");
    assert.equal(same.digest, sha256(Buffer.from(text)));

    const before = JSON.parse(text);
    const edited = editIndex(text, [
      { op: "remove", select: { platform: { os: "linux", architecture: "arm", variant: "v6" } } },
      { op: "move", from: 2, to: 0 },
      { op: "annotate", entry: 0, key: "com.example.note", value: "moved" },
      { op: "setPlatformField", index: 1, field: "variant", value: "v8" },
    ]);
    const after = JSON.parse(edited.text);
    assert.deepEqual(
      after.manifests.map((m) => m.digest),
      [before.manifests[2].digest, before.manifests[0].digest, before.manifests[1].digest],
    );
    assert.equal(after.manifests[0].annotations["com.example.note"], "moved");
    assert.equal(after.manifests[1].platform.variant, "v8");
    assert.equal(edited.digest, sha256(Buffer.from(edited.text)));

    const filtered = editIndex(text, [
      { op: "filter", platforms: [{ os: "linux", architecture: "amd64" }] },
    ]);
    assert.deepEqual(
      JSON.parse(filtered.text).manifests.map((m) => m.platform.architecture),
      ["amd64"],
    );
    const byString = editIndex(text, [
      { op: "filter", platforms: ["linux/arm/v7", "linux/arm64"] },
      { op: "remove", select: { platform: "linux/arm64" } },
    ]);
    assert.deepEqual(
      JSON.parse(byString.text).manifests.map((m) => m.platform.variant),
      ["v7"],
    );
    const replatformed = editIndex(text, [
      { op: "setPlatform", index: 0, platform: "linux/riscv64" },
      { op: "setPlatform", index: 1, platform: null },
    ]);
    assert.deepEqual(JSON.parse(replatformed.text).manifests[0].platform, {
      architecture: "riscv64",
      os: "linux",
    });
    assert.equal(JSON.parse(replatformed.text).manifests[1].platform, undefined);

    const converted = editIndex(text, [{ op: "convert", to: "docker" }], { style: "compact" });
    assert.equal(converted.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
    assert.ok(converted.diagnostics.length > 0, "the annotations dropped are reported");
    assert.ok(!("annotations" in JSON.parse(converted.text)));
  });

  test(`${label}: diffIndexes pairs entries on platform`, () => {
    const text = corpusText("regclient-v3-index-arm-variants.json");
    const edited = editIndex(text, [{ op: "remove", select: { index: 3 } }]).text;
    const d = diffIndexes(text, edited);
    assert.ok(Array.isArray(d.changedFields));
    const removed = d.entries.filter((e) => e.change === "removed");
    assert.equal(removed.length, 1);
    assert.equal(removed[0].key, "linux/arm/v6");
    assert.equal(removed[0].b, null);
    assert.equal(removed[0].a, 3);
    assert.equal(d.entries.filter((e) => e.change === "unchanged").length, 3);
  });
}

test("a trap of the module becomes an internal Error, and the module is re-instantiated", () => {
  // The glue is private to the package: reach it by file, the way the entry point loads it.
  const glue = require(join(dirname(require.resolve("indexsmith")), "glue.node.cjs"));
  const validateInput = glue.validateInput;
  const reset = glue.__wbg_reset_state;
  let resets = 0;
  glue.__wbg_reset_state = () => {
    resets += 1;
    reset();
  };
  glue.validateInput = () => glue.abortForTest(); // a real `unreachable` trap inside the module
  try {
    for (const api of [cjs, esm]) {
      assert.throws(
        () => api.validate("{}"),
        (e) =>
          e instanceof Error &&
          e.code === "internal" &&
          e.cause instanceof WebAssembly.RuntimeError,
      );
    }
  } finally {
    glue.validateInput = validateInput;
    glue.__wbg_reset_state = reset;
  }
  assert.equal(resets, 2);
  const r = esm.validate(corpus("regclient-v3-index-arm-variants.json"));
  assert.equal(r.valid, true);
  assert.equal(r.kind, "oci-index");
  assert.equal(cjs.parsePlatform("linux/arm").variant, "v7");
});
