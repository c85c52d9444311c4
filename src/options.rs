//! `ClientOptions` and `RequestOptions`: read, checked, and turned into settings for the client.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::error::{Error, ErrorCode};
use crate::headers;
use crate::rules;
use crate::url::Environment;
use crate::value::{Handle, Value};

/// Option names of `ClientOptions`, in validation order.
pub const CLIENT_OPTIONS: &[&str] = &[
    "apiKey",
    "baseURL",
    "dangerouslyAllowBrowser",
    "timeout",
    "maxRetries",
    "defaultHeaders",
    "fetch",
    "fetchOptions",
];

/// Option names of `RequestOptions`, in validation order.
pub const REQUEST_OPTIONS: &[&str] = &["signal", "timeout", "maxRetries"];

/// The API's own address, used when `baseURL` is not given.
pub const DEFAULT_BASE_URL: &str = "https://api.supermemory.ai";

/// The API's host: calling it needs an API key.
const API_HOST: &str = "api.supermemory.ai";

/// Default time one attempt may take, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 60_000;

/// Longest timeout `setTimeout` can keep, in milliseconds.
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// Default number of retries after a failed attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Most retries a caller may ask for.
pub const MAX_RETRIES: f64 = 10.0;

/// Names `fetchOptions` accepts: the request settings the package does not own itself.
const FETCH_OPTIONS: &[&str] = &[
    "credentials",
    "mode",
    "referrer",
    "referrerPolicy",
    "integrity",
];

const CREDENTIALS: &[&str] = &["omit", "same-origin", "include"];
const MODES: &[&str] = &["cors", "same-origin"];
const REFERRER_POLICIES: &[&str] = &[
    "",
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// The API key, kept out of every `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Request settings taken from `fetchOptions`, as the strings `fetch` accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// `credentials`: omit, same-origin or include.
    pub credentials: Option<String>,
    /// `mode`: cors or same-origin.
    pub mode: Option<String>,
    /// `referrer`.
    pub referrer: Option<String>,
    /// `referrerPolicy`.
    pub referrer_policy: Option<String>,
    /// `integrity`.
    pub integrity: Option<String>,
}

/// Checked `ClientOptions`.
#[derive(Clone, PartialEq)]
pub struct ClientConfig {
    /// The API key, when one is given.
    pub api_key: Option<ApiKey>,
    /// Absolute base URL without a trailing slash.
    pub base_url: String,
    /// Milliseconds one attempt may take, the body included.
    pub timeout_ms: u32,
    /// Retries after a failed attempt.
    pub max_retries: u32,
    /// Headers added to every request; `None` removes a header the package would send.
    pub default_headers: Vec<(String, Option<String>)>,
    /// The caller's own `fetch`, kept aside.
    pub fetch: Option<Handle>,
    /// Request settings from `fetchOptions`.
    pub fetch_options: FetchOptions,
}

/// Prints the header names of `default_headers`, not their values: a caller may put a token
/// there, as the API key is kept out.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("ClientConfig")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("default_headers", &header_names)
            .field("fetch", &self.fetch)
            .field("fetch_options", &self.fetch_options)
            .finish()
    }
}

/// Checked `RequestOptions`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestConfig {
    /// The caller's `AbortSignal`, kept aside.
    pub signal: Option<Handle>,
    /// Overrides the client's timeout for this call.
    pub timeout_ms: Option<u32>,
    /// Overrides the client's retries for this call.
    pub max_retries: Option<u32>,
}

/// Reads the client options from `options` (unknown names are checked by the caller).
pub fn parse_client(options: &Value, env: &Environment) -> Result<ClientConfig, Error> {
    let api_key = match rules::non_empty_string(options.get("apiKey"), "apiKey")? {
        Some(key) if !headers::is_valid_token(key) => {
            return Err(Error::invalid(
                "apiKey",
                "apiKey may only contain visible ASCII characters (no spaces or line breaks)",
            ))
        }
        key => key.map(|k| ApiKey(k.to_string())),
    };
    let (base_url, is_api) = parse_base_url(options.get("baseURL"), env)?;
    if api_key.is_none() && is_api {
        return Err(Error::invalid(
            "apiKey",
            "apiKey is required to call the supermemory API directly; in a browser, set baseURL to your backend proxy instead",
        ));
    }
    let allow_browser = rules::boolean(
        options.get("dangerouslyAllowBrowser"),
        "dangerouslyAllowBrowser",
    )?;
    if api_key.is_some() && env.is_browser && allow_browser != Some(true) {
        let mut error = Error::new(
            ErrorCode::BrowserKeyExposure,
            "an apiKey in the browser is visible to every user of the page: send requests through your backend with baseURL, or set dangerouslyAllowBrowser: true",
        );
        error.field = Some("apiKey".into());
        return Err(error);
    }
    let timeout_ms = timeout(options.get("timeout"))?.unwrap_or(DEFAULT_TIMEOUT_MS);
    let max_retries = max_retries(options.get("maxRetries"))?.unwrap_or(DEFAULT_MAX_RETRIES);
    let default_headers = parse_headers(options.get("defaultHeaders"))?;
    let fetch = match options.get("fetch") {
        Value::Undefined => None,
        Value::Function(handle) => Some(*handle),
        other => return Err(Error::expected("fetch", "a function", other)),
    };
    let fetch_options = parse_fetch_options(options.get("fetchOptions"), env)?;
    Ok(ClientConfig {
        api_key,
        base_url,
        timeout_ms,
        max_retries,
        default_headers,
        fetch,
        fetch_options,
    })
}

