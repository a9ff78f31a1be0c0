// Getting documents out of the page: download, the shareable link (fragment), the embed.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  browserTest,
  openApp,
  paste,
  editor,
  digestOutput,
  digestIs,
  editorIs,
  platformRows,
  button,
  tab,
  until,
  openDetails,
} from "./support/browser.mjs";
import { env } from "./support/env.mjs";
import { sha256 } from "./support/digest.mjs";

// A valid OCI index with non-ASCII text, so bytes and UTF-16 lengths differ.
const DOC = `{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "size": 525,
      "digest": "${sha256("linux/arm64 child")}",
      "platform": { "architecture": "arm64", "os": "linux", "variant": "v8" }
    },
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "size": 524,
      "digest": "${sha256("linux/amd64 child")}",
      "platform": { "architecture": "amd64", "os": "linux" }
    }
  ],
  "annotations": { "org.opencontainers.image.description": "ça marche 🚀 — naïve café" }
}
`;

browserTest("download: the file's bytes are the previewed bytes", async ({ page }) => {
  await openApp(page);
  await paste(page, DOC);
  await digestIs(page, sha256(DOC));
  await tab(page, "Output").click();
  await openDetails(page, "Show the bytes as they will be written");
  const preview = await page.locator("pre.bytes").first().textContent();
  assert.equal(preview, DOC, "the preview shows the editor's text");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    button(page, "Download").click(),
  ]);
  assert.equal(await download.failure(), null, "the download completed");
  assert.equal(download.suggestedFilename(), "index.json");
  const bytes = readFileSync(await download.path());
  assert.deepEqual(
    bytes,
    Buffer.from(preview, "utf8"),
    "downloaded bytes equal the preview's UTF-8 bytes",
  );
  assert.equal(sha256(bytes), await digestOutput(page).textContent(), "and have the digest shown");
});

browserTest(
  "reload from a shared URL: the fragment restores the document and the view",
  async ({ page, newPage }) => {
    await openApp(page);
    await paste(page, DOC);
    await digestIs(page, sha256(DOC));
    await tab(page, "Resolve").click();
    let url = await until(
      () => page.url(),
      (u) => new URL(u).hash.startsWith("#v1="),
      "the fragment to carry the state",
    );
    assert.ok(
      !url.includes("ça") && !url.includes("arm64"),
      "the document travels compressed, not as plain text",
    );

    // The Share button copies this very link.
    await page
      .context()
      .grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.app });
    await button(page, "Share").click();
    await page.getByRole("button", { name: "Link copied" }).waitFor();
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      page.url(),
      "Share copies the page's link",
    );
    // The link of the state now (the fragment follows the page after a pause in typing).
    url = page.url();

    // A reload keeps everything.
    await page.reload();
    await editor(page).waitFor();
    await editorIs(page, DOC);

    // Someone else, with a fresh browser profile (no stored draft), opens the link.
    const other = await newPage();
    await openApp(other, url.slice(env.app.length));
    await editorIs(other, DOC);
    await digestIs(other, sha256(DOC));
    assert.equal(
      await tab(other, "Resolve").getAttribute("aria-selected"),
      "true",
      "the view option came along",
    );
    await other.getByRole("banner").getByText("shared link", { exact: true }).waitFor();
  },
);

browserTest(
  "embedded mode (?embed) renders the minimal playground on the linked document",
  async ({ page, newPage }) => {
    await openApp(page);
    await paste(page, DOC);
    await digestIs(page, sha256(DOC));
    const url = await until(
      () => page.url(),
      (u) => new URL(u).hash.startsWith("#v1="),
      "the fragment",
    );
    const hash = new URL(url).hash;

    const embed = await newPage();
    await embed.setViewportSize({ width: 800, height: 560 });
    await openApp(embed, `/?embed${hash}`);
    await editorIs(embed, DOC);
    await digestIs(embed, sha256(DOC));
    assert.equal(await platformRows(embed).count(), 2, "the Platforms table");
    assert.deepEqual(
      await embed.getByRole("tab").allTextContents(),
      ["Platforms", "Resolve", "Diff"],
      "only the embed's views",
    );
    assert.equal(await button(embed, "Download").count(), 0, "no output actions");
    assert.equal(await button(embed, "Fetch").count(), 0, "no registry access");
    assert.equal(await embed.locator("footer").count(), 0, "no footer");
    const open = embed.getByRole("link", { name: "Open in indexsmith ↗" });
    const href = await open.getAttribute("href");
    assert.equal(
      new URL(href, env.app).hash,
      hash,
      "'Open in indexsmith' carries the same document",
    );
    assert.equal(
      await embed.evaluate(() => localStorage.getItem("indexsmith.draft.v1")),
      null,
      "the embed stores no draft",
    );
    // The embed still validates as you type.
    await paste(embed, DOC.replace('"v8"', '"v7"'));
    await digestIs(embed, sha256(DOC.replace('"v8"', '"v7"')));
  },
);
