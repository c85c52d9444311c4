//! The only code that calls `fetch`: headers, per-attempt timeout covering the body, and
//! cancellation through the caller's `AbortSignal`.
//!
//! What `fetch` hands back is not trusted: a wrapped global fetch or the caller's own may return
//! anything, a Proxy of a Response whose getters throw among them. No JavaScript exception may
//! unwind through the wasm (nothing repairs its stack or its externref table after that), so the
//! answer is read through the guarded calls of `guard.rs` only, and every promise from outside is
//! adopted by a native one before it is awaited.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::error::{Error, ErrorCode};
use crate::guard;
use crate::guard::property;
use crate::headers::merge_headers;
use crate::options::{ApiKey, FetchOptions};
use crate::retry_hint::retry_after_from_headers;
use crate::timer::{caller_abort, clear_timeout, set_timeout};

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

/// Everything one attempt needs from the caller's settings.
#[derive(Debug)]
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
    /// Milliseconds the attempt may take, the body included.
    pub timeout_ms: u32,
}

/// Clears the attempt's timer and listener however the attempt ends.
/// Until the attempt has its whole answer, dropping it (a Rust caller dropping the call's
/// future) aborts the request.
struct AttemptCleanup {
    timer: Option<JsValue>,
    listener: Option<(AbortSignal, Function)>,
    pending: Option<AbortController>,
}

impl Drop for AttemptCleanup {
    fn drop(&mut self) {
        if let Some(controller) = self.pending.take() {
            // A plain reason: the request is dropped, nobody reads why.
            controller.abort_with_reason(&JsValue::NULL);
        }
        if let Some(timer) = self.timer.take() {
            clear_timeout(&timer);
        }
        if let Some((signal, listener)) = self.listener.take() {
            let _ = signal.remove_event_listener_with_callback("abort", &listener);
        }
    }
}

impl Transport<'_> {
    /// Sends one attempt and reads the whole body, within the timeout and the caller's signal.
    pub async fn attempt(&self, request: &HttpRequest) -> Result<HttpAnswer, Error> {
        if let Some(aborted) = caller_abort(self.signal.as_ref()) {
            return Err(aborted);
        }
        let controller = AbortController::new().map_err(|e| {
            Error::new(
                ErrorCode::Connection,
                "AbortController is not available here",
            )
            .with_cause(e)
        })?;
        let own_signal = controller.signal();
        let abort: Function = property(&controller, "abort").unchecked_into();
        // A fresh plain object marks our own timeout by identity; an Error would capture a
        // stack trace on every attempt.
        let timeout_reason: JsValue = js_sys::Object::new().into();
        let mut cleanup = AttemptCleanup {
            timer: None,
            listener: None,
            pending: Some(controller.clone()),
        };
        let timer_handler: Function = abort.bind1(&controller, &timeout_reason).unchecked_into();
        let timer = set_timeout(&timer_handler, self.timeout_ms)?;
        cleanup.timer = Some(timer);
        if let Some(signal) = &self.signal {
            let forward: Function = abort.bind0(&controller).unchecked_into();
            if signal
                .add_event_listener_with_callback("abort", &forward)
                .is_ok()
            {
                cleanup.listener = Some((signal.clone(), forward));
            }
        }
        let classify = |error: JsValue, what: &str| -> Error {
            if let Some(aborted) = caller_abort(self.signal.as_ref()) {
                return aborted;
            }
            if js_sys::Object::is(&own_signal.reason(), &timeout_reason) {
                let message = text!("no complete answer within ", self.timeout_ms, " ms");
                return Error::new(ErrorCode::Timeout, message);
            }
            Error::new(ErrorCode::Connection, what).with_cause(error)
        };

        // Everything from here runs in one block: however it ends, the attempt is over; only a
        // caller dropping the future mid-way leaves `pending` set, which aborts the request.
        let outcome = async {
            let init = self.build(request, &own_signal)?;
            // Every promise from outside races the attempt's own signal: a fetch that ignores the
            // signal (the caller's, or a wrapper around the global one) still ends at the timeout
            // or the caller's abort.
            let aborted = Promise::new(&mut |_resolve, reject| {
                let _ = own_signal.add_event_listener_with_callback("abort", &reject);
            });
            let settle = |value: &JsValue| -> Result<JsFuture, JsValue> {
                let promise = guard::resolve(value)?;
                Ok(JsFuture::from(Promise::race(&Array::of2(
                    &promise, &aborted,
                ))))
            };
            let sent = match &self.fetch {
                Some(fetch) => {
                    let url = JsValue::from_str(&request.url);
                    guard::call(fetch, &JsValue::UNDEFINED, &[&url, &init])
                }
                None => guard::fetch(&request.url, &init),
            };
            let sent = sent
                .and_then(|value| settle(&value))
                .map_err(|e| classify(e, "fetch failed before sending the request"))?;
            let response = sent.await.map_err(|e| {
                classify(
                    e,
                    "the request failed: network error, CORS refusal, or a redirect",
                )
            })?;
            let unreadable =
                |e: JsValue| classify(e, "the fetch function's Response could not be read");
            let status = read_status(&response).map_err(unreadable)?;
            let retry_after = if (200..300).contains(&status) {
                None
            } else {
                read_retry_hint(&response).map_err(unreadable)?
            };
            let body = guard::get(&response, "text")
                .and_then(|text| text.dyn_into::<Function>().map_err(|_| JsValue::UNDEFINED))
                .and_then(|text| guard::call(&text, &response, &[]))
                .and_then(|promise| settle(&promise))
                .map_err(|e| classify(e, "the answer's body could not be read"))?;
            let text = body
                .await
                .map_err(|e| classify(e, "the connection broke while reading the answer"))?;
            Ok(HttpAnswer {
                status,
                retry_after,
                text: if text.is_string() {
                    text
                } else {
                    JsValue::from_str("")
                },
            })
        }
        .await;
        cleanup.pending = None;
        drop(cleanup);
        outcome
    }

    /// The `fetch` init, a plain object: method, headers, body, `cache: "no-store"` for GETs,
    /// `redirect: "error"`, the attempt's signal and the caller's `fetchOptions` (already checked
    /// against the values `fetch` accepts).
    fn build(&self, request: &HttpRequest, signal: &AbortSignal) -> Result<JsValue, Error> {
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
        Ok(guard::fetch_init(
            request.method.as_str(),
            &headers_for_fetch(&headers),
            request.body.as_ref().unwrap_or(&JsValue::UNDEFINED),
            request.method == Method::Get,
            signal,
            options.credentials.as_deref(),
            options.mode.as_deref(),
            options.referrer.as_deref(),
            options.referrer_policy.as_deref(),
            options.integrity.as_deref(),
        ))
    }
}

