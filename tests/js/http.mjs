// A raw HTTP request for the Node tests, so the path and the headers go out exactly as given
// (fetch would normalise the path and refuse some headers).
import { request } from "node:http";

/** Resolves { status, headers, text } of one request to `url`'s host and port. */
export function rawRequest(url, { path, method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
