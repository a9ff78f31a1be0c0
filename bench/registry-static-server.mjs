// A read-only copy of a repository's manifests and blobs served from memory, in its own process:
// it answers in microseconds, so an inspect against it measures the client's concurrency rather
// than the registry's own cost per request. With a second argument, each answer waits that many
// milliseconds, as a remote registry's round trip would. Reads `{ "<path>": { type, digest, body (base64) } }`
// from the file given as argument; prints its port.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const routes = JSON.parse(readFileSync(process.argv[2], "utf8"));
const delay = Number(process.argv[3] ?? 0);
const server = createServer((req, res) =>
  delay > 0 ? setTimeout(() => answer(req, res), delay) : answer(req, res),
);
function answer(req, res) {
  const path = new URL(req.url, "http://x").pathname;
  if (path === "/v2/") {
    res.writeHead(200, {
      "content-type": "application/json",
      "docker-distribution-api-version": "registry/2.0",
    });
    res.end("{}");
    return;
  }
  const route = routes[path];
  if (!route) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
    return;
  }
  const body = Buffer.from(route.body, "base64");
  res.writeHead(200, {
    "content-type": route.type,
    "docker-content-digest": route.digest,
    "content-length": body.length,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