/// The answer's status: an integer from 200 to 599, read without trusting the object.
fn read_status(response: &JsValue) -> Result<u16, JsValue> {
    if !response.is_object() {
        return Err(JsValue::from_str(
            "the fetch function did not return a Response",
        ));
    }
    match guard::get(response, "status")?.as_f64() {
        Some(status) if crate::num::is_integer(status) && (200.0..=599.0).contains(&status) => {
            Ok(status as u16)
        }
        _ => Err(JsValue::from_str("the Response has no HTTP status")),
    }
}

/// The retry hint of an answer's headers; an error when the headers cannot be read.
fn read_retry_hint(response: &JsValue) -> Result<Option<f64>, JsValue> {
    let headers = guard::get(response, "headers")?;
    let get: Function = guard::get(&headers, "get")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("the Response's headers have no get method"))?;
    let mut failure = None;
    let hint = retry_after_from_headers(|name| {
        match guard::call(&get, &headers, &[&JsValue::from_str(name)]) {
            Ok(value) if value.is_null() || value.is_undefined() => None,
            Ok(value) => value.as_string().or_else(|| {
                failure = Some(JsValue::from_str("a Response header is not a string"));
                None
            }),
            Err(error) => {
                failure = Some(error);
                None
            }
        }
    });
    match failure {
        Some(error) => Err(error),
        None => Ok(hint),
    }
}

/// The headers as `fetch` reads them fastest: a plain record, read as properties, where a
/// `Headers` object is read through its iterator entry by entry. The record has no prototype,
/// so a header named like an object property (`constructor`, `__proto__`) is an own key.
fn headers_for_fetch(headers: &[(String, String)]) -> js_sys::Object {
    let record: js_sys::Object = js_sys::Object::create(JsValue::NULL.unchecked_ref());
    for (name, value) in headers {
        let _ = js_sys::Reflect::set(&record, &name.into(), &value.into());
    }
    record
}
