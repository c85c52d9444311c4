//! One request's exchange with the API, as a state machine that does no I/O ([`Exchange`]): it
//! says when to send an attempt and how long to pause, reads what each attempt brought back, and
//! decides on retries. The attempts and pauses themselves are `src/js/transport.js`, the only
//! code that calls `fetch`: the npm package's JavaScript runs the machine with them, and the
//! Rust API with [`drive`].

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::answer::error_from_answer;
use crate::error::{Error, ErrorCode};
use crate::guard::property;
use crate::headers::merge_headers;
use crate::options::{ApiKey, FetchOptions};
use crate::retry::{self, Decision, RetryPolicy};
use crate::retry_hint::retry_after_from_headers;

#[wasm_bindgen(module = "/src/js/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = attempt)]
    fn js_attempt(
        url: &JsValue,
        init: &JsValue,
        fetcher: &JsValue,
        signal: &JsValue,
        timeout: u32,
        dropped: &AbortSignal,
    ) -> Promise;

    #[wasm_bindgen(js_name = pause)]
    fn js_pause(milliseconds: u32, signal: &JsValue, dropped: &AbortSignal) -> Promise;
}

/// An HTTP method the package sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP request to the API, before it becomes a `fetch` call.
#[derive(Debug)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The JSON body as JavaScript text, if any.
    pub body: Option<JsValue>,
    /// The `Accept` header.
    pub accept: &'static str,
}

/// What came back: the status, the server's retry hint and the whole body as text.
#[derive(Debug)]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Seconds to wait before trying again, from `retry-after-ms` or `Retry-After` (read only
    /// on answers that are not 2xx).
    pub retry_after: Option<f64>,
    /// The body as JavaScript text (an empty string if it was not text).
    pub text: JsValue,
}

/// Everything one request needs from the caller's settings.
pub struct Transport<'a> {
    /// The API key for `Authorization: Bearer`, if any.
    pub api_key: Option<&'a ApiKey>,
    /// Headers the caller adds or removes.
    pub default_headers: &'a [(String, Option<String>)],
    /// Request settings from `fetchOptions`.
    pub fetch_options: &'a FetchOptions,
    /// The caller's own `fetch`, if given.
    pub fetch: Option<Function>,
    /// The caller's `AbortSignal`, if given.
    pub signal: Option<AbortSignal>,
    /// Milliseconds an attempt may take, the body included.
    pub timeout_ms: u32,
    /// How many times a failed attempt may be retried.
    pub max_retries: u32,
}

impl Transport<'_> {
    /// The exchange of one request: its `fetch` init is made once, here. The init is a plain
    /// object: method, headers, body, `cache: "no-store"` for GETs, `redirect: "error"` and the
    /// caller's `fetchOptions` (already checked against the values `fetch` accepts); each attempt
    /// adds its own signal.
    pub fn exchange(&self, request: &HttpRequest, policy: RetryPolicy) -> Exchange {
        let headers = merge_headers(
            request.accept,
            request.body.is_some(),
            self.api_key.map(ApiKey::expose),
            self.default_headers,
        );
        // GETs never read a stale answer. POST and DELETE keep the default mode: browsers never
        // answer them from the HTTP cache, and `no-store` would make Chromium skip its CORS
        // preflight cache, costing a cross-origin call a second round trip.
        let options = self.fetch_options;
        let init = crate::guard::fetch_init(
            request.method.as_str(),
            &headers_for_fetch(&headers),
            request.body.as_ref().unwrap_or(&JsValue::UNDEFINED),
            request.method == Method::Get,
            options.credentials.as_deref(),
            options.mode.as_deref(),
            options.referrer.as_deref(),
            options.referrer_policy.as_deref(),
            options.integrity.as_deref(),
        );
        Exchange {
            url: JsValue::from_str(&request.url),
            init,
            fetch: self.fetch.clone().map_or(JsValue::UNDEFINED, JsValue::from),
            signal: self.signal.clone(),
            timeout_ms: self.timeout_ms,
            policy,
            max_retries: self.max_retries,
            retries: 0,
        }
    }
}

/// One request and its retries, without I/O: [`Exchange::next`] takes what the last step brought
/// and says what to do next.
pub struct Exchange {
    url: JsValue,
    init: JsValue,
    fetch: JsValue,
    signal: Option<AbortSignal>,
    timeout_ms: u32,
    policy: RetryPolicy,
    max_retries: u32,
    retries: u32,
}

/// Leaves out the `fetch` init: its headers carry the API key.
impl core::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Exchange")
            .field("timeout_ms", &self.timeout_ms)
            .field("policy", &self.policy)
            .field("retries", &self.retries)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// What the last step of an exchange brought.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing yet: the exchange starts.
    Start,
    /// An attempt's result object from `transport.js`.
    Attempt(JsValue),
    /// A pause ended: `true` when it ran its course, `false` when it was aborted.
    Paused(bool),
}

