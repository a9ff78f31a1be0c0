// The app's journeys end to end, the way `docker manifest create / annotate / push / inspect`
// and `crane copy` users work: start a new index, add children by reference, annotate, push,
// inspect a child, copy the image to another repository, find it in the tags table. Then the
// failures that must keep the page usable, fields that survive tab switches, a stale push plan,
// a diff of a variant edit, and the layout at 1024 px and in a 700×500 embed.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import {
  browserTest,
  openApp,
  editor,
  editorText,
  digestIs,
  platformRows,
  tableRows,
  button,
  tab,
  until,
  openDetails,
} from "./support/browser.mjs";
import { env } from "./support/env.mjs";
import { sha256 } from "./support/digest.mjs";
import { direct, getManifest, OCI_INDEX } from "./support/registry.mjs";

const unique = (what) => `${what}-${randomBytes(4).toString("hex")}`;
const textbox = (scope, name) => scope.getByRole("textbox", { name, exact: true });

// Waits until a locator's text satisfies `accept`.
const textUntil = (locator, accept, what) =>
  until(() => locator.textContent().catch(() => ""), accept, what);

// A TCP port nothing listens on (bound, read, released).
function closedPort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

browserTest(
  "journey: new index, two children by reference, annotate, push, inspect, copy, tags",
  async ({ page }) => {
    const parts = direct(env.registry);
    const amd64 = await getManifest(parts, "sample/parts", "amd64");
    const arm64 = await getManifest(parts, "sample/parts", "arm64");
    await openApp(page);

    // New index: an empty OCI index, and the entries form is there.
    await button(page, "New index").click();
    await until(
      () => editorText(page),
      (v) => v.includes(OCI_INDEX) && JSON.parse(v).manifests.length === 0,
      "an empty OCI index",
    );
    await page.getByRole("banner").getByText("new OCI image index").waitFor();
    assert.equal(await platformRows(page).count(), 0);

    // Two children by reference.
    await openDetails(page, "Add an entry");
    const child = textbox(page, "Child reference");
    const status = page.locator(".add-entry").getByRole("status");
    for (const [arch, manifest] of [
      ["amd64", amd64],
      ["arm64", arm64],
    ]) {
      await child.fill(`${env.registry}/sample/parts:${arch}`);
      await button(page, "Fetch and add").click();
      await textUntil(status, (t) => t.includes(manifest.digest), `"Added … ${arch}"`);
    }
    assert.deepEqual(
      (await tableRows(page)).map((r) => [r.architecture, r.digest]),
      [
        ["amd64", amd64.digest],
        ["arm64", arm64.digest],
      ],
    );

    // Annotate: `docker manifest annotate --variant v8` on the arm64 entry.
    const variant = textbox(page, "variant of entry 1");
    await variant.fill("v8");
    await variant.press("Enter");
    await until(
      () => editorText(page),
      (v) => JSON.parse(v).manifests[1].platform.variant === "v8",
      "the variant in the JSON",
    );
    const text = await editorText(page);
    await digestIs(page, sha256(text));

    // Push: the children's repository is already filled in; plan, confirm, verified digest.
    await tab(page, "Output").click();
    assert.equal(
      await textbox(page, "Source repository").inputValue(),
      `${env.registry}/sample/parts`,
      "children come from where they were added from",
    );
    const name = unique("journey");
    await textbox(page, "Target reference").fill(`${env.registry}/sample/journey:${name}`);
    await button(page, "Push").click();
    await page.getByRole("table", { name: "Push plan", exact: true }).waitFor();
    await button(page, "Confirm push").click();
    const pushed = page.getByRole("status", { name: "Pushed digest", exact: true });
    await pushed.waitFor();
    assert.equal(await pushed.textContent(), sha256(text), "the digest of the bytes sent");
    assert.ok(await pushed.isVisible(), "the result is in view");
    assert.ok(await button(page, "Pushed").isDisabled(), "no second push of the same plan");
    const back = await getManifest(parts, "sample/journey", name, OCI_INDEX);
    assert.equal(back.bytes.toString("utf8"), text, "the registry holds the exact bytes");

    // Inspect a child: config, platform from the config, layers, total size.
    await tab(page, "Platforms").click();
    await button(page, "Inspect entry 1").click();
    const details = page.getByRole("region", { name: "Entry 1 details", exact: true });
    const image = JSON.parse(arm64.bytes.toString("utf8"));
    await textUntil(details, (t) => t.includes(image.config.digest), "the config digest");
    const shown = await details.textContent();
    assert.match(shown, /linux\/arm64/, "the platform the config declares");
    for (const layer of image.layers) {
      assert.ok(shown.includes(layer.digest), `layer ${layer.digest}`);
    }
    const total =
      arm64.bytes.length + image.config.size + image.layers.reduce((n, l) => n + l.size, 0);
    assert.ok(shown.includes(`${total} B`), `total size ${total} B in: ${shown}`);

    // Copy the pushed image to another repository: source prefilled, plan, confirm, digest.
    await tab(page, "Registry").click();
    assert.equal(
      await textbox(page, "Source reference").inputValue(),
      `${env.registry}/sample/journey:${name}`,
      "the source is the image just pushed",
    );
    await textbox(page, "Target reference").fill(`${env.registry}/sample/journey-copy:${name}`);
    await button(page, "Copy image").click();
    const plan = page.getByRole("table", { name: "Copy plan", exact: true });
    await plan.waitFor();
    const actions = await plan.locator("tbody tr td:nth-child(2)").allTextContents();
    assert.deepEqual(actions, ["mount", "mount", "push"], "children mounted, then the index");
    await button(page, "Confirm copy").click();
    const copied = page.getByRole("status", { name: "Copied digest", exact: true });
    await copied.waitFor();
    assert.equal(await copied.textContent(), sha256(text));
    const copy = await getManifest(parts, "sample/journey-copy", name, OCI_INDEX);
    assert.equal(copy.digest, sha256(text), "the same bytes in the other repository");

    // The tags table of the target shows the new tag with its digest, kind and platforms.
    await textbox(page, "Repository").fill(`${env.registry}/sample/journey-copy`);
    await page
      .getByText(`Requests go to ${env.registry}, repository sample/journey-copy`)
      .waitFor();
    await button(page, "List tags").click();
    const tags = page.getByRole("table", { name: "Tags", exact: true });
    await tags.waitFor();
    const row = tags.locator("tbody tr", { has: page.getByText(name, { exact: true }) });
    assert.equal(await row.locator("td code").getAttribute("title"), sha256(text));
    assert.equal(await row.locator("td").nth(1).textContent(), "OCI index");
    assert.equal(await row.locator("td").nth(2).textContent(), "2");
  },
);

