// Fault matrix for creating a connection, through the built package in headless Chromium against
// the emulator's scripted answers (see faults.mjs). One test per row; each checks the outcome's
// code, how many requests the emulator saw and that the call ended within a bound against hangs.
//
// An OAuth provider (notion) only makes a pending connection, so its create retries like a read:
// 408, 429, 502, 503, 504, network errors and timeouts. web-crawler, s3 and granola are live as
// soon as they are created, so their create retries only 408, 429 and 503, where the server did
// nothing; a 502, 504, dropped connection or timeout is final after 1 request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startFaultBench, runRow, matrixRows, times, OAUTH_CREATED, LIVE_CREATED } from "./faults.mjs";

let bench;

before(async () => {
  bench = await startFaultBench();
});

after(async () => {
  await bench?.close();
});

const notion = { op: "create", provider: "notion", params: { containerTag: "user_1" } };
const webCrawler = {
  op: "create",
  provider: "web-crawler",
  params: { containerTag: "user_1", metadata: { startUrl: "https://example.com/docs" } },
};
const s3 = {
  op: "create",
  provider: "s3",
  params: { metadata: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret-example", bucket: "docs", region: "us-east-1" } },
};
const granola = { op: "create", provider: "granola", params: { metadata: { apiKey: "grn_example" } } };

for (const row of matrixRows({ call: notion, request: "POST /v3/connections/notion", success: OAUTH_CREATED, retriesTransport: true })) {
  test(`create notion: ${row.name}`, () => runRow(bench, row));
}

// The rows that wait out 1-2 s hints are left out here: the notion rows cover how hints are read.
for (const row of matrixRows({
  call: webCrawler,
  request: "POST /v3/connections/web-crawler",
  success: LIVE_CREATED,
  retriesTransport: false,
  waitHints: false,
})) {
  test(`create web-crawler: ${row.name}`, () => runRow(bench, row));
}

// s3 and granola follow the same live-create rule as web-crawler; a few rows each.
for (const [name, call] of [["s3", s3], ["granola", granola]]) {
  const request = `POST /v3/connections/${name}`;
  const rows = [
    {
      name: "502 then 200: not retried (server_error, 1 request)",
      script: [{ status: 502, body: { error: "Bad gateway" } }, { body: LIVE_CREATED }],
      call,
      expect: { ok: false, code: "server_error", status: 502, requests: [1, request] },
    },
    {
      name: "504 then 200: not retried (server_error, 1 request)",
      script: [{ status: 504, body: { error: "Gateway timeout" } }, { body: LIVE_CREATED }],
      call,
      expect: { ok: false, code: "server_error", status: 504, requests: [1, request] },
    },
    {
      name: "the connection dropped, then 200: not retried (connection, 1 request)",
      script: [{ drop: true }, { body: LIVE_CREATED }],
      call,
      expect: { ok: false, code: "connection", requests: [1, request] },
    },
    {
      name: "headers never sent within timeout: 300, then 200: not retried (timeout, 1 request)",
      script: [{ body: LIVE_CREATED, delayMs: 2000 }, { body: LIVE_CREATED }],
      call: { ...call, call: { timeout: 300 } },
      expect: { ok: false, code: "timeout", requests: [1, request] },
    },
    {
      name: "408, 429, then 200: both retried, succeeds after 3 requests",
      script: [{ status: 408 }, { status: 429, headers: { "retry-after-ms": "0" } }, { body: LIVE_CREATED }],
      call,
      expect: { ok: true, id: LIVE_CREATED.id, requests: [3, request] },
    },
    {
      name: "503 then 200: retried, succeeds",
      script: [{ status: 503 }, { body: LIVE_CREATED }],
      call,
      expect: { ok: true, id: LIVE_CREATED.id, requests: [2, request] },
    },
  ];
  for (const row of rows) test(`create ${name}: ${row.name}`, () => runRow(bench, row));
}

// createConnection (client options, params and request options in one object) keeps both rules.
const createConnectionRows = [
  {
    name: "notion, 502 twice then 200: retried, succeeds after 3 requests",
    script: [...times(2, { status: 502, body: { error: "Bad gateway" } }), { body: OAUTH_CREATED }],
    call: { ...notion, op: "createConnection" },
    expect: { ok: true, id: OAUTH_CREATED.id, requests: [3, "POST /v3/connections/notion"] },
  },
  {
    name: "notion, timeout: 300 three times: timeout after 3 requests",
    script: times(3, { body: OAUTH_CREATED, delayMs: 2000 }),
    call: { ...notion, op: "createConnection", call: { timeout: 300 } },
    expect: { ok: false, code: "timeout", requests: [3, "POST /v3/connections/notion"] },
  },
  {
    name: "web-crawler, 502 then 200: not retried (server_error, 1 request)",
    script: [{ status: 502, body: { error: "Bad gateway" } }, { body: LIVE_CREATED }],
    call: { ...webCrawler, op: "createConnection" },
    expect: { ok: false, code: "server_error", status: 502, requests: [1, "POST /v3/connections/web-crawler"] },
  },
  {
    name: "web-crawler, timeout: 300 then 200: not retried (timeout, 1 request)",
    script: [{ body: LIVE_CREATED, delayMs: 2000 }, { body: LIVE_CREATED }],
    call: { ...webCrawler, op: "createConnection", call: { timeout: 300 } },
    expect: { ok: false, code: "timeout", requests: [1, "POST /v3/connections/web-crawler"] },
  },
  {
    name: "web-crawler, 503 then 200: retried, succeeds",
    script: [{ status: 503, body: { error: "Service unavailable" } }, { body: LIVE_CREATED }],
    call: { ...webCrawler, op: "createConnection" },
    expect: { ok: true, id: LIVE_CREATED.id, requests: [2, "POST /v3/connections/web-crawler"] },
  },
  {
    name: "web-crawler, maxRetries: 0: 503 is not retried (1 request)",
    script: [{ status: 503, body: { error: "Service unavailable" } }, { body: LIVE_CREATED }],
    call: { ...webCrawler, op: "createConnection", call: { maxRetries: 0 } },
    expect: { ok: false, code: "server_error", status: 503, requests: [1, "POST /v3/connections/web-crawler"] },
  },
  {
    name: "web-crawler, an abort in the backoff after a 503: aborted within 250 ms, 1 request",
    script: [{ status: 503, body: { error: "Service unavailable" } }, { body: LIVE_CREATED }],
    call: { ...webCrawler, op: "createConnection", abort: { afterMs: 200 } },
    expect: { ok: false, code: "aborted", requests: [1, "POST /v3/connections/web-crawler"], abortLag: true },
  },
];
for (const row of createConnectionRows) test(`createConnection ${row.name}`, () => runRow(bench, row));

test("every retried create sent the same body each time", async () => {
  bench.emulator.reset();
  bench.emulator.script([{ status: 503 }, { status: 429, headers: { "retry-after-ms": "0" } }, { body: OAUTH_CREATED }]);
  const result = await bench.call({ ...notion, params: { containerTag: "user_1", metadata: { team: "growth" } } });
  assert.equal(result.ok, true, JSON.stringify(result));
  const bodies = bench.emulator.requests.filter((r) => r.method === "POST").map((r) => r.body);
  assert.equal(bodies.length, 3);
  assert.deepEqual(JSON.parse(bodies[0]), { containerTag: "user_1", metadata: { team: "growth" } });
  assert.deepEqual(new Set(bodies).size, 1);
});

test("the page logged no error other than the provoked failed loads", () => {
  assert.deepEqual(bench.problems, []);
});
