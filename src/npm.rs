//! The `#[wasm_bindgen]` exports of the npm package: each reads its JavaScript arguments, runs
//! the library, and hands back a JavaScript value or an error record.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::allow_list::AllowedEntry;
use crate::answers::CreatedConnection;
use crate::error::{self, Error};
use crate::input::Reader;
use crate::js_object::JsObject;
use crate::provider::Provider;
use crate::request::CreateCall;
use crate::transport::{drive, Exchange, HttpAnswer, Machine, Next, Outcome};
use crate::url::{detect_environment, PlatformUrls};
use crate::value::Value;
use crate::{allow_list, connection_params, oauth, operations, options, path, request, rules};

/// How deep option objects are read: the options, then `metadata` or `containerTags`.
const OPTIONS_DEPTH: u8 = 2;

/// Reads the provider, checked before anything else, and the options object.
fn read_provider_and_options(
    reader: &mut Reader,
    provider: &JsValue,
    options: &JsValue,
) -> Result<(Value, Value), Error> {
    let provider = reader.read_argument(provider, "provider", 0)?;
    Provider::parse(&provider)?;
    let options = reader.read_argument(options, "options", OPTIONS_DEPTH)?;
    Ok((provider, options))
}

/// Reads and checks a call, synchronously, and hands back the [`Call`] that the JavaScript
/// layer runs with `transport.js` (a throw, with an error record, when an argument is refused).
/// `operation` is the operation's number (its place in `OPERATIONS`); an unknown number is an
/// `invalid_request`.
///
/// - `createConnection`, `startOAuth` and `connectInPopup`: `first` is the provider, `second`
///   the options (`connectInPopup`: `third` the popup window, or `null`).
/// - `create`: `client` is the client's options, `first` the provider, `second` the create
///   parameters, `third` the request options.
/// - every other operation of `client.connections`: `client` is the client's options, then the
///   operation's arguments (`list` takes its parameters first), `third` the request options.
#[wasm_bindgen]
pub fn run(
    operation: u32,
    client: JsValue,
    first: JsValue,
    second: JsValue,
    third: JsValue,
) -> Result<Call, JsValue> {
    let mut reader = Reader::new();
    plan(operation, &mut reader, [&client, &first, &second, &third])
        .and_then(|plan| Call::new(plan, &reader))
        .map_err(Error::into_js)
}

/// Checks a call as [`run`] does and hands back the request it would send, `{ method, path,
/// body?, accept }`, instead of a call (the server half's proxy).
#[wasm_bindgen]
pub fn describe(
    operation: u32,
    client: JsValue,
    first: JsValue,
    second: JsValue,
    third: JsValue,
) -> Result<JsValue, JsValue> {
    let mut reader = Reader::new();
    plan(operation, &mut reader, [&client, &first, &second, &third])
        .and_then(|plan| describe_plan(&plan))
        .map_err(Error::into_js)
}

/// Runs a call from Rust as the JavaScript layer does, with the Rust API's driver (the browser
/// tests of the exports).
pub async fn run_async(
    operation: u32,
    client: JsValue,
    first: JsValue,
    second: JsValue,
    third: JsValue,
) -> Result<JsValue, JsValue> {
    let mut call = run(operation, client, first, second, third)?;
    drive(&mut call).await.map_err(Error::into_js)
}

/// The request a checked call would send: `{ method, path, body?, accept }`.
fn describe_plan(plan: &Plan) -> Result<JsValue, Error> {
    Ok(match plan {
        Plan::Create { call, .. } => operations::create_outgoing(call)?.describe(),
        Plan::Send(_, Sending::Operation(operation)) => operation.outgoing.describe(),
        Plan::Send(_, Sending::Wait(id, _)) => {
            operations::Operation::get_by_id(id).outgoing.describe()
        }
    })
}

/// `createConnection(provider, options)`: client options, create parameters and request options
/// in one object. Resolves to the created connection; rejects with an error record.
pub async fn create_connection(provider: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let none = JsValue::UNDEFINED;
    run_async(
        Op::CreateConnection as u32,
        none.clone(),
        provider,
        options,
        none,
    )
    .await
}

