// expect-error: TS2322
// expect-message: Property 'startUrl' is missing
// web-crawler settings live in metadata: startUrl is required there.
import Supermemory from "supermemory-connections";

const client = new Supermemory({ baseURL: "/api/supermemory" });
await client.connections.create("web-crawler", {
  containerTag: "docs_site",
  metadata: { section: "guides" },
});
