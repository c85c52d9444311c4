//! [`Client`]: the checked settings every call uses, made once by [`ClientBuilder`].

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use crate::api::connections::Connections;
use crate::api::error::Error;
use crate::api::params::{millis, set_entry};
use crate::input::Reader;
use crate::options::ClientConfig;
use crate::request;
use crate::url::Environment;
use crate::value::Value;

/// A client of the supermemory API's `/v3/connections` operations. Cheap to clone: clones share
/// the checked settings.
///
/// ```no_run
/// # async fn demo() -> Result<(), supermemory_connections::Error> {
/// use std::time::Duration;
/// use supermemory_connections::{Client, CreateConnection, Provider};
///
/// let client = Client::builder()
///     .base_url("/api/supermemory") // your backend, which adds the key
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// let created = client
///     .connections()
///     .create(Provider::Notion, CreateConnection::new().container_tag("user_123"))
///     .await?;
/// let connection = client.connections().get_by_id(&created.id).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Rc<Checked>,
}

/// The checked settings, and the JavaScript values they refer to (the caller's `fetch`).
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) config: ClientConfig,
    pub(crate) reader: Reader,
}

impl Client {
    /// A builder with the defaults: `https://api.supermemory.ai`, 60 s per attempt, 2 retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The connection operations.
    pub fn connections(&self) -> Connections<'_> {
        Connections::new(self)
    }
}

