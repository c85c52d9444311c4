// A page with <script type="module"> and no bundler: the bare import goes through the page's
// import map; the package fetches its wasm next to its own index.js.
import { createConnection } from "supermemory-connections";

const query = new URLSearchParams(location.search);

function report(result) {
  window.consumerResult = result;
  document.getElementById("result").textContent = JSON.stringify(result);
}

createConnection("notion", {
  apiKey: query.get("key"),
  dangerouslyAllowBrowser: true,
  baseURL: query.get("api"),
  containerTag: query.get("tag"),
}).then(
  (connection) => report({ ok: true, id: connection.id, authLink: connection.authLink }),
  (error) => report({ ok: false, code: error.code, message: String(error.message ?? error) }),
);
