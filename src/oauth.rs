//! The OAuth round trip in a page: start it (create, remember a one-time nonce, navigate to the
//! checked `authLink`) and complete it when the provider sends the browser back.
//!
//! The page itself (`location`, `history`, `sessionStorage`, `crypto`) is `src/js/oauth.js`'s:
//! this module decides, and writes the messages of what failed there.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::allow_list::{check_auth_link, AllowedEntry};
use crate::answers::CreatedConnection;
use crate::create_params;
use crate::error::{Error, ErrorCode};
use crate::guard;
use crate::provider::Provider;
use crate::request::CreateCall;
use crate::url::PlatformUrls;

/// Hex digits of a nonce (128 bits), which `oauthBegin` answers before the redirect URL.
const NONCE_LENGTH: usize = 32;

/// The message when no nonce could be made.
const NO_CRYPTO: &str = "crypto.getRandomValues is not available here";

/// How a round trip came back.
#[derive(Debug)]
pub enum Completion {
    /// The user allowed access.
    Connected {
        /// The connection's id.
        connection_id: String,
        /// The provider's name.
        provider: String,
    },
    /// A popup's return: the nonce and the provider's error code, for the opener to confirm.
    FromPopup {
        /// The nonce the popup came back with.
        nonce: String,
        /// The provider's `?error=` code, if any.
        error: Option<String>,
    },
    /// The provider or the API reported an error, or the nonce did not match.
    Failed {
        /// The API's `error` code, or `state_mismatch`.
        error: String,
        /// The connection's id, when the nonce matched.
        connection_id: Option<String>,
        /// The provider's name, when the nonce matched.
        provider: Option<String>,
    },
}

#[wasm_bindgen(module = "/src/js/oauth.js")]
extern "C" {
    #[wasm_bindgen(js_name = oauthBegin)]
    fn oauth_begin(redirect_url: Option<&str>, popup: bool, needs_storage: bool) -> JsValue;
    #[wasm_bindgen(js_name = oauthGo)]
    fn oauth_go(
        target: &str,
        nonce: Option<&str>,
        connection_id: Option<&str>,
        provider: Option<&str>,
    ) -> JsValue;
    #[wasm_bindgen(js_name = oauthComplete)]
    fn oauth_complete(url: Option<&str>) -> JsValue;
    #[wasm_bindgen(js_name = oauthCause)]
    fn oauth_cause() -> JsValue;
}

/// The error of a failure that `src/js/oauth.js` answered with its number, `None` for any other
/// answer.
fn failure(answer: &JsValue) -> Option<Error> {
    let code = answer.as_f64()?;
    let request = |message| Error::new(ErrorCode::InvalidRequest, message);
    Some(match code as u8 {
        1 => request(
            "the OAuth helpers need a browser page (a window with location and sessionStorage)",
        ),
        2 => request(
            "sessionStorage is not available in this page; the OAuth helpers need it to check the return",
        ),
        3 => request("the page's address could not be read"),
        4 => Error::invalid(
            "redirectUrl",
            "the page's address could not be used as redirectUrl",
        ),
        5 => request(NO_CRYPTO),
        6 => Error::invalid("redirectUrl", "redirectUrl must be an absolute https: URL"),
        7 => request("the pending sign-in could not be stored in sessionStorage")
            .with_cause(oauth_cause()),
        8 => Error::new(
            ErrorCode::UnsafeRedirect,
            "the browser refused to navigate to authLink",
        )
        .with_cause(oauth_cause()),
        // 9, the only other number `oauthComplete` answers.
        _ => Error::invalid("url", "url must be a URL"),
    })
}

/// The answer of a call into `src/js/oauth.js`, or its failure.
fn answered(answer: JsValue) -> Result<JsValue, Error> {
    match failure(&answer) {
        Some(error) => Err(error),
        None => Ok(answer),
    }
}

/// The first half of `connectInPopup` for a checked call of an OAuth provider: a one-time nonce
/// and the popup marker added to `redirectUrl` (which defaults to the current page). The nonce
/// stays in the opener's memory.
pub fn prepare_popup(call: &mut CreateCall) -> Result<String, Error> {
    add_nonce(call, true, false)
}

/// The checked `authLink` of a created connection of an OAuth provider.
pub fn checked_auth_link(
    connection: &CreatedConnection,
    allowed: &[AllowedEntry],
) -> Result<String, Error> {
    let link = connection.auth_link.as_deref().ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidResponse,
            "the API returned no authLink for a provider that needs OAuth",
        )
    })?;
    check_auth_link(link, allowed, &PlatformUrls)
}

/// The first half of `startOAuth` for a checked call: for the OAuth providers, a one-time nonce
/// added to `redirectUrl` (which defaults to the current page), returned for
/// [`finish_start`]; `None` for the providers without OAuth. The caller then creates the
/// connection.
pub fn prepare_start(call: &mut CreateCall) -> Result<Option<String>, Error> {
    if !call.provider.uses_oauth() {
        return Ok(None);
    }
    add_nonce(call, false, true).map(Some)
}