/// `client.connections.create(provider, params, requestOptions)` for a client made with
/// `clientOptions`. Resolves to the created connection; rejects with an error record.
pub async fn connections_create(
    client_options: JsValue,
    provider: JsValue,
    params: JsValue,
    request_options: JsValue,
) -> Result<JsValue, JsValue> {
    run_async(
        Op::Create as u32,
        client_options,
        provider,
        params,
        request_options,
    )
    .await
}

/// A call whose arguments passed every rule: what [`execute`] sends.
enum Plan {
    /// Create a connection, then what the export does with it.
    Create { call: CreateCall, then: AfterCreate },
    /// Any other operation of `client.connections`, with the client's and the call's settings.
    Send(Checked, Sending),
}

/// What follows a create.
enum AfterCreate {
    /// `createConnection`, `client.connections.create`: the created connection.
    Plain,
    /// `startOAuth`: for an OAuth provider (a nonce), the page goes to the checked `authLink`.
    Start(Option<String>, Vec<AllowedEntry>),
    /// `connectInPopup`: for an OAuth provider, the popup's round trip; for the others, done.
    Popup(Option<PopupFlow>),
}

/// A popup round trip: the nonce kept in the opener's memory, the allow-list and the longest
/// wait (the JavaScript layer holds the window).
struct PopupFlow {
    nonce: String,
    allowed: Vec<AllowedEntry>,
    max_wait_ms: u32,
    /// The call's signal, or `undefined`.
    signal: JsValue,
}

/// What a call other than create sends.
enum Sending {
    /// One request of an operation.
    Operation(operations::Operation),
    /// `waitForConnection`: polls the connection until its sync has ended.
    Wait(String, connection_params::WaitOptions),
}

/// The checked settings of a call other than create (the reader is lent at `execute`).
struct Checked {
    client: options::ClientConfig,
    request: options::RequestConfig,
}

/// The operations `run` and `describe` take, by the number the JavaScript layer passes (the
/// index in [`OPERATIONS`]; `pkg-template/operations.js` numbers them the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreateConnection,
    ConnectInPopup,
    StartOAuth,
    Create,
    List,
    GetById,
    GetByTag,
    DeleteById,
    DeleteByProvider,
    Import,
    ListDocuments,
    Resources,
    Configure,
    WaitForConnection,
}

/// Every operation, in the order of their numbers.
const OPERATIONS: [Op; 14] = [
    Op::CreateConnection,
    Op::ConnectInPopup,
    Op::StartOAuth,
    Op::Create,
    Op::List,
    Op::GetById,
    Op::GetByTag,
    Op::DeleteById,
    Op::DeleteByProvider,
    Op::Import,
    Op::ListDocuments,
    Op::Resources,
    Op::Configure,
    Op::WaitForConnection,
];

/// The JavaScript names of [`OPERATIONS`], in the same order (for [`connections_call`]).
const OPERATION_NAMES: [&str; 14] = [
    "createConnection",
    "connectInPopup",
    "startOAuth",
    "create",
    "list",
    "getByID",
    "getByTag",
    "deleteByID",
    "deleteByProvider",
    "import",
    "listDocuments",
    "resources",
    "configure",
    "waitForConnection",
];

