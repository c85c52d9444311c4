// esbuild entry for the official SDK, the way an app would use it for one call: the client class
// and `client.connections.create`. scripts/bench.mjs bundles it for the browser (minified ESM).
import Supermemory from "supermemory";

/** A client for the benchmark page; the page calls `client.connections.create(provider, params)`. */
export function createClient(options) {
  return new Supermemory(options);
}

/** The one call the bundle is for (what the size comparison means by "one connections.create"). */
export function create(client, provider, params, requestOptions) {
  return client.connections.create(provider, params, requestOptions);
}
