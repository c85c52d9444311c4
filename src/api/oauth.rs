//! The OAuth round trip for the Rust API, with the npm package's checks: a one-time nonce on the
//! way back, and an allow-list for the `authLink` the page is sent to.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::allow_list::{self, AllowedEntry};
use crate::answers::CreatedConnection;
use crate::api::client::{with_environment, Client};
use crate::api::error::Error;
use crate::api::params::{strings, CreateConnection};
use crate::error::{Error as Failure, ErrorCode};
use crate::oauth::{self, Completion};
use crate::operations;
use crate::popup;
use crate::provider::Provider;
use crate::request;
use crate::url::PlatformUrls;
use crate::value::Value;
use core::time::Duration;
use wasm_bindgen::JsValue;

/// What [`start_oauth`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OAuthStarted {
    /// True when the page is on its way to the provider's consent page; false for `web-crawler`,
    /// `s3` and `granola`, whose connection is live at once.
    pub redirected: bool,
    /// The created connection.
    pub connection: CreatedConnection,
}

/// How a round trip came back to the page, from [`complete_oauth`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthOutcome {
    /// The user allowed access.
    Connected {
        /// The provider's name.
        provider: String,
        /// The connection's id.
        connection_id: String,
    },
    /// The provider or the API reported an error (`access_denied`, ...), or the return did not
    /// carry this page's nonce (`state_mismatch`). Show `error` as text.
    Failed {
        /// The error code, as text.
        error: String,
        /// The provider's name, when the nonce matched.
        provider: Option<String>,
        /// The connection's id, when the nonce matched.
        connection_id: Option<String>,
    },
}

/// Creates the connection and, for the OAuth providers, remembers a one-time nonce in
/// `sessionStorage` and sends the page to the checked `auth_link`. `redirect_url` defaults to
/// the current page; `allowed_hosts`, when given, replaces the default allow-list.
///
/// # Errors
///
/// Everything [`Connections::create`](crate::Connections::create) returns; `UnsafeRedirect` for
/// an `auth_link` the allow-list refuses (the page stays); `InvalidRequest` outside a page or
/// without `sessionStorage`.
pub async fn start_oauth(
    client: &Client,
    provider: Provider,
    params: CreateConnection,
    allowed_hosts: Option<&[&str]>,
) -> Result<OAuthStarted, Error> {
    let call = checked_call(client, provider, &params)?;
    let allowed = allowed_entries(allowed_hosts)?;
    start(client, call, &allowed).await
}

/// The create call of the client's settings and `params`, checked.
fn checked_call(
    client: &Client,
    provider: Provider,
    params: &CreateConnection,
) -> Result<request::CreateCall, Error> {
    let config = client.inner.config.clone();
    with_environment(|env| {
        request::validate_create_params(
            provider,
            config,
            &params.to_value(),
            Default::default(),
            env,
        )
    })
}

/// `start_oauth` for a checked call: the nonce, the create, the navigation.
async fn start(
    client: &Client,
    mut call: request::CreateCall,
    allowed: &[AllowedEntry],
) -> Result<OAuthStarted, Error> {
    let provider = call.provider;
    let nonce = oauth::prepare_start(&mut call)?;
    let created = operations::create(call, &client.inner.reader).await?;
    let redirected = oauth::finish_start(nonce.as_deref(), provider, &created, allowed)?;
    Ok(OAuthStarted {
        redirected,
        connection: created,
    })
}

/// Finishes a round trip that brought the browser back: `None` on an ordinary page load. Reads
/// `url`, or the page's address; the nonce is checked and forgotten, and the package's query
/// parameters are removed from the address bar. In a popup of [`connect_in_popup`], the return
/// is reported to the opener, which acknowledges it (then the popup closes itself); without an
/// acknowledgement within about a second it is `state_mismatch`.
///
/// # Errors
///
/// `InvalidRequest` outside a page.
pub async fn complete_oauth(url: Option<&str>) -> Result<Option<OAuthOutcome>, Error> {
    in_a_page()?;
    Ok(oauth::complete_with_popup(url).await?.map(outcome))
}

