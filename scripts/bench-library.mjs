// Benchmark (not a test): the library's own work per `createConnection`, in Node, against a
// `fetch` that answers from memory, for one or more builds of the package in one process, their
// rounds interleaved (the order reversed every other round) so that a slower moment of the
// machine falls on all of them. A raw `fetch` of the same answer is the baseline.
//   node scripts/bench-library.mjs [<package dir> ...] [--calls 5000] [--rounds 8]
// A package dir holds a built package (`node.js`, `index.js` and the wasm), e.g. pkg/ (the
// default) or a copy of an older build. Prints, per variant, the median microseconds per call of
// the rounds after the first two (warm-up; all of them with fewer than three), and every round's
// figure.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const [, value] = args.splice(at, 2);
  return Number(value);
};
const CALLS = option("--calls", 5000);
const ROUNDS = option("--rounds", 8);
const dirs = args.length > 0 ? args : ["pkg"];

const answer = JSON.stringify({ id: "conn_1", authLink: "https://api.notion.com/v1/oauth/authorize?x=1", expiresIn: "1 hour" });
const fetch = async () => new Response(answer, { status: 200, headers: { "content-type": "application/json" } });
const options = {
  baseURL: "https://proxy.example.com/api",
  fetch,
  redirectUrl: "https://app.example.com/connected",
  containerTags: ["user_123", "project_alpha"],
  documentLimit: 5000,
  metadata: { team: "growth" },
};

const variants = [{ name: "raw fetch", run: async () => (await fetch("x", { method: "POST", body: "{}" })).json() }];
for (const dir of dirs) {
  const sm = await import(pathToFileURL(resolve(dir, "node.js")).href);
  variants.push({ name: dir, run: () => sm.createConnection("notion", options) });
}

const times = new Map(variants.map((variant) => [variant, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const variant of order) {
    const started = performance.now();
    for (let call = 0; call < CALLS; call++) await variant.run();
    times.get(variant).push(((performance.now() - started) / CALLS) * 1000);
  }
}

console.log(`${CALLS} calls per round, ${ROUNDS} rounds (the first two are warm-up); µs per call`);
for (const [variant, list] of times) {
  const kept = (list.length > 2 ? list.slice(2) : list).sort((a, b) => a - b);
  const median = kept[Math.floor(kept.length / 2)];
  console.log(`${variant.name}: median ${median.toFixed(1)} (rounds: ${list.map((t) => t.toFixed(1)).join(", ")})`);
}
