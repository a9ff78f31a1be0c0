// The web app's responsiveness in headless Chromium (Debian's, driven by playwright-core), next to
// a bare <textarea> of the editor's size holding the same text: real key presses and a real
// clipboard paste, timed from the keydown to the end of the next frame (requestAnimationFrame,
// then a task after it), and the main thread's long tasks (Long Tasks API) after a paste.
// Generated OCI indexes of 10, 1,000 and 7,000 entries. Writes a Markdown table; the budgets of
// the issue are printed beside the figures, never asserted (machines are noisy).
//
//   node bench/app.mjs [DIST] [OUT.md]     (default dist/ and target/bench-app.md)
//   cargo xtask bench-app                  (builds dist/ first)

import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const [dist = "dist", out = "target/bench-app.md"] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES || 21);

// An OCI index of `n` Windows entries (distinct os.version), each with two annotations, and an
// index annotation to type in.
export function bigIndex(n) {
  const manifests = Array.from({ length: n }, (_, i) => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: 1000 + i,
    digest: sha256(`child ${i}`),
    platform: { architecture: "amd64", os: "windows", "os.version": `10.0.20348.${2000 + i}` },
    annotations: {
      "org.opencontainers.image.ref.name": `entry-${i}`,
      "org.opencontainers.image.created": "2026-01-01T00:00:00Z",
    },
  }));
  return JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests,
      annotations: { "org.example.note": "typed:" },
    },
    null,
    2,
  );
}

function sha256(text) {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

// The bare textarea: the editor's size and font, nothing else on the page.
const BARE = `<!doctype html><meta charset="utf-8"><title>bare textarea</title>
<textarea aria-label="bare" wrap="off" spellcheck="false"
  style="width: 640px; height: 820px; font: 13px/20px monospace"></textarea>
<output aria-label="length"></output>
<script>
  const area = document.querySelector("textarea");
  const out = document.querySelector("output");
  area.addEventListener("input", () => (out.textContent = String(area.value.length)));
</script>`;

function serve(dir) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/bare.html") {
      res.writeHead(200, { "content-type": TYPES[".html"] });
      return res.end(BARE);
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// Installed in every page: keydown → next frame timings, long tasks, and when the digest shows.
const PROBE = () => {
  window.__bench = { frames: [], tasks: [], digestAt: null, keyAt: null, expected: null };
  const b = window.__bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.tasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  window.addEventListener(
    "keydown",
    () => {
      const t0 = performance.now();
      b.keyAt = t0;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => b.frames.push(performance.now() - t0);
        channel.port2.postMessage(0);
      });
    },
    true,
  );
  const watch = () => {
    const out = document.querySelector('output[aria-label="Digest"]');
    if (!out) return setTimeout(watch, 20);
    new MutationObserver(() => {
      if (b.expected && out.textContent === b.expected && b.digestAt === null) {
        b.digestAt = performance.now() - b.keyAt;
      }
    }).observe(out, { childList: true, characterData: true, subtree: true });
  };
  watch();
};

const settle = (page) =>
  page.evaluate(
    () =>
      new Promise((r) =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 30))),
      ),
  );

