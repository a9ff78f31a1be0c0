// Where the app and the registries are, as `cargo xtask test e2e` exports them.
//
//   E2E_APP             the app's origin, e.g. http://127.0.0.1:41234 (indexsmith-serve)
//   E2E_REGISTRY        host:port of the registry indexsmith-serve seeds (no CORS headers)
//   E2E_PLAIN_REGISTRY  host:port of the registry without CORS headers (seeded with sample/hello:latest)
//   E2E_OUTPUT          folder for screenshots and measured figures
//   E2E_CHROMIUM        the browser (default /usr/bin/chromium)
//   E2E_SERVE           the indexsmith-serve program (default target/release/indexsmith-serve)
//   E2E_DIST            the built app (default dist/)

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests with: cargo xtask test e2e`);
  }
  return value;
}

const here = fileURLToPath(new URL(".", import.meta.url));

export const env = {
  app: required("E2E_APP").replace(/\/+$/, ""),
  registry: required("E2E_REGISTRY"),
  plainRegistry: required("E2E_PLAIN_REGISTRY"),
  output: process.env.E2E_OUTPUT || resolve(here, "../../output/e2e"),
  chromium: process.env.E2E_CHROMIUM || "/usr/bin/chromium",
  serve: process.env.E2E_SERVE || resolve(here, "../../../target/release/indexsmith-serve"),
  dist: process.env.E2E_DIST || resolve(here, "../../../dist"),
};

// A fixture of the project's corpus, as bytes.
export function fixturePath(name) {
  return resolve(here, "../../fixtures/corpus", name);
}
