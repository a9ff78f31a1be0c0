// Registry flows against real local registries, both without CORS headers (as most registries
// are): the app reaches them through the proxy, fetches, lists tags, creates an index from
// references, plans and pushes it, and reads it back.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  browserTest,
  openApp,
  paste,
  editor,
  editorText,
  digestOutput,
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
import { direct, getManifest, headManifest, OCI_INDEX } from "./support/registry.mjs";

const EMPTY_INDEX = `{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": []
}
`;

// Sets the proxy prefix in the registry settings ("" calls registries directly).
async function setProxy(page, proxy) {
  await page.getByLabel("Registry settings").click();
  const field = page.getByRole("textbox", { name: "Proxy", exact: true });
  await field.fill(proxy);
  await page.getByLabel("Registry settings").click();
}

// Fetches `reference` with the Fetch form and waits until the editor holds `bytes`.
async function fetchReference(page, reference) {
  await page.getByRole("textbox", { name: "Reference", exact: true }).fill(reference);
  await button(page, "Fetch").click();
}

async function expectFetched(page, reference, expected) {
  await until(
    () => editorText(page),
    (v) => v === expected.bytes.toString("utf8"),
    `the editor to hold ${reference}`,
  );
  await digestIs(page, expected.digest);
  await page.getByRole("banner").getByText(reference, { exact: true }).waitFor();
}

const tag = (what) => `${what}-${randomBytes(4).toString("hex")}`;

browserTest("the seeded registry answers the app through the proxy only", async ({ page }) => {
  const expected = await getManifest(direct(env.registry), "sample/hello", "latest");
  assert.equal(
    expected.headerDigest,
    expected.digest,
    "the registry's digest is the digest of its bytes",
  );
  const reference = `${env.registry}/sample/hello:latest`;
  await openApp(page);

  // Directly, the browser refuses the answer: the seeded registry sends no CORS headers, so no
  // web page (the app included) may read it or write to it.
  await setProxy(page, "");
  await fetchReference(page, reference);
  const alert = page.getByRole("region", { name: "Fetch failed" }).getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /CORS_BLOCKED/, "a CORS failure, named");

  // With the default settings the app goes through the proxy.
  await setProxy(page, "/proxy");
  const requests = [];
  page.on("request", (r) => requests.push(r));
  await fetchReference(page, reference);
  await expectFetched(page, reference, expected);
  const proxied = requests.filter((r) =>
    r.url().startsWith(`${env.app}/proxy/${env.registry}/v2/sample/hello/manifests/`),
  );
  assert.ok(proxied.length > 0, "the request went through the proxy");
  assert.ok(
    proxied.every((r) => r.headers()["indexsmith-proxy"] === "1"),
    "every proxy request carries the proof header",
  );

  const rows = await tableRows(page);
  assert.deepEqual(
    rows.map((r) => [r.os, r.architecture, r.variant, r.osVersion]),
    [
      ["linux", "amd64", "", ""],
      ["linux", "arm64", "", ""],
      ["linux", "arm", "v7", ""],
      ["windows", "amd64", "", "10.0.20348.2582"],
    ],
  );
  const parsed = JSON.parse(expected.bytes.toString("utf8"));
  assert.deepEqual(
    rows.map((r) => r.digest),
    parsed.manifests.map((m) => m.digest),
  );
});

// The registry client is a second WebAssembly module (web/registry): the first load does not
// carry it, the first registry call loads it, and later calls reuse it.
const REGISTRY_MODULE = /\/registry-[0-9a-f]{16}(\.js|_bg\.wasm)$/;

browserTest("the registry client loads on the first registry call, once", async ({ page }) => {
  const expected = await getManifest(direct(env.registry), "sample/hello", "latest");
  const reference = `${env.registry}/sample/hello:latest`;
  const requested = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  const module = () => requested.filter((p) => REGISTRY_MODULE.test(p));
  await openApp(page);
  await digestOutput(page).waitFor();
  assert.ok(
    requested.some((p) => /\/indexsmith-web-[0-9a-f]+_bg\.wasm$/.test(p)),
    "the app's own module was loaded",
  );
  assert.deepEqual(module(), [], "the first load does not fetch the registry module");

  // A module that cannot be loaded is a named failure; the document stays as it was, and the
  // next call loads the module again.
  const before = await editorText(page);
  await page.route(REGISTRY_MODULE, (route) => route.abort());
  await fetchReference(page, reference);
  const alert = page.getByRole("region", { name: "Fetch failed" }).getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /registry-module\/unavailable/);
  assert.equal(await editorText(page), before, "the document is unchanged");
  await page.unroute(REGISTRY_MODULE);

  requested.length = 0;
  await fetchReference(page, reference);
  await expectFetched(page, reference, expected);
  assert.deepEqual(
    module()
      .map((p) => p.replace(/^.*\/registry-[0-9a-f]{16}/, ""))
      .sort(),
    [".js", "_bg.wasm"],
    "the first call that succeeds loads the module's script and code once",
  );

  requested.length = 0;
  const other = await getManifest(direct(env.registry), "sample/hello", "latest-docker");
  await fetchReference(page, `${env.registry}/sample/hello:latest-docker`);
  await expectFetched(page, `${env.registry}/sample/hello:latest-docker`, other);
  assert.deepEqual(module(), [], "a later call reuses the loaded module");
});