browserTest("failures keep the Reference field and say what went wrong", async ({ page }) => {
  await openApp(page);
  const reference = textbox(page, "Reference");
  const before = await reference.boundingBox();
  const port = await closedPort();
  // (case, reference, code shown, retry offered)
  const cases = [
    ["nonexistent tag", `${env.registry}/sample/hello:no-such-tag`, "MANIFEST_UNKNOWN", true],
    ["closed port", `127.0.0.1:${port}/sample/hello:latest`, "CONNECTION_REFUSED", true],
    ["bad host", `bad_host:5000/sample/hello:latest`, "reference/invalid", true],
  ];
  for (const [name, value, code, retry] of cases) {
    await reference.fill(value);
    await button(page, "Fetch").click();
    const alert = page.getByRole("region", { name: "Fetch failed" }).getByRole("alert");
    await textUntil(alert, (t) => t.includes(code), `${name}: the ${code} alert`);
    const said = await alert.textContent();
    assert.equal(said.split(code).length - 1, 1, `${name}: the code is said once: ${said}`);
    assert.equal(await reference.inputValue(), value, `${name}: the text stays`);
    const after = await reference.boundingBox();
    assert.equal(after.width, before.width, `${name}: the field keeps its width`);
    assert.equal(after.height, before.height, `${name}: the field keeps its height`);
    assert.equal(await button(page, "Retry").count(), retry ? 1 : 0, `${name}: Retry`);
  }
  // Retry runs the fetch again (and fails the same way: the reference is still bad).
  await button(page, "Retry").click();
  await page.getByRole("region", { name: "Fetch failed" }).getByRole("alert").waitFor();
});

browserTest("tab switches keep what was typed in the panels", async ({ page }) => {
  await openApp(page);
  const fields = [
    ["Platforms", "Child reference", "localhost:5000/a/child:1"],
    ["Output", "Target reference", "localhost:5000/a/target:1"],
    ["Output", "Source repository", "localhost:5000/a/source"],
    ["Diff", "Reference to compare with", "localhost:5000/a/other:1"],
    ["Registry", "Repository", "localhost:5000/a/repo"],
    ["Registry", "Source reference", "localhost:5000/a/from:1"],
  ];
  for (const [view, name, value] of fields) {
    await tab(page, view).click();
    if (name === "Child reference") {
      await openDetails(page, "Add an entry");
    }
    await textbox(page, name).fill(value);
  }
  for (const view of ["Resolve", "Format", "Platforms", "Diff", "Output", "Registry"]) {
    await tab(page, view).click();
  }
  for (const [view, name, value] of fields) {
    await tab(page, view).click();
    assert.equal(await textbox(page, name).inputValue(), value, `${view}: ${name}`);
  }
});

