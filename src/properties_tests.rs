//! Property tests of the pure-Rust parts: validation of every options object, parsing of the
//! API's answers, and the small helpers they use. Whatever the input, each function returns
//! without panicking (a panic in wasm poisons the module), with `Ok` or a typed error.
//!
//! Run with `cargo test properties_tests`; `PROPTEST_CASES` changes the number of cases.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

use crate::allow_list::{check_auth_link, parse_allowed_hosts, AllowedEntry};
use crate::connection_params::{
    check_configure, parse_delete_documents, parse_resources_query, parse_tags, parse_wait_options,
};
use crate::error::{Error, ErrorCode};
use crate::headers::{is_valid_name, is_valid_value, merge_headers};
use crate::path::{connection_id, encode_component};
use crate::provider::Provider;
use crate::request::{
    validate_client, validate_connections_create, validate_create_connection,
    validate_request_options, CreateCall,
};
use crate::response::{parse_create_response, parse_error_body, retry_after_seconds};
use crate::retry::{backoff_ms, decide, Decision, RetryPolicy};
use crate::retry_hint::parse_seconds;
use crate::shapes::{
    check_configured, check_connection, check_connections, check_deleted, check_documents,
    check_resources, sync_finished,
};
use crate::url::{Environment, ParsedUrl, UrlParser};
use crate::value::{Handle, Value};

// ---- a small native URL parser ----

/// Parses `scheme://[user[:password]@]host[:port][/path][?query][#hash]` and `scheme:opaque`,
/// resolving relative input against a base. Not the URL standard, but never panics.
struct TestUrls;

const SPECIAL_SCHEMES: &[&str] = &["http", "https", "ws", "wss", "ftp", "file"];

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    }
}

/// The length of a leading `scheme:`'s scheme, when the input starts with one.
fn scheme_length(input: &str) -> Option<usize> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(colon)
}

/// Splits `text` at the first `mark`: (before, from the mark on).
fn split_at_mark(text: &str, mark: char) -> (&str, &str) {
    match text.find(mark) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

fn parse_absolute(input: &str) -> Option<ParsedUrl> {
    let colon = scheme_length(input)?;
    let scheme = input[..colon].to_ascii_lowercase();
    let rest = &input[colon + 1..];
    let (rest, fragment) = split_at_mark(rest, '#');
    let (rest, query) = split_at_mark(rest, '?');
    // `url.search` and `url.hash` are empty for a lone `?` or `#`; `href` keeps them.
    let search = if query.len() > 1 { query } else { "" };
    let hash = if fragment.len() > 1 { fragment } else { "" };
    let special = SPECIAL_SCHEMES.contains(&scheme.as_str());
    let Some(after) = rest.strip_prefix("//") else {
        if special {
            return None;
        }
        return Some(ParsedUrl {
            href: format!("{scheme}:{rest}{query}{fragment}"),
            protocol: format!("{scheme}:"),
            username: String::new(),
            password: String::new(),
            hostname: String::new(),
            port: String::new(),
            origin: "null".into(),
            pathname: rest.into(),
            search: search.into(),
            hash: hash.into(),
        });
    };
    let (authority, path) = split_at_mark(after, '/');
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (&authority[..i], &authority[i + 1..]),
        None => ("", authority),
    };
    let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = if hostport.starts_with('[') {
        let end = hostport.find(']')?;
        let tail = &hostport[end + 1..];
        let port = if tail.is_empty() {
            ""
        } else {
            tail.strip_prefix(':')?
        };
        (&hostport[..=end], port)
    } else {
        hostport.split_once(':').unwrap_or((hostport, ""))
    };
    let forbidden = |c: char| {
        !c.is_ascii()
            || c.is_ascii_control()
            || matches!(
                c,
                ' ' | '<' | '>' | '^' | '|' | '%' | '\\' | '"' | '`' | '{' | '}'
            )
    };
    if (special && host.is_empty()) || host.chars().any(forbidden) {
        return None;
    }
    let port = if port.is_empty() {
        String::new()
    } else {
        if !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u32 = port.parse().ok()?;
        if number > 65_535 {
            return None;
        }
        let port = number.to_string();
        if default_port(&scheme) == Some(port.as_str()) {
            String::new()
        } else {
            port
        }
    };
    let hostname = host.to_ascii_lowercase();
    let pathname = if path.is_empty() && special {
        "/"
    } else {
        path
    };
    let host_and_port = if port.is_empty() {
        hostname.clone()
    } else {
        format!("{hostname}:{port}")
    };
    let credentials = match (username.is_empty(), password.is_empty()) {
        (true, true) => String::new(),
        (_, true) => format!("{username}@"),
        _ => format!("{username}:{password}@"),
    };
    let origin = if special && scheme != "file" {
        format!("{scheme}://{host_and_port}")
    } else {
        "null".into()
    };
    Some(ParsedUrl {
        href: format!("{scheme}://{credentials}{host_and_port}{pathname}{query}{fragment}"),
        protocol: format!("{scheme}:"),
        username: username.into(),
        password: password.into(),
        hostname,
        port,
        origin,
        pathname: pathname.into(),
        search: search.into(),
        hash: hash.into(),
    })
}