browserTest("fetch through the proxy from a registry without CORS headers", async ({ page }) => {
  const expected = await getManifest(direct(env.plainRegistry), "sample/hello", "latest");
  const reference = `${env.plainRegistry}/sample/hello:latest`;
  await openApp(page);

  // Directly, the browser refuses the answer: the registry sends no CORS headers.
  await setProxy(page, "");
  await fetchReference(page, reference);
  const alert = page.getByRole("region", { name: "Fetch failed" }).getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /CORS_BLOCKED/, "a CORS failure, named");
  assert.notEqual(await digestOutput(page).textContent(), expected.digest, "nothing was loaded");

  // Through the same-origin proxy it works.
  await setProxy(page, "/proxy");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await fetchReference(page, reference);
  await expectFetched(page, reference, expected);
  assert.ok(
    requests.some((u) =>
      u.startsWith(`${env.app}/proxy/${env.plainRegistry}/v2/sample/hello/manifests/`),
    ),
    "the request went through the proxy",
  );
  assert.equal(await alert.count(), 0, "the failure is gone");
  assert.equal(await platformRows(page).count(), 4);
});

browserTest("list a repository's tags and open one", async ({ page }) => {
  const expected = await getManifest(direct(env.registry), "sample/hello", "latest-docker");
  await openApp(page);
  await tab(page, "Registry").click();
  await page
    .getByRole("textbox", { name: "Repository", exact: true })
    .fill(`${env.registry}/sample/hello`);
  await button(page, "List tags").click();
  const table = page.getByRole("table", { name: "Tags", exact: true });
  await table.waitFor();
  const tags = await table.locator("tbody th code").allTextContents();
  assert.deepEqual(
    tags,
    ["amd64", "arm64", "armv7", "latest", "latest-docker", "windows-amd64"],
    "the sample's tags, sorted",
  );
  const latest = await getManifest(direct(env.registry), "sample/hello", "latest");
  const row = table.locator("tbody tr").nth(3);
  assert.equal(await row.locator("td code").getAttribute("title"), latest.digest, "its digest");
  assert.equal(await row.locator("td").nth(1).textContent(), "OCI index");
  assert.equal(await row.locator("td").nth(2).textContent(), "4", "its platforms");
  await button(page, `Open ${env.registry}/sample/hello:latest-docker`).click();
  await expectFetched(page, `${env.registry}/sample/hello:latest-docker`, expected);
  const summary = await page.getByRole("region", { name: "Summary" }).textContent();
  assert.match(summary, /docker-manifest-list valid/);
});

// Builds an index in the page from the sample's parts: two entries fetched by reference, one
// pasted (manifest bytes and a platform). Returns what the entries must be.
async function createFromReferences(page) {
  const parts = direct(env.registry);
  const amd64 = await getManifest(parts, "sample/parts", "amd64");
  const arm64 = await getManifest(parts, "sample/parts", "arm64");
  const armv7 = await getManifest(parts, "sample/parts", "armv7");

  await openApp(page);
  await paste(page, EMPTY_INDEX);
  await digestIs(page, sha256(EMPTY_INDEX));
  assert.equal(await platformRows(page).count(), 0);

  await openDetails(page, "Add an entry");
  const child = page.getByRole("textbox", { name: "Child reference", exact: true });
  const status = page.locator(".add-entry").getByRole("status");
  for (const [arch, manifest] of [
    ["amd64", amd64],
    ["arm64", arm64],
  ]) {
    await child.fill(`${env.registry}/sample/parts:${arch}`);
    await button(page, "Fetch and add").click();
    await until(
      () => status.textContent().catch(() => ""),
      (t) => t.includes(manifest.digest),
      `"Added … ${arch}"`,
    );
  }
  // The third entry: the manifest's bytes pasted, its platform given.
  await page.getByLabel("Child manifest JSON").fill(armv7.bytes.toString("utf8"));
  await page
    .getByLabel("Platform (optional: overrides the config, e.g. linux/arm/v7)")
    .fill("linux/arm/v7");
  await button(page, "Add entry").click();
  await until(
    () => platformRows(page).count(),
    (n) => n === 3,
    "three rows",
  );

  const text = await editorText(page);
  await digestIs(page, sha256(text));
  return {
    text,
    children: [
      ["amd64", "", amd64],
      ["arm64", "", arm64],
      ["arm", "v7", armv7],
    ],
  };
}

