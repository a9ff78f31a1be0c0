// JSON Schemas (draft 2020-12 subset that ajv supports by default: draft-07 keywords) of the OCI
// image-spec v1.1 rules for descriptors, image indexes and image manifests, written from the spec
// (descriptor.md, image-index.md, manifest.md) for the JavaScript baseline of the benchmark.

// RFC 6838 restricted-name "/" restricted-name (descriptor.md: mediaType).
const mediaType = {
  type: "string",
  pattern: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$",
};

// descriptor.md "Digests": the grammar, then the registered algorithms' encodings.
const digest = {
  type: "string",
  pattern: "^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$",
  allOf: [
    { if: { pattern: "^sha256:" }, then: { pattern: "^sha256:[a-f0-9]{64}$" } },
    { if: { pattern: "^sha384:" }, then: { pattern: "^sha384:[a-f0-9]{96}$" } },
    { if: { pattern: "^sha512:" }, then: { pattern: "^sha512:[a-f0-9]{128}$" } },
  ],
};

const annotations = { type: "object", additionalProperties: { type: "string" } };

const platform = {
  type: "object",
  required: ["architecture", "os"],
  properties: {
    architecture: { type: "string" },
    os: { type: "string" },
    "os.version": { type: "string" },
    "os.features": { type: "array", items: { type: "string" } },
    variant: { type: "string" },
    features: { type: "array", items: { type: "string" } },
  },
};

const descriptor = {
  type: "object",
  required: ["mediaType", "digest", "size"],
  properties: {
    mediaType,
    digest,
    size: { type: "integer", minimum: 0, maximum: 9223372036854775807 },
    urls: {
      type: "array",
      items: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$" },
    },
    annotations,
    data: {
      type: "string",
      pattern: "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
    },
    artifactType: mediaType,
  },
};

const indexEntry = {
  ...descriptor,
  properties: { ...descriptor.properties, platform },
};

export const indexSchema = {
  type: "object",
  required: ["schemaVersion", "manifests"],
  properties: {
    schemaVersion: { const: 2 },
    mediaType: { const: "application/vnd.oci.image.index.v1+json" },
    artifactType: mediaType,
    manifests: { type: "array", items: indexEntry },
    subject: descriptor,
    annotations,
  },
};

export const manifestSchema = {
  type: "object",
  required: ["schemaVersion", "config", "layers"],
  properties: {
    schemaVersion: { const: 2 },
    mediaType: { const: "application/vnd.oci.image.manifest.v1+json" },
    artifactType: mediaType,
    config: descriptor,
    layers: { type: "array", items: descriptor },
    subject: descriptor,
    annotations,
  },
};
