// The editor and the platform table: paste, table edits, JSON errors, undo/redo, keyboard
// access, text that looks like HTML, and the validation time of a large index per keystroke.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  browserTest,
  openApp,
  paste,
  editor,
  editorText,
  editorSelection,
  setEditorCaret,
  digestOutput,
  digestIs,
  editorIs,
  platformRows,
  platformsTable,
  tableRows,
  button,
  tab,
  diagnostics,
  until,
  openDetails,
} from "./support/browser.mjs";
import { env, fixturePath } from "./support/env.mjs";
import { sha256, lineColumn } from "./support/digest.mjs";

const HELLO_WORLD = readFileSync(
  fixturePath("azure-docs-mcr-hello-world-manifest-list-windows.json"),
);
const HELLO_WORLD_TEXT = HELLO_WORLD.toString("utf8");

// An OCI index with `n` Windows entries (distinct os.version) and an index annotation to type in.
function bigIndex(n) {
  const manifests = Array.from({ length: n }, (_, i) => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: 1000 + i,
    digest: sha256(`child ${i}`),
    platform: { architecture: "amd64", os: "windows", "os.version": `10.0.20348.${2000 + i}` },
    annotations: { "org.opencontainers.image.ref.name": `entry-${i}` },
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

browserTest(
  "paste the hello-world manifest list: three platforms and the digest of the exact bytes",
  async ({ page }) => {
    await openApp(page);
    // Start from an empty editor, so the rows come from the paste.
    await editor(page).click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await editorIs(page, "");
    assert.equal(await platformRows(page).count(), 0, "no rows without a document");

    await paste(page, HELLO_WORLD_TEXT);
    await digestIs(page, sha256(HELLO_WORLD));
    assert.equal(await platformRows(page).count(), 3, "three rows in Platforms");
    assert.deepEqual(
      (await tableRows(page)).map(({ os, architecture, variant, osVersion, digest }) => [
        os,
        architecture,
        variant,
        osVersion,
        digest,
      ]),
      JSON.parse(HELLO_WORLD_TEXT).manifests.map((m) => [
        m.platform.os,
        m.platform.architecture,
        "",
        m.platform["os.version"] ?? "",
        m.digest,
      ]),
      "each row shows its entry's platform and digest",
    );
    const summary = await page.getByRole("region", { name: "Summary" }).textContent();
    assert.match(summary, /docker-manifest-list/, "kind");
    assert.match(summary, new RegExp(`${HELLO_WORLD.length} bytes`), "size of the exact bytes");
    assert.match(summary, /0 errors, 0 warnings/, "no findings");
  },
);

browserTest(
  "edit a variant in the table: the JSON, the digest and the table follow",
  async ({ page }) => {
    await openApp(page);
    await paste(page, HELLO_WORLD_TEXT);
    await digestIs(page, sha256(HELLO_WORLD));

    const variant = page.getByRole("textbox", { name: "variant of entry 1", exact: true });
    await variant.fill("v8");
    await variant.press("Enter");

    const edited = await until(
      () => editorText(page),
      (v) => v !== HELLO_WORLD_TEXT,
      "the editor to change",
    );
    const expected = JSON.parse(HELLO_WORLD_TEXT);
    expected.manifests[1].platform.variant = "v8";
    assert.deepEqual(JSON.parse(edited), expected, "only the variant of entry 1 was added");
    await digestIs(page, sha256(edited));
    assert.notEqual(sha256(edited), sha256(HELLO_WORLD), "new bytes, new digest");
    const rows = await tableRows(page);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.variant),
      ["", "v8", ""],
      "the table re-derived from the new JSON",
    );

    // A second edit through the table changes an existing field.
    const arch = page.getByRole("textbox", { name: "architecture of entry 0", exact: true });
    await arch.fill("s390x");
    await arch.press("Tab");
    const again = await until(
      () => editorText(page),
      (v) => v !== edited,
      "the editor to change again",
    );
    expected.manifests[0].platform.architecture = "s390x";
    assert.deepEqual(JSON.parse(again), expected);
    await digestIs(page, sha256(again));
  },
);