impl UrlParser for TestUrls {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        // Like the URL standard: leading and trailing C0 controls and spaces do not count.
        let input = input.trim_matches(|c: char| c <= ' ');
        if input.contains(['\t', '\n', '\r']) {
            return None;
        }
        if scheme_length(input).is_some() {
            return parse_absolute(input);
        }
        let base = parse_absolute(base?)?;
        if base.origin == "null" {
            return None;
        }
        let resolved = if input.starts_with("//") {
            format!("{}{input}", base.protocol)
        } else if input.starts_with('/') {
            format!("{}{input}", base.origin)
        } else if input.starts_with('?') {
            format!("{}{}{input}", base.origin, base.pathname)
        } else if input.starts_with('#') {
            format!("{}{}{}{input}", base.origin, base.pathname, base.search)
        } else {
            let directory = &base.pathname[..base.pathname.rfind('/').map_or(0, |i| i + 1)];
            format!("{}{directory}{input}", base.origin)
        };
        parse_absolute(&resolved)
    }
}

#[test]
fn the_test_url_parser_reads_the_usual_shapes() {
    let url = TestUrls
        .parse("HTTPS://User:Pw@Example.COM:443/a/b?q=1#top", None)
        .unwrap();
    assert_eq!(url.href, "https://User:Pw@example.com/a/b?q=1#top");
    assert_eq!(
        (
            url.protocol.as_str(),
            url.username.as_str(),
            url.password.as_str()
        ),
        ("https:", "User", "Pw")
    );
    assert_eq!(
        (url.hostname.as_str(), url.port.as_str()),
        ("example.com", "")
    );
    assert_eq!((url.search.as_str(), url.hash.as_str()), ("?q=1", "#top"));
    assert_eq!(url.origin, "https://example.com");
    let relative = TestUrls
        .parse("/api/supermemory", Some("http://127.0.0.1:8080/index.html"))
        .unwrap();
    assert_eq!(relative.href, "http://127.0.0.1:8080/api/supermemory");
    assert_eq!(relative.port, "8080");
    assert!(TestUrls.parse("/api", None).is_none());
    assert!(TestUrls.parse("http://x:99999/", None).is_none());
    assert_eq!(
        TestUrls.parse("javascript:alert(1)", None).unwrap().origin,
        "null"
    );
    assert_eq!(
        TestUrls.parse("https://h.example/#", None).unwrap().hash,
        ""
    );
}

/// Found by `one_replaced_option_is_the_one_named`: the URL standard gives a lone `?` an empty
/// `search`, so such a baseURL passes, and every request path then lands in its query
/// (`https://proxy.example.com/api?/v3/connections/notion`).
#[test]
fn a_base_url_ending_in_an_empty_query_is_refused() {
    for base in [
        "https://proxy.example.com/?",
        "https://proxy.example.com/api?",
    ] {
        let options = obj(&[("apiKey", s("sm_key")), ("baseURL", s(base))]);
        match validate_create_connection(&s("notion"), &options, &environment(false)) {
            Ok(call) => panic!(
                "baseURL {base:?} passed; requests would go to {}/v3/connections/notion",
                call.client.base_url
            ),
            Err(error) => {
                assert_eq!(error.code, ErrorCode::InvalidRequest, "{error:?}");
                assert_eq!(error.field.as_deref(), Some("baseURL"), "{error:?}");
            }
        }
    }
}

// ---- strategies ----

/// The option names of every options object, then other names the code looks up.
const OPTION_NAMES: &[&str] = &[
    "apiKey",
    "baseURL",
    "dangerouslyAllowBrowser",
    "timeout",
    "maxRetries",
    "defaultHeaders",
    "fetch",
    "fetchOptions",
    "redirectUrl",
    "containerTag",
    "containerTags",
    "documentLimit",
    "metadata",
    "signal",
];

const OTHER_NAMES: &[&str] = &[
    "deleteDocuments",
    "page",
    "per_page",
    "parent_id",
    "resources",
    "interval",
    "maxWait",
    "allowedHosts",
    "startUrl",
    "syncScope",
    "accessKeyId",
    "secretAccessKey",
    "bucket",
    "region",
    "endpoint",
    "prefix",
    "containerTagRegex",
    "credentials",
    "mode",
    "referrer",
    "referrerPolicy",
    "integrity",
    "id",
    "createdAt",
    "provider",
    "email",
    "expiresAt",
    "lastSyncRun",
    "status",
    "errorCode",
    "error",
    "details",
    "retryAfterSeconds",
    "authLink",
    "expiresIn",
    "redirectsTo",
    "success",
    "message",
    "webhooksRegistered",
    "total_count",
    "summary",
    "title",
    "type",
    "updatedAt",
    "startedAt",
    "completedAt",
    "__proto__",
    "constructor",
    "toString",
    "",
    "baseUrl",
    "APIKEY",
    "Accept",
    "authorization",
    "x-trace",
];

const PROVIDER_NAMES: &[&str] = &[
    "notion",
    "google-drive",
    "onedrive",
    "gmail",
    "github",
    "web-crawler",
    "s3",
    "granola",
];

/// Strings the rules treat specially, or that look like what they expect.
const SPECIAL_STRINGS: &[&str] = &[
    "",
    " ",
    ".",
    "..",
    "/",
    "true",
    "false",
    "notion",
    "Notion",
    "web-crawler",
    "selected",
    "full",
    "include",
    "omit",
    "same-origin",
    "cors",
    "navigate",
    "no-referrer",
    "unsafe-url",
    "completed",
    "failed",
    "running",
    "auth_expired",
    "https://api.supermemory.ai",
    "https://API.SUPERMEMORY.AI:443/",
    "/api/supermemory",
    "api/supermemory",
    "//evil.example/x",
    "https://app.example.com/cb",
    "https://app.example.com/cb?x=1",
    "http://localhost:3000/cb",
    "http://127.0.0.1:8080",
    "http://127.0.0.1:8080/",
    "http://evil.example/cb",
    "ftp://x",
    "javascript:alert(1)",
    "data:text/html,hi",
    "https://user:pw@h.example/",
    "https://h.example/#x",
    "https://h.example/#",
    "https://h.example/?",
    "https://h.example:99999/",
    "https://[::1]:8080/x",
    "api.notion.com",
    "*.example.com",
    "\u{0}",
    "a\r\nb",
    "\t",
    "é",
    "😀",
    "\u{feff}",
    "\u{202e}",
    "%00",
    "%2e%2e",
    "0",
    "-1",
    "1.5",
    "1e3",
    "NaN",
    "Infinity",
    " 30 ",
    "conn_0123456789abcdef",
    "user_123",
    "team:a-b",
];