/// Reads and checks the arguments of `operation` in the documented order.
fn plan(operation: u32, reader: &mut Reader, args: [&JsValue; 4]) -> Result<Plan, Error> {
    let [client, first, second, third] = args;
    let Some(op) = OPERATIONS.get(operation as usize).copied() else {
        return Err(Error::new(
            error::ErrorCode::InvalidRequest,
            "this package does not know that operation",
        ));
    };
    match op {
        Op::CreateConnection => {
            let (provider, options) = read_provider_and_options(reader, first, second)?;
            let env = detect_environment(&PlatformUrls);
            let call = request::validate_create_connection(&provider, &options, &env)?;
            Ok(Plan::Create {
                call,
                then: AfterCreate::Plain,
            })
        }
        Op::ConnectInPopup => plan_popup(reader, first, second, third),
        Op::StartOAuth => {
            let (provider, options) = read_provider_and_options(reader, first, second)?;
            let env = detect_environment(&PlatformUrls);
            let mut call = request::validate_create_connection_with(
                &provider,
                &options,
                &env,
                &["allowedHosts"],
            )?;
            let allowed =
                allow_list::parse_allowed_hosts(options.get("allowedHosts"), &PlatformUrls)?;
            let nonce = oauth::prepare_start(&mut call)?;
            Ok(Plan::Create {
                call,
                then: AfterCreate::Start(nonce, allowed),
            })
        }
        Op::Create => {
            let provider = reader.read_argument(first, "provider", 0)?;
            Provider::parse(&provider)?;
            let client = reader.read_argument(client, "options", OPTIONS_DEPTH)?;
            let params = reader.read_argument(second, "params", OPTIONS_DEPTH)?;
            let request_options = reader.read_argument(third, "requestOptions", 1)?;
            let env = detect_environment(&PlatformUrls);
            let call = request::validate_connections_create(
                &client,
                &provider,
                &params,
                &request_options,
                &env,
            )?;
            Ok(Plan::Create {
                call,
                then: AfterCreate::Plain,
            })
        }
        _ => plan_operation(op, reader, client, first, second, third),
    }
}

/// `connectInPopup(provider, options)` with the window the JavaScript layer opened (`popup`, an
/// object, or `null` when the browser blocked it): startOAuth's options plus `maxWait` and
/// `fallback`, checked before the popup is looked at.
fn plan_popup(
    reader: &mut Reader,
    provider: &JsValue,
    options: &JsValue,
    popup: &JsValue,
) -> Result<Plan, Error> {
    let (provider, options) = read_provider_and_options(reader, provider, options)?;
    let env = detect_environment(&PlatformUrls);
    let extra = ["allowedHosts", "maxWait", "fallback"];
    let mut call = request::validate_create_connection_with(&provider, &options, &env, &extra)?;
    let allowed = allow_list::parse_allowed_hosts(options.get("allowedHosts"), &PlatformUrls)?;
    let max_wait_ms = rules::integer(
        options.get("maxWait"),
        "maxWait",
        1.0,
        options::MAX_TIMEOUT_MS,
    )?
    .map_or(crate::popup::DEFAULT_MAX_WAIT_MS, |n| n as u32);
    let redirect = match options.get("fallback") {
        Value::Undefined => false,
        Value::String(text) if text == "redirect" => true,
        _ => {
            return Err(Error::invalid(
                "fallback",
                "fallback must be \"redirect\" or left out",
            ))
        }
    };
    if !call.provider.uses_oauth() {
        return Ok(Plan::Create {
            call,
            then: AfterCreate::Popup(None),
        });
    }
    if !popup.is_object() {
        if !redirect {
            return Err(Error::new(
                error::ErrorCode::PopupBlocked,
                "the browser blocked the popup: call connectInPopup inside a click handler, or pass fallback: \"redirect\"",
            ));
        }
        let nonce = oauth::prepare_start(&mut call)?;
        return Ok(Plan::Create {
            call,
            then: AfterCreate::Start(nonce, allowed),
        });
    }
    let nonce = oauth::prepare_popup(&mut call)?;
    let signal = call.request.signal.map(|h| reader.kept(h));
    Ok(Plan::Create {
        call,
        then: AfterCreate::Popup(Some(PopupFlow {
            nonce,
            allowed,
            max_wait_ms,
            signal: signal.unwrap_or(JsValue::UNDEFINED),
        })),
    })
}

/// A checked call on its way: the JavaScript layer asks [`Call::next`] what to do until it is
/// done. Made by [`run`].
#[wasm_bindgen]
pub struct Call(Running);

impl core::fmt::Debug for Call {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Call")
    }
}

/// What a call runs.
enum Running {
    /// A create, and what follows it.
    Create(Exchange, Provider, AfterCreate),
    /// Any other operation's request, and how its answer is read.
    Answer(Exchange, operations::AnswerKind),
    /// `waitForConnection`'s polls.
    Polling(operations::Polling),
}