async function until(probe, what) {
  const deadline = Date.now() + 300_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A target: the app's editor or the bare textarea, with how to read its text.
const TARGETS = {
  app: {
    path: "/",
    focus: (page) => page.getByRole("textbox", { name: "Manifest JSON", exact: true }).click(),
    length: () => document.querySelector(".editor .code").indexsmithEditor.text().length,
    caret: (at) => {
      const view = document.querySelector(".editor .code").indexsmithEditor.view;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      view.focus();
    },
  },
  bare: {
    path: "/bare.html",
    focus: (page) => page.locator("textarea").click(),
    length: () => document.querySelector("textarea").value.length,
    caret: (at) => {
      const area = document.querySelector("textarea");
      area.focus();
      area.setSelectionRange(at, at);
    },
  },
};

async function open(context, origin, target) {
  const page = await context.newPage();
  await page.addInitScript(PROBE);
  await page.goto(origin + TARGETS[target].path);
  if (target === "app") {
    await page.getByRole("textbox", { name: "Manifest JSON", exact: true }).waitFor();
  }
  return page;
}

// Pastes `text` into an emptied target; the keydown → next frame time of Ctrl+V, the longest
// task after the paste's own, and (in the app) when the digest of the text shows.
async function paste(page, target, text) {
  const t = TARGETS[target];
  await page.evaluate((s) => navigator.clipboard.writeText(s), text);
  await t.focus(page);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await until(async () => (await page.evaluate(t.length)) === 0, "an empty editor");
  await settle(page);
  await page.evaluate((expected) => {
    const b = window.__bench;
    b.frames = [];
    b.tasks = [];
    b.digestAt = null;
    b.expected = expected;
  }, sha256(text));
  await page.keyboard.press("Control+V");
  const framed = () => page.evaluate(() => window.__bench.frames.length > 0);
  await until(framed, "the frame after the paste");
  await until(async () => (await page.evaluate(t.length)) === text.length, "the pasted text");
  if (target === "app") {
    await until(() => page.evaluate(() => window.__bench.digestAt !== null), "the digest");
  }
  // Let deferred work (validation, idle parsing) run and report its long tasks.
  await new Promise((r) => setTimeout(r, 1500));
  return page.evaluate(() => {
    const b = window.__bench;
    const key = b.keyAt;
    // The paste's own task holds the keydown; the others came after it.
    const after = b.tasks.filter(([start, d]) => !(start <= key && key <= start + d));
    const own = b.tasks.find(([start, d]) => start <= key && key <= start + d);
    return {
      frame: b.frames[0],
      ownTask: own ? own[1] : 0,
      longestAfter: after.reduce((m, [, d]) => Math.max(m, d), 0),
      digestAt: b.digestAt,
    };
  });
}

// Types KEYSTROKES letters after the caret at `at`: keydown → next frame, median and worst.
async function keystrokes(page, target, at) {
  await page.evaluate(TARGETS[target].caret, at);
  await settle(page);
  const timings = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    await page.evaluate(() => (window.__bench.frames = []));
    await page.keyboard.type("abcdefghijklmnopqrstuvwxyz"[i % 26]);
    await until(() => page.evaluate(() => window.__bench.frames.length > 0), "the next frame");
    timings.push(await page.evaluate(() => window.__bench.frames[0]));
    await settle(page);
  }
  // The first keystroke warms caches; it is left out.
  const rest = timings.slice(1);
  return { median: median(rest), max: Math.max(...rest) };
}

const root = mkdtempSync(join(tmpdir(), "indexsmith-bench-app-"));
const server = await serve(dist);
const origin = `http://127.0.0.1:${server.address().port}`;
const context = await chromium.launchPersistentContext(join(root, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  env: {
    ...process.env,
    HOME: root,
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_CACHE_HOME: join(root, "cache"),
  },
});
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });

const rows = [];
const fmt = (ms) => (ms === null || ms === undefined ? "—" : `${ms.toFixed(1)} ms`);
const results = {};
try {
  for (const n of [10, 1000, 7000]) {
    const text = bigIndex(n);
    const at = text.indexOf("typed:") + "typed:".length;
    for (const target of ["bare", "app"]) {
      const page = await open(context, origin, target);
      const p = await paste(page, target, text);
      const k = await keystrokes(page, target, at);
      results[`${target}-${n}`] = { ...p, keystroke: k };
      rows.push(
        `| ${n} | ${text.length} | ${target} | ${fmt(p.frame)} | ${fmt(p.longestAfter)} | ${fmt(
          p.digestAt,
        )} | ${fmt(k.median)} | ${fmt(k.max)} |`,
      );
      console.log(rows.at(-1));
      await page.close();
    }
  }
} finally {
  await context.close();
  server.close();
  rmSync(root, { recursive: true, force: true });
}

const r = (k) => results[k];
const ratio = (a, b) => (a / b).toFixed(2);
const budget = [
  `- keystroke, 1,000 entries, app ÷ bare textarea: ${ratio(r("app-1000").keystroke.median, r("bare-1000").keystroke.median)} (budget ≤ 1.5)`,
  `- keystroke, app, 1,000 ÷ 10 entries: ${ratio(r("app-1000").keystroke.median, r("app-10").keystroke.median)} (budget ≤ 2)`,
  `- paste, 1,000 entries, app ÷ bare textarea: ${ratio(r("app-1000").frame, r("bare-1000").frame)} (budget ≤ 1.5)`,
  `- paste, 7,000 entries: longest task after the paste's own ${fmt(r("app-7000").longestAfter)} (budget ≤ 200 ms), digest shown after ${fmt(r("app-7000").digestAt)} (budget ≤ 2 s)`,
];
const report = [
  "| entries | bytes | page | paste → next frame | longest task after the paste | digest shown | keystroke → next frame (median) | keystroke (worst) |",
  "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ...rows,
  "",
  ...budget,
  "",
].join("\n");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, report);
console.log(`\n${budget.join("\n")}\nreport: ${out}`);
