//! The OAuth round trip in a page: start it (create, remember a one-time nonce, navigate to the
//! checked `authLink`) and complete it when the provider sends the browser back.
//!
//! Only this module touches `window`: `location`, `history` and `sessionStorage`.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::allow_list::{check_auth_link, AllowedEntry};
use crate::answers::CreatedConnection;
use crate::create_params;
use crate::error::{Error, ErrorCode};
use crate::guard;
use crate::input::Reader;
use crate::provider::Provider;
use crate::request::CreateCall;
use crate::url::PlatformUrls;
use crate::value::Value;

/// The query parameter that carries the nonce back to the page.
pub const STATE_PARAM: &str = "sm_oauth_state";

/// The query parameter the API uses to report a failed consent.
pub const ERROR_PARAM: &str = "error";

/// Prefix of the `sessionStorage` keys of pending round trips.
const STORAGE_PREFIX: &str = "supermemory-connections:oauth:";

/// Bytes of randomness in a nonce (128 bits).
const NONCE_BYTES: u32 = 16;

/// Longest error code taken from the return URL.
const MAX_ERROR_LENGTH: usize = 100;

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

fn window() -> Result<web_sys::Window, Error> {
    let global = crate::guard::global();
    let has_window = guard::get(&global, "window")
        .map(|w| w.is_object())
        .unwrap_or(false);
    if !has_window {
        return Err(Error::new(
            ErrorCode::InvalidRequest,
            "the OAuth helpers need a browser page (a window with location and sessionStorage)",
        ));
    }
    Ok(global.unchecked_into())
}

fn storage() -> Result<web_sys::Storage, Error> {
    let window = window()?;
    guard::get(&window, "sessionStorage")
        .ok()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRequest,
                "sessionStorage is not available in this page; the OAuth helpers need it to check the return",
            )
        })
}

fn current_href() -> Result<String, Error> {
    window()?.location().href().map_err(|_| {
        Error::new(
            ErrorCode::InvalidRequest,
            "the page's address could not be read",
        )
    })
}

/// A fresh nonce: 128 bits from `crypto.getRandomValues`, as 32 hex digits.
fn new_nonce() -> Result<String, Error> {
    let unavailable = || {
        Error::new(
            ErrorCode::InvalidRequest,
            "crypto.getRandomValues is not available here",
        )
    };
    let crypto = guard::get(&guard::global(), "crypto").map_err(|_| unavailable())?;
    let fill: js_sys::Function = guard::get(&crypto, "getRandomValues")
        .ok()
        .filter(JsValue::is_function)
        .ok_or_else(unavailable)?
        .unchecked_into();
    let bytes = Uint8Array::new_with_length(NONCE_BYTES);
    guard::call(&fill, &crypto, &[&bytes]).map_err(|_| unavailable())?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut nonce = String::with_capacity(NONCE_BYTES as usize * 2);
    for byte in bytes.to_vec() {
        nonce.push(char::from(HEX[usize::from(byte >> 4)]));
        nonce.push(char::from(HEX[usize::from(byte & 15)]));
    }
    Ok(nonce)
}

