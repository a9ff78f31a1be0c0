// Seeds the registry without CORS headers: copies sample/hello:latest (the OCI index, its
// children and their blobs) from the seeded registry, both reached through indexsmith-serve's
// proxy. Usage: node seed-plain.mjs <app origin> <source host:port> <target host:port>

import { copyImage } from "./registry.mjs";

const [app, source, target] = process.argv.slice(2);
if (!app || !source || !target) {
  console.error("usage: node seed-plain.mjs <app origin> <source host:port> <target host:port>");
  process.exit(2);
}
const through = (host) => `${app.replace(/\/+$/, "")}/proxy/${host}`;
try {
  const digest = await copyImage(through(source), through(target), "sample/hello", "latest");
  console.log(`seeded ${target}/sample/hello:latest ${digest} (through the proxy)`);
} catch (e) {
  console.error(`seeding ${target} failed: ${e.message}`);
  process.exit(1);
}
