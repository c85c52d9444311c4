// expect-error: TS2561
// expect-message: 'containerTag5' does not exist
// A misspelt option name in an object literal is caught (and rejected at run time too).
import { createConnection } from "supermemory-connections";

await createConnection("notion", {
  baseURL: "/api/supermemory",
  containerTag5: "user_123",
});
