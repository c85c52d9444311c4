// expect-error: TS2322
// expect-message: is not assignable to type 'MetadataValue'
// metadata is flat: values are strings, numbers or booleans, never objects.
import { createConnection } from "supermemory-connections";

await createConnection("notion", {
  baseURL: "/api/supermemory",
  metadata: { owner: { id: "user_123", team: "sales" } },
});