/// The public form of a completion (a popup's return is answered before it gets here).
fn outcome(completion: Completion) -> OAuthOutcome {
    match completion {
        Completion::Connected {
            connection_id,
            provider,
        } => OAuthOutcome::Connected {
            provider,
            connection_id,
        },
        Completion::Failed {
            error,
            connection_id,
            provider,
        } => OAuthOutcome::Failed {
            error,
            provider,
            connection_id,
        },
        Completion::FromPopup { .. } => OAuthOutcome::Failed {
            error: "state_mismatch".into(),
            provider: None,
            connection_id: None,
        },
    }
}

/// Options of [`connect_in_popup`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PopupOptions {
    allowed_hosts: Option<Vec<String>>,
    max_wait: Option<Duration>,
    redirect_fallback: bool,
    signal: Option<web_sys::AbortSignal>,
}

impl PopupOptions {
    /// The defaults: the default allow-list, ten minutes, `PopupBlocked` for a blocked popup.
    pub fn new() -> PopupOptions {
        PopupOptions::default()
    }

    /// Hosts the `auth_link` may point at, replacing the default allow-list.
    pub fn allowed_hosts<I: IntoIterator<Item = S>, S: Into<String>>(mut self, hosts: I) -> Self {
        self.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// The longest wait for the popup (default ten minutes); then `Timeout`, the popup closed.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }

    /// A blocked popup falls back to [`start_oauth`]'s full-page redirect instead of
    /// `PopupBlocked`.
    pub fn redirect_fallback(mut self, fallback: bool) -> Self {
        self.redirect_fallback = fallback;
        self
    }

    /// A signal that ends the wait with `Aborted` and closes the popup.
    pub fn signal(mut self, signal: web_sys::AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }
}

/// How [`connect_in_popup`] ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PopupOutcome {
    /// The popup came back (or the provider needs no OAuth): as [`complete_oauth`] reports it.
    Completed(OAuthOutcome),
    /// The popup was blocked and `redirect_fallback` sent the page to the consent page instead.
    Redirected(OAuthStarted),
}

/// Connects in a popup: opens it **now** (call this inside the click handler; browsers block a
/// popup opened after an `await`), then returns the future that creates the connection, checks
/// its `auth_link` as [`start_oauth`] does, points the popup at it and waits for
/// [`complete_oauth`] in the popup to report back. For `web-crawler`, `s3` and `granola` no
/// window opens and the future resolves at once.
///
/// # Errors
///
/// What [`start_oauth`] returns; `PopupBlocked` (nothing created), `PopupClosed`, `Timeout`,
/// `Aborted`; `InvalidRequest` while another popup flow of this page is running.
pub fn connect_in_popup<'a>(
    client: &'a Client,
    provider: Provider,
    params: CreateConnection,
    options: PopupOptions,
) -> impl core::future::Future<Output = Result<PopupOutcome, Error>> + 'a {
    // Marked running now, with the window: a second call before this future is polled is
    // refused too. Dropping the future ends the flow.
    let running = (!popup::in_progress()).then(popup::Running::start);
    let window = if provider.uses_oauth() && running.is_some() {
        popup::open()
    } else {
        None
    };
    async move {
        let Some(_running) = running else {
            return Err(Error::from(Failure::new(
                ErrorCode::InvalidRequest,
                "a connection is already in progress",
            )));
        };
        let outcome = popup_flow(client, provider, params, options, window.clone()).await;
        if outcome.is_err() {
            if let Some(window) = &window {
                popup::close(window);
            }
        }
        outcome
    }
}

