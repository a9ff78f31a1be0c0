// Digests and text positions computed independently of the app.

import { createHash } from "node:crypto";

// `sha256:<hex>` of the exact bytes (a string is taken as its UTF-8 encoding).
export function sha256(bytes) {
  return `sha256:${createHash("sha256")
    .update(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes)
    .digest("hex")}`;
}

// 1-based line and column (UTF-16 code units, as the app shows them) of a UTF-16 offset.
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}
