// The command-line program the suite runs (and whose `serve` is the proxy): `INDEXSMITH_CLI`, else
// the workspace's debug build.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export function cliProgram() {
  const program = process.env.INDEXSMITH_CLI ?? join(root, "target/debug/indexsmith");
  if (!existsSync(program))
    throw new Error(
      `${program} is missing: build it with \`cargo build -p indexsmith-cli\` or set INDEXSMITH_CLI`,
    );
  return program;
}
