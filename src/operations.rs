//! The API operations: each builds its HTTP request, sends it, and checks the answer.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::answer::{error_from_answer, json_or_error, json_or_error_both};
use crate::client::{HttpAnswer, HttpRequest, Method, Transport};
use crate::connection_params::WaitOptions;
use crate::error::{Error, ErrorCode};
use crate::input::Reader;
use crate::options::{ClientConfig, RequestConfig};
use crate::request::CreateCall;
use crate::response::{parse_create_response, ConnectionCreateResponse};
use crate::retry::{self, Decision, RetryPolicy};
use crate::shapes;
use crate::timer::sleep;
use crate::value::Value;

/// Converts Rust values to JavaScript: maps as plain objects, `None` as `null`.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|_| {
        Error::new(
            ErrorCode::InvalidRequest,
            "the request could not be encoded",
        )
    })
}

/// Encodes a request body as JSON text.
pub fn to_json<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    stringify(&to_js(value)?)
}

/// `JSON.stringify` of a JavaScript value; the text stays a JavaScript string.
pub fn stringify(value: &JsValue) -> Result<JsValue, Error> {
    js_sys::JSON::stringify(value)
        .ok()
        .map(JsValue::from)
        .filter(JsValue::is_string)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRequest,
                "the request could not be encoded as JSON",
            )
        })
}

/// A checked client and the call's own settings: everything needed to send requests.
pub struct Session<'a> {
    /// The client's settings.
    pub client: ClientConfig,
    /// This call's settings.
    pub request: RequestConfig,
    /// The reader that kept the caller's functions and signals.
    pub reader: &'a Reader,
}

/// What goes on the wire for one operation.
pub struct Outgoing {
    method: Method,
    path: String,
    body: Option<JsValue>,
    accept: &'static str,
    retry: RetryPolicy,
}

impl Outgoing {
    /// A request expecting JSON.
    pub fn json(method: Method, path: String, body: Option<JsValue>) -> Outgoing {
        Outgoing {
            method,
            path,
            body,
            accept: "application/json",
            retry: RetryPolicy::Standard,
        }
    }

    /// A request expecting plain text (import).
    pub fn text(method: Method, path: String, body: Option<JsValue>) -> Outgoing {
        Outgoing {
            method,
            path,
            body,
            accept: "text/plain",
            retry: RetryPolicy::Standard,
        }
    }

    /// The same request under another retry rule.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Outgoing {
        self.retry = retry;
        self
    }
}

