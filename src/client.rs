//! The only code that calls `fetch`: headers, per-attempt timeout covering the body, and
//! cancellation through the caller's `AbortSignal`.

use gloo_net::http::RequestBuilder;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, ReferrerPolicy, RequestCache, RequestCredentials, RequestMode,
    RequestRedirect,
};

use crate::error::{Error, ErrorCode};
use crate::headers::merge_headers;
use crate::options::{ApiKey, FetchOptions};
use crate::timer::{caller_abort, clear_timeout, property, set_timeout};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;
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
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The JSON body, if any.
    pub body: Option<String>,
    /// The `Accept` header.
    pub accept: &'static str,
}

/// What came back: the status, the headers and the whole body as text.
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: gloo_net::http::Headers,
    /// The body as text.
    pub text: String,
}

/// Everything one attempt needs from the caller's settings.
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
        let aborted = Promise::new(&mut |_resolve, reject| {
            let _ = own_signal.add_event_listener_with_callback("abort", &reject);
        });
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

        let raw = self.build(request, &own_signal)?;
        let sent = match &self.fetch {
            Some(fetch) => fetch
                .call1(&JsValue::UNDEFINED, &raw)
                .map(|p| Promise::resolve(&p)),
            None => global_fetch(&raw),
        }
        .map_err(|e| classify(e, "fetch failed before sending the request"))?;
        let response = JsFuture::from(Promise::race(&Array::of2(&sent, &aborted)))
            .await
            .map_err(|e| {
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
        let text = JsFuture::from(Promise::race(&Array::of2(&body, &aborted)))
            .await
            .map_err(|e| classify(e, "the connection broke while reading the answer"))?;
        drop(cleanup);
        Ok(HttpAnswer {
            status,
            headers: gloo_net::http::Response::from(response).headers(),
            text: text.as_string().unwrap_or_default(),
        })
    }

    fn build(
        &self,
        request: &HttpRequest,
        signal: &AbortSignal,
    ) -> Result<web_sys::Request, Error> {
        let method = match request.method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
            Method::Delete => gloo_net::http::Method::DELETE,
        };
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .cache(RequestCache::NoStore)
            .redirect(RequestRedirect::Error)
            .abort_signal(Some(signal));
        let headers = merge_headers(
            request.accept,
            request.body.is_some(),
            self.api_key.map(ApiKey::expose),
            self.default_headers,
        );
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        builder = self.apply_fetch_options(builder);
        let built = match &request.body {
            Some(body) => builder.body(JsValue::from_str(body)),
            None => builder.build(),
        };
        built.map(Into::into).map_err(|_| {
            Error::invalid(
                "fetchOptions",
                "the request could not be built from these fetchOptions",
            )
        })
    }

    fn apply_fetch_options(&self, mut builder: RequestBuilder) -> RequestBuilder {
        let options = self.fetch_options;
        let js = |text: &Option<String>| text.as_deref().map(JsValue::from_str);
        if let Some(credentials) =
            js(&options.credentials).and_then(|v| RequestCredentials::from_js_value(&v))
        {
            builder = builder.credentials(credentials);
        }
        if let Some(mode) = js(&options.mode).and_then(|v| RequestMode::from_js_value(&v)) {
            builder = builder.mode(mode);
        }
        if let Some(referrer) = &options.referrer {
            builder = builder.referrer(referrer);
        }
        if let Some(policy) =
            js(&options.referrer_policy).and_then(|v| ReferrerPolicy::from_js_value(&v))
        {
            builder = builder.referrer_policy(policy);
        }
        if let Some(integrity) = &options.integrity {
            builder = builder.integrity(integrity);
        }
        builder
    }
}
