//! The API operations: each builds its HTTP request, sends it, and checks the answer.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};

use crate::answer::{json_or_error, json_or_error_both};
use crate::answers::CreatedConnection;
use crate::connection_params::WaitOptions;
use crate::error::{Error, ErrorCode};
use crate::input::Reader;
use crate::options::{ClientConfig, RequestConfig};
use crate::request::CreateCall;
use crate::response::parse_create_response;
use crate::retry::RetryPolicy;
use crate::shapes;
use crate::transport::{
    drive, Exchange, HttpAnswer, HttpRequest, Machine, Method, Next, Outcome, Transport,
};
use crate::value::Value;

/// `JSON.stringify` of a JavaScript value; the text stays a JavaScript string.
pub fn stringify(value: &JsValue) -> Result<JsValue, Error> {
    crate::guard::json_stringify(value)
        .ok()
        .filter(JsValue::is_string)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRequest,
                "the request could not be encoded as JSON",
            )
        })
}

/// A checked client and the call's own settings: everything needed to send requests.
#[derive(Debug)]
pub struct Session<'a> {
    /// The client's settings.
    pub client: ClientConfig,
    /// This call's settings.
    pub request: RequestConfig,
    /// The reader that kept the caller's functions and signals.
    pub reader: &'a Reader,
}

/// What goes on the wire for one operation.
#[derive(Debug)]
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

    /// `{ method, path, body?, accept }`: the request as the server half's proxy forwards it.
    #[cfg(feature = "npm")]
    pub fn describe(&self) -> JsValue {
        let body = self.body.clone().unwrap_or(JsValue::UNDEFINED);
        crate::js_object::JsObject::new()
            .set("method", &JsValue::from_str(self.method.as_str()))
            .set("path", &JsValue::from_str(&self.path))
            .set("body", &body)
            .set("accept", &JsValue::from_str(self.accept))
            .build()
    }

    /// The same request under another retry rule.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Outgoing {
        self.retry = retry;
        self
    }
}

/// How an operation's 2xx answer becomes its result.
#[derive(Debug, Clone, Copy)]
pub enum AnswerKind {
    /// JSON checked by the function, then passed through as parsed.
    Checked(fn(&Value) -> Result<(), Error>),
    /// JSON of what was deleted: one object (older deployments) or an array; always an array.
    Deleted,
    /// The body's text itself.
    Text,
}

/// One operation other than create, ready to send: its request and how its answer is read.
#[derive(Debug)]
pub struct Operation {
    /// The request.
    pub outgoing: Outgoing,
    /// How its answer is read.
    pub answer: AnswerKind,
}

impl Operation {
    /// `method /v3/connections/{target}{rest}`, answered as `answer` says (plain text for
    /// [`AnswerKind::Text`], JSON otherwise): the one place an operation's request is built.
    #[inline(never)]
    fn new(
        method: Method,
        target: &str,
        rest: &str,
        body: Option<JsValue>,
        answer: AnswerKind,
    ) -> Self {
        let path = text!("/v3/connections/", target, rest);
        let outgoing = match answer {
            AnswerKind::Text => Outgoing::text(method, path, body),
            _ => Outgoing::json(method, path, body),
        };
        Operation { outgoing, answer }
    }

    /// `POST /v3/connections/list`.
    pub fn list(body: JsValue) -> Self {
        let answer = AnswerKind::Checked(shapes::check_connections);
        Self::new(Method::Post, "list", "", Some(body), answer)
    }

    /// `GET /v3/connections/{connectionId}`.
    pub fn get_by_id(id: &str) -> Self {
        let answer = AnswerKind::Checked(check_one_connection);
        Self::new(Method::Get, id, "", None, answer)
    }

    /// `POST /v3/connections/{provider}/connection`.
    pub fn get_by_tag(provider: &str, body: JsValue) -> Self {
        let answer = AnswerKind::Checked(check_one_connection);
        Self::new(Method::Post, provider, "/connection", Some(body), answer)
    }

    /// `DELETE /v3/connections/{connectionId}?deleteDocuments=...`.
    pub fn delete_by_id(id: &str, delete_documents: bool) -> Self {
        let query = if delete_documents {
            "?deleteDocuments=true"
        } else {
            "?deleteDocuments=false"
        };
        Self::new(Method::Delete, id, query, None, AnswerKind::Deleted)
    }

    /// `DELETE /v3/connections/{provider}` with the container tags.
    pub fn delete_by_provider(provider: &str, body: JsValue) -> Self {
        Self::new(
            Method::Delete,
            provider,
            "",
            Some(body),
            AnswerKind::Deleted,
        )
    }

    /// `POST /v3/connections/{provider}/import`: resolves to the answer's text.
    pub fn import(provider: &str, body: JsValue) -> Self {
        Self::new(
            Method::Post,
            provider,
            "/import",
            Some(body),
            AnswerKind::Text,
        )
    }

    /// `POST /v3/connections/{provider}/documents`.
    pub fn list_documents(provider: &str, body: JsValue) -> Self {
        let answer = AnswerKind::Checked(shapes::check_documents);
        Self::new(Method::Post, provider, "/documents", Some(body), answer)
    }

    /// `GET /v3/connections/{connectionId}/resources`.
    pub fn resources(id: &str, query: &str) -> Self {
        let answer = AnswerKind::Checked(shapes::check_resources);
        Self::new(Method::Get, id, &text!("/resources", query), None, answer)
    }

