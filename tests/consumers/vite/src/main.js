// A Vite app: the package imported by its name, bundled by `vite build` with no plugin, called
// on the page and in a module worker that Vite bundles too.
import { createConnection } from "supermemory-connections";

const query = new URLSearchParams(location.search);
const options = (containerTag) => ({
  apiKey: query.get("key"),
  dangerouslyAllowBrowser: true,
  baseURL: query.get("api"),
  containerTag,
});

const settle = (promise) =>
  promise.then(
    (connection) => ({ ok: true, id: connection.id, authLink: connection.authLink }),
    (error) => ({ ok: false, code: error.code, message: String(error.message ?? error) }),
  );

function inWorker(workerOptions) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ ok: false, code: "worker_error", message: String(event.message) });
    worker.postMessage(workerOptions);
  });
}

async function main() {
  const result = await settle(createConnection("notion", options(query.get("tag"))));
  result.worker = await inWorker(options(`${query.get("tag")}_worker`));
  window.consumerResult = result;
  document.getElementById("result").textContent = JSON.stringify(result);
}

main();
