// The page only starts a module worker and shows what it answers; the package runs in the worker.
const query = new URLSearchParams(location.search);
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

function report(result) {
  window.consumerResult = result;
  document.getElementById("result").textContent = JSON.stringify(result);
}

worker.onmessage = (event) => report(event.data);
worker.onerror = (event) => report({ ok: false, code: "worker_error", message: String(event.message) });
worker.postMessage({ api: query.get("api"), key: query.get("key"), tag: query.get("tag") });