    /// `POST /v3/connections/{connectionId}/configure`.
    pub fn configure(id: &str, body: JsValue) -> Self {
        let answer = AnswerKind::Checked(shapes::check_configured);
        Self::new(Method::Post, id, "/configure", Some(body), answer)
    }
}

/// Reads an operation's 2xx answer as its kind says.
pub fn read_answer(kind: AnswerKind, answer: &HttpAnswer) -> Result<JsValue, Error> {
    let check = match kind {
        AnswerKind::Text => return Ok(answer.text.clone()),
        AnswerKind::Deleted => None,
        AnswerKind::Checked(check) => Some(check),
    };
    let (raw, value) = json_or_error_both(answer)?;
    let with_status = |e: Error| e.with_status(answer.status);
    match check {
        Some(check) => check(&value).map_err(with_status).map(|()| raw),
        None if shapes::check_deleted(&value).map_err(with_status)? => {
            Ok(js_sys::Array::of1(&raw).into())
        }
        None => Ok(raw),
    }
}

/// One connection object at the top of the answer.
fn check_one_connection(value: &Value) -> Result<(), Error> {
    shapes::check_connection(value, "")
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
            signal: self
                .request
                .signal
                .map(|h| self.reader.kept(h).unchecked_into()),
            timeout_ms: self.request.timeout_ms.unwrap_or(self.client.timeout_ms),
            max_retries: self.request.max_retries.unwrap_or(self.client.max_retries),
        }
    }

    /// The exchange of one request, with this call's settings.
    pub fn exchange(&self, outgoing: &Outgoing) -> Exchange {
        let request = HttpRequest {
            method: outgoing.method,
            url: text!(self.client.base_url, outgoing.path),
            body: outgoing.body.clone(),
            accept: outgoing.accept,
        };
        self.transport().exchange(&request, outgoing.retry)
    }

    /// Sends one operation's request, retrying as the policy allows; resolves to a 2xx answer.
    pub async fn send(&self, outgoing: Outgoing) -> Result<HttpAnswer, Error> {
        drive(&mut self.exchange(&outgoing)).await
    }

    /// Sends an operation's request and reads its 2xx answer as the operation says.
    pub async fn run(&self, operation: Operation) -> Result<JsValue, Error> {
        let answer = self.send(operation.outgoing).await?;
        read_answer(operation.answer, &answer)
    }

    /// Polls `GET /v3/connections/{connectionId}` until its sync has ended.
    pub async fn wait_for_connection(
        &self,
        id: &str,
        wait: &WaitOptions,
    ) -> Result<JsValue, Error> {
        drive(&mut self.polling(id, wait)).await
    }

    /// `waitForConnection`'s polls of the connection `id`.
    pub fn polling(&self, id: &str, wait: &WaitOptions) -> Polling {
        Polling {
            exchange: self.exchange(&Operation::get_by_id(id).outgoing),
            started: js_sys::Date::now(),
            max_wait_ms: wait.max_wait_ms,
            interval_ms: wait.interval_ms,
        }
    }
}

/// `waitForConnection`: polls a connection (each poll with its own retries) until its sync has
/// ended, or `maxWait` has passed.
#[derive(Debug)]
pub struct Polling {
    exchange: Exchange,
    started: f64,
    max_wait_ms: u32,
    interval_ms: u32,
}

impl Machine for Polling {
    type Output = JsValue;

    fn advance(&mut self, outcome: Outcome) -> Result<Next<JsValue>, Error> {
        let answer = match self.exchange.next(outcome)? {
            Next::Done(answer) => answer,
            Next::Send => return Ok(Next::Send),
            Next::Pause(milliseconds) => return Ok(Next::Pause(milliseconds)),
        };
        let (raw, value) = json_or_error_both(&answer)?;
        check_one_connection(&value).map_err(|e| e.with_status(answer.status))?;
        if shapes::sync_finished(&value) {
            return Ok(Next::Done(raw));
        }
        let elapsed = js_sys::Date::now() - self.started;
        let left = f64::from(self.max_wait_ms) - elapsed;
        if left <= 0.0 {
            return Err(Error::new(
                ErrorCode::Timeout,
                text!(
                    "the connection's sync did not end within maxWait (",
                    self.max_wait_ms,
                    " ms)"
                ),
            ));
        }
        let pause = self.interval_ms.min(crate::num::ceil_u32(left));
        self.exchange.again();
        Ok(Next::Pause(pause))
    }

    fn exchange(&self) -> &Exchange {
        &self.exchange
    }
}

/// `POST /v3/connections/{provider}`.
pub async fn create(call: CreateCall, reader: &Reader) -> Result<CreatedConnection, Error> {
    let outgoing = create_outgoing(&call)?;
    let session = Session {
        client: call.client,
        request: call.request,
        reader,
    };
    read_created(&session.send(outgoing).await?)
}

/// Reads the 2xx answer of a create.
pub fn read_created(answer: &HttpAnswer) -> Result<CreatedConnection, Error> {
    let value = json_or_error(answer)?;
    parse_create_response(&value).map_err(|e| e.with_status(answer.status))
}

/// The request of a checked create call.
pub fn create_outgoing(call: &CreateCall) -> Result<Outgoing, Error> {
    let path = text!("/v3/connections/", call.provider.as_str());
    // A pending OAuth connection is harmless to create twice; one that is live at once is not.
    let retry = if call.provider.uses_oauth() {
        RetryPolicy::Standard
    } else {
        RetryPolicy::LiveCreate
    };
    Ok(Outgoing::json(Method::Post, path, Some(stringify(&call.body.to_js())?)).with_retry(retry))
}
