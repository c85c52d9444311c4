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
use crate::provider::Provider;
use crate::request;
use crate::url::PlatformUrls;
use crate::value::Value;

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
    let config = client.inner.config.clone();
    let mut call = with_environment(|env| {
        request::validate_create_params(
            provider,
            config,
            &params.to_value(),
            Default::default(),
            env,
        )
    })?;
    let allowed = allowed_entries(allowed_hosts)?;
    let nonce = oauth::prepare_start(&mut call)?;
    let created = operations::create(call, &client.inner.reader).await?;
    let redirected = oauth::finish_start(nonce.as_deref(), provider, &created, &allowed)?;
    Ok(OAuthStarted {
        redirected,
        connection: created,
    })
}

/// Finishes a round trip that brought the browser back: `None` on an ordinary page load. Reads
/// `url`, or the page's address; the nonce is checked and forgotten, and the package's query
/// parameters are removed from the address bar.
///
/// # Errors
///
/// `InvalidRequest` outside a page.
pub fn complete_oauth(url: Option<&str>) -> Result<Option<OAuthOutcome>, Error> {
    Ok(oauth::complete(url)?.map(|completion| match completion {
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

fn allowed_entries(allowed_hosts: Option<&[&str]>) -> Result<Vec<AllowedEntry>, Error> {
    if !cfg!(target_arch = "wasm32") {
        return Err(Error::from(Failure::new(
            ErrorCode::InvalidRequest,
            "the OAuth helpers need a browser page (a window with location and sessionStorage)",
        )));
    }
    let value = allowed_hosts.map_or(Value::Undefined, |hosts| strings(hosts.iter().copied()));
    Ok(allow_list::parse_allowed_hosts(&value, &PlatformUrls)?)
}