browserTest("a push plan made for other bytes cannot be confirmed", async ({ page }) => {
  await openApp(page);
  const sample = await getManifest(direct(env.registry), "sample/hello", "latest");
  await textbox(page, "Reference").fill(`${env.registry}/sample/hello:latest`);
  await button(page, "Fetch").click();
  await digestIs(page, sample.digest);
  await tab(page, "Output").click();
  await textbox(page, "Target reference").fill(`${env.registry}/sample/stale:${unique("s")}`);
  await textbox(page, "Source repository").fill(`${env.registry}/sample/hello`);
  await button(page, "Push").click();
  await page.getByRole("table", { name: "Push plan", exact: true }).waitFor();
  assert.ok(await button(page, "Confirm push").isEnabled(), "a fresh plan can be confirmed");

  await tab(page, "Platforms").click();
  const variant = textbox(page, "variant of entry 1");
  await variant.fill("v8");
  await variant.press("Enter");
  await until(
    () => editorText(page),
    (v) => v.includes('"v8"'),
    "the edit in the JSON",
  );
  await tab(page, "Output").click();
  await page.getByText("The document changed since this plan was made").waitFor();
  assert.ok(await button(page, "Confirm push").isDisabled(), "the stale plan cannot be confirmed");
  assert.equal(await page.getByRole("status", { name: "Pushed digest" }).count(), 0);
});

browserTest(
  "the diff of a variant edit is one changed entry, with before and after",
  async ({ page }) => {
    await openApp(page);
    const variant = textbox(page, "variant of entry 1");
    await variant.fill("v8");
    await variant.press("Enter");
    await until(
      () => editorText(page),
      (v) => v.includes('"v8"'),
      "the edit in the JSON",
    );
    await tab(page, "Diff").click();
    const table = page.getByRole("table", { name: "Differences", exact: true });
    await table.waitFor();
    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    assert.equal(rows.filter((r) => r[1] === "added" || r[1] === "removed").length, 0, "no pair");
    const changed = rows.find((r) => r[1].startsWith("changed"));
    assert.ok(changed, "one changed row");
    assert.equal(changed[0], "linux/arm64 → linux/arm64/v8");
    const field = rows.find((r) => r[1] === "platform.variant");
    assert.deepEqual(field, ["", "platform.variant", "(none)", "v8"], "before and after");
  },
);

browserTest(
  "the table fits at 1024 px and the embed's tabs are above the fold",
  async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await openApp(page);
    const pane = await page.getByRole("region", { name: "Inspection" }).boundingBox();
    for (const name of ["Remove entry 2", "Inspect entry 2"]) {
      const box = await button(page, name).boundingBox();
      assert.ok(box.x + box.width <= pane.x + pane.width, `${name} is inside the side pane`);
    }

    await page.setViewportSize({ width: 700, height: 500 });
    await openApp(page, "/?embed");
    for (const name of ["Platforms", "Resolve", "Diff"]) {
      const box = await tab(page, name).boundingBox();
      assert.ok(box.y + box.height <= 500, `the ${name} tab is above the fold (y ${box.y})`);
    }
  },
);

browserTest("copy the platforms ticked of a multi-arch image", async ({ page }) => {
  const source = await getManifest(direct(env.registry), "sample/hello", "latest");
  const entries = JSON.parse(source.bytes.toString("utf8")).manifests;
  await openApp(page);
  await tab(page, "Registry").click();
  await textbox(page, "Source reference").fill(`${env.registry}/sample/hello:latest`);
  const name = unique("partial");
  await textbox(page, "Target reference").fill(`${env.registry}/sample/partial:${name}`);
  await button(page, "Copy image").click();
  const plan = page.getByRole("region", { name: "Copy plan", exact: true });
  await plan.getByRole("table").waitFor();
  assert.equal(await plan.getByRole("checkbox").count(), entries.length, "one box per platform");

  // Keep linux/amd64 and linux/arm64: the plan must be made again before it can be confirmed.
  for (const platform of ["linux/arm/v7", "windows/amd64"]) {
    await plan.getByRole("checkbox", { name: platform }).uncheck();
  }
  await plan.getByText("The platforms ticked changed").waitFor();
  assert.ok(await button(page, "Confirm copy").isDisabled(), "not the plan for these platforms");
  await button(page, "Copy image").click();
  await textUntil(plan, (t) => t.includes("2 of 4 platforms"), "the plan for two platforms");
  assert.deepEqual(await plan.locator("tbody tr td:nth-child(2)").allTextContents(), [
    "mount",
    "mount",
    "push",
  ]);
  await button(page, "Confirm copy").click();
  const copied = page.getByRole("status", { name: "Copied digest", exact: true });
  await copied.waitFor();
  const back = await getManifest(direct(env.registry), "sample/partial", name, OCI_INDEX);
  assert.equal(await copied.textContent(), back.digest, "the digest of the stored bytes");
  assert.deepEqual(
    JSON.parse(back.bytes.toString("utf8")).manifests.map((m) => m.digest),
    entries.slice(0, 2).map((m) => m.digest),
    "only the platforms ticked, in their order",
  );
});
