// The benchmark page's side: loads the variants and times them with performance.now() (the
// page is cross-origin isolated, so its resolution is 5 µs rather than 100 µs).
// scripts/bench.mjs drives it through Playwright (`window.bench.*`); every function resolves to
// plain numbers, measured inside the page, so the driver's round trips are never counted.
//
// The variants send the same request: POST {origin}/v3/connections/notion with the same JSON
// body, Accept and Content-Type application/json and the same bearer key. The API (the emulator)
// is behind the page's own origin, so no variant pays a CORS preflight; except for the "~cross"
// variants, which call the API on another origin (setApiOrigins: one origin per variant, so that
// each has a CORS preflight cache entry of its own and the driver counts its preflights apart).
const API_KEY = "sm_emulator_test_key";
const PROVIDER = "notion";
const PATH = `/v3/connections/${PROVIDER}`;
/** The create parameters of every call; the raw fetch sends JSON.stringify of this object. */
const PARAMS = {
  redirectUrl: "https://app.example.com/connected",
  containerTags: ["user_123", "project_alpha"],
  documentLimit: 5000,
  metadata: { team: "growth" },
};
/** Parameters this package refuses before sending anything: a space is not allowed in a tag. */
const BAD_PARAMS = { ...PARAMS, containerTags: ["user 123"] };
/** What the emulator answers to the create, for the `fetch` that answers from memory. */
const ANSWER = JSON.stringify({
  id: "conn_0123456789abcdef",
  authLink: "http://127.0.0.1/oauth/notion/authorize?connection=conn_0123456789abcdef&token=00112233445566778899aabbccddeeff",
  expiresIn: "1 hour",
  redirectsTo: PARAMS.redirectUrl,
});

/**
 * A `fetch` without the network: it answers the create at once from memory. It still makes the
 * Request the real `fetch` makes from its arguments (the Fetch standard's first step), so each
 * variant pays what it would pay in front of the network, minus the network.
 */
function memoryFetch(input, init) {
  void new Request(input, init);
  return Promise.resolve(new Response(ANSWER, { status: 200, headers: { "content-type": "application/json" } }));
}

/** When the last call of the "~timed" `fetch` started, and when its Response arrived. */
const fetchTimes = { called: 0, answered: 0 };

/** The browser's `fetch`, noting when it is called and when its Response arrives. */
function timedFetch(input, init) {
  fetchTimes.called = performance.now();
  return fetch(input, init).then((response) => {
    fetchTimes.answered = performance.now();
    return response;
  });
}

/** The API's origin by variant name for the "~cross" variants, from the driver (setApiOrigins). */
let apiOrigins = {};
function setApiOrigins(origins) {
  apiOrigins = origins;
}

const clientOptions = (fetchImpl, baseURL) => ({
  apiKey: API_KEY,
  baseURL,
  dangerouslyAllowBrowser: true,
  ...(fetchImpl ? { fetch: fetchImpl } : {}),
});

/**
 * The hand-built request: what the package sends, written out (the floor for a call). As the
 * package does, only a GET gets `cache: "no-store"`; a POST (the create) keeps the default mode,
 * so a cross-origin POST may use Chromium's CORS preflight cache (`no-store` makes it skip it).
 */
function rawCall(fetchImpl, url, method, body) {
  return fetchImpl(url, {
    method,
    headers: {
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      Authorization: `Bearer ${API_KEY}`,
    },
    ...(body === undefined ? {} : { body }),
    ...(method === "GET" ? { cache: "no-store" } : {}),
    redirect: "error",
  });
}