async fn popup_flow(
    client: &Client,
    provider: Provider,
    params: CreateConnection,
    options: PopupOptions,
    window: Option<JsValue>,
) -> Result<PopupOutcome, Error> {
    let mut call = checked_call(client, provider, &params)?;
    let hosts: Option<Vec<&str>> = options
        .allowed_hosts
        .as_ref()
        .map(|hosts| hosts.iter().map(String::as_str).collect());
    let allowed = allowed_entries(hosts.as_deref())?;
    if provider.uses_oauth() && window.is_none() {
        if !options.redirect_fallback {
            return Err(Error::from(Failure::new(
                ErrorCode::PopupBlocked,
                "the browser blocked the popup: call connect_in_popup inside a click handler, or set redirect_fallback",
            )));
        }
        return Ok(PopupOutcome::Redirected(
            start(client, call, &allowed).await?,
        ));
    }
    let nonce = match &window {
        Some(_) => Some(oauth::prepare_popup(&mut call)?),
        None => None,
    };
    let created = operations::create(call, &client.inner.reader).await?;
    let (Some(window), Some(nonce)) = (window, nonce) else {
        return Ok(PopupOutcome::Completed(OAuthOutcome::Connected {
            provider: provider.as_str().into(),
            connection_id: created.id,
        }));
    };
    let target = oauth::checked_auth_link(&created, &allowed)?;
    let max_wait = options.max_wait.map_or(popup::DEFAULT_MAX_WAIT_MS, |wait| {
        u32::try_from(wait.as_millis())
            .unwrap_or(u32::MAX)
            .clamp(1, i32::MAX as u32)
    });
    let error = popup::wait_for_return(
        &window,
        &target,
        &nonce,
        (provider.as_str(), &created.id),
        max_wait,
        options.signal.as_ref(),
    )
    .await?;
    let provider = provider.as_str().to_string();
    Ok(PopupOutcome::Completed(match error {
        None => OAuthOutcome::Connected {
            provider,
            connection_id: created.id,
        },
        Some(error) => OAuthOutcome::Failed {
            error,
            provider: Some(provider),
            connection_id: Some(created.id),
        },
    }))
}

/// Sends the page to the connection's `auth_link` after checking it against the allow-list
/// (`allowed_hosts` replaces the default one).
///
/// # Errors
///
/// `InvalidRequest` when the connection has no `auth_link` (its provider needs no OAuth);
/// `UnsafeRedirect` for a link the allow-list refuses.
pub fn redirect_to_auth_link(
    connection: &CreatedConnection,
    allowed_hosts: Option<&[&str]>,
) -> Result<(), Error> {
    let allowed = allowed_entries(allowed_hosts)?;
    let link = connection.auth_link.as_deref().ok_or_else(|| {
        Failure::invalid(
            "authLink",
            "this connection has no authLink: its provider needs no OAuth",
        )
    })?;
    let target = allow_list::check_auth_link(link, &allowed, &PlatformUrls)?;
    Ok(oauth::navigate(&target)?)
}

/// Outside wasm (server rendering) there is no page: an error instead of a JavaScript call.
fn in_a_page() -> Result<(), Error> {
    if cfg!(target_arch = "wasm32") {
        return Ok(());
    }
    Err(Error::from(Failure::new(
        ErrorCode::InvalidRequest,
        "the OAuth helpers need a browser page (a window with location and sessionStorage)",
    )))
}

fn allowed_entries(allowed_hosts: Option<&[&str]>) -> Result<Vec<AllowedEntry>, Error> {
    in_a_page()?;
    let value = allowed_hosts.map_or(Value::Undefined, |hosts| strings(hosts.iter().copied()));
    Ok(allow_list::parse_allowed_hosts(&value, &PlatformUrls)?)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const NO_PAGE: &str =
        "the OAuth helpers need a browser page (a window with location and sessionStorage)";

    #[test]
    fn outside_the_browser_the_oauth_functions_fail_instead_of_calling_javascript() {
        let error = futures::executor::block_on(complete_oauth(None)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest);
        assert_eq!(error.message(), NO_PAGE);

        let client = Client::builder()
            .base_url("https://proxy.example.com")
            .build()
            .unwrap();
        let flow = connect_in_popup(
            &client,
            Provider::Notion,
            CreateConnection::new(),
            PopupOptions::new(),
        );
        let error = futures::executor::block_on(flow).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest);
        assert_eq!(error.message(), NO_PAGE);
        assert!(
            !popup::in_progress(),
            "the flow's mark is cleared when it ends"
        );
    }
}