/// What to do next.
#[derive(Debug)]
pub enum Next<T> {
    /// Send an attempt.
    Send,
    /// Pause this many milliseconds.
    Pause(u32),
    /// Done, with this.
    Done(T),
}

impl<T> Next<T> {
    /// The same step, with what it is done with turned into a result by `read`.
    ///
    /// # Errors
    ///
    /// What `read` fails with.
    #[cfg(feature = "npm")]
    pub fn then<U>(self, read: impl FnOnce(T) -> Result<U, Error>) -> Result<Next<U>, Error> {
        Ok(match self {
            Next::Send => Next::Send,
            Next::Pause(milliseconds) => Next::Pause(milliseconds),
            Next::Done(done) => Next::Done(read(done)?),
        })
    }
}

impl Exchange {
    /// The next step after `outcome`; an error when the exchange has failed for good.
    ///
    /// # Errors
    ///
    /// The caller's abort, the last attempt's failure or non-2xx answer when no retry is left.
    pub fn next(&mut self, outcome: Outcome) -> Result<Next<HttpAnswer>, Error> {
        let failure = match outcome {
            Outcome::Start | Outcome::Paused(true) => return self.send(),
            Outcome::Paused(false) => return Err(aborted(self.signal.as_ref())),
            Outcome::Attempt(result) => match self.read(&result) {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(Next::Done(answer)),
                Ok(answer) => error_from_answer(&answer),
                Err(error) => error,
            },
        };
        let random = js_sys::Math::random();
        match retry::decide(
            &failure,
            self.policy,
            self.retries,
            self.max_retries,
            random,
        ) {
            Decision::Stop => Err(failure),
            Decision::RetryAfter(milliseconds) => {
                self.retries += 1;
                Ok(Next::Pause(milliseconds))
            }
        }
    }

    /// Gives the exchange every retry again, for the next poll of `waitForConnection`.
    pub fn again(&mut self) {
        self.retries = 0;
    }

    /// The arguments of `transport.js`'s `attempt`: url, init, fetch, signal, timeout.
    #[cfg(feature = "npm")]
    pub fn attempt_arguments(&self) -> js_sys::Array {
        let array = js_sys::Array::of3(&self.url, &self.init, &self.fetch);
        array.push(&self.signal_value());
        array.push(&JsValue::from(self.timeout_ms));
        array
    }

    /// The caller's signal, or `undefined`.
    pub fn signal_value(&self) -> JsValue {
        self.signal
            .clone()
            .map_or(JsValue::UNDEFINED, JsValue::from)
    }

    /// Sending, unless the caller has aborted.
    fn send<T>(&self) -> Result<Next<T>, Error> {
        match caller_abort(self.signal.as_ref()) {
            Some(aborted) => Err(aborted),
            None => Ok(Next::Send),
        }
    }

    /// An attempt's result: the answer, or the error of the stage where it failed.
    fn read(&self, result: &JsValue) -> Result<HttpAnswer, Error> {
        let stage = property(result, "stage").as_f64();
        if let Some(status) = property(result, "status").as_f64() {
            // An answer with a stage is one whose `Retry-After` could not be read: that fails
            // the attempt only when `retry-after-ms` gives no hint (`Retry-After` is read then).
            let mut unreadable = false;
            let retry_after = retry_after_from_headers(|name| {
                unreadable = name == "retry-after" && stage.is_some();
                property(result, name).as_string()
            });
            if !unreadable {
                return Ok(HttpAnswer {
                    status: status as u16,
                    retry_after,
                    text: property(result, "text"),
                });
            }
        }
        Err(self.failure(stage.unwrap_or(5.0), property(result, "cause")))
    }

    /// The error of an attempt that failed at `stage` (0: its timeout): the caller's abort
    /// first, then the timeout, else `connection` with what failed.
    fn failure(&self, stage: f64, cause: JsValue) -> Error {
        if let Some(aborted) = caller_abort(self.signal.as_ref()) {
            return aborted;
        }
        if stage < 1.0 {
            let message = text!("no complete answer within ", self.timeout_ms, " ms");
            return Error::new(ErrorCode::Timeout, message);
        }
        let what = if stage < 2.0 {
            "fetch failed before sending the request"
        } else if stage < 3.0 {
            "the request failed: network error, CORS refusal, or a redirect"
        } else if stage < 4.0 {
            "the fetch function's Response could not be read"
        } else if stage < 5.0 {
            "the answer's body could not be read"
        } else {
            "the connection broke while reading the answer"
        };
        Error::new(ErrorCode::Connection, what).with_cause(cause)
    }
}

