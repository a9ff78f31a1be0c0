// Real-size documents: the editor and the tables render what is in view, and stay in step with
// the text. A 7,000-entry index scrolled to its end (gutter and marks), the Platforms table of a
// 1,000-entry index (filter, keyboard, accessible names), a diagnostics list of thousands of
// findings (rendered in view, walked with Tab), and the Share dialog of a document too large for
// a link.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  browserTest,
  openApp,
  paste,
  digestIs,
  platformRows,
  platformsTable,
  button,
  diagnostics,
  until,
} from "./support/browser.mjs";
import { sha256 } from "./support/digest.mjs";

// An OCI index of `n` entries with distinct os.versions; `broken(i)` makes entry i's digest
// invalid (a finding located in the entry).
function bigIndex(n, broken = () => false) {
  const manifests = Array.from({ length: n }, (_, i) => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    size: 1000 + i,
    digest: broken(i) ? `sha256:not-hex-${i}` : sha256(`child ${i}`),
    platform: {
      architecture: i % 2 ? "arm64" : "amd64",
      os: "linux",
      "os.version": `10.0.20348.${2000 + i}`,
    },
    annotations: { "org.opencontainers.image.ref.name": `entry-${i}` },
  }));
  return JSON.stringify(
    { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests },
    null,
    2,
  );
}

// Counts, from now on, the times the focus falls to the page (a focusout to nowhere): read as
// `window.focusDropped`.
function countFocusDrops(page) {
  return page.evaluate(() => {
    window.focusDropped = 0;
    document.addEventListener("focusout", (e) => {
      if (e.relatedTarget === null) window.focusDropped++;
    });
  });
}

browserTest(
  "a 7,000-entry index scrolled to its end: the gutter and the marks follow the text",
  async ({ page }) => {
    const doc = bigIndex(7000, (i) => i === 6999);
    const lines = doc.split("\n").length;
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));

    // Scroll the editor to its end, as a user dragging the scrollbar would.
    await page.locator(".editor .cm-scroller").evaluate((s) => (s.scrollTop = s.scrollHeight));
    const last = await until(
      () =>
        page.evaluate(() => {
          const scroller = document.querySelector(".editor .cm-scroller");
          const content = [...document.querySelectorAll(".editor .cm-line")];
          const numbers = [
            ...document.querySelectorAll(".editor .cm-lineNumbers .cm-gutterElement"),
          ];
          const line = content.at(-1);
          const top = line.getBoundingClientRect().top;
          // The number drawn level with the last line of text.
          const beside = numbers.find((n) => Math.abs(n.getBoundingClientRect().top - top) < 2);
          const view = scroller.getBoundingClientRect();
          return {
            text: line.textContent,
            number: beside ? beside.textContent : null,
            inView: top >= view.top && top < view.bottom,
            rendered: content.length,
          };
        }),
      (v) => v.number !== null && v.inView,
      "the last line in view with its number",
    );
    assert.equal(last.text, "}", "the last line of the text is shown");
    assert.equal(Number(last.number), lines, `its number is ${lines}`);
    assert.ok(last.rendered < 500, `only the lines in view are rendered (${last.rendered})`);

    // The broken digest of the last entry is underlined where it is, in view at the end.
    const at = doc.lastIndexOf('"sha256:not-hex-6999"');
    const line = doc.slice(0, at).split("\n").length;
    const mark = await until(
      () =>
        page.evaluate(() => {
          const m = document.querySelector(".editor .cm-lintRange-error");
          if (!m) return null;
          const row = m.closest(".cm-line");
          const top = row.getBoundingClientRect().top;
          const numbers = [
            ...document.querySelectorAll(".editor .cm-lineNumbers .cm-gutterElement"),
          ];
          const beside = numbers.find((n) => Math.abs(n.getBoundingClientRect().top - top) < 2);
          return { text: m.textContent, number: beside ? Number(beside.textContent) : null };
        }),
      (m) => m !== null && m.number !== null,
      "the mark of the broken digest",
    );
    assert.match(mark.text, /not-hex-6999/, "the mark covers the broken digest");
    assert.equal(mark.number, line, `beside line ${line}`);
  },
);

browserTest(
  "the Platforms table of a 1,000-entry index: rows in view, filter and names",
  async ({ page }) => {
    const doc = bigIndex(1000);
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    await platformsTable(page).waitFor();
    const rendered = await platformRows(page).count();
    assert.ok(rendered > 0 && rendered < 100, `only the rows in view are rendered (${rendered})`);
    await page.getByText("1000 of 1000 entries").waitFor();

    // Every row's fields are named after their entry; the last entry is reached by scrolling.
    await page.locator(".platforms .table-wrap").evaluate((w) => (w.scrollTop = w.scrollHeight));
    const last = page.getByRole("textbox", { name: "os.version of entry 999", exact: true });
    await last.waitFor();
    assert.equal(await last.inputValue(), "10.0.20348.2999");

    // The filter applies to every entry, not only those rendered.
    const filter = page.getByRole("searchbox", { name: "Filter platforms" });
    await filter.fill("arm64");
    await page.getByText("500 of 1000 entries").waitFor();
    await filter.fill("10.0.20348.2500");
    await page.getByText("1 of 1000 entries").waitFor();
    await until(
      () => platformRows(page).count(),
      (n) => n === 1,
      "one row",
    );
    assert.equal(
      await page
        .getByRole("textbox", { name: "os.version of entry 500", exact: true })
        .inputValue(),
      "10.0.20348.2500",
    );
    await filter.fill("");
    await page.getByText("1000 of 1000 entries").waitFor();
  },
);