impl Call {
    /// The call of a checked plan: its request made once, with the kept values it needs.
    fn new(plan: Plan, reader: &Reader) -> Result<Call, Error> {
        let session = |client, request| operations::Session {
            client,
            request,
            reader,
        };
        Ok(Call(match plan {
            Plan::Create { call, then } => {
                let outgoing = operations::create_outgoing(&call)?;
                let exchange = session(call.client, call.request).exchange(&outgoing);
                Running::Create(exchange, call.provider, then)
            }
            Plan::Send(checked, Sending::Operation(operation)) => Running::Answer(
                session(checked.client, checked.request).exchange(&operation.outgoing),
                operation.answer,
            ),
            Plan::Send(checked, Sending::Wait(id, wait)) => {
                Running::Polling(session(checked.client, checked.request).polling(&id, &wait))
            }
        }))
    }
}

#[wasm_bindgen]
impl Call {
    /// The next step, given what the last one brought (`outcome`: `undefined` at first, then
    /// `transport.js`'s attempt result, or whether a pause ran its course): `[url, init, fetch,
    /// signal, timeout]` to send an attempt, `[milliseconds, signal]` to pause, `[result]` when
    /// done; a throw, with an error record, when the call has failed.
    pub fn next(&mut self, outcome: JsValue) -> Result<JsValue, JsValue> {
        let outcome = if outcome.is_undefined() {
            Outcome::Start
        } else if let Some(slept) = outcome.as_bool() {
            Outcome::Paused(slept)
        } else {
            Outcome::Attempt(outcome)
        };
        match self.advance(outcome) {
            Ok(Next::Send) => Ok(self.exchange().attempt_arguments().into()),
            Ok(Next::Pause(milliseconds)) => {
                let signal = self.exchange().signal_value();
                Ok(js_sys::Array::of2(&milliseconds.into(), &signal).into())
            }
            Ok(Next::Done(result)) => Ok(js_sys::Array::of1(&result).into()),
            Err(error) => Err(error.into_js()),
        }
    }
}

impl Machine for Call {
    type Output = JsValue;

    fn advance(&mut self, outcome: Outcome) -> Result<Next<JsValue>, Error> {
        match &mut self.0 {
            Running::Create(exchange, provider, then) => {
                let provider = *provider;
                exchange
                    .next(outcome)?
                    .then(|answer| after_create(&answer, provider, then))
            }
            Running::Answer(exchange, kind) => {
                let kind = *kind;
                exchange
                    .next(outcome)?
                    .then(|answer| operations::read_answer(kind, &answer))
            }
            Running::Polling(polling) => polling.advance(outcome),
        }
    }

    fn exchange(&self) -> &Exchange {
        match &self.0 {
            Running::Create(exchange, ..) | Running::Answer(exchange, _) => exchange,
            Running::Polling(polling) => polling.exchange(),
        }
    }
}

/// A create's result for JavaScript, once its answer is in.
fn after_create(
    answer: &HttpAnswer,
    provider: Provider,
    then: &AfterCreate,
) -> Result<JsValue, Error> {
    let connection = operations::read_created(answer)?;
    match then {
        AfterCreate::Plain => Ok(connection.to_js()),
        AfterCreate::Start(nonce, allowed) => {
            let redirected = oauth::finish_start(nonce.as_deref(), provider, &connection, allowed)?;
            Ok(started(redirected, &connection))
        }
        // A provider without OAuth: completeOAuth's `{ ok, connectionId, provider }` at once.
        AfterCreate::Popup(None) => Ok(JsObject::new()
            .set("ok", &JsValue::TRUE)
            .text("connectionId", &connection.id)
            .text("provider", provider.as_str())
            .build()),
        // The JavaScript layer points its popup at the checked link and waits for the return.
        AfterCreate::Popup(Some(flow)) => {
            let target = oauth::checked_auth_link(&connection, &flow.allowed)?;
            Ok(JsObject::new()
                .text("target", &target)
                .text("nonce", &flow.nonce)
                .text("provider", provider.as_str())
                .text("connectionId", &connection.id)
                .set("maxWait", &JsValue::from(flow.max_wait_ms))
                .set("signal", &flow.signal)
                .build())
        }
    }
}

