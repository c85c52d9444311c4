//! The only code that calls `fetch`: headers, per-attempt timeout covering the body, and
//! cancellation through the caller's `AbortSignal`.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit,
    RequestMode, RequestRedirect,
};

use crate::error::{Error, ErrorCode};
use crate::headers::merge_headers;
use crate::options::{ApiKey, FetchOptions};
use crate::timer::{caller_abort, clear_timeout, property, set_timeout};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
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

/// What came back: the status, the headers and the whole body as text.
#[derive(Debug)]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: gloo_net::http::Headers,
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
struct AttemptCleanup {
    timer: Option<JsValue>,
    listener: Option<(AbortSignal, Function)>,
}

impl Drop for AttemptCleanup {
    fn drop(&mut self) {
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
                let message = format!("no complete answer within {} ms", self.timeout_ms);
                return Error::new(ErrorCode::Timeout, message);
            }
            Error::new(ErrorCode::Connection, what).with_cause(error)
        };

        let init = self.build(request, &own_signal)?;
        // The platform's fetch ends the request and the body at once when the signal aborts; a
        // caller's own fetch may ignore the signal, so its promises race it.
        let (sent, aborted) = match &self.fetch {
            Some(fetch) => {
                let aborted = Promise::new(&mut |_resolve, reject| {
                    let _ = own_signal.add_event_listener_with_callback("abort", &reject);
                });
                let url = JsValue::from_str(&request.url);
                let sent = fetch
                    .call2(&JsValue::UNDEFINED, &url, &init)
                    .map(|p| Promise::resolve(&p));
                (sent, Some(aborted))
            }
            None => (global_fetch(&request.url, &init), None),
        };
        let until_aborted = |promise: Promise| match &aborted {
            Some(aborted) => Promise::race(&Array::of2(&promise, aborted)),
            None => promise,
        };
        let sent = sent.map_err(|e| classify(e, "fetch failed before sending the request"))?;
        let response = JsFuture::from(until_aborted(sent)).await.map_err(|e| {
            classify(
                e,
                "the request failed: network error, CORS refusal, or a redirect",
            )
        })?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| {
            Error::new(
                ErrorCode::Connection,
                "the fetch function did not return a Response",
            )
        })?;
        let status = response.status();
        let body = response
            .text()
            .map_err(|e| classify(e, "the answer's body could not be read"))?;
        let text = JsFuture::from(until_aborted(body))
            .await
            .map_err(|e| classify(e, "the connection broke while reading the answer"))?;
        drop(cleanup);
        Ok(HttpAnswer {
            status,
            headers: gloo_net::http::Headers::from_raw(response.headers()),
            text: if text.is_string() {
                text
            } else {
                JsValue::from_str("")
            },
        })
    }

    /// The `fetch` init: method, headers, body, `cache: "no-store"`, `redirect: "error"`, the
    /// attempt's signal and the caller's `fetchOptions`.
    fn build(&self, request: &HttpRequest, signal: &AbortSignal) -> Result<RequestInit, Error> {
        let init = RequestInit::new();
        init.set_method(match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        });
        let headers = merge_headers(
            request.accept,
            request.body.is_some(),
            self.api_key.map(ApiKey::expose),
            self.default_headers,
        );
        init.set_headers(&headers_for_fetch(&headers));
        if let Some(body) = &request.body {
            init.set_body(body);
        }
        init.set_cache(RequestCache::NoStore);
        init.set_redirect(RequestRedirect::Error);
        init.set_signal(Some(signal));
        self.apply_fetch_options(&init);
        Ok(init)
    }

    fn apply_fetch_options(&self, init: &RequestInit) {
        let options = self.fetch_options;
        let js = |text: &Option<String>| text.as_deref().map(JsValue::from_str);
        if let Some(credentials) =
            js(&options.credentials).and_then(|v| RequestCredentials::from_js_value(&v))
        {
            init.set_credentials(credentials);
        }
        if let Some(mode) = js(&options.mode).and_then(|v| RequestMode::from_js_value(&v)) {
            init.set_mode(mode);
        }
        if let Some(referrer) = &options.referrer {
            init.set_referrer(referrer);
        }
        if let Some(policy) =
            js(&options.referrer_policy).and_then(|v| ReferrerPolicy::from_js_value(&v))
        {
            init.set_referrer_policy(policy);
        }
        if let Some(integrity) = &options.integrity {
            init.set_integrity(integrity);
        }
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
