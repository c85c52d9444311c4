// A module worker bundled with the app: it receives createConnection's options and answers
// with the result.
import { createConnection } from "supermemory-connections";

self.onmessage = ({ data }) =>
  createConnection("notion", data).then(
    (connection) =>
      self.postMessage({ ok: true, id: connection.id, authLink: connection.authLink, inWorker: typeof document === "undefined" }),
    (error) => self.postMessage({ ok: false, code: error.code, message: String(error.message ?? error) }),
  );
