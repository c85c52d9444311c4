// expect-error: TS2322
// expect-message: Type 'string' is not assignable to type 'number'
// documentLimit is a number, not a numeric string.
import { createConnection } from "supermemory-connections";

await createConnection("notion", {
  baseURL: "/api/supermemory",
  documentLimit: "5",
});