/// What `Value::Other` stands for when the reader meets it.
const OTHER_KINDS: &[&str] = &[
    "a symbol",
    "a bigint",
    "an object",
    "an array",
    "an object that is not a plain object",
    "an unsupported value",
];

const SPECIAL_NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    0.5,
    1.0,
    -1.0,
    2.0,
    10.0,
    11.0,
    60.0,
    60.5,
    99.0,
    100.0,
    101.0,
    10_000.0,
    10_001.0,
    3_600_000.0,
    3_600_001.0,
    2_147_483_647.0,
    2_147_483_648.0,
    4_294_967_295.0,
    4_294_967_296.0,
    1e21,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    f64::EPSILON,
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,24}",
        3 => select(SPECIAL_STRINGS).prop_map(String::from),
        2 => "[A-Za-z0-9_:-]{1,12}",
        1 => "[a-z]{101,120}",
        1 => (
            select(&["https://", "http://", "http://localhost", "https://h.example", "/"][..]),
            "[a-zA-Z0-9./?#@:%_-]{0,16}"
        )
            .prop_map(|(start, end)| format!("{start}{end}")),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        select(SPECIAL_NUMBERS),
        (-20_000i64..5_000_000_000i64).prop_map(|n| n as f64),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(OPTION_NAMES).prop_map(String::from),
        3 => select(OTHER_NAMES).prop_map(String::from),
        1 => any::<String>(),
        1 => "[a-zA-Z_.$-]{1,10}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Undefined),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number().prop_map(Value::Number),
        3 => text().prop_map(Value::String),
        1 => (0usize..4).prop_map(|i| Value::Function(Handle(i))),
        1 => (0usize..4).prop_map(|i| Value::Signal(Handle(i))),
        1 => select(OTHER_KINDS).prop_map(Value::Other),
    ]
}

/// A plain object as the reader builds it: each own key once, in order.
fn object_of(entries: Vec<(String, Value)>) -> Value {
    let mut unique: Vec<(String, Value)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if !unique.iter().any(|(k, _)| *k == key) {
            unique.push((key, value));
        }
    }
    Value::Object(unique)
}

/// Any value the reader can produce, nested at most four levels.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(object_of),
        ]
    })
}

/// An options object (usually) whose keys are mostly real option names.
fn options() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::collection::vec((key(), value()), 0..8).prop_map(object_of),
        1 => value(),
    ]
}

fn provider_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => select(PROVIDER_NAMES).prop_map(|p| Value::String(p.into())),
        1 => value(),
    ]
}

/// The two environments: a page at `https://app.example.com/settings`, or a server.
fn environment(is_browser: bool) -> Environment<'static> {
    Environment {
        is_browser,
        page_url: is_browser.then(|| "https://app.example.com/settings".to_string()),
        urls: &TestUrls,
    }
}