/// Builds a [`Client`]; [`build`](ClientBuilder::build) checks every setting.
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    entries: Vec<(String, Value)>,
    headers: Vec<(String, Value)>,
    fetch_options: Vec<(String, Value)>,
    fetch: Option<js_sys::Function>,
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer`. In a browser it needs
    /// [`dangerously_allow_browser`](ClientBuilder::dangerously_allow_browser): every user of the
    /// page could read it. Prefer a backend proxy as [`base_url`](ClientBuilder::base_url).
    pub fn api_key(self, key: impl Into<String>) -> ClientBuilder {
        self.set("apiKey", Value::String(key.into()))
    }

    /// Where requests go: an absolute `http(s)` URL, or a path relative to the page (your
    /// backend proxy); no credentials, query or fragment.
    pub fn base_url(self, url: impl Into<String>) -> ClientBuilder {
        self.set("baseURL", Value::String(url.into()))
    }

    /// Allows an API key in a browser, for internal tools only.
    pub fn dangerously_allow_browser(self, allow: bool) -> ClientBuilder {
        self.set("dangerouslyAllowBrowser", Value::Bool(allow))
    }

    /// How long one attempt may take, reading the answer included: 1 ms to 2147483647 ms
    /// (default 60 s).
    pub fn timeout(self, timeout: Duration) -> ClientBuilder {
        self.set("timeout", millis(timeout))
    }

    /// Retries after a failed attempt, 0 to 10 (default 2).
    pub fn max_retries(self, retries: u32) -> ClientBuilder {
        self.set("maxRetries", Value::Number(f64::from(retries)))
    }

    /// A header sent with every request, replacing the package's header of that name.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into(), Value::String(value.into())));
        self
    }

    /// Leaves out a header the package would send.
    pub fn remove_default_header(mut self, name: impl Into<String>) -> ClientBuilder {
        self.headers.push((name.into(), Value::Null));
        self
    }

    /// A function called as the global `fetch` is, `(url, init)`, instead of it.
    pub fn fetch(mut self, fetch: js_sys::Function) -> ClientBuilder {
        self.fetch = Some(fetch);
        self
    }

    /// `fetch`'s `credentials`: `"omit"`, `"same-origin"` or `"include"` (a cookie-authenticated
    /// proxy on another origin).
    pub fn credentials(self, credentials: impl Into<String>) -> ClientBuilder {
        self.fetch_option("credentials", credentials.into())
    }

    /// `fetch`'s `mode`: `"cors"` or `"same-origin"`.
    pub fn mode(self, mode: impl Into<String>) -> ClientBuilder {
        self.fetch_option("mode", mode.into())
    }

    /// `fetch`'s `referrerPolicy`.
    pub fn referrer_policy(self, policy: impl Into<String>) -> ClientBuilder {
        self.fetch_option("referrerPolicy", policy.into())
    }

    /// Checks every setting, in the npm package's order and with its messages.
    ///
    /// # Errors
    ///
    /// `InvalidRequest` with the setting's `field` for a value that breaks a rule;
    /// `BrowserKeyExposure` for an API key in a browser without
    /// [`dangerously_allow_browser`](ClientBuilder::dangerously_allow_browser).
    pub fn build(self) -> Result<Client, Error> {
        let mut reader = Reader::new();
        let mut entries = self.entries;
        if !self.headers.is_empty() {
            entries.push(("defaultHeaders".to_string(), Value::Object(self.headers)));
        }
        if let Some(fetch) = &self.fetch {
            entries.push(("fetch".to_string(), Value::Function(reader.keep(fetch))));
        }
        if !self.fetch_options.is_empty() {
            entries.push((
                "fetchOptions".to_string(),
                Value::Object(self.fetch_options),
            ));
        }
        let config =
            with_environment(|env| request::validate_client(&Value::Object(entries), env))?;
        Ok(Client {
            inner: Rc::new(Checked { config, reader }),
        })
    }

    fn set(mut self, key: &str, value: Value) -> ClientBuilder {
        set_entry(&mut self.entries, key.to_string(), value);
        self
    }

    fn fetch_option(mut self, key: &str, value: String) -> ClientBuilder {
        set_entry(
            &mut self.fetch_options,
            key.to_string(),
            Value::String(value),
        );
        self
    }
}

/// Runs `check` with where the code runs: in wasm the page or worker and the browser's URL
/// parser; elsewhere (server rendering) no page and a small parser of absolute URLs.
pub(crate) fn with_environment<T>(
    check: impl FnOnce(&Environment) -> Result<T, crate::error::Error>,
) -> Result<T, Error> {
    #[cfg(target_arch = "wasm32")]
    let env = crate::url::detect_environment(&crate::url::PlatformUrls);
    #[cfg(not(target_arch = "wasm32"))]
    let env = Environment {
        is_browser: false,
        page_url: None,
        urls: &crate::url::AbsoluteUrls,
    };
    check(&env).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn debug_output_shows_neither_the_key_nor_header_values() {
        let client = Client::builder()
            .api_key("sm_secret_key")
            .base_url("https://proxy.example.com")
            .default_header("x-session", "session_secret_token")
            .build()
            .unwrap();
        let printed = format!("{client:?}");
        assert!(printed.contains("x-session"), "{printed}");
        assert!(!printed.contains("sm_secret_key"), "{printed}");
        assert!(!printed.contains("session_secret_token"), "{printed}");
    }

    #[test]
    fn build_checks_every_setting_outside_the_browser_too() {
        let client = Client::builder()
            .base_url("https://proxy.example.com/api/supermemory/")
            .timeout(Duration::from_secs(20))
            .max_retries(0)
            .build()
            .unwrap();
        assert_eq!(
            client.inner.config.base_url,
            "https://proxy.example.com/api/supermemory"
        );
        assert_eq!(client.inner.config.timeout_ms, 20_000);
        assert_eq!(client.inner.config.max_retries, 0);
        let error = Client::builder().build().unwrap_err();
        assert_eq!(error.field(), Some("apiKey"));
        let error = Client::builder()
            .base_url("https://proxy.example.com")
            .max_retries(11)
            .build()
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest);
        assert_eq!(error.field(), Some("maxRetries"));
        assert_eq!(
            error.to_string(),
            "maxRetries must be an integer from 0 to 10"
        );
        let error = Client::builder()
            .base_url("https://proxy.example.com")
            .timeout(Duration::from_secs(3_000_000))
            .build()
            .unwrap_err();
        assert_eq!(error.field(), Some("timeout"));
        assert_eq!(
            error.to_string(),
            "timeout must be an integer from 1 to 2147483647"
        );
        let error = Client::builder()
            .base_url("/api/supermemory")
            .build()
            .unwrap_err();
        assert_eq!(error.field(), Some("baseURL"));
    }
}