browserTest("create an index from references (fetch and add, paste and add)", async ({ page }) => {
  const { text, children } = await createFromReferences(page);
  const index = JSON.parse(text);
  assert.equal(index.mediaType, OCI_INDEX);
  assert.deepEqual(
    index.manifests.map((m) => [
      m.mediaType,
      m.digest,
      m.size,
      m.platform.os,
      m.platform.architecture,
      m.platform.variant ?? "",
    ]),
    children.map(([arch, variant, m]) => [
      m.mediaType,
      m.digest,
      m.bytes.length,
      "linux",
      arch,
      variant,
    ]),
    "each entry describes its child's exact bytes and platform",
  );
  const rows = await tableRows(page);
  assert.deepEqual(
    rows.map((r) => [r.os, r.architecture, r.variant, r.digest]),
    children.map(([a, v, m]) => ["linux", a, v, m.digest]),
  );
  const summary = await page.getByRole("region", { name: "Summary" }).textContent();
  assert.match(summary, /oci-index valid/);
});

// Plans a push of the page's document to `target` (children from `source`), checks the plan's
// actions, confirms, and returns the digest the page says the registry returned.
async function planAndPush(page, target, source, childAction, children) {
  await tab(page, "Output").click();
  await page.getByRole("textbox", { name: "Target reference", exact: true }).fill(target);
  await page.getByRole("textbox", { name: "Source repository", exact: true }).fill(source);
  await button(page, "Push").click();
  const plan = page.getByRole("table", { name: "Push plan", exact: true });
  await plan.waitFor();
  const steps = await plan
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((r) => [r.cells[0].querySelector("code").title, r.cells[1].textContent]),
    );
  const digest = await digestOutput(page).textContent();
  assert.deepEqual(
    steps,
    [...children.map((c) => [c, childAction]), [digest, "push"]],
    `every child is a "${childAction}", then the index itself`,
  );
  await button(page, "Confirm push").click();
  const pushed = page.getByRole("status", { name: "Pushed digest", exact: true });
  await pushed.waitFor();
  await pushed.scrollIntoViewIfNeeded();
  assert.equal(
    await pushed.textContent(),
    digest,
    "the registry returned the digest of the bytes sent",
  );
  await page.getByText("it matches the bytes sent").waitFor();
  return digest;
}

browserTest("plan and push a created index to a new tag, then read it back", async ({ page }) => {
  const { text, children } = await createFromReferences(page);
  const name = tag("created");
  const digest = await planAndPush(
    page,
    `${env.registry}/sample/e2e:${name}`,
    `${env.registry}/sample/parts`,
    "mount",
    children.map(([, , m]) => m.digest),
  );
  assert.equal(digest, sha256(text));

  const back = await getManifest(direct(env.registry), "sample/e2e", name, OCI_INDEX);
  assert.equal(back.digest, digest, "read back: the digest of the stored bytes");
  assert.equal(back.headerDigest, digest, "Docker-Content-Digest");
  assert.equal(back.mediaType, OCI_INDEX);
  assert.equal(back.bytes.toString("utf8"), text, "the exact bytes of the editor");
  for (const [, , m] of children) {
    assert.equal(
      (await headManifest(direct(env.registry), "sample/e2e", m.digest)).status,
      200,
      `child ${m.digest} is in the target repository`,
    );
  }
});

browserTest(
  "push through the proxy to the registry without CORS, children copied across registries",
  async ({ page }) => {
    const source = await getManifest(direct(env.registry), "sample/hello", "latest");
    await openApp(page);
    await fetchReference(page, `${env.registry}/sample/hello:latest`);
    await expectFetched(page, `${env.registry}/sample/hello:latest`, source);
    const children = JSON.parse(source.bytes.toString("utf8")).manifests.map((m) => m.digest);
    const name = tag("copied");
    const digest = await planAndPush(
      page,
      `${env.plainRegistry}/sample/copied:${name}`,
      `${env.registry}/sample/hello`,
      "copy",
      children,
    );
    assert.equal(digest, source.digest);

    const back = await getManifest(direct(env.plainRegistry), "sample/copied", name, OCI_INDEX);
    assert.equal(back.digest, source.digest, "the same bytes in the other registry");
    assert.equal(back.headerDigest, source.digest);
    for (const child of children) {
      const manifest = await getManifest(direct(env.plainRegistry), "sample/copied", child);
      assert.equal(manifest.digest, child, `child ${child} copied byte for byte`);
      const image = JSON.parse(manifest.bytes.toString("utf8"));
      for (const blob of [image.config, ...image.layers]) {
        const got = await fetch(
          `http://${env.plainRegistry}/v2/sample/copied/blobs/${blob.digest}`,
        );
        assert.equal(got.status, 200, `blob ${blob.digest}`);
        assert.equal(sha256(Buffer.from(await got.arrayBuffer())), blob.digest);
      }
    }
  },
);
