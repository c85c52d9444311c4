// A small static file server for the consumer fixtures: serves one folder, the wasm as
// application/wasm, every page under a strict Content-Security-Policy (script-src 'self'
// 'wasm-unsafe-eval', plus the hash of each inline script such as an import map), so a build
// that needed eval or an inline bootstrap would fail in the browser.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** 'sha256-…' sources for every inline <script> of a page (an import map is one). */
function inlineScriptHashes(html) {
  const hashes = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(match[1]) || match[2] === "") continue;
    hashes.push(`'sha256-${createHash("sha256").update(match[2]).digest("base64")}'`);
  }
  return hashes;
}

function policy(hashes) {
  return [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...hashes].join(" "),
    "worker-src 'self'",
    // The emulator runs on another port: the pages call it across origins, with CORS.
    "connect-src 'self' http://127.0.0.1:*",
    "object-src 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** Serves `root`; resolves to { url, requests, close() }. `requests` lists the paths asked for. */
export async function serveStatic(root) {
  const base = normalize(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url, "http://localhost").pathname;
    requests.push(pathname);
    let file;
    try {
      file = normalize(join(base, decodeURIComponent(pathname)));
    } catch {
      file = null;
    }
    if (file === null || (file !== base && !file.startsWith(base + sep))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      const headers = { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" };
      if (type.startsWith("text/html")) headers["content-security-policy"] = policy(inlineScriptHashes(body.toString("utf8")));
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
