// The Node entry point of indexsmith for `import`: the same module instance as `require`. A static
// import, so that bundlers targeting Node follow it.
import api from "./node.cjs";

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