function rawCreate(fetchImpl, baseURL) {
  return async () => {
    const response = await rawCall(fetchImpl, baseURL + PATH, "POST", JSON.stringify(PARAMS));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
}

/**
 * Call functions by variant name; a name ending in "~memory" uses the memory `fetch`, one ending
 * in "~timed" the browser's `fetch` through `timedFetch`, one ending in "~cross" the browser's
 * `fetch` and the API on the origin setApiOrigins gave for the variant.
 */
const loaded = {};

/** Imports what a variant needs and makes its call function. */
async function load(variant) {
  const [name, where] = variant.split("~");
  const fetchImpl = { memory: memoryFetch, timed: timedFetch }[where];
  let base = location.origin;
  if (where === "cross") {
    base = apiOrigins[name];
    if (base === undefined) throw new Error(`no API origin for ${variant}`);
  }
  if (name === "fetch") {
    loaded[variant] = rawCreate(fetchImpl ?? fetch, base);
  } else if (name === "sdk") {
    const sdk = await import("/bench/sdk.js");
    const client = sdk.createClient(clientOptions(fetchImpl, base));
    loaded[variant] = (params = PARAMS, requestOptions) => sdk.create(client, PROVIDER, params, requestOptions);
  } else if (name === "ours") {
    const ours = await import("/pkg/index.js");
    // The options object of the common call is built once, as the other variants' inputs are.
    const options = { ...clientOptions(fetchImpl, base), ...PARAMS };
    loaded[variant] = (params, requestOptions) =>
      ours.createConnection(
        PROVIDER,
        params === undefined && requestOptions === undefined
          ? options
          : { ...clientOptions(fetchImpl, base), ...params, ...requestOptions },
      );
  } else if (name === "oursClient") {
    const ours = await import("/pkg/index.js");
    const client = new ours.Supermemory(clientOptions(fetchImpl, base));
    loaded[variant] = (params = PARAMS, requestOptions) => client.connections.create(PROVIDER, params, requestOptions);
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
}

function checkCreated(answer, variant) {
  if (answer === null || typeof answer !== "object" || typeof answer.id !== "string" || typeof answer.authLink !== "string") {
    throw new Error(`${variant}: unexpected answer ${JSON.stringify(answer)}`);
  }
}

/**
 * Cold start on a fresh page: from `import` to the first create resolved. For this package that
 * includes index.js (the glue is bundled in it) and fetching, compiling and instantiating the
 * wasm, which `init()` does here as a step of its own (the first call would do it otherwise), so
 * it can be shown apart.
 */
async function cold(variant) {
  const t0 = performance.now();
  await load(variant);
  const t1 = performance.now();
  if (variant === "ours") await (await import("/pkg/index.js")).init();
  const t2 = performance.now();
  const answer = await loaded[variant]();
  const t3 = performance.now();
  checkCreated(answer, variant);
  const wasm = performance.getEntriesByType("resource").find((entry) => entry.name.endsWith(".wasm"));
  return {
    totalMs: t3 - t0,
    importMs: t1 - t0,
    wasmMs: t2 - t1,
    firstCallMs: t3 - t2,
    wasmFetchMs: wasm ? wasm.responseEnd - wasm.startTime : null,
  };
}

/** `count` calls one after the other; returns the elapsed ms. */
async function sequential(variant, count) {
  const call = loaded[variant];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const answer = await call();
    if (i === 0) checkCreated(answer, variant);
  }
  return performance.now() - t0;
}

/** `batches` times: `size` calls started at once, awaited together; returns the elapsed ms. */
async function concurrent(variant, size, batches) {
  const call = loaded[variant];
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const answers = await Promise.all(Array.from({ length: size }, () => call()));
    if (b === 0) checkCreated(answers[0], variant);
  }
  return performance.now() - t0;
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * The variants take turns, `chunk` sequential calls each, in a rotating order, until each has
 * made `count` calls; returns the ms each variant spent in its calls. Taking turns this finely
 * puts load from elsewhere on the machine on every variant alike.
 */
async function interleavedSequential(variants, count, chunk) {
  const elapsed = Object.fromEntries(variants.map((v) => [v, 0]));
  for (let turn = 0; turn * chunk < count; turn++) {
    for (const variant of rotate(variants, turn)) {
      const call = loaded[variant];
      const t0 = performance.now();
      for (let i = 0; i < chunk; i++) {
        const answer = await call();
        if (turn === 0 && i === 0) checkCreated(answer, variant);
      }
      elapsed[variant] += performance.now() - t0;
    }
  }
  return elapsed;
}

/**
 * Where a call's time goes, for "~timed" variants taking turns call by call: ms before `fetch` is
 * called (checks, building the request), in `fetch` until the Response, and after it (reading
 * and parsing the body, building the result), summed per variant over `count` calls each.
 */
async function phases(variants, count) {
  const sums = Object.fromEntries(variants.map((v) => [v, { before: 0, fetch: 0, after: 0 }]));
  for (let turn = 0; turn < count; turn++) {
    for (const variant of rotate(variants, turn)) {
      const t0 = performance.now();
      await loaded[variant]();
      const t1 = performance.now();
      const sum = sums[variant];
      sum.before += fetchTimes.called - t0;
      sum.fetch += fetchTimes.answered - fetchTimes.called;
      sum.after += t1 - fetchTimes.answered;
    }
  }
  return sums;
}

/** The variants take turns with batches of `size` calls started together; ms per variant. */
async function interleavedConcurrent(variants, size, batches) {
  const elapsed = Object.fromEntries(variants.map((v) => [v, 0]));
  for (let batch = 0; batch < batches; batch++) {
    for (const variant of rotate(variants, batch)) {
      elapsed[variant] += await concurrent(variant, size, 1);
    }
  }
  return elapsed;
}

/**
 * `count` calls that must reject, one after the other; returns the elapsed ms and what the first
 * rejection was. `kind`: "invalid" (a tag with a space) or "aborted" (an already-aborted signal).
 */
async function rejections(variant, kind, count) {
  const call = loaded[variant];
  const aborted = AbortSignal.abort(new Error("benchmark"));
  const run = kind === "invalid" ? () => call(BAD_PARAMS) : () => call(PARAMS, { signal: aborted });
  let first;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    try {
      await run();
    } catch (error) {
      if (i === 0) first = error;
      continue;
    }
    throw new Error(`${variant} ${kind}: the call did not reject`);
  }
  const elapsed = performance.now() - t0;
  // The SDK's error classes lose their names to minification: its message says what happened.
  return {
    elapsedMs: elapsed,
    code: first?.code ?? null,
    status: first?.status ?? null,
    message: String(first?.message ?? "").slice(0, 60),
  };
}

window.bench = { setApiOrigins, load, cold, sequential, concurrent, interleavedSequential, interleavedConcurrent, phases, rejections };
window.benchReady = true;
