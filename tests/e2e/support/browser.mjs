// One fresh headless Chromium profile per test, the app's named controls, and waiting helpers.
//
// Every test gets a new persistent context in a new temporary profile (no stored draft, no
// clipboard or permissions left over), a screenshot under E2E_OUTPUT when it ends (passed or
// not), and fails if the page threw an uncaught error (a Rust panic surfaces as one).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { env } from "./env.mjs";

// How long a wait may last before the test gives up: only a guard against hangs (a loaded CI
// machine is slow); no test asserts how fast anything is.
export const HANG_GUARD_MS = Number(process.env.E2E_GUARD_MS || 120_000);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Names for hostile sites in the security tests (support/hostile.mjs): loopback, like
  // everything else here, but another site to the browser.
  "--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1",
];

// A file name for a test's screenshot: lowercase words joined by dashes.
export function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

// Starts Chromium on a fresh profile; HOME and the XDG folders point into it too.
export async function launch() {
  const root = mkdtempSync(join(tmpdir(), "indexsmith-e2e-"));
  const profile = join(root, "profile");
  mkdirSync(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    env: {
      ...process.env,
      HOME: root,
      XDG_CONFIG_HOME: join(root, "config"),
      XDG_CACHE_HOME: join(root, "cache"),
    },
  });
  context.setDefaultTimeout(HANG_GUARD_MS);
  const errors = [];
  const watch = (page) => {
    page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const close = async () => {
    await context.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { context, errors, close };
}

// A test with a browser: `fn({ page, context, newPage })`. `newPage()` opens a page in another
// fresh profile (for "a different visitor opens the link"). `options` are node:test's (e.g.
// `todo`: the test runs and reports, and its failure does not fail the suite).
export function browserTest(name, fn, options = {}) {
  test(name, options, async () => {
    mkdirSync(env.output, { recursive: true });
    const main = await launch();
    const others = [];
    const page = main.context.pages()[0] ?? (await main.context.newPage());
    let shot = page;
    const newPage = async () => {
      const other = await launch();
      others.push(other);
      const p = other.context.pages()[0] ?? (await other.context.newPage());
      shot = p;
      return p;
    };
    try {
      await fn({ page, context: main.context, newPage, setScreenshotPage: (p) => (shot = p) });
      const errors = [main, ...others].flatMap((b) => b.errors);
      assert.deepEqual(errors, [], "the page threw uncaught errors");
    } finally {
      await shot
        .screenshot({ path: join(env.output, `${slug(name)}.png`), fullPage: true })
        .catch(() => {});
      for (const b of [main, ...others]) {
        await b.close().catch(() => {});
      }
    }
  });
}

// Opens the app (path relative to its origin, e.g. "/?embed#v1=…") and waits until it runs.
export async function openApp(page, path = "/") {
  await page.goto(env.app + path);
  await editor(page).waitFor();
  return page;
}

// The app's named controls (web/README.md lists the names tests rely on).
export const editor = (page) => page.getByRole("textbox", { name: "Manifest JSON", exact: true });
// The editor renders only the lines in view, so its text is read from its handle (the host
// element's `indexsmithEditor`, see web/editor/editor.js), not from the DOM.
const editorHost = (page) => page.locator(".editor .code");
export const editorText = (page) => editorHost(page).evaluate((h) => h.indexsmithEditor.text());
// The editor's selection as UTF-16 offsets, and whether the editor has the focus.
export const editorSelection = (page) =>
  editorHost(page).evaluate((h) => {
    const [from, to] = h.indexsmithEditor.selection();
    return { from, to, focused: h.contains(document.activeElement) };
  });
// Puts the caret at UTF-16 offset `at` and focuses the editor.
export const setEditorCaret = (page, at) =>
  editorHost(page).evaluate((h, at) => {
    const view = h.indexsmithEditor.view;
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    view.focus();
  }, at);
export const digestOutput = (page) => page.getByRole("status", { name: "Digest", exact: true });
export const platformsTable = (page) => page.getByRole("table", { name: "Platforms", exact: true });
// The entries' rows rendered (a long table renders those in view only).
export const platformRows = (page) => platformsTable(page).locator("tbody > tr.entry");
export const button = (page, name) => page.getByRole("button", { name, exact: true });
export const tab = (page, name) => page.getByRole("tab", { name, exact: true });
export const diagnostics = (page) => page.getByRole("region", { name: "Diagnostics", exact: true });

// Polls `probe` until `accept(value)` holds; fails with the last value after HANG_GUARD_MS.
export async function until(probe, accept, what) {
  const deadline = Date.now() + HANG_GUARD_MS;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) {
        return last;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      assert.fail(
        `waited for ${what}; last seen: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Waits until the Digest output shows `expected`.
export function digestIs(page, expected) {
  return until(
    () => digestOutput(page).textContent(),
    (d) => d === expected,
    `the Digest to be ${expected}`,
  );
}

// Waits until the editor holds exactly `text`.
export function editorIs(page, text) {
  return until(
    () => editorText(page),
    (v) => v === text,
    "the editor to hold the expected text",
  );
}

// Pastes `text` over the editor's whole content through the system clipboard (Ctrl+A, Ctrl+V),
// as a user would.
export async function paste(page, text) {
  const origin = new URL(env.app).origin;
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await editor(page).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Control+V");
  await editorIs(page, text);
}

// The platform fields of every table row, as shown.
export async function tableRows(page) {
  return platformRows(page).evaluateAll((rows) =>
    rows.map((row) => {
      const field = (key) => {
        const input = row.querySelector(`input[aria-label^="${key} of entry"]`);
        return input ? input.value : null;
      };
      return {
        os: field("os"),
        architecture: field("architecture"),
        variant: field("variant"),
        osVersion: field("os.version"),
        digest: row.querySelector(".entry-id code")?.getAttribute("title") ?? null,
      };
    }),
  );
}

// Opens the <details> whose summary reads `summary`, unless it is open already.
export async function openDetails(page, summary) {
  const details = page
    .locator("details", { has: page.locator("summary", { hasText: summary }) })
    .first();
  if (!(await details.evaluate((d) => d.open))) {
    await details.locator("summary").first().click();
  }
  await until(
    () => details.evaluate((d) => d.open),
    (open) => open,
    `"${summary}" to be open`,
  );
}