/// Reads the per-call options from `options` (unknown names are checked by the caller).
pub fn parse_request(options: &Value) -> Result<RequestConfig, Error> {
    let signal = rules::signal(options.get("signal"))?;
    Ok(RequestConfig {
        signal,
        timeout_ms: timeout(options.get("timeout"))?,
        max_retries: max_retries(options.get("maxRetries"))?,
    })
}

fn timeout(value: &Value) -> Result<Option<u32>, Error> {
    Ok(rules::integer(value, "timeout", 1.0, MAX_TIMEOUT_MS)?.map(|n| n as u32))
}

fn max_retries(value: &Value) -> Result<Option<u32>, Error> {
    Ok(rules::integer(value, "maxRetries", 0.0, MAX_RETRIES)?.map(|n| n as u32))
}

/// The checked base URL without a trailing slash, and whether it is the supermemory API itself.
fn parse_base_url(value: &Value, env: &Environment) -> Result<(String, bool), Error> {
    let Some(text) = rules::non_empty_string(value, "baseURL")? else {
        return Ok((DEFAULT_BASE_URL.to_string(), true));
    };
    let url = env
        .urls
        .parse(text, env.page_url.as_deref())
        .ok_or_else(|| {
            Error::invalid(
                "baseURL",
                "baseURL must be an absolute http(s) URL, or a path relative to the page in a browser",
            )
        })?;
    if !url.is_http() {
        return Err(Error::invalid(
            "baseURL",
            "baseURL must use http: or https:",
        ));
    }
    if url.has_credentials() {
        return Err(Error::invalid(
            "baseURL",
            "baseURL must not contain a user name or password",
        ));
    }
    if !url.search.is_empty() || !url.hash.is_empty() || crate::text::has_any(&url.href, b"?#") {
        return Err(Error::invalid(
            "baseURL",
            "baseURL must not have a query or fragment",
        ));
    }
    Ok((
        crate::text::trim_end_slashes(&url.href).to_string(),
        url.hostname == API_HOST,
    ))
}

fn parse_headers(value: &Value) -> Result<Vec<(String, Option<String>)>, Error> {
    let entries = match value {
        Value::Undefined => return Ok(Vec::new()),
        Value::Object(entries) => entries,
        other => return Err(Error::expected("defaultHeaders", "a plain object", other)),
    };
    let mut headers = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let field = text!("defaultHeaders.", name);
        if !headers::is_valid_name(name) {
            return Err(Error::invalid_at(&field, " is not a valid header name"));
        }
        let value =
            match value {
                Value::String(text) if headers::is_valid_value(text) => Some(text.clone()),
                Value::String(_) => return Err(Error::invalid_at(
                    &field,
                    " has characters a header cannot carry (line breaks, NUL, or beyond Latin-1)",
                )),
                Value::Null | Value::Undefined => None,
                other => return Err(Error::expected(&field, "a string or null", other)),
            };
        headers.push((name.clone(), value));
    }
    Ok(headers)
}

fn parse_fetch_options(value: &Value, env: &Environment) -> Result<FetchOptions, Error> {
    let entries = match value {
        Value::Undefined => return Ok(FetchOptions::default()),
        Value::Object(entries) => entries,
        other => return Err(Error::expected("fetchOptions", "a plain object", other)),
    };
    for (key, _) in entries {
        if !FETCH_OPTIONS.contains(&key.as_str()) {
            let field = text!("fetchOptions.", key);
            return Err(Error::invalid_at(&field, " is not supported: fetchOptions takes credentials, mode, referrer, referrerPolicy and integrity"));
        }
    }
    Ok(FetchOptions {
        credentials: one_of(
            value.get("credentials"),
            "fetchOptions.credentials",
            CREDENTIALS,
        )?,
        mode: one_of(value.get("mode"), "fetchOptions.mode", MODES)?,
        referrer: referrer(value.get("referrer"), env)?,
        referrer_policy: one_of(
            value.get("referrerPolicy"),
            "fetchOptions.referrerPolicy",
            REFERRER_POLICIES,
        )?,
        integrity: any_string(value.get("integrity"), "fetchOptions.integrity")?,
    })
}

/// `fetchOptions.referrer`: empty, or a URL `fetch` can parse against the page.
fn referrer(value: &Value, env: &Environment) -> Result<Option<String>, Error> {
    let text = any_string(value, "fetchOptions.referrer")?;
    match text.as_deref() {
        Some(url) if !url.is_empty() && env.urls.parse(url, env.page_url.as_deref()).is_none() => {
            Err(Error::invalid(
                "fetchOptions.referrer",
                "fetchOptions.referrer must be empty or a URL",
            ))
        }
        _ => Ok(text),
    }
}

fn any_string(value: &Value, field: &str) -> Result<Option<String>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        other => Err(Error::expected(field, "a string", other)),
    }
}

fn one_of(value: &Value, field: &str, allowed: &[&str]) -> Result<Option<String>, Error> {
    match any_string(value, field)? {
        Some(text) if !allowed.contains(&text.as_str()) => {
            let mut message = text!(field, " must be one of ");
            for (i, name) in allowed.iter().enumerate() {
                let separator = if i == 0 { "" } else { ", " };
                message.push_str(&text!(separator, "\"", name, "\""));
            }
            Err(Error::invalid(field, message))
        }
        other => Ok(other),
    }
}