fn config() -> Config {
    Config {
        // Failures are reported by the run; no regression file is written into tests/.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---- helpers for the assertions ----

fn is_validation(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::InvalidRequest | ErrorCode::BrowserKeyExposure
    )
}

/// A validation error: the right code, a message, a field, and nothing from a response.
fn validation_error(error: &Error) -> Result<(), TestCaseError> {
    prop_assert!(is_validation(error.code), "unexpected code: {:?}", error);
    prop_assert!(
        !error.message.trim().is_empty(),
        "empty message: {:?}",
        error
    );
    prop_assert!(error.field.is_some(), "no field: {:?}", error);
    prop_assert!(
        error.status.is_none() && error.details.is_none() && error.retry_after.is_none(),
        "validation error with response data: {:?}",
        error
    );
    Ok(())
}

/// An error about a 2xx answer that is not what the API documents.
fn invalid_response(error: &Error) -> Result<(), TestCaseError> {
    prop_assert_eq!(error.code, ErrorCode::InvalidResponse, "{:?}", error);
    prop_assert!(
        !error.message.trim().is_empty(),
        "empty message: {:?}",
        error
    );
    prop_assert!(error.field.is_none(), "{:?}", error);
    Ok(())
}

fn valid_tag(tag: &str) -> bool {
    (1..=100).contains(&tag.chars().count())
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-'))
}

/// What a call that passed validation must hold.
fn valid_call(call: &CreateCall, provider: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(provider, &Value::String(call.provider.as_str().into()));
    let client = &call.client;
    prop_assert!(
        client.base_url.starts_with("http://") || client.base_url.starts_with("https://"),
        "{}",
        client.base_url
    );
    prop_assert!(!client.base_url.ends_with('/'), "{}", client.base_url);
    prop_assert!(!client.base_url.contains(['?', '#']), "{}", client.base_url);
    prop_assert!((1..=2_147_483_647).contains(&client.timeout_ms));
    prop_assert!(client.max_retries <= 10);
    if let Some(key) = &client.api_key {
        prop_assert!(
            !key.expose().is_empty() && key.expose().bytes().all(|b| b.is_ascii_graphic())
        );
    }
    for (name, value) in &client.default_headers {
        prop_assert!(is_valid_name(name), "{:?}", name);
        if let Some(value) = value {
            prop_assert!(is_valid_value(value), "{:?}", value);
        }
    }
    let body = &call.body;
    prop_assert!(!(body.container_tag.is_some() && body.container_tags.is_some()));
    for tag in body
        .container_tag
        .iter()
        .chain(body.container_tags.iter().flatten())
    {
        prop_assert!(valid_tag(tag), "{:?}", tag);
    }
    if let Some(limit) = body.document_limit {
        prop_assert!((1..=10_000).contains(&limit));
    }
    if let Some(timeout) = call.request.timeout_ms {
        prop_assert!((1..=2_147_483_647).contains(&timeout));
    }
    if let Some(retries) = call.request.max_retries {
        prop_assert!(retries <= 10);
    }
    Ok(())
}

/// True when `field` is `root` or a path below it (`root.x`, `root[1]`).
fn names(field: &str, root: &str) -> bool {
    field == root
        || field
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The options object `base` with `key` set to `value` (added when absent).
fn replaced(base: &Value, key: &str, value: Value) -> Value {
    let Value::Object(entries) = base else {
        unreachable!("baselines are objects")
    };
    let mut entries = entries.clone();
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key.to_string(), value)),
    }
    Value::Object(entries)
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn obj(entries: &[(&str, Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

const SECRET: &str = "SECRET_MARKER";

/// Metadata a provider needs to pass, plus a flat key of the caller's.
fn provider_metadata(provider: &str) -> Value {
    match provider {
        "web-crawler" => obj(&[
            ("startUrl", s("https://docs.example.com")),
            ("team", s("a")),
        ]),
        "s3" => obj(&[
            ("accessKeyId", s("AKIA_TEST")),
            ("secretAccessKey", s(&format!("s3_{SECRET}_key"))),
            ("bucket", s("docs")),
            ("region", s("us-east-1")),
            ("endpoint", s("https://s3.example.com")),
        ]),
        "granola" => obj(&[("apiKey", s(&format!("gr_{SECRET}")))]),
        "google-drive" => obj(&[("syncScope", s("full"))]),
        _ => obj(&[("team", s("growth")), ("seats", Value::Number(3.0))]),
    }
}

/// Client options that pass: in a page, a proxy and no key; on a server, a key.
fn client_baseline(is_browser: bool) -> Vec<(&'static str, Value)> {
    let mut entries = if is_browser {
        vec![("baseURL", s("/api/supermemory"))]
    } else {
        vec![
            ("apiKey", s(&format!("sm_{SECRET}_123"))),
            ("baseURL", s("https://proxy.example.com/api")),
            ("dangerouslyAllowBrowser", Value::Bool(false)),
        ]
    };
    entries.extend([
        ("timeout", Value::Number(5000.0)),
        ("maxRetries", Value::Number(1.0)),
        (
            "defaultHeaders",
            obj(&[("x-app", s("demo")), ("accept", Value::Null)]),
        ),
        ("fetch", Value::Function(Handle(0))),
        (
            "fetchOptions",
            obj(&[("credentials", s("include")), ("mode", s("cors"))]),
        ),
    ]);
    entries
}

/// Create parameters that pass for `provider` (no container tags: a replacement adds one kind).
fn params_baseline(provider: &str) -> Vec<(&'static str, Value)> {
    vec![
        (
            "redirectUrl",
            s("https://app.example.com/connected?from=settings"),
        ),
        ("documentLimit", Value::Number(100.0)),
        ("metadata", provider_metadata(provider)),
    ]
}

fn baseline(provider: &str, is_browser: bool) -> Value {
    let mut entries = client_baseline(is_browser);
    entries.extend(params_baseline(provider));
    entries.push(("signal", Value::Signal(Handle(1))));
    obj(&entries)
}

/// Values close to what each option takes, around its boundaries.
fn near_valid() -> impl Strategy<Value = Value> {
    prop_oneof![
        select(SPECIAL_NUMBERS).prop_map(Value::Number),
        select(SPECIAL_STRINGS).prop_map(s),
        Just(Value::Array(vec![s("user_1"), s("team:a")])),
        Just(Value::Array(vec![])),
        Just(Value::Array(vec![s("ok"), s("no way")])),
        Just(obj(&[])),
        Just(obj(&[("startUrl", s("ftp://x"))])),
        Just(obj(&[("syncScope", s("some"))])),
        Just(obj(&[("nested", obj(&[]))])),
        Just(obj(&[
            ("credentials", s("same-origin")),
            ("referrerPolicy", s(""))
        ])),
        Just(obj(&[("credential", s("include"))])),
        Just(obj(&[("X Bad", s("v"))])),
        Just(obj(&[("x-ok", s("line\nbreak"))])),
        Just(Value::Other("an object")),
        Just(Value::Signal(Handle(2))),
        Just(Value::Function(Handle(3))),
    ]
}

/// URLs of every shape the URL options care about: scheme, host, port, credentials, and an
/// empty or filled query and fragment.
fn url_text() -> impl Strategy<Value = String> {
    let start = select(
        &[
            "https://proxy.example.com",
            "http://127.0.0.1:8080",
            "http://localhost",
            "https://api.supermemory.ai",
            "https://u:p@h.example",
            "http://h.example",
            "ftp://h.example",
            "",
            "/api/supermemory",
        ][..],
    );
    let end = select(
        &[
            "", "/", "/api", "/api/", "?", "#", "/?", "/#", "?#", "?q=1", "#x", "/x?y#z", "//",
        ][..],
    );
    (start, end).prop_map(|(start, end)| format!("{start}{end}"))
}

fn replacement() -> impl Strategy<Value = (String, Value)> {
    let name = prop_oneof![
        4 => select(OPTION_NAMES).prop_map(String::from),
        1 => key(),
    ];
    let value = prop_oneof![
        2 => value(),
        2 => near_valid(),
        1 => url_text().prop_map(|u| s(&u)),
    ];
    // The URL options get URLs of every shape more often.
    let url_option = (
        select(&["baseURL", "redirectUrl"][..]).prop_map(String::from),
        url_text().prop_map(|u| s(&u)),
    );
    prop_oneof![4 => (name, value), 1 => url_option]
}

/// The one documented rule that names another option than the replaced one: without an API
/// key, a `baseURL` that is the API itself (or absent, so the API by default) needs `apiKey`.
fn api_key_needed(error: &Error, key: &str) -> bool {
    key == "baseURL"
        && error.field.as_deref() == Some("apiKey")
        && error
            .message
            .starts_with("apiKey is required to call the supermemory API directly")
}

/// No part of an error, nor its debug output, shows the secret.
fn keeps_secret(error: &Error) -> Result<(), TestCaseError> {
    let shown = [
        Some(error.message.as_str()),
        error.field.as_deref(),
        error.details.as_deref(),
    ];
    for text in shown.into_iter().flatten() {
        prop_assert!(!text.contains(SECRET), "secret in {:?}", text);
    }
    let debug = format!("{error:?}");
    prop_assert!(!debug.contains(SECRET), "secret in {}", debug);
    Ok(())
}

fn connection_value() -> impl Strategy<Value = Value> {
    let optional_run = prop_oneof![
        Just(None),
        (
            select(&["running", "completed", "failed"][..]),
            prop_oneof![
                Just(None),
                Just(Some(Value::Null)),
                text().prop_map(|t| Some(s(&t)))
            ],
        )
            .prop_map(|(status, code)| {
                let mut run = vec![("status".to_string(), s(status))];
                if let Some(code) = code {
                    run.push(("errorCode".to_string(), code));
                }
                Some(Value::Object(run))
            }),
    ];
    (
        text(),
        text(),
        select(PROVIDER_NAMES),
        prop::option::of(number().prop_filter("finite", |n| n.is_finite())),
        prop::option::of(text()),
        optional_run,
    )
        .prop_map(|(id, created, provider, limit, email, run)| {
            let mut entries = vec![
                ("id".to_string(), s(&id)),
                ("createdAt".to_string(), s(&created)),
                ("provider".to_string(), s(provider)),
            ];
            if let Some(limit) = limit {
                entries.push(("documentLimit".into(), Value::Number(limit)));
            }
            if let Some(email) = email {
                entries.push(("email".into(), s(&email)));
            }
            if let Some(run) = run {
                entries.push(("lastSyncRun".into(), run));
            }
            Value::Object(entries)
        })
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    select(
        &[
            ErrorCode::InvalidRequest,
            ErrorCode::BrowserKeyExposure,
            ErrorCode::BadRequest,
            ErrorCode::Authentication,
            ErrorCode::PaymentRequired,
            ErrorCode::PermissionDenied,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::Unprocessable,
            ErrorCode::RateLimited,
            ErrorCode::ServerError,
            ErrorCode::ApiError,
            ErrorCode::Connection,
            ErrorCode::Timeout,
            ErrorCode::Aborted,
            ErrorCode::InvalidResponse,
            ErrorCode::UnsafeRedirect,
        ][..],
    )
}

fn retry_hint() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), number().prop_map(Some)]
}

