// The only code that calls `fetch`: one attempt of a request, and the pause between attempts.
// The wasm module decides everything else (what to send, whether to retry, what an answer
// means); the npm package's JavaScript and the Rust API's async driver both run these two.
//
// What `fetch` hands back is not trusted: a wrapped global fetch or the caller's own may return
// anything, a Proxy of a Response whose getters throw among them. Every read of it happens inside
// one try, and every promise from outside races the attempt's own abort signal, so a fetch that
// ignores the signal still ends at the timeout or the caller's abort. An attempt never rejects:
// it resolves to an answer or to the stage where it failed, which the wasm module turns into the
// error.

/** Adds or removes `stop` as an abort listener of a signal that may be anything. */
function listen(signal, stop, add) {
  try {
    if (add) signal?.addEventListener("abort", stop);
    else signal?.removeEventListener("abort", stop);
  } catch {
    // A signal without listeners still ends the call where the module checks `aborted`.
  }
}

/**
 * One attempt: `fetch(url, init)` (or the caller's `fetcher`) with a fresh abort signal that the
 * timeout, the caller's `signal` and `dropped` (a Rust future that was dropped) abort, then the
 * whole body as text. Resolves to `{ status, text, "retry-after-ms", "retry-after" }` (the two
 * hints only for an answer that is not 2xx; with `stage: 3` and the `cause` when `Retry-After`
 * could not be read) or to `{ stage, cause }`: 0 the attempt timed out, 1 fetch threw, 2 its
 * promise rejected, 3 the Response could not be read, 4 its body could not be started, 5 the
 * body failed.
 */
export async function attempt(url, init, fetcher, signal, timeout, dropped) {
  let stage = 1;
  let timedOut = false;
  let timer;
  let controller;
  const stop = () => controller?.abort();
  try {
    controller = new AbortController();
    // Listening before anything can abort: a signal-like object may call its listener at once.
    const ended = new Promise((_, reject) => controller.signal.addEventListener("abort", reject));
    ended.catch(() => {});
    // `Promise.resolve` adopts what came from outside (it throws at once for a promise whose
    // `constructor` getter throws: a failure of the current stage).
    const settle = (value) => Promise.race([Promise.resolve(value), ended]);
    timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeout);
    listen(signal, stop, true);
    listen(dropped, stop, true);
    if (signal?.aborted || dropped?.aborted) stop();
    // The init and its headers are copied for each attempt: a caller's fetch may change them.
    const request = { ...init, headers: Object.assign(Object.create(null), init.headers), signal: controller.signal };
    const sent = settle(fetcher ? Reflect.apply(fetcher, undefined, [url, request]) : fetch(url, request));
    stage = 2;
    const response = await sent;
    stage = 3;
    if (typeof response !== "object" || response === null) throw "the fetch function did not return a Response";
    const status = response.status;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw "the Response has no HTTP status";
    const answer = { status };
    if (status > 299) {
      const headers = response.headers;
      const get = headers.get;
      if (typeof get !== "function") throw "the Response's headers have no get method";
      for (const name of ["retry-after-ms", "retry-after"]) {
        try {
          const value = Reflect.apply(get, headers, [name]);
          if (value != null && typeof value !== "string") throw "a Response header is not a string";
          answer[name] = value ?? undefined;
        } catch (cause) {
          // `Retry-After` counts only when `retry-after-ms` gives no hint: the module decides.
          if (name === "retry-after-ms") throw cause;
          answer.stage = 3;
          answer.cause = cause;
        }
      }
    }
    stage = 4;
    const read = response.text;
    if (typeof read !== "function") throw undefined;
    const body = settle(Reflect.apply(read, response, []));
    stage = 5;
    const text = await body;
    answer.text = typeof text === "string" ? text : "";
    return answer;
  } catch (cause) {
    return { stage: timedOut ? 0 : stage, cause };
  } finally {
    clearTimeout(timer);
    listen(signal, stop, false);
    listen(dropped, stop, false);
    // Ends whatever the attempt left open (a body not read after a failure).
    stop();
  }
}

/**
 * Waits `ms` milliseconds; resolves to `true`, or to `false` at once when `signal` or `dropped`
 * is or becomes aborted.
 */
export function pause(ms, signal, dropped) {
  return new Promise((resolve) => {
    const end = (slept) => {
      clearTimeout(timer);
      listen(signal, stop, false);
      listen(dropped, stop, false);
      resolve(slept);
    };
    const stop = () => end(false);
    const timer = setTimeout(end, ms, true);
    listen(signal, stop, true);
    listen(dropped, stop, true);
    let aborted = false;
    try {
      aborted = signal?.aborted === true || dropped?.aborted === true;
    } catch {
      // Read again by the module before the next attempt.
    }
    if (aborted) end(false);
  });
}
