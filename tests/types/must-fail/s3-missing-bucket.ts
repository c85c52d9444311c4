// expect-error: TS2322
// expect-message: Property 'bucket' is missing
// s3 needs accessKeyId, secretAccessKey, bucket and region in metadata.
import Supermemory from "supermemory-connections";

const client = new Supermemory({ baseURL: "/api/supermemory" });
await client.connections.create("s3", {
  metadata: {
    accessKeyId: "AKIAEXAMPLE",
    secretAccessKey: "example-secret",
    region: "eu-west-1",
  },
});
