// Bundles the editor (editor.js and the pinned CodeMirror packages) into one minified script,
// target/web-editor/editor.js, which index.html loads before the app. Run by Trunk's pre_build
// hook (Trunk.toml); the bundle is a build output, never committed.

import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

await build({
  entryPoints: [join(here, "editor.js")],
  outfile: join(root, "target", "web-editor", "editor.js"),
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  legalComments: "none",
  logLevel: "warning",
});