/// What `startOAuth` resolves to: `{ redirected, connection }`.
fn started(redirected: bool, connection: &CreatedConnection) -> JsValue {
    JsObject::new()
        .set("redirected", &JsValue::from_bool(redirected))
        .set("connection", &connection.to_js())
        .build()
}

/// `startOAuth(provider, options)`: creates the connection and, for OAuth providers, remembers a
/// one-time nonce and navigates to the checked `authLink`.
pub async fn start_oauth(provider: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let none = JsValue::UNDEFINED;
    run_async(Op::StartOAuth as u32, none.clone(), provider, options, none).await
}

/// `redirectToAuthLink(connection, { allowedHosts })`: navigates to the connection's `authLink`
/// after checking it against the allow-list.
#[wasm_bindgen(js_name = redirectToAuthLink)]
pub fn redirect_to_auth_link(connection: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let mut reader = Reader::new();
    (|| {
        let connection = reader.read_argument(&connection, "connection", 1)?;
        if !matches!(connection, Value::Object(_)) {
            return Err(Error::invalid(
                "connection",
                "connection must be the object createConnection resolved to",
            ));
        }
        let options = reader.read_argument(&options, "options", 2)?;
        rules::reject_unknown(rules::entries(&options, "options")?, &[&["allowedHosts"]])?;
        let allowed = allow_list::parse_allowed_hosts(options.get("allowedHosts"), &PlatformUrls)?;
        let link = match connection.get("authLink") {
            Value::String(link) => link,
            Value::Null | Value::Undefined => {
                return Err(Error::invalid(
                    "authLink",
                    "this connection has no authLink: its provider needs no OAuth",
                ))
            }
            other => return Err(Error::expected("authLink", "a string", other)),
        };
        let target = allow_list::check_auth_link(link, &allowed, &PlatformUrls)?;
        oauth::navigate(&target)?;
        Ok(JsValue::UNDEFINED)
    })()
    .map_err(Error::into_js)
}

/// `completeOAuth(url?)`: `null` on an ordinary page load, else how the round trip ended; for a
/// popup's return, `{ popupReturn: { nonce, error? } }`, which the JavaScript layer reports to
/// the opener.
#[wasm_bindgen(js_name = completeOAuth)]
pub fn complete_oauth(url: JsValue) -> Result<JsValue, JsValue> {
    let mut reader = Reader::new();
    (|| {
        let url = read_return_url(&mut reader, &url)?;
        oauth::complete_js(url.as_deref())
    })()
    .map_err(Error::into_js)
}

/// `completeOAuth(url?)`'s argument: the URL to read, or `None` for the page's address.
fn read_return_url(reader: &mut Reader, url: &JsValue) -> Result<Option<String>, Error> {
    match reader.read_argument(url, "url", 0)? {
        Value::Undefined => Ok(None),
        Value::String(text) => Ok(Some(text)),
        other => Err(Error::expected("url", "a string", &other)),
    }
}

/// Reads a path argument: a connection id, or a provider name.
fn read_path_argument(
    reader: &mut Reader,
    value: &JsValue,
    is_provider: bool,
) -> Result<String, Error> {
    if is_provider {
        let provider = reader.read_argument(value, "provider", 0)?;
        Ok(Provider::parse(&provider)?.as_str().to_string())
    } else {
        path::connection_id(&reader.read_argument(value, "connectionId", 0)?)
    }
}

/// The JSON body `{ containerTags }` of list, getByTag, deleteByProvider, import and
/// listDocuments; with `required`, at least one tag.
#[inline(never)]
fn tags_body(params: &Value, required: bool) -> Result<JsValue, Error> {
    operations::stringify(&connection_params::parse_tags(params, required)?.to_js())
}

/// The body of configure, `{ resources }`, encoded by `JSON.stringify` from the checked items:
/// each is the caller's own object, kept when it was checked, so what is sent is what passed.
fn configure_body(params: &Value, reader: &Reader) -> Result<JsValue, Error> {
    let items = js_sys::Array::new();
    if let Value::Array(checked) = params.get("resources") {
        for item in checked {
            if let Value::Nested(handle) = item {
                items.push(&reader.kept(*handle));
            }
        }
    }
    let body = JsObject::new().set("resources", &items).build();
    operations::stringify(&body).map_err(|_| {
        Error::invalid(
            "resources",
            "resources could not be encoded as JSON (a cycle or a bigint?)",
        )
    })
}

