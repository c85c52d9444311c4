// Soak run (not a test): the built package in headless Chromium (Debian's chromium through
// tests/js/browser.mjs) against the local emulator, both on 127.0.0.1. Makes `--calls` sequential
// connections.getByID calls in one page: successes through the emulator, and every
// `--hostile-every`th call with a `fetch` option that hands back a hostile Response (a Proxy, a
// throwing or odd status or headers, a promise whose constructor getter throws; see
// tests/js/hostile.mjs), which must end with `connection`. Prints the wasm memory bytes and the
// externref table length at 0, 1/4, 1/2 and all of the calls, the outcomes, and the total time.
//   node scripts/soak.mjs [--calls 20000] [--hostile-every 10] [--max-minutes 30]
// Needs a built pkg/ (bash scripts/build.sh). Stops by itself: after the calls, at the first call
// that does not settle within 5 s, or after --max-minutes; exits 1 if a call hung, an outcome was
// not the expected one, or the time ran out.
import { EMULATOR_API_KEY } from "../tests/emulator.mjs";
import { startHostileBench, CONNECTION } from "../tests/js/hostile.mjs";

const USAGE = "node scripts/soak.mjs [--calls N] [--hostile-every N] [--max-minutes N]";
const CHUNK = 500;
const GUARD_MS = 5000;
const KINDS = [
  "proxy-local",
  "status-throws",
  "status-symbol",
  "429-headers-throws",
  "429-headers-plain",
  "429-get-throws",
  "429-get-number",
  "constructor-throws",
];

function parseArgs(argv) {
  const options = { calls: 20000, hostileEvery: 10, maxMinutes: 30 };
  const names = { "--calls": "calls", "--hostile-every": "hostileEvery", "--max-minutes": "maxMinutes" };
  for (let i = 0; i < argv.length; i += 1) {
    const name = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (name === undefined || !Number.isInteger(value) || value < 1) {
      throw new Error(`unexpected argument ${JSON.stringify(argv[i])}; usage: ${USAGE}`);
    }
    options[name] = value;
    i += 1;
  }
  return options;
}

/**
 * Runs in the page: calls number `start` to `start + count - 1`; call i is hostile when
 * (i + 1) % every === 0. Returns the outcomes by "success:<result>" / "hostile:<result>" and,
 * if a call hung, its number and kind.
 */
async function chunkInPage({ start, count, every, kinds, baseURL, apiKey, guardMs }) {
  const sm = window.sm;
  const plain = new sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true });
  const outcomes = {};
  for (let i = start; i < start + count; i += 1) {
    const hostile = (i + 1) % every === 0;
    const kind = kinds[Math.floor(i / every) % kinds.length];
    const client = hostile
      ? new sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true, fetch: window.__hostile.make(kind, {}) })
      : plain;
    let guard;
    const hung = new Promise((done) => {
      guard = setTimeout(() => done("hung"), guardMs);
    });
    const result = await Promise.race([
      client.connections.getByID("conn_x", { timeout: 2000, maxRetries: 0 }).then(
        (value) => (value?.id === "conn_x" ? "ok" : "wrong value"),
        (error) => (error instanceof sm.SupermemoryError ? error.code : `not a SupermemoryError (${error?.name})`),
      ),
      hung,
    ]);
    clearTimeout(guard);
    const key = `${hostile ? "hostile" : "success"}:${result}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (result === "hung") return { outcomes, hungAt: i, kind: hostile ? kind : "success" };
  }
  return { outcomes, hungAt: null };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const { calls, hostileEvery, maxMinutes } = options;
  const checkpoints = [...new Set([0, Math.floor(calls / 4), Math.floor(calls / 2), calls])];
  const deadline = Date.now() + maxMinutes * 60_000;
  const started = Date.now();
  const bench = await startHostileBench();
  let failure = null;
  const rows = [];
  const outcomes = {};
  try {
    bench.emulator.script({ body: CONNECTION, repeat: true });
    const page = await bench.open();
    const measure = async (done) => {
      const sizes = await page.sizes();
      rows.push({ calls: done, memoryBytes: sizes.memoryBytes, tableLength: sizes.tableLength, seconds: (Date.now() - started) / 1000 });
    };
    await measure(0);
    let done = 0;
    for (const target of checkpoints.slice(1)) {
      while (done < target && failure === null) {
        if (Date.now() > deadline) {
          failure = `stopped after ${maxMinutes} min at call ${done}`;
          break;
        }
        const count = Math.min(CHUNK, target - done);
        const chunk = await page.evaluate(chunkInPage, {
          start: done,
          count,
          every: hostileEvery,
          kinds: KINDS,
          baseURL: bench.emulator.url,
          apiKey: EMULATOR_API_KEY,
          guardMs: GUARD_MS,
        });
        for (const [key, n] of Object.entries(chunk.outcomes)) outcomes[key] = (outcomes[key] ?? 0) + n;
        // The emulator keeps every request it saw; the soak needs none of them.
        bench.emulator.requests.length = 0;
        if (chunk.hungAt !== null) {
          failure = `call ${chunk.hungAt} (${chunk.kind}) did not settle within ${GUARD_MS} ms`;
          break;
        }
        done += count;
      }
      if (failure !== null) break;
      await measure(done);
    }
    if (page.problems.length > 0) {
      process.stdout.write(`page errors (${page.problems.length}), first: ${page.problems[0]}\n`);
    }
    await page.close();
  } finally {
    await bench.close();
  }

  const table = [
    ["calls", "wasm memory (bytes)", "externref table", "time (s)"],
    ...rows.map((r) => [String(r.calls), String(r.memoryBytes), String(r.tableLength), r.seconds.toFixed(1)]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) process.stdout.write(`${row.map((cell, c) => cell.padStart(widths[c])).join("  ")}\n`);
  process.stdout.write(`outcomes: ${JSON.stringify(outcomes)}\n`);
  process.stdout.write(`total time: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const unexpected = Object.keys(outcomes).filter((key) => key !== "success:ok" && key !== "hostile:connection");
  if (failure === null && unexpected.length > 0) failure = `unexpected outcomes: ${unexpected.join(", ")}`;
  if (failure !== null) {
    process.stdout.write(`FAILED: ${failure}\n`);
    process.exitCode = 1;
  }
}

await main();
