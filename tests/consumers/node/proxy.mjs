// Node.js 20+, ESM: the server half through the exports map's "./server" entry, in front of the
// emulator. Run: node proxy.mjs <emulator URL> <API key>
// Prints one JSON line: where the entry resolved from, and what two users' lists answered.
import { createProxy, toNodeHandler } from "supermemory-connections/server";

const [baseURL, apiKey] = process.argv.slice(2);
const resolved = import.meta.resolve("supermemory-connections/server");
const proxy = createProxy({
  apiKey,
  baseURL,
  authorize: (request) => {
    const user = request.headers.get("x-user");
    return user ? { containerTags: [`consumer_${user}`] } : null;
  },
});
const call = async (user, path, body) => {
  const headers = user ? { "x-user": user } : {};
  const response = await proxy(new Request(`http://app.local/api/supermemory${path}`, { method: "POST", headers, body }));
  return { status: response.status, json: await response.json() };
};
const created = await call("a", "/v3/connections/notion", "{}");
const listA = await call("a", "/v3/connections/list", "{}");
const listB = await call("b", "/v3/connections/list", "{}");
const anonymous = await call(undefined, "/v3/connections/list", "{}");
console.log(
  JSON.stringify({
    resolved,
    nodeHandler: typeof toNodeHandler(proxy),
    created: created.status,
    listA: listA.json.map((item) => item.id),
    createdId: created.json.id,
    listB: listB.json,
    anonymous: anonymous.status,
  }),
);