/// `client.connections.<operation>(first, second, requestOptions)` for every operation but
/// create: list, getByID, getByTag, deleteByID, deleteByProvider, import, listDocuments,
/// resources, configure, and waitForConnection (whose options take the place of
/// `requestOptions`).
pub async fn connections_call(
    operation: String,
    client_options: JsValue,
    first: JsValue,
    second: JsValue,
    request_options: JsValue,
) -> Result<JsValue, JsValue> {
    // A name the package does not know gets a number past the last operation.
    let code = OPERATION_NAMES
        .iter()
        .position(|name| *name == operation)
        .unwrap_or(OPERATIONS.len());
    run_async(code as u32, client_options, first, second, request_options).await
}

/// Reads and checks an operation other than create: the path argument, then the client's
/// options, then the call's.
fn plan_operation(
    op: Op,
    reader: &mut Reader,
    client_options: &JsValue,
    first: &JsValue,
    second: &JsValue,
    request_options: &JsValue,
) -> Result<Plan, Error> {
    use crate::connection_params as params;
    use crate::operations::Operation;

    let by_provider = matches!(
        op,
        Op::GetByTag | Op::DeleteByProvider | Op::Import | Op::ListDocuments
    );
    let target = if op == Op::List {
        String::new()
    } else {
        read_path_argument(reader, first, by_provider)?
    };
    let client = reader.read_argument(client_options, "options", OPTIONS_DEPTH)?;
    let client = request::validate_client(&client, &detect_environment(&PlatformUrls))?;
    let params_js = if op == Op::List { first } else { second };
    let params = reader.read_argument(params_js, "params", OPTIONS_DEPTH)?;
    if op == Op::WaitForConnection {
        let wait = params::parse_wait_options(&params)?;
        let request = options::RequestConfig {
            signal: wait.signal,
            ..Default::default()
        };
        return Ok(Plan::Send(
            Checked { client, request },
            Sending::Wait(target, wait),
        ));
    }
    let request_options = reader.read_argument(request_options, "requestOptions", 1)?;
    let request = request::validate_request_options(&request_options)?;
    // One copy of the encoding for every operation whose body is the container tags.
    let tags = |required: bool| tags_body(&params, required);
    let operation = match op {
        Op::List => Operation::list(tags(false)?),
        Op::GetById => Operation::get_by_id(&target),
        Op::GetByTag => Operation::get_by_tag(&target, tags(true)?),
        Op::DeleteById => {
            Operation::delete_by_id(&target, params::parse_delete_documents(&params)?)
        }
        Op::DeleteByProvider => Operation::delete_by_provider(&target, tags(true)?),
        Op::Import => Operation::import(&target, tags(false)?),
        Op::ListDocuments => Operation::list_documents(&target, tags(false)?),
        Op::Resources => Operation::resources(&target, &params::parse_resources_query(&params)?),
        Op::Configure => {
            params::check_configure(&params)?;
            Operation::configure(&target, configure_body(&params, reader)?)
        }
        // The create family is planned before this.
        Op::CreateConnection
        | Op::ConnectInPopup
        | Op::StartOAuth
        | Op::Create
        | Op::WaitForConnection => {
            return Err(Error::new(
                error::ErrorCode::InvalidRequest,
                "this package does not know that operation",
            ))
        }
    };
    Ok(Plan::Send(
        Checked { client, request },
        Sending::Operation(operation),
    ))
}

/// What the browser tests of the allow-list reach inside the crate (the `npm` feature only).
#[doc(hidden)]
pub mod test_hooks {
    pub use crate::allow_list::{check_auth_link, default_entries, AllowedEntry};
    pub use crate::url::PlatformUrls;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_numbered_in_the_order_of_their_enum() {
        for (number, op) in OPERATIONS.iter().enumerate() {
            assert_eq!(*op as usize, number, "{op:?}");
        }
    }
}