fn policy() -> impl Strategy<Value = RetryPolicy> {
    prop_oneof![Just(RetryPolicy::Standard), Just(RetryPolicy::LiveCreate)]
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Only unreserved characters and `%XX` escapes with upper-case hex digits.
fn is_encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex =
                    |b: Option<&u8>| b.is_some_and(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'));
                if !(hex(bytes.get(i + 1)) && hex(bytes.get(i + 2))) {
                    return false;
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') => i += 1,
            _ => return false,
        }
    }
    true
}

// ---- the properties ----

proptest! {
    #![proptest_config(config())]

    /// createConnection: any provider and options give Ok or a well-formed validation error.
    #[test]
    fn create_connection_validates_anything(
        provider in provider_value(),
        options in options(),
        is_browser in any::<bool>(),
    ) {
        match validate_create_connection(&provider, &options, &environment(is_browser)) {
            Ok(call) => valid_call(&call, &provider)?,
            Err(error) => validation_error(&error)?,
        }
    }

    /// client.connections.create: the three objects are checked separately, never a panic.
    #[test]
    fn connections_create_validates_anything(
        client in options(),
        provider in provider_value(),
        params in options(),
        request in options(),
        is_browser in any::<bool>(),
    ) {
        let env = environment(is_browser);
        match validate_connections_create(&client, &provider, &params, &request, &env) {
            Ok(call) => valid_call(&call, &provider)?,
            Err(error) => validation_error(&error)?,
        }
    }

    /// The client's options and the per-call options alone.
    #[test]
    fn client_and_request_options_validate_anything(
        client in options(),
        request in options(),
        is_browser in any::<bool>(),
    ) {
        match validate_client(&client, &environment(is_browser)) {
            Ok(config) => {
                prop_assert!((1..=2_147_483_647).contains(&config.timeout_ms));
                prop_assert!(config.max_retries <= 10);
            }
            Err(error) => validation_error(&error)?,
        }
        match validate_request_options(&request) {
            Ok(config) => {
                prop_assert!(config.timeout_ms.is_none_or(|t| t >= 1));
                prop_assert!(config.max_retries.is_none_or(|n| n <= 10));
            }
            Err(error) => {
                validation_error(&error)?;
                prop_assert_eq!(error.code, ErrorCode::InvalidRequest);
            }
        }
    }

    /// A passing createConnection options object with one option replaced passes, or fails on
    /// that option (or a path below it).
    #[test]
    fn one_replaced_option_is_the_one_named(
        provider in select(PROVIDER_NAMES),
        is_browser in any::<bool>(),
        (key, value) in replacement(),
    ) {
        let base = baseline(provider, is_browser);
        let env = environment(is_browser);
        prop_assert!(validate_create_connection(&s(provider), &base, &env).is_ok(), "baseline fails");
        let options = replaced(&base, &key, value.clone());
        match validate_create_connection(&s(provider), &options, &env) {
            Ok(call) => valid_call(&call, &s(provider))?,
            Err(error) => {
                validation_error(&error)?;
                let field = error.field.clone().unwrap_or_default();
                prop_assert!(
                    names(&field, &key) || api_key_needed(&error, &key),
                    "{key} = {value:?} gave {error:?}"
                );
            }
        }
    }

    /// The same for client.connections.create, one replacement in one of its three objects.
    #[test]
    fn one_replaced_option_is_the_one_named_in_the_client_form(
        provider in select(PROVIDER_NAMES),
        is_browser in any::<bool>(),
        which in 0..3usize,
        (key, value) in replacement(),
    ) {
        let env = environment(is_browser);
        let mut objects = [
            obj(&client_baseline(is_browser)),
            obj(&params_baseline(provider)),
            obj(&[("signal", Value::Signal(Handle(1))), ("timeout", Value::Number(100.0))]),
        ];
        let valid = |o: &[Value; 3]| validate_connections_create(&o[0], &s(provider), &o[1], &o[2], &env);
        prop_assert!(valid(&objects).is_ok(), "baseline fails");
        objects[which] = replaced(&objects[which], &key, value.clone());
        match valid(&objects) {
            Ok(call) => valid_call(&call, &s(provider))?,
            Err(error) => {
                validation_error(&error)?;
                let field = error.field.clone().unwrap_or_default();
                prop_assert!(
                    names(&field, &key) || (which == 0 && api_key_needed(&error, &key)),
                    "object {which}: {key} = {value:?} gave {error:?}"
                );
            }
        }
    }

    /// Secrets in `apiKey` and in the S3 and Granola metadata never reach a message.
    #[test]
    fn messages_never_show_secrets(
        provider in select(PROVIDER_NAMES),
        is_browser in any::<bool>(),
        extra in prop::collection::vec((key(), value()), 0..4),
        around in ("[ -~]{0,6}", "[ -~]{0,6}"),
        break_key in any::<bool>(),
    ) {
        let secret = if break_key {
            format!("{} {SECRET}\n{}", around.0, around.1)
        } else {
            format!("{}{SECRET}{}", around.0.replace(' ', ""), around.1.replace(' ', ""))
        };
        let metadata = obj(&[
            ("accessKeyId", s("AKIA")),
            ("secretAccessKey", s(&secret)),
            ("bucket", s("b")),
            ("region", s("r")),
            ("apiKey", s(&secret)),
        ]);
        let mut entries = vec![
            ("apiKey".to_string(), s(&secret)),
            ("metadata".to_string(), metadata.clone()),
        ];
        entries.extend(extra.into_iter().filter(|(k, _)| k != "apiKey" && k != "metadata"));
        let options = object_of(entries);
        let env = environment(is_browser);
        match validate_create_connection(&s(provider), &options, &env) {
            Ok(call) => {
                let debug = format!("{call:?}");
                prop_assert!(!debug.contains(SECRET), "secret in {}", debug);
            }
            Err(error) => keeps_secret(&error)?,
        }
        let client = obj(&[("apiKey", s(&secret))]);
        let params = obj(&[("metadata", metadata)]);
        match validate_connections_create(&client, &s(provider), &params, &Value::Undefined, &env) {
            Ok(call) => {
                let debug = format!("{call:?}");
                prop_assert!(!debug.contains(SECRET), "secret in {}", debug);
            }
            Err(error) => keeps_secret(&error)?,
        }
    }

    /// Create answers: Ok keeps the strings, anything else is invalid_response.
    #[test]
    fn create_answers_parse_or_are_invalid_responses(answer in value(), id in text()) {
        match parse_create_response(&answer) {
            Ok(parsed) => prop_assert_eq!(answer.get("id"), &s(&parsed.id)),
            Err(error) => invalid_response(&error)?,
        }
        let well_formed = obj(&[("id", s(&id)), ("authLink", Value::Null)]);
        prop_assert_eq!(parse_create_response(&well_formed).map(|r| r.id).ok(), Some(id));
    }

    /// Error bodies and hints are read leniently.
    #[test]
    fn error_bodies_are_read_leniently(body in value()) {
        let (error, details) = parse_error_body(&body);
        prop_assert!(error.is_none_or(|e| !e.is_empty()));
        prop_assert!(details.is_none_or(|d| !d.is_empty()));
        if let Some(seconds) = retry_after_seconds(&body) {
            prop_assert!(seconds.is_finite() && seconds >= 0.0, "{}", seconds);
        }
    }

    /// Every answer check gives Ok or invalid_response, whatever the answer.
    #[test]
    fn answer_checks_never_panic(answer in value(), path in prop_oneof![Just(String::new()), text()]) {
        let checks = [
            check_connection(&answer, &path),
            check_connections(&answer),
            check_deleted(&answer).map(|_| ()),
            check_documents(&answer),
            check_resources(&answer),
            check_configured(&answer),
        ];
        for result in checks {
            if let Err(error) = result {
                invalid_response(&error)?;
            }
        }
        let _ = sync_finished(&answer);
    }

    /// Well-formed connections pass, alone and in lists; `sync_finished` follows the run.
    #[test]
    fn well_formed_connections_pass(list in prop::collection::vec(connection_value(), 0..5)) {
        for connection in &list {
            prop_assert!(check_connection(connection, "").is_ok(), "{:?}", connection);
            let run = connection.get("lastSyncRun");
            let done = matches!(run.get("status"), Value::String(s) if s != "running")
                || matches!(run.get("errorCode"), Value::String(_));
            prop_assert_eq!(sync_finished(connection), done);
        }
        prop_assert!(check_connections(&Value::Array(list)).is_ok());
    }

    /// The parameters of the other operations: Ok with checked contents, or a validation error.
    #[test]
    fn operation_parameters_validate_anything(params in options(), required in any::<bool>()) {
        match parse_tags(&params, required) {
            Ok(body) => {
                let tags = body.container_tags.unwrap_or_default();
                prop_assert!(!required || !tags.is_empty());
                prop_assert!(tags.iter().all(|t| valid_tag(t)), "{:?}", tags);
            }
            Err(error) => validation_error(&error)?,
        }
        match parse_delete_documents(&params) {
            Ok(flag) => {
                let given = params.get("deleteDocuments");
                prop_assert!(
                    *given == Value::Bool(flag) || *given == s(if flag { "true" } else { "false" }),
                    "{:?} -> {}", given, flag
                );
            }
            Err(error) => validation_error(&error)?,
        }
        match parse_resources_query(&params) {
            Ok(query) => {
                if let Some(pairs) = query.strip_prefix('?') {
                    for pair in pairs.split('&') {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        prop_assert!(["page", "per_page", "parent_id"].contains(&name), "{}", query);
                        prop_assert!(is_encoded(value) && !value.is_empty(), "{}", query);
                    }
                } else {
                    prop_assert!(query.is_empty(), "{}", query);
                }
            }
            Err(error) => validation_error(&error)?,
        }
        match check_configure(&params) {
            Ok(()) => prop_assert!(matches!(
                params.get("resources"),
                Value::Array(items) if items.iter().all(Value::is_plain_object)
            )),
            Err(error) => validation_error(&error)?,
        }
        match parse_wait_options(&params) {
            Ok(wait) => {
                prop_assert!((100..=3_600_000).contains(&wait.interval_ms));
                prop_assert!((1..=2_147_483_647).contains(&wait.max_wait_ms));
            }
            Err(error) => validation_error(&error)?,
        }
    }

    /// Path segments: only unreserved characters and `%XX`, and decoding gives the input back.
    #[test]
    fn path_components_are_encoded(text in text()) {
        let encoded = encode_component(&text);
        prop_assert!(is_encoded(&encoded), "{:?} -> {:?}", text, encoded);
        prop_assert_eq!(percent_decode(&encoded), Some(text.clone().into_bytes()));
        match connection_id(&s(&text)) {
            Ok(id) => {
                prop_assert_eq!(&id, &encoded);
                prop_assert!(!id.is_empty() && id != "." && id != "..");
            }
            Err(error) => {
                validation_error(&error)?;
                prop_assert!(text.is_empty() || text == "." || text == "..");
                prop_assert_eq!(error.field.as_deref(), Some("connectionId"));
            }
        }
    }

    /// Any id value: Ok for strings only.
    #[test]
    fn connection_ids_of_any_value(id in value()) {
        match connection_id(&id) {
            Ok(encoded) => prop_assert!(matches!(&id, Value::String(_)) && is_encoded(&encoded)),
            Err(error) => validation_error(&error)?,
        }
    }

    /// The backoff stays within 0.375 s and 8 s for every retry number and jitter.
    #[test]
    fn backoff_is_bounded(retry in any::<u32>(), random in 0.0f64..=1.0) {
        let wait = backoff_ms(retry, random);
        prop_assert!((375..=8000).contains(&wait), "backoff_ms({}, {}) = {}", retry, random, wait);
        prop_assert!(wait <= backoff_ms(retry.saturating_add(1), random));
    }

    /// invalid_response, aborted and invalid_request are never retried. (The status they can
    /// carry: none, or a 2xx for an answer that failed its check.)
    #[test]
    fn some_failures_are_never_retried(
        code in select(&[ErrorCode::InvalidResponse, ErrorCode::Aborted, ErrorCode::InvalidRequest][..]),
        status in prop_oneof![Just(None), (200u16..300).prop_map(Some)],
        hint in retry_hint(),
        policy in policy(),
        done in 0u32..12,
        max in 0u32..12,
        random in 0.0f64..1.0,
    ) {
        let mut error = Error::new(code, "x");
        error.status = status;
        error.retry_after = hint;
        prop_assert_eq!(decide(&error, policy, done, max, random), Decision::Stop);
    }

    /// Any failure: a retry only below max_retries, and a wait of at most 60 s.
    #[test]
    fn decisions_are_bounded(
        code in error_code(),
        status in prop::option::of(any::<u16>()),
        hint in retry_hint(),
        policy in policy(),
        done in any::<u32>(),
        max in 0u32..=10,
        random in 0.0f64..1.0,
    ) {
        let mut error = Error::new(code, "x");
        error.status = status;
        error.retry_after = hint;
        match decide(&error, policy, done, max, random) {
            Decision::Stop => {}
            Decision::RetryAfter(wait) => {
                prop_assert!(done < max);
                prop_assert!(wait <= 60_000, "{}", wait);
                if hint.is_none_or(|h| h.is_nan() || h < 0.0) {
                    prop_assert!((375..=8000).contains(&wait), "{}", wait);
                }
                if policy == RetryPolicy::LiveCreate {
                    prop_assert!(matches!(status, Some(408 | 429 | 503)), "{:?}", status);
                }
            }
        }
    }

    /// Retry hints: a finite number of seconds, never negative.
    #[test]
    fn retry_hints_are_finite(text in prop_oneof![text(), "[0-9. ]{0,12}", "[0-9]{300,320}"]) {
        if let Some(seconds) = parse_seconds(&text) {
            prop_assert!(seconds.is_finite() && seconds >= 0.0, "{:?} -> {}", text, seconds);
        }
    }

    /// Header names and values, and the merge: one header per name, the caller's last word.
    #[test]
    fn headers_merge_by_name(
        accept in text(),
        has_body in any::<bool>(),
        api_key in prop::option::of(text()),
        defaults in prop::collection::vec(
            (prop_oneof![select(&["Accept", "content-type", "AUTHORIZATION", "x-a", "X-A"][..]).prop_map(String::from), text()],
             prop::option::of(text())),
            0..6,
        ),
    ) {
        for (name, value) in &defaults {
            let _ = is_valid_name(name);
            if let Some(value) = value {
                let _ = is_valid_value(value);
            }
        }
        let headers = merge_headers(&accept, has_body, api_key.as_deref(), &defaults);
        for (i, (name, _)) in headers.iter().enumerate() {
            prop_assert!(
                !headers[i + 1..].iter().any(|(other, _)| other.eq_ignore_ascii_case(name)),
                "{:?} twice in {:?}", name, headers
            );
        }
        let last_word = |name: &str| defaults.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(name));
        let sent = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let expected = |name: &str, own: Option<String>| match last_word(name) {
            Some((_, value)) => value.clone(),
            None => own,
        };
        prop_assert_eq!(sent("accept"), expected("accept", Some(accept.clone())));
        prop_assert_eq!(
            sent("content-type"),
            expected("content-type", has_body.then(|| "application/json".to_string()))
        );
        prop_assert_eq!(
            sent("authorization"),
            expected("authorization", api_key.as_ref().map(|k| format!("Bearer {k}")))
        );
    }

    /// Allow-lists and authLinks: Ok only for safe links, else a typed error.
    #[test]
    fn auth_links_are_checked(
        hosts in prop_oneof![
            value(),
            prop::collection::vec(
                prop_oneof![
                    select(&["api.notion.com", "http://127.0.0.1:8080", "localhost", "https://evil.example"][..]).prop_map(s),
                    text().prop_map(|t| s(&t)),
                ],
                0..4,
            ).prop_map(Value::Array),
        ],
        link in prop_oneof![
            text(),
            (select(&["https://api.notion.com", "http://127.0.0.1:8080", "https://API.notion.com:443", "http://api.notion.com"][..]), "[a-zA-Z0-9/?#@:%._-]{0,16}")
                .prop_map(|(a, b)| format!("{a}{b}")),
        ],
    ) {
        let allowed = match parse_allowed_hosts(&hosts, &TestUrls) {
            Ok(list) => list,
            Err(error) => {
                validation_error(&error)?;
                prop_assert!(names(error.field.as_deref().unwrap_or(""), "allowedHosts"));
                return Ok(());
            }
        };
        match check_auth_link(&link, &allowed, &TestUrls) {
            Ok(href) => {
                let url = TestUrls.parse(&href, None);
                prop_assert!(url.is_some(), "{:?}", href);
                let url = url.unwrap();
                prop_assert!(!url.has_credentials());
                let permitted = allowed.iter().any(|entry| match entry {
                    AllowedEntry::Host(host) => url.protocol == "https:" && url.port.is_empty() && url.hostname == *host,
                    AllowedEntry::Origin(origin) => url.is_http() && url.is_loopback() && url.origin == *origin,
                });
                prop_assert!(permitted, "{:?} passed {:?}", href, allowed);
            }
            Err(error) => {
                prop_assert_eq!(error.code, ErrorCode::UnsafeRedirect);
                prop_assert!(!error.message.is_empty());
            }
        }
    }

    /// Providers: exactly the eight names, as written.
    #[test]
    fn providers_are_the_eight_names(provider in provider_value()) {
        match Provider::parse(&provider) {
            Ok(parsed) => prop_assert_eq!(&provider, &s(parsed.as_str())),
            Err(error) => {
                validation_error(&error)?;
                prop_assert_eq!(error.field.as_deref(), Some("provider"));
                let is_name = matches!(&provider, Value::String(p) if PROVIDER_NAMES.contains(&p.as_str()));
                prop_assert!(!is_name);
            }
        }
    }

    /// The byte-level and forward-only text helpers agree with `str`'s own.
    #[test]
    fn text_helpers_agree_with_str(
        text in "[ \t\n\u{a0}\u{85}\u{3000}\u{feff}a/#?.é]{0,12}",
    ) {
        prop_assert_eq!(crate::text::trim(&text), text.trim());
        prop_assert_eq!(crate::text::trim_end_slashes(&text), text.trim_end_matches('/'));
        prop_assert_eq!(crate::text::has_any(&text, b"?#"), text.contains(['?', '#']));
    }
}
