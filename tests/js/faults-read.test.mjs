// Fault matrix for a read, connections.getByID("conn_x"), through the built package in headless
// Chromium against the emulator's scripted answers (see faults.mjs). One test per row; each
// checks the outcome's code, how many requests the emulator saw and that the call ended within a
// bound against hangs.
//
// A read is safe to repeat, so unlike creating a web-crawler, s3 or granola connection it also
// retries 502, 504, network errors and timeouts (3 requests with the default maxRetries of 2).
// Last, that the package leaves no 'abort' listener on the caller's signal once a call has ended.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EMULATOR_API_KEY } from "../emulator.mjs";
import { startFaultBench, runRow, matrixRows, times, CONNECTION } from "./faults.mjs";

let bench;

before(async () => {
  bench = await startFaultBench();
});

after(async () => {
  await bench?.close();
});

const REQUEST = "GET /v3/connections/conn_x";

for (const row of matrixRows({ call: { op: "getByID" }, request: REQUEST, success: CONNECTION, retriesTransport: true })) {
  test(`getByID: ${row.name}`, () => runRow(bench, row));
}

test("getByID: a 200 whose createdAt is a number: invalid_response, not retried", () =>
  runRow(bench, {
    name: "createdAt as a number",
    script: [{ body: { ...CONNECTION, createdAt: 1764000000000 } }, { body: CONNECTION }],
    call: { op: "getByID" },
    expect: { ok: false, code: "invalid_response", requests: [1, REQUEST] },
  }));

/**
 * Runs in the page: one AbortController's signal, its addEventListener/removeEventListener wrapped
 * to count the live 'abort' listeners, passed to four getByID calls in a row: one that succeeds,
 * one that fails after its retries, one that times out, and one aborted in its backoff. Reports
 * per call how it ended, the live count right after it ended and the most seen while it ran.
 */
async function listenersInPage({ baseURL, apiKey }) {
  const sm = window.sm;
  const controller = new AbortController();
  const { signal } = controller;
  const live = new Map();
  let peak = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type, listener, options) => {
    if (type === "abort" && listener) {
      live.set(listener, typeof options === "object" && options !== null && options.once === true);
      peak = Math.max(peak, live.size);
    }
    return add(type, listener, options);
  };
  signal.removeEventListener = (type, listener, options) => {
    if (type === "abort") live.delete(listener);
    return remove(type, listener, options);
  };
  // Listeners added with { once: true } are dropped by the abort itself, not by a remove call.
  add("abort", () => setTimeout(() => {
    for (const [listener, once] of live) if (once) live.delete(listener);
  }));

  const client = new sm.Supermemory({ baseURL, apiKey, dangerouslyAllowBrowser: true });
  const step = async (options, abortAfterMs) => {
    peak = live.size;
    const timer = abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(new Error("the test aborted")), abortAfterMs);
    let ended;
    try {
      const value = await client.connections.getByID("conn_x", { signal, ...options });
      ended = { ok: true, id: value.id };
    } catch (error) {
      ended = { ok: false, code: error.code };
    }
    clearTimeout(timer);
    const rightAfter = live.size;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...ended, liveRightAfter: rightAfter, liveLater: live.size, peak };
  };
  return [
    await step({}),
    await step({}),
    await step({ timeout: 300, maxRetries: 0 }),
    await step({}, 200),
  ];
}

test("no 'abort' listener is left on the caller's signal after a call ends", async () => {
  bench.emulator.reset();
  bench.emulator.script([
    { body: CONNECTION },
    ...times(3, { status: 503, body: { error: "Service unavailable" } }),
    { body: CONNECTION, delayMs: 2000 },
    { status: 503, body: { error: "Service unavailable" } },
    { body: CONNECTION },
  ]);
  const steps = await bench.page.evaluate(listenersInPage, { baseURL: bench.emulator.url, apiKey: EMULATOR_API_KEY });
  const detail = JSON.stringify(steps);
  assert.deepEqual(
    steps.map(({ ok, id, code }) => ({ ok, id, code })),
    [
      { ok: true, id: "conn_x", code: undefined },
      { ok: false, id: undefined, code: "server_error" },
      { ok: false, id: undefined, code: "timeout" },
      { ok: false, id: undefined, code: "aborted" },
    ],
    detail,
  );
  for (const [i, step] of steps.entries()) {
    assert.ok(step.peak >= 1, `call ${i + 1} never listened to the signal, so the count proves nothing: ${detail}`);
    assert.equal(step.liveRightAfter, 0, `call ${i + 1} left a listener when it ended: ${detail}`);
    assert.equal(step.liveLater, 0, `call ${i + 1} left a listener 50 ms later: ${detail}`);
  }
  // 1 + 3 + 1 + 1: the aborted call never made its retry.
  assert.equal(bench.apiRequests().length, 6, bench.apiRequests().join(", "));
});

test("the page logged no error other than the provoked failed loads", () => {
  assert.deepEqual(bench.problems, []);
});
