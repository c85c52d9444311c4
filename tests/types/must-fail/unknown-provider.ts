// expect-error: TS2345
// expect-message: Argument of type '"dropbox"' is not assignable to parameter of type 'Provider'
// "dropbox" is not a Provider.
import { createConnection } from "supermemory-connections";

await createConnection("dropbox", { baseURL: "/api/supermemory", containerTag: "user_123" });
