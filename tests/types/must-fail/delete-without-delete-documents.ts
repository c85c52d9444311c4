// expect-error: TS2345
// deleteByID needs deleteDocuments: leaving it out would delete every synced document.
import Supermemory from "supermemory-connections";

const client = new Supermemory({ baseURL: "/api/supermemory" });
void client.connections.deleteByID("conn_1", {});