browserTest(
  "broken JSON: a located json/ diagnostic, and the text is kept as typed",
  async ({ page }) => {
    await openApp(page);
    // Drop the comma after `"size": 525` (entry 1), as a hurried edit would.
    const broken = HELLO_WORLD_TEXT.replace('"size": 525,', '"size": 525');
    assert.notEqual(broken, HELLO_WORLD_TEXT);
    await paste(page, broken);
    await digestIs(page, sha256(broken));

    const list = diagnostics(page);
    const json = list.locator("li", { has: page.locator("code.code", { hasText: /^json\// }) });
    await json.first().waitFor();
    const code = await json.first().locator("code.code").textContent();
    const where = await json.first().locator(".where").textContent();
    assert.match(code, /^json\/[a-z-]+$/, "a stable json/… code");
    // The parser stops at the token after the missing comma: the `"digest"` key of entry 1.
    const at = lineColumn(broken, broken.indexOf('"digest"', broken.indexOf('"size": 525')));
    assert.equal(where, `${at.line}:${at.column}`, `located at ${at.line}:${at.column}`);
    assert.match(await json.first().getAttribute("class"), /error/, "an error");

    assert.equal(await editorText(page), broken, "the editor keeps the broken text");
    const summary = await page.getByRole("region", { name: "Summary" }).textContent();
    assert.match(summary, /invalid/);
    assert.equal(
      await page.getByRole("textbox", { name: "variant of entry 0" }).count(),
      0,
      "no editable rows while the JSON is broken",
    );

    // Clicking the diagnostic selects its place in the editor.
    await json.first().getByRole("button").click();
    const selected = await editorSelection(page);
    const selection = [selected.from, selected.focused];
    assert.deepEqual(
      selection,
      [broken.indexOf('"digest"', broken.indexOf('"size": 525')), true],
      "the editor selects the diagnostic's start",
    );

    // Typing the comma back fixes it.
    await paste(page, HELLO_WORLD_TEXT);
    await digestIs(page, sha256(HELLO_WORLD));
    assert.equal(await json.count(), 0, "no json/ diagnostic any more");

    // A trailing comma the parser can read past: located at the comma, the rows stay visible but
    // read-only, and the editor keeps the text.
    const trailing = HELLO_WORLD_TEXT.replace('"os": "linux"\n      }', '"os": "linux",\n      }');
    assert.notEqual(trailing, HELLO_WORLD_TEXT);
    await paste(page, trailing);
    await digestIs(page, sha256(trailing));
    const comma = list.locator("li", {
      has: page.locator("code.code", { hasText: "json/trailing-comma" }),
    });
    await comma.first().waitFor();
    const commaAt = lineColumn(
      trailing,
      trailing.indexOf('"os": "linux",') + '"os": "linux"'.length,
    );
    assert.equal(
      await comma.first().locator(".where").textContent(),
      `${commaAt.line}:${commaAt.column}`,
      "located at the comma",
    );
    await page.getByText("Fix the JSON errors to edit the table").waitFor();
    assert.equal(await platformRows(page).count(), 3, "the rows are still shown");
    assert.equal(
      await page.getByRole("textbox", { name: "os of entry 0" }).count(),
      0,
      "but not editable",
    );
    assert.equal(await editorText(page), trailing, "the editor keeps the text");
  },
);

browserTest(
  "undo and redo: buttons and Ctrl+Z / Ctrl+Shift+Z outside the editor",
  async ({ page }) => {
    await openApp(page);
    await paste(page, HELLO_WORLD_TEXT);
    await digestIs(page, sha256(HELLO_WORLD));
    const undo = button(page, "Undo");
    const redo = button(page, "Redo");
    assert.equal(await redo.isDisabled(), true, "nothing to redo yet");

    const os = page.getByRole("textbox", { name: "os of entry 2", exact: true });
    await os.fill("linux");
    await os.press("Enter");
    const edited = await until(
      () => editorText(page),
      (v) => v !== HELLO_WORLD_TEXT,
      "the table edit",
    );
    assert.equal(JSON.parse(edited).manifests[2].platform.os, "linux");

    await undo.click();
    await editorIs(page, HELLO_WORLD_TEXT);
    await digestIs(page, sha256(HELLO_WORLD));
    assert.equal(
      await page.getByRole("textbox", { name: "os of entry 2", exact: true }).inputValue(),
      "windows",
      "the table follows undo",
    );
    assert.equal(await redo.isEnabled(), true);

    await redo.click();
    await editorIs(page, edited);
    await digestIs(page, sha256(edited));

    // Keyboard shortcuts act when the focus is outside text fields.
    await tab(page, "Platforms").focus();
    await page.keyboard.press("Control+z");
    await editorIs(page, HELLO_WORLD_TEXT);
    await page.keyboard.press("Control+Shift+Z");
    await editorIs(page, edited);
    await page.keyboard.press("Control+z");
    await editorIs(page, HELLO_WORLD_TEXT);
    await page.keyboard.press("Control+y");
    await editorIs(page, edited);
    await digestIs(page, sha256(edited));
  },
);

browserTest(
  "keyboard access: Tab reaches the editor, typing validates, the view tabs follow the arrow keys",
  async ({ page }) => {
    await openApp(page);
    const start = await editorText(page);
    let presses = 0;
    const unmarked = [];
    for (; presses < 40; presses++) {
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        // The focus must be visible: an outline or inset shadow on the control, or on the label
        // that wraps a visually hidden one (the file input).
        const marked = (e) => {
          if (!e) return false;
          const style = getComputedStyle(e);
          return (
            (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ||
            style.boxShadow !== "none"
          );
        };
        return {
          label: el?.getAttribute("aria-label"),
          name: `${el?.tagName} ${el?.getAttribute("aria-label") ?? el?.textContent?.trim().slice(0, 30)}`,
          visible: el === document.body || marked(el) || marked(el?.closest("label")),
        };
      });
      if (!stop.visible) {
        unmarked.push(stop.name);
      }
      if (stop.label === "Manifest JSON") {
        break;
      }
      await page.keyboard.press("Tab");
    }
    assert.deepEqual(unmarked, [], "every focus stop shows the focus");
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Manifest JSON",
      `Tab reached the editor (${presses} presses)`,
    );
    console.log(`keyboard: Tab reaches the editor after ${presses} presses`);
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n");
    await editorIs(page, `${start}\n`);
    await digestIs(page, sha256(`${start}\n`));

    // Every focus stop on the way has a name (a label, aria-label or text).
    await page.keyboard.press("Shift+Tab");
    const previous = await page.evaluate(() => {
      const el = document.activeElement;
      return (
        el &&
        (el.getAttribute("aria-label") || el.labels?.[0]?.textContent || el.textContent).trim()
      );
    });
    assert.ok(previous, "the control before the editor has a name");

    // The view tabs: arrow keys move the selection and the focus (WAI-ARIA tabs pattern).
    await tab(page, "Platforms").focus();
    await page.keyboard.press("ArrowRight");
    await until(
      () => tab(page, "Resolve").getAttribute("aria-selected"),
      (v) => v === "true",
      "Resolve selected",
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-resolve");
    await page.keyboard.press("End");
    await until(
      () => tab(page, "Registry").getAttribute("aria-selected"),
      (v) => v === "true",
      "Registry selected",
    );
    await page.keyboard.press("Home");
    await until(
      () => tab(page, "Platforms").getAttribute("aria-selected"),
      (v) => v === "true",
      "Platforms selected",
    );
    await platformsTable(page).waitFor();
  },
);

browserTest("every control has an accessible name, in every view", async ({ page, context }) => {
  await openApp(page);
  // The OCI example, so the Format view shows its OCI-only fields too.
  await page.getByRole("combobox", { name: "Load an example" }).selectOption("alpine-attestations");
  await until(
    () => digestOutput(page).textContent(),
    (d) => d !== sha256(HELLO_WORLD),
    "the example to load",
  );
  const cdp = await context.newCDPSession(page);
  const interactive = new Set([
    "button",
    "checkbox",
    "combobox",
    "link",
    "listbox",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
    "DisclosureTriangle",
  ]);
  const seen = new Set();
  for (const view of ["Platforms", "Resolve", "Format", "Diff", "Output", "Registry"]) {
    await tab(page, view).click();
    await until(
      () => tab(page, view).getAttribute("aria-selected"),
      (v) => v === "true",
      `${view} selected`,
    );
    if (view === "Platforms") {
      await openDetails(page, "Add an entry");
      await page.getByRole("button", { name: /^Annotations of entry 0 / }).click();
    }
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    const controls = nodes.filter((n) => !n.ignored && interactive.has(n.role?.value));
    const unnamed = controls.filter((n) => !(n.name?.value ?? "").trim()).map((n) => n.role.value);
    assert.deepEqual(unnamed, [], `${view}: controls without a name`);
    controls.forEach((n) => seen.add(`${n.role.value}:${n.name.value}`));
  }
  for (const name of [
    "textbox:Manifest JSON",
    "button:Download",
    "button:Push",
    "button:Fetch",
    "button:Add entry",
  ]) {
    assert.ok(seen.has(name), `the contract name ${name} exists`);
  }
});

browserTest(
  "an annotation that looks like HTML shows as text and runs nothing",
  async ({ page }) => {
    const payload = "<img src=x onerror=window.__xss=1>";
    const doc = JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            size: 525,
            digest: sha256("child"),
            platform: { architecture: "amd64", os: "linux" },
            annotations: { "org.example.note": payload, [payload]: "key too" },
          },
        ],
        annotations: { "org.opencontainers.image.description": payload },
      },
      null,
      2,
    );
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));

    await tab(page, "Format").click();
    const index = page.getByRole("table", { name: "Annotations of the index", exact: true });
    assert.equal(
      await index
        .getByRole("textbox", {
          name: "Annotation org.opencontainers.image.description of the index",
          exact: true,
        })
        .inputValue(),
      payload,
    );

    await tab(page, "Platforms").click();
    await button(page, "Annotations of entry 0 (2)").click();
    const entry = page.getByRole("table", { name: "Annotations of entry 0", exact: true });
    await entry.waitFor();
    assert.equal(
      await entry
        .getByRole("textbox", { name: "Annotation org.example.note of entry 0", exact: true })
        .inputValue(),
      payload,
    );
    const key = entry.getByRole("rowheader").filter({ hasText: payload });
    assert.equal(await key.isVisible(), true, "the key is visible as text");
    assert.equal(await key.textContent(), payload, "shown verbatim");

    // No element came from the text; then a control image with the same source must fail to
    // load (so an injected one would have fired by now) while the payload's handler never ran.
    assert.equal(await page.locator("img").count(), 0, "no <img> in the page");
    await page.evaluate(
      () =>
        new Promise((resolve) => {
          const img = new Image();
          img.onerror = () => resolve();
          img.src = "x";
        }),
    );
    assert.equal(
      await page.evaluate(() => typeof window.__xss),
      "undefined",
      "window.__xss is undefined",
    );
  },
);

