// A module worker, no bundler. Import maps do not reach workers, so the worker imports the
// package's browser entry by its path under node_modules.
import { createConnection } from "./node_modules/supermemory-connections/index.js";

self.onmessage = async ({ data }) => {
  try {
    const connection = await createConnection("notion", {
      apiKey: data.key,
      dangerouslyAllowBrowser: true,
      baseURL: data.api,
      containerTag: data.tag,
    });
    self.postMessage({ ok: true, id: connection.id, authLink: connection.authLink, inWorker: typeof document === "undefined" });
  } catch (error) {
    self.postMessage({ ok: false, code: error.code, message: String(error.message ?? error) });
  }
};