/// The `aborted` error when the caller's signal is aborted, with its reason as the cause.
pub fn caller_abort(signal: Option<&AbortSignal>) -> Option<Error> {
    let signal = signal?;
    if property(signal, "aborted").as_bool() != Some(true) {
        return None;
    }
    Some(
        Error::new(ErrorCode::Aborted, "the request was aborted")
            .with_cause(property(signal, "reason")),
    )
}

/// A state machine of requests that [`drive`] runs.
pub trait Machine {
    /// What it ends with.
    type Output;

    /// The next step after `outcome`.
    ///
    /// # Errors
    ///
    /// The call's failure.
    fn advance(&mut self, outcome: Outcome) -> Result<Next<Self::Output>, Error>;

    /// The exchange whose attempts the steps send.
    fn exchange(&self) -> &Exchange;
}

impl Machine for Exchange {
    type Output = HttpAnswer;

    fn advance(&mut self, outcome: Outcome) -> Result<Next<HttpAnswer>, Error> {
        self.next(outcome)
    }

    fn exchange(&self) -> &Exchange {
        self
    }
}

/// Aborts the pending attempt or pause when the future that runs it is dropped. Dropped after
/// the future has finished, it aborts a signal nobody listens to any more (an attempt and a
/// pause remove their listeners however they end).
struct AbortOnDrop(AbortController);

impl AbortOnDrop {
    /// A new controller, and the signal that tells `transport.js` the future was dropped.
    fn new() -> Result<(AbortOnDrop, AbortSignal), Error> {
        let controller = AbortController::new().map_err(|e| {
            Error::new(
                ErrorCode::Connection,
                "AbortController is not available here",
            )
            .with_cause(e)
        })?;
        let signal = controller.signal();
        Ok((AbortOnDrop(controller), signal))
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        // A plain reason: the request is dropped, nobody reads why.
        self.0.abort_with_reason(&JsValue::NULL);
    }
}

/// Runs a machine to its end with `transport.js`'s attempts and pauses (the Rust API's path).
/// Dropping the future aborts what is pending.
///
/// # Errors
///
/// The machine's failure.
pub async fn drive<M: Machine>(machine: &mut M) -> Result<M::Output, Error> {
    let (_on_drop, dropped) = AbortOnDrop::new()?;
    let mut outcome = Outcome::Start;
    loop {
        let step = machine.advance(outcome)?;
        let exchange = machine.exchange();
        outcome = match step {
            Next::Send => {
                let sent = js_attempt(
                    &exchange.url,
                    &exchange.init,
                    &exchange.fetch,
                    &exchange.signal_value(),
                    exchange.timeout_ms,
                    &dropped,
                );
                // An attempt never rejects.
                Outcome::Attempt(JsFuture::from(sent).await.unwrap_or(JsValue::UNDEFINED))
            }
            Next::Pause(milliseconds) => {
                let paused = js_pause(milliseconds, &exchange.signal_value(), &dropped);
                Outcome::Paused(slept(paused).await)
            }
            Next::Done(output) => return Ok(output),
        };
    }
}

/// Whether a `transport.js` pause ran its course.
async fn slept(pause: Promise) -> bool {
    JsFuture::from(pause).await.ok().and_then(|s| s.as_bool()) == Some(true)
}

/// Waits `milliseconds` (the Rust API's popup polling); the caller's abort ends it at once with
/// the `aborted` error. Dropping the future clears the timer.
///
/// # Errors
///
/// `aborted` when `signal` is or becomes aborted.
pub async fn sleep(milliseconds: u32, signal: Option<&AbortSignal>) -> Result<(), Error> {
    let (_on_drop, dropped) = AbortOnDrop::new()?;
    let signal_value = signal.cloned().map_or(JsValue::UNDEFINED, JsValue::from);
    if slept(js_pause(milliseconds, &signal_value, &dropped)).await {
        return Ok(());
    }
    Err(aborted(signal))
}

/// The caller's abort, or a plain one when a pause ended otherwise.
fn aborted(signal: Option<&AbortSignal>) -> Error {
    caller_abort(signal)
        .unwrap_or_else(|| Error::new(ErrorCode::Aborted, "the request was aborted"))
}

/// The headers for `fetchInit` as one string: each name and value on a line of its own (no
/// header name or value the package sends can hold a line break).
fn headers_for_fetch(headers: &[(String, String)]) -> String {
    let mut lines = String::new();
    for (name, value) in headers {
        if !lines.is_empty() {
            lines.push('\n');
        }
        lines.push_str(name);
        lines.push('\n');
        lines.push_str(value);
    }
    lines
}