impl Session<'_> {
    fn transport(&self) -> Transport<'_> {
        Transport {
            api_key: self.client.api_key.as_ref(),
            default_headers: &self.client.default_headers,
            fetch_options: &self.client.fetch_options,
            fetch: self
                .client
                .fetch
                .map(|h| self.reader.kept(h).unchecked_into()),
            signal: self.signal(),
            timeout_ms: self.request.timeout_ms.unwrap_or(self.client.timeout_ms),
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.request
            .signal
            .map(|h| self.reader.kept(h).unchecked_into())
    }

    /// Sends one operation's request, retrying as the policy allows; resolves to a 2xx answer.
    pub async fn send(&self, outgoing: Outgoing) -> Result<HttpAnswer, Error> {
        let request = HttpRequest {
            method: outgoing.method,
            url: format!("{}{}", self.client.base_url, outgoing.path),
            body: outgoing.body,
            accept: outgoing.accept,
        };
        let transport = self.transport();
        let max_retries = self.request.max_retries.unwrap_or(self.client.max_retries);
        let mut retries = 0;
        loop {
            let failure = match transport.attempt(&request).await {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => error_from_answer(&answer),
                Err(error) => error,
            };
            let random = js_sys::Math::random();
            match retry::decide(&failure, outgoing.retry, retries, max_retries, random) {
                Decision::Stop => return Err(failure),
                Decision::RetryAfter(wait_ms) => {
                    sleep(wait_ms, transport.signal.as_ref()).await?;
                    retries += 1;
                }
            }
        }
    }

    /// Sends a request whose 2xx answer is JSON, checks it with `check`, and passes it through.
    async fn send_checked(
        &self,
        outgoing: Outgoing,
        check: fn(&Value) -> Result<(), Error>,
    ) -> Result<JsValue, Error> {
        let answer = self.send(outgoing).await?;
        let (raw, value) = json_or_error_both(&answer)?;
        check(&value).map_err(|e| e.with_status(answer.status))?;
        Ok(raw)
    }

    /// `POST /v3/connections/list`.
    pub async fn list(&self, body: JsValue) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(Method::Post, "/v3/connections/list".into(), Some(body));
        self.send_checked(outgoing, shapes::check_connections).await
    }

    /// `GET /v3/connections/{connectionId}`.
    pub async fn get_by_id(&self, id: &str) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(Method::Get, format!("/v3/connections/{id}"), None);
        self.send_checked(outgoing, |v| shapes::check_connection(v, ""))
            .await
    }

    /// `POST /v3/connections/{provider}/connection`.
    pub async fn get_by_tag(&self, provider: &str, body: JsValue) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(
            Method::Post,
            format!("/v3/connections/{provider}/connection"),
            Some(body),
        );
        self.send_checked(outgoing, |v| shapes::check_connection(v, ""))
            .await
    }

    /// `DELETE /v3/connections/{x}`: by id (with `deleteDocuments`) or by provider (with a body).
    /// Always resolves to an array.
    pub async fn delete(&self, outgoing: Outgoing) -> Result<JsValue, Error> {
        let answer = self.send(outgoing).await?;
        let (raw, value) = json_or_error_both(&answer)?;
        let single = shapes::check_deleted(&value).map_err(|e| e.with_status(answer.status))?;
        Ok(if single {
            js_sys::Array::of1(&raw).into()
        } else {
            raw
        })
    }

    /// `POST /v3/connections/{provider}/import`: resolves to the answer's text.
    pub async fn import(&self, provider: &str, body: JsValue) -> Result<JsValue, Error> {
        let outgoing = Outgoing::text(
            Method::Post,
            format!("/v3/connections/{provider}/import"),
            Some(body),
        );
        let answer = self.send(outgoing).await?;
        Ok(answer.text)
    }

    /// `POST /v3/connections/{provider}/documents`.
    pub async fn list_documents(&self, provider: &str, body: JsValue) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(
            Method::Post,
            format!("/v3/connections/{provider}/documents"),
            Some(body),
        );
        self.send_checked(outgoing, shapes::check_documents).await
    }

    /// `GET /v3/connections/{connectionId}/resources`.
    pub async fn resources(&self, id: &str, query: &str) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(
            Method::Get,
            format!("/v3/connections/{id}/resources{query}"),
            None,
        );
        self.send_checked(outgoing, shapes::check_resources).await
    }

    /// `POST /v3/connections/{connectionId}/configure`.
    pub async fn configure(&self, id: &str, body: JsValue) -> Result<JsValue, Error> {
        let outgoing = Outgoing::json(
            Method::Post,
            format!("/v3/connections/{id}/configure"),
            Some(body),
        );
        self.send_checked(outgoing, shapes::check_configured).await
    }

    /// Polls `GET /v3/connections/{connectionId}` until its sync has ended.
    pub async fn wait_for_connection(
        &self,
        id: &str,
        wait: &WaitOptions,
    ) -> Result<JsValue, Error> {
        let started = js_sys::Date::now();
        let signal = self.signal();
        loop {
            let outgoing = Outgoing::json(Method::Get, format!("/v3/connections/{id}"), None);
            let answer = self.send(outgoing).await?;
            let (raw, value) = json_or_error_both(&answer)?;
            shapes::check_connection(&value, "").map_err(|e| e.with_status(answer.status))?;
            if shapes::sync_finished(&value) {
                return Ok(raw);
            }
            let elapsed = js_sys::Date::now() - started;
            let left = f64::from(wait.max_wait_ms) - elapsed;
            if left <= 0.0 {
                return Err(Error::new(
                    ErrorCode::Timeout,
                    format!(
                        "the connection's sync did not end within maxWait ({} ms)",
                        wait.max_wait_ms
                    ),
                ));
            }
            sleep(wait.interval_ms.min(left.ceil() as u32), signal.as_ref()).await?;
        }
    }
}

/// `POST /v3/connections/{provider}`.
pub async fn create(call: CreateCall, reader: &Reader) -> Result<ConnectionCreateResponse, Error> {
    let session = Session {
        client: call.client,
        request: call.request,
        reader,
    };
    let path = format!("/v3/connections/{}", call.provider.as_str());
    // A pending OAuth connection is harmless to create twice; one that is live at once is not.
    let retry = if call.provider.uses_oauth() {
        RetryPolicy::Standard
    } else {
        RetryPolicy::LiveCreate
    };
    let outgoing = Outgoing::json(Method::Post, path, Some(to_json(&call.body)?)).with_retry(retry);
    let answer = session.send(outgoing).await?;
    let value = json_or_error(&answer)?;
    parse_create_response(&value).map_err(|e| e.with_status(answer.status))
}