browserTest(
  "validation time of a 100-entry index per keystroke (measured, not asserted)",
  async ({ page }) => {
    const doc = bigIndex(100);
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    assert.equal(await platformRows(page).count(), 100);

    // Put the caret after `typed:` and type; each keystroke changes the bytes and so the digest.
    const caret = doc.indexOf("typed:") + "typed:".length;
    await setEditorCaret(page, caret);
    await page.evaluate(() => {
      const area = document.querySelector(".editor .code");
      const out = document.querySelector('output[aria-label="Digest"]');
      window.__timings = [];
      // Capturing listener on window: runs before the editor sees the key.
      window.addEventListener(
        "keydown",
        (e) => {
          if (area.contains(e.target)) window.__inputAt = performance.now();
        },
        true,
      );
      new MutationObserver(() => {
        if (window.__inputAt !== undefined) {
          window.__timings.push(performance.now() - window.__inputAt);
          window.__inputAt = undefined;
        }
      }).observe(out, { childList: true, characterData: true, subtree: true });
    });
    const keystrokes = 41;
    let typed = "";
    for (let i = 0; i < keystrokes; i++) {
      const ch = "abcdefghijklmnopqrstuvwxyz"[i % 26];
      typed += ch;
      await page.keyboard.type(ch);
      await until(
        () => page.evaluate(() => window.__timings.length),
        (n) => n === i + 1,
        `digest update after keystroke ${i + 1}`,
      );
    }
    const expected = doc.slice(0, caret) + typed + doc.slice(caret);
    await editorIs(page, expected);
    await digestIs(page, sha256(expected));
    const timings = await page.evaluate(() => window.__timings);
    assert.equal(timings.length, keystrokes, "one digest update per keystroke");
    const sorted = [...timings].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const figure = {
      entries: 100,
      bytes: Buffer.byteLength(expected),
      keystrokes,
      medianMs: Number(median.toFixed(2)),
      minMs: Number(sorted[0].toFixed(2)),
      maxMs: Number(sorted[sorted.length - 1].toFixed(2)),
    };
    mkdirSync(env.output, { recursive: true });
    writeFileSync(
      join(env.output, "keystroke-validation.json"),
      `${JSON.stringify(figure, null, 2)}\n`,
    );
    console.log(
      `keystroke validation, 100-entry index (${figure.bytes} bytes): median ${figure.medianMs} ms over ${keystrokes} keystrokes (min ${figure.minMs}, max ${figure.maxMs})`,
    );
  },
);
