// Mutated documents and malformed requests never trap the module: every call either returns or
// throws an Error with a documented code (never `internal`). Deterministic: a seeded generator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as api from "indexsmith";

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "../../../tests/fixtures/corpus");
const documents = readdirSync(corpusDir)
  .filter((f) => f !== "INDEX.json")
  .sort()
  .map((f) => readFileSync(join(corpusDir, f)));

function generator(seed) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

function mutate(bytes, next) {
  const out = Array.from(bytes);
  const edits = 1 + next(4);
  for (let i = 0; i < edits; i++) {
    const at = next(out.length + 1);
    switch (next(4)) {
      case 0:
        out.splice(at, 1 + next(8));
        break; // delete
      case 1:
        out.splice(at, 0, next(256));
        break; // insert a byte
      case 2:
        out[at] = [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x00, 0xff, 0xf0, 0xed][
          next(12)
        ];
        break; // JSON punctuation and bad UTF-8
      default:
        out.length = Math.min(out.length, at); // truncate
    }
  }
  return new Uint8Array(out);
}

const CODED =
  /^(invalid-input|invalid-options|invalid-algorithm|(platform|reference|compose)\/[a-z-]+)$/;

function callOrCode(name, fn) {
  try {
    return fn();
  } catch (e) {
    assert.ok(e instanceof Error, `${name}: threw a non-Error`);
    assert.match(String(e.code), CODED, `${name}: ${e.message}`);
    return undefined;
  }
}

test("mutated corpus documents: validate never throws, valid iff no error, other calls throw only coded errors", () => {
  const next = generator(20261128);
  const edits = [
    [{ op: "remove", select: { index: 0 } }],
    [{ op: "convert", to: "docker" }],
    [
      { op: "convert", to: "oci" },
      { op: "annotate", key: "k", value: "v" },
    ],
    [{ op: "filter", platforms: ["linux/amd64"], keepAttestations: true }],
    [
      { op: "move", from: 0, to: 1 },
      { op: "setPlatformField", index: 0, field: "osFeatures", value: "a,b" },
    ],
  ];
  for (let round = 0; round < 400; round++) {
    const source = documents[next(documents.length)];
    const input = mutate(source, next);
    const name = `round ${round}`;
    const r = api.validate(input);
    assert.equal(r.valid, !r.diagnostics.some((d) => d.severity === "error"), name);
    for (const d of r.diagnostics) assert.ok(d.span.start.offset <= input.length, name);
    const text = new TextDecoder().decode(input);
    api.validateDescriptor(text);
    callOrCode(`${name} edit`, () => api.editIndex(input, edits[next(edits.length)]));
    callOrCode(`${name} diff`, () => api.diffIndexes(source, input));
    callOrCode(`${name} resolve`, () => api.resolvePlatform(input, "linux/arm64"));
    callOrCode(`${name} create`, () =>
      api.createIndex({ manifests: [{ manifest: input, platform: "linux/amd64" }] }),
    );
  }
});

test("malformed requests throw coded errors", () => {
  const index = documents.find((d) => d.toString().includes('"manifests"'));
  const values = [
    undefined,
    null,
    0,
    -1,
    1.5,
    2 ** 53,
    "",
    "x",
    true,
    [],
    {},
    [{}],
    { op: "add" },
    new Uint8Array([0xff]),
    () => 1,
    Symbol.iterator,
  ];
  for (const v of values) {
    const name = typeof v === "symbol" ? "symbol" : (JSON.stringify(v) ?? String(v));
    callOrCode(`validate ${name}`, () => api.validate(v));
    callOrCode(`validate options ${name}`, () => api.validate("{}", v));
    callOrCode(`editIndex ${name}`, () => api.editIndex(index, v));
    callOrCode(`editIndex [${name}]`, () => api.editIndex(index, [v]));
    callOrCode(`createIndex ${name}`, () => api.createIndex(v));
    callOrCode(`createIndex manifests ${name}`, () => api.createIndex({ manifests: v }));
    callOrCode(`parsePlatform ${name}`, () => api.parsePlatform(v));
    callOrCode(`platformMatches ${name}`, () => api.platformMatches(v, "linux/amd64"));
    callOrCode(`parseReference ${name}`, () =>
      api.parseReference(typeof v === "string" ? v : "x", v),
    );
    callOrCode(`resolvePlatform ${name}`, () => api.resolvePlatform(index, "linux/amd64", v));
    callOrCode(`digest ${name}`, () => api.digest("x", v));
    callOrCode(`digest input ${name}`, () => api.digest(v));
    callOrCode(`formatPlatform ${name}`, () => api.formatPlatform(v));
    callOrCode(`comparePlatforms ${name}`, () =>
      api.comparePlatforms("linux/amd64", v, "linux/386"),
    );
    callOrCode(`platformMatchesStrict ${name}`, () => api.platformMatchesStrict("linux/amd64", v));
    callOrCode(`diffIndexes ${name}`, () => api.diffIndexes(index, v));
    callOrCode(`validateDescriptor ${name}`, () => api.validateDescriptor(v, v));
    callOrCode(`resolvePlatform requested ${name}`, () => api.resolvePlatform(index, v));
  }
});