browserTest(
  "the Platforms table of a 1,000-entry index: ArrowDown walks past the rows first rendered",
  async ({ page }) => {
    const doc = bigIndex(1000);
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    await page.getByText("1000 of 1000 entries").waitFor();
    // ArrowDown walks the same field down the entries, past the rows first rendered.
    await page.locator(".platforms .table-wrap").evaluate((w) => (w.scrollTop = 0));
    await page.getByRole("textbox", { name: "architecture of entry 0", exact: true }).focus();
    // The window moves under the focus without rebuilding the rows it keeps: the focus never
    // falls to the page (a row rebuilt takes it), and entry 58's field is the same element when
    // the focus has gone two rows further, past the next move of the window.
    await countFocusDrops(page);
    const focusedLabel = () =>
      page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
    let focused;
    for (let i = 1; i <= 60; i++) {
      await page.keyboard.press("ArrowDown");
      focused = await until(
        focusedLabel,
        (l) => l === `architecture of entry ${i}`,
        `the focus on entry ${i}`,
      );
      if (i === 58) {
        await page.evaluate(() => (window.entry58 = document.activeElement));
      }
    }
    assert.equal(focused, "architecture of entry 60");
    assert.equal(await page.evaluate(() => window.focusDropped), 0, "the focus never fell");
    assert.ok(
      await page.evaluate(() => {
        const field = document.querySelector('[aria-label="architecture of entry 58"]');
        return field !== null && field === window.entry58;
      }),
      "entry 58's field is the element it was when it had the focus",
    );
    const inView = await page.evaluate(() => {
      const el = document.activeElement.getBoundingClientRect();
      const wrap = document.querySelector(".platforms .table-wrap").getBoundingClientRect();
      return el.top >= wrap.top && el.bottom <= wrap.bottom;
    });
    assert.ok(inView, "the focused field is scrolled into view");
    assert.equal(
      await page.evaluate(() => document.activeElement.value),
      "amd64",
      "and holds entry 60's architecture",
    );
    // An edit through a row far down the table reaches the text.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("riscv64");
    await page.keyboard.press("Enter");
    await until(
      () => page.locator(".editor .code").evaluate((h) => h.indexsmithEditor.text()),
      (t) => JSON.parse(t).manifests[60].platform.architecture === "riscv64",
      "entry 60 edited in the text",
    );
  },
);

browserTest(
  "a diagnostics list of thousands of findings: Tab walks its items past the ones first rendered",
  async ({ page }) => {
    const doc = bigIndex(3000, () => true);
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    const list = diagnostics(page);
    await list.locator("li.diag button").first().waitFor();
    await countFocusDrops(page);
    // Each entry has two findings, in document order: its digest, and `os.version` on Linux.
    // Tab moves from one to the next (each item is one button), past the items first rendered.
    const lines = doc.split("\n");
    const findingLines = lines
      .map((l, k) => (l.includes('"sha256:not-hex-') || l.includes('"os.version"') ? k + 1 : 0))
      .filter((k) => k > 0);
    const rendered = await list.locator("li.diag").count();
    await list.locator("li.diag button").first().focus();
    const steps = rendered + 20;
    for (let i = 1; i <= steps; i++) {
      await page.keyboard.press("Tab");
      await until(
        () =>
          page.evaluate(() => document.activeElement?.querySelector(".where")?.textContent ?? ""),
        (where) => Number(where.split(":")[0]) === findingLines[i],
        `the focus on finding ${i} (line ${findingLines[i]})`,
      );
    }
    assert.equal(await page.evaluate(() => window.focusDropped), 0, "the focus never fell");
  },
);

browserTest(
  "a diagnostics list of thousands of findings renders the items in view",
  async ({ page }) => {
    const doc = bigIndex(3000, () => true);
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    const list = diagnostics(page);
    await list.locator("li.diag").first().waitFor();
    const items = await list.locator("li.diag").count();
    assert.ok(items > 0 && items < 100, `only the items in view are rendered (${items})`);
    // Scrolled to its end, the list shows its last findings (a report lists 1,000 of a code),
    // and a click selects the finding in the editor.
    const far = doc.slice(0, doc.indexOf('"sha256:not-hex-990"')).split("\n").length;
    await list.evaluate((l) => (l.scrollTop = l.scrollHeight));
    const lastLine = await until(
      () => list.locator("li.diag .where").last().textContent(),
      (w) => Number(w.split(":")[0]) >= far,
      "the last findings",
    );
    await list.locator("li.diag button").last().click();
    const selected = await page
      .locator(".editor .code")
      .evaluate(
        (h) => h.indexsmithEditor.view.state.doc.lineAt(h.indexsmithEditor.selection()[0]).number,
      );
    assert.equal(selected, Number(lastLine.split(":")[0]), "the editor selects the finding");
  },
);

browserTest(
  "Share on a document too large for a link: the dialog says so and offers the file",
  async ({ page }) => {
    const doc = bigIndex(1000);
    assert.ok(Buffer.byteLength(doc) > 256 * 1024, "larger than a link carries");
    await openApp(page);
    await paste(page, doc);
    await digestIs(page, sha256(doc));
    // The fragment is cleared rather than left to an older document.
    await until(
      () => page.url(),
      (u) => new URL(u).hash === "",
      "no fragment",
    );
    await button(page, "Share").click();
    const dialog = page.getByRole("dialog", { name: "Share" });
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /too large for a link/);
    assert.equal(new URL(page.url()).hash, "", "still no fragment");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("button", { name: "Download file" }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    assert.equal(sha256(bytes), sha256(doc), "the file holds the document's exact bytes");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  },
);