fn is_nonce(text: &str) -> bool {
    text.len() == (NONCE_BYTES * 2) as usize && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `url` without the package's own query parameters, and without its fragment if asked.
fn without_own_params(url: &str, drop_fragment: bool) -> Option<String> {
    let parsed = guard::url(url, None).ok()?;
    let params = parsed.search_params();
    params.delete(STATE_PARAM);
    params.delete(ERROR_PARAM);
    params.delete(crate::popup::POPUP_PARAM);
    if drop_fragment {
        parsed.set_hash("");
    }
    Some(parsed.href())
}

/// The redirect URL for a round trip: the caller's, or the current page, with the nonce added
/// (and the popup marker for a popup's round trip).
fn redirect_with_nonce(redirect_url: Option<&str>, popup: bool) -> Result<(String, String), Error> {
    let base = match redirect_url {
        Some(url) => url.to_string(),
        None => {
            let page = current_href()?;
            without_own_params(&page, true).ok_or_else(|| {
                Error::invalid(
                    "redirectUrl",
                    "the page's address could not be used as redirectUrl",
                )
            })?
        }
    };
    let nonce = new_nonce()?;
    let url = guard::url(&base, None)
        .map_err(|_| Error::invalid("redirectUrl", "redirectUrl must be an absolute https: URL"))?;
    url.search_params().set(STATE_PARAM, &nonce);
    if popup {
        url.search_params().set(crate::popup::POPUP_PARAM, "1");
    }
    Ok((url.href(), nonce))
}

/// The first half of `connectInPopup` for a checked call of an OAuth provider: a one-time nonce
/// and the popup marker added to `redirectUrl` (which defaults to the current page). The nonce
/// stays in the opener's memory.
pub fn prepare_popup(call: &mut CreateCall) -> Result<String, Error> {
    add_nonce(call, true)
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

/// Remembers a pending round trip under its nonce; fails before anything is created when
/// `sessionStorage` is missing.
pub fn check_storage() -> Result<(), Error> {
    storage().map(|_| ())
}

/// The first half of `startOAuth` for a checked call: for the OAuth providers, a one-time nonce
/// added to `redirectUrl` (which defaults to the current page), returned for
/// [`finish_start`]; `None` for the providers without OAuth. The caller then creates the
/// connection.
pub fn prepare_start(call: &mut CreateCall) -> Result<Option<String>, Error> {
    if !call.provider.uses_oauth() {
        return Ok(None);
    }
    check_storage()?;
    add_nonce(call, false).map(Some)
}

/// Adds a fresh nonce (and for a popup, its marker) to the call's redirect URL, checked again.
fn add_nonce(call: &mut CreateCall, popup: bool) -> Result<String, Error> {
    let (redirect_url, nonce) = redirect_with_nonce(call.body.redirect_url.as_deref(), popup)?;
    create_params::check_redirect_url(&redirect_url, &PlatformUrls).map_err(|mut e| {
        e.message = text!(
            e.message,
            " (the current page is used when redirectUrl is not given)"
        );
        e
    })?;
    call.body.redirect_url = Some(redirect_url);
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
    let entry = js_sys::Object::new();
    let _ = Reflect::set(
        &entry,
        &"connectionId".into(),
        &connection.id.as_str().into(),
    );
    let _ = Reflect::set(&entry, &"provider".into(), &provider.into());
    let text = guard::json_stringify(&entry)
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    storage()?
        .set_item(&text!(STORAGE_PREFIX, nonce), &text)
        .map_err(|e| {
            Error::new(
                ErrorCode::InvalidRequest,
                "the pending sign-in could not be stored in sessionStorage",
            )
            .with_cause(e)
        })?;
    navigate(&target)
}

/// Sends the page to an already checked URL.
pub fn navigate(target: &str) -> Result<(), Error> {
    window()?.location().assign(target).map_err(|e| {
        Error::new(
            ErrorCode::UnsafeRedirect,
            "the browser refused to navigate to authLink",
        )
        .with_cause(e)
    })
}

/// Reads the return URL; `None` for an ordinary page load.
pub fn complete(url: Option<&str>) -> Result<Option<Completion>, Error> {
    let page = current_href()?;
    let href = url.unwrap_or(&page);
    let params = guard::url(href, Some(&page))
        .map(|u| u.search_params())
        .map_err(|_| Error::invalid("url", "url must be a URL"))?;
    let nonce = params.get(STATE_PARAM);
    let error = params
        .get(ERROR_PARAM)
        .map(|code| code.chars().take(MAX_ERROR_LENGTH).collect::<String>());
    if nonce.is_none() && error.is_none() {
        return Ok(None);
    }
    let from_popup = params.get(crate::popup::POPUP_PARAM).is_some();
    if let Some(nonce) = nonce.as_deref().filter(|n| from_popup && is_nonce(n)) {
        clean_address_bar(&page);
        return Ok(Some(Completion::FromPopup {
            nonce: nonce.to_string(),
            error,
        }));
    }
    let stored = match nonce.as_deref().filter(|n| is_nonce(n)) {
        Some(nonce) => take_entry(nonce)?,
        None => None,
    };
    clean_address_bar(&page);
    let Some((connection_id, provider)) = stored else {
        return Ok(Some(Completion::Failed {
            error: "state_mismatch".into(),
            connection_id: None,
            provider: None,
        }));
    };
    Ok(Some(match error {
        None => Completion::Connected {
            connection_id,
            provider,
        },
        Some(code) => Completion::Failed {
            error: code,
            connection_id: Some(connection_id),
            provider: Some(provider),
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

/// Reads and deletes the pending round trip stored under `nonce`.
fn take_entry(nonce: &str) -> Result<Option<(String, String)>, Error> {
    let storage = storage()?;
    let key = text!(STORAGE_PREFIX, nonce);
    let text = storage.get_item(&key).ok().flatten();
    let _ = storage.remove_item(&key);
    let Some(text) = text else { return Ok(None) };
    let Ok(parsed) = guard::json_parse(&JsValue::from_str(&text)) else {
        return Ok(None);
    };
    let entry = Reader::new()
        .read_root(&parsed, "entry", 1)
        .unwrap_or(Value::Undefined);
    match (entry.get("connectionId"), entry.get("provider")) {
        (Value::String(id), Value::String(provider)) => Ok(Some((id.clone(), provider.clone()))),
        _ => Ok(None),
    }
}

/// Removes the package's parameters from the address bar, keeping the page's own.
fn clean_address_bar(page: &str) {
    let Some(cleaned) = without_own_params(page, false) else {
        return;
    };
    if cleaned == page {
        return;
    }
    if let Ok(window) = window() {
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&cleaned));
        }
    }
}
