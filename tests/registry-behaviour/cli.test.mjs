// The behaviour suite over the native transport: the command-line program (the protocol crate's
// driver over reqwest), its `--json` output in the npm package's shapes. Credentials for a call go
// as `--username --password-stdin` (to the registry the command writes to, or reads from, as the
// npm API's `auth`), the proxy as `--proxy`; the machine's `config.json` is kept out with an empty
// DOCKER_CONFIG.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliProgram } from "./cli-program.mjs";
import { defineSuite } from "./suite.mjs";
import { startWorld } from "./world.mjs";

const sha256 = (bytes) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

const platformText = (p) =>
  p ? [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join("/") : null;

/** A failed command: exit status 1 and `indexsmith: CODE: …` on standard error. */
class Failed extends Error {
  constructor(code, message) {
    super(message);
    this.registryCode = code;
  }
}

function cli(dir) {
  const program = cliProgram();
  const env = { ...process.env, DOCKER_CONFIG: join(dir, "docker"), HOME: dir };
  /** Runs the program; standard output as bytes, or `Failed` for exit status 1. */
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const credentials = options.auth
        ? ["--username", options.auth.username, "--password-stdin"]
        : [];
      const proxy = options.proxy ? ["--proxy", options.proxy] : [];
      const quiet = args[0] === "validate" ? [] : ["--quiet"];
      const input = options.input ?? (options.auth ? `${options.auth.password}\n` : null);
      const child = spawn(program, [...args, ...credentials, ...proxy, ...quiet], {
        env,
        stdio: [input === null ? "ignore" : "pipe", "pipe", "pipe"],
      });
      const out = [];
      const err = [];
      child.stdout.on("data", (c) => out.push(c));
      child.stderr.on("data", (c) => err.push(c));
      child.on("error", reject);
      child.on("close", (status) => {
        const stderr = Buffer.concat(err).toString();
        if (status === 0) resolve(Buffer.concat(out));
        else if (status === 1) {
          const code = /^indexsmith: ([A-Z_]+):/m.exec(stderr)?.[1] ?? "(no code)";
          reject(new Failed(code, stderr));
        } else reject(new Error(`indexsmith ${args.join(" ")}: exit status ${status}: ${stderr}`));
      });
      if (input !== null) {
        // A command that fails before it reads its input closes the pipe: its status tells.
        child.stdin.on("error", (e) => {
          if (e.code !== "EPIPE") reject(e);
        });
        child.stdin.end(input);
      }
    });
}

/** One scenario's operation as commands, shaped as the npm runner shapes it. */
function operations(run, dir) {
  const inspect = async (reference, options) =>
    JSON.parse((await run(["inspect", "--json", reference], options)).toString());
  let files = 0;
  return {
    async fetchManifest([reference], options) {
      const bytes = await run(["inspect", "--raw", reference], options);
      const r = await inspect(reference, options);
      return { digest: r.digest, mediaType: r.mediaType, size: r.size, bytesDigest: sha256(bytes) };
    },
    async inspect([reference], options) {
      const r = await inspect(reference, options);
      return {
        digest: r.digest,
        mediaType: r.mediaType,
        kind: r.kind,
        children: r.children.map((c) => ({
          digest: c.descriptor.digest,
          platform: platformText(c.platform),
        })),
      };
    },
    async listTags([repository], options) {
      const tags = JSON.parse((await run(["tags", "--json", repository], options)).toString());
      return { tags: tags.map((t) => t.tag).sort() };
    },
    async createIndexFromReferences([references, { format }], options) {
      const bytes = await run(["create", "--format", format, ...references], options);
      // `create` writes the document's bytes alone; `validate` reports the digest it gives them.
      const [report] = JSON.parse(
        (await run(["validate", "-", "--format", "json"], { input: bytes })).toString(),
      );
      const doc = JSON.parse(bytes.toString());
      return {
        mediaType: doc.mediaType,
        digestOfBytes: report.digest === sha256(bytes),
        children: doc.manifests.map((m) => ({
          digest: m.digest,
          platform: platformText(m.platform),
        })),
      };
    },
    async pushIndex([text, target, { sources = [] }], options) {
      const file = join(dir, `document-${files++}.json`);
      writeFileSync(file, text);
      const from = sources.flatMap((s) => ["--source", s]);
      const plan = (await run(["push", file, target, ...from, "--dry-run"], options)).toString();
      // One line per child: `  PLATFORM DIGEST  present|mount …|copy …|push manifest …`.
      const actions = [...plan.matchAll(/ sha256:[0-9a-f]{64}  (present|mount|copy|push)/g)].map(
        (m) => m[1],
      );
      const digest = (await run(["push", file, target, ...from], options)).toString().trim();
      return { actions, digest, readBack: (await inspect(target, options)).digest };
    },
    async copyImage([source, target], options) {
      const digest = (await run(["copy", source, target], options)).toString().trim();
      return { digest, readBack: (await inspect(target, options)).digest };
    },
  };
}

defineSuite("cli", async () => {
  const dir = mkdtempSync(join(tmpdir(), "indexsmith-behaviour-cli-"));
  const ops = operations(cli(dir), dir);
  const world = await startWorld();
  return {
    world,
    async call(op, args, options) {
      try {
        return await ops[op](args, options);
      } catch (e) {
        if (e instanceof Failed) return { error: e.registryCode, message: e.message };
        throw e;
      }
    },
    async stop() {
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
