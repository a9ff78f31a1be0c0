// The Node entry point of indexsmith for `import`: the same module instance as `require`.
import { createRequire } from "node:module";

const api = createRequire(import.meta.url)("./node.cjs");

export default api.init;
export const {
  init,
  initSync,
  validate,
  validateDescriptor,
  validateAsync,
  digest,
  version,
  createIndex,
  editIndex,
  diffIndexes,
  parseReference,
  parsePlatform,
  formatPlatform,
  platformMatches,
  platformMatchesStrict,
  comparePlatforms,
  resolvePlatform,
  platformFromConfig,
  fetchManifest,
  inspect,
  listTags,
  createIndexFromReferences,
  planPush,
  pushIndex,
  copyImage,
} = api;