/// Adds a fresh nonce (and for a popup, its marker) to the call's redirect URL (the current
/// page when none is given), checked again; with `needs_storage`, fails first when
/// `sessionStorage` is missing.
fn add_nonce(call: &mut CreateCall, popup: bool, needs_storage: bool) -> Result<String, Error> {
    let begun = answered(oauth_begin(
        call.body.redirect_url.as_deref(),
        popup,
        needs_storage,
    ))?
    .as_string()
    .unwrap_or_default();
    // `oauthBegin` answers the nonce and the URL as one string; anything shorter had no nonce.
    let (Some(nonce), Some(redirect_url)) = (begun.get(..NONCE_LENGTH), begun.get(NONCE_LENGTH..))
    else {
        return Err(Error::new(ErrorCode::InvalidRequest, NO_CRYPTO));
    };
    create_params::check_redirect_url(redirect_url, &PlatformUrls).map_err(|mut e| {
        e.message = text!(
            e.message,
            " (the current page is used when redirectUrl is not given)"
        );
        e
    })?;
    let nonce = nonce.to_string();
    call.body.redirect_url = Some(redirect_url.to_string());
    Ok(nonce)
}

/// The second half, once the connection exists: remembers the nonce and sends the page to the
/// checked `authLink`. Returns whether the page is on its way.
pub fn finish_start(
    nonce: Option<&str>,
    provider: Provider,
    connection: &CreatedConnection,
    allowed: &[AllowedEntry],
) -> Result<bool, Error> {
    match nonce {
        Some(nonce) => {
            remember_and_navigate(nonce, provider.as_str(), connection, allowed).map(|()| true)
        }
        None => Ok(false),
    }
}

/// Stores the pending round trip, then navigates to the checked `authLink`.
pub fn remember_and_navigate(
    nonce: &str,
    provider: &str,
    connection: &CreatedConnection,
    allowed: &[AllowedEntry],
) -> Result<(), Error> {
    let target = checked_auth_link(connection, allowed)?;
    answered(oauth_go(
        &target,
        Some(nonce),
        Some(&connection.id),
        Some(provider),
    ))
    .map(drop)
}

/// Sends the page to an already checked URL.
pub fn navigate(target: &str) -> Result<(), Error> {
    answered(oauth_go(target, None, None, None)).map(drop)
}

/// Reads the return of a round trip from `url` (or the page's address) as JavaScript gets it:
/// `null` on an ordinary page load; `{ popupReturn: { nonce, error? } }` for a popup's return;
/// else `{ ok, error?, connectionId?, provider? }`. The nonce is checked and forgotten, and the
/// package's query parameters leave the address bar.
pub fn complete_js(url: Option<&str>) -> Result<JsValue, Error> {
    answered(oauth_complete(url))
}

/// [`complete_js`] as a [`Completion`]; `None` for an ordinary page load.
pub fn complete(url: Option<&str>) -> Result<Option<Completion>, Error> {
    let answer = complete_js(url)?;
    if answer.is_null() {
        return Ok(None);
    }
    // Own properties only: what a page put on `Object.prototype` is not part of the answer.
    let text = |from: &JsValue, key| guard::own_property(from, key).as_string();
    let popup_return = guard::own_property(&answer, "popupReturn");
    if popup_return.is_object() {
        return Ok(Some(Completion::FromPopup {
            nonce: text(&popup_return, "nonce").unwrap_or_default(),
            error: text(&popup_return, "error"),
        }));
    }
    let (error, connection_id, provider) = (
        text(&answer, "error"),
        text(&answer, "connectionId"),
        text(&answer, "provider"),
    );
    Ok(Some(match (error, connection_id, provider) {
        (None, Some(connection_id), Some(provider)) => Completion::Connected {
            connection_id,
            provider,
        },
        (error, connection_id, provider) => Completion::Failed {
            error: error.unwrap_or_else(|| "state_mismatch".into()),
            connection_id,
            provider,
        },
    }))
}

/// [`complete`], with a popup's return reported to its opener: `Connected` or `Failed` with the
/// ids the opener acknowledged, `state_mismatch` when no opener knew the nonce.
pub async fn complete_with_popup(url: Option<&str>) -> Result<Option<Completion>, Error> {
    let (nonce, error) = match complete(url)? {
        Some(Completion::FromPopup { nonce, error }) => (nonce, error),
        other => return Ok(other),
    };
    let acknowledged = crate::popup::report_return(&nonce, error.as_deref()).await?;
    Ok(Some(match (acknowledged, error) {
        (Some((provider, connection_id)), None) => Completion::Connected {
            connection_id,
            provider,
        },
        (Some((provider, connection_id)), Some(error)) => Completion::Failed {
            error,
            connection_id: Some(connection_id),
            provider: Some(provider),
        },
        (None, _) => Completion::Failed {
            error: "state_mismatch".into(),
            connection_id: None,
            provider: None,
        },
    }))
}
