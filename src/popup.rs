//! OAuth in a popup: the opener creates the connection, points the popup it opened inside the
//! click at the checked `authLink`, and waits for the popup's return on a same-origin
//! `BroadcastChannel`; the popup's return page posts the nonce it came back with and waits for
//! the opener's acknowledgement.
//!
//! The nonce lives in the opener's memory only: a popup's `sessionStorage` is a copy taken when
//! it opened, and under `Cross-Origin-Opener-Policy` the popup loses `window.opener`.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, EventTarget};

use crate::error::{Error, ErrorCode};
use crate::guard;
use crate::js_object::JsObject;
use crate::transport::sleep;

/// The channel both sides of a popup round trip talk on.
const CHANNEL: &str = "supermemory-connections:oauth";

/// Default longest wait for the popup, in milliseconds (ten minutes).
pub const DEFAULT_MAX_WAIT_MS: u32 = 600_000;

/// How often the opener looks at the popup and the channel, in milliseconds.
const TICK_MS: u32 = 200;

/// A popup handle that reads closed this soon after the cross-origin navigation was severed by
/// `Cross-Origin-Opener-Policy` (measured: about 0.6 s), not closed by the person.
const SEVERED_WITHIN_MS: f64 = 1_500.0;

/// How long a closed popup may still deliver its message before the flow ends.
const CLOSED_GRACE_MS: f64 = 1_000.0;

/// How long a returning popup waits for the opener's acknowledgement.
const ACK_WAIT_MS: f64 = 1_000.0;

/// How often a returning popup looks for the acknowledgement, in milliseconds.
const ACK_TICK_MS: u32 = 50;

/// Whether a Rust caller's popup flow is running in this page (wasm runs on one thread).
static RUNNING: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// True while a Rust caller's popup flow runs.
pub fn in_progress() -> bool {
    RUNNING.load(core::sync::atomic::Ordering::Relaxed)
}

/// Marks a Rust caller's popup flow as running until dropped.
pub struct Running;

impl Running {
    /// Marks the flow as running.
    pub fn start() -> Running {
        RUNNING.store(true, core::sync::atomic::Ordering::Relaxed);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.store(false, core::sync::atomic::Ordering::Relaxed);
    }
}

/// Opens the popup window now, with a neutral "Connecting..." page; `None` when the browser
/// blocked it (or outside a page).
pub fn open() -> Option<JsValue> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let global = crate::guard::global();
    let open: Function = guard::get(&global, "open")
        .ok()
        .filter(JsValue::is_function)?
        .unchecked_into();
    let features = JsValue::from_str("popup,width=520,height=720");
    let popup = guard::call(
        &open,
        &global,
        &[
            &JsValue::from_str(""),
            &JsValue::from_str("_blank"),
            &features,
        ],
    )
    .ok()?;
    if !popup.is_object() {
        return None;
    }
    show_connecting(&popup);
    Some(popup)
}

/// Writes the neutral page a fresh popup shows while the connection is created.
fn show_connecting(popup: &JsValue) {
    let Ok(document) = guard::get(popup, "document") else {
        return;
    };
    let _ = Reflect::set(&document, &"title".into(), &"Connecting…".into());
    if let Ok(body) = guard::get(&document, "body") {
        if body.is_object() {
            let _ = Reflect::set(&body, &"textContent".into(), &"Connecting…".into());
        }
    }
}

/// The opener's side of a flow that ended: the provider's `?error=` code, if any.
pub type PopupReturn = Option<String>;

/// A `BroadcastChannel` whose messages are queued in a JavaScript array (the listener is
/// `Array.prototype.push` bound to it), closed when dropped.
struct Channel {
    channel: JsValue,
    queue: Array,
    listener: Function,
}

impl Channel {
    fn open() -> Result<Channel, Error> {
        let unavailable = || {
            Error::new(
                ErrorCode::InvalidRequest,
                "BroadcastChannel is not available here; connectInPopup needs it",
            )
        };
        let global = crate::guard::global();
        let constructor: Function = guard::get(&global, "BroadcastChannel")
            .ok()
            .filter(JsValue::is_function)
            .ok_or_else(unavailable)?
            .unchecked_into();
        let channel = Reflect::construct(&constructor, &Array::of1(&JsValue::from_str(CHANNEL)))
            .map_err(|_| unavailable())?;
        let queue = Array::new();
        let push: Function = guard::property(&queue, "push").unchecked_into();
        let listener: Function = push.bind0(&queue).unchecked_into();
        channel
            .unchecked_ref::<EventTarget>()
            .add_event_listener_with_callback("message", &listener)
            .map_err(|_| unavailable())?;
        Ok(Channel {
            channel,
            queue,
            listener,
        })
    }

    /// Posts `{ type, nonce, ...extra }`.
    fn post(&self, message: JsObject) {
        if let Ok(post) = guard::get(&self.channel, "postMessage") {
            let _ = guard::call(post.unchecked_ref(), &self.channel, &[&message.build()]);
        }
    }

    /// The data of the first queued message of `kind` for `nonce`; the queue is emptied.
    fn take(&self, kind: &str, nonce: &str) -> Option<JsValue> {
        let events = self.queue.slice(0, self.queue.length());
        self.queue.set_length(0);
        events.iter().find_map(|event| {
            let data = guard::property(&event, "data");
            let is = |key: &str, want: &str| {
                guard::property(&data, key).as_string().as_deref() == Some(want)
            };
            (is("type", kind) && is("nonce", nonce)).then_some(data)
        })
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        let _ = self
            .channel
            .unchecked_ref::<EventTarget>()
            .remove_event_listener_with_callback("message", &self.listener);
        if let Ok(close) = guard::get(&self.channel, "close") {
            let _ = guard::call(close.unchecked_ref(), &self.channel, &[]);
        }
    }
}

/// Calls `method` of `target` with no arguments, ignoring any failure.
fn invoke(target: &JsValue, method: &str) {
    if let Ok(function) = guard::get(target, method) {
        if function.is_function() {
            let _ = guard::call(function.unchecked_ref(), target, &[]);
        }
    }
}

/// True when the popup window is closed (or its handle severed).
fn is_closed(popup: &JsValue) -> bool {
    guard::property(popup, "closed").as_bool() != Some(false)
}

/// Closes the popup where the opener still can.
pub fn close(popup: &JsValue) {
    invoke(popup, "close");
}

/// Points the popup at `target`, an already checked `authLink`.
fn navigate(popup: &JsValue, target: &str) -> Result<(), Error> {
    let location = guard::get(popup, "location").ok();
    let set = location.map(|location| Reflect::set(&location, &"href".into(), &target.into()));
    match set {
        Some(Ok(true)) => Ok(()),
        _ => Err(Error::new(
            ErrorCode::PopupClosed,
            "the popup was closed before it could show the consent page",
        )),
    }
}

/// The opener's wait: points `popup` at `target` and resolves when the popup comes back with
/// `nonce` (acknowledged with `provider` and `connection_id`), or fails with `popup_closed`,
/// `timeout` or `aborted`; the popup is closed and a cancellation posted on the last two.
pub async fn wait_for_return(
    popup: &JsValue,
    target: &str,
    nonce: &str,
    ids: (&str, &str),
    max_wait_ms: u32,
    signal: Option<&AbortSignal>,
) -> Result<PopupReturn, Error> {
    let (provider, connection_id) = ids;
    let channel = Channel::open()?;
    let started = js_sys::Date::now();
    if is_closed(popup) {
        return Err(Error::new(
            ErrorCode::PopupClosed,
            "the popup was closed before it could show the consent page",
        ));
    }
    navigate(popup, target)?;
    let mut severed = false;
    let mut closed_since: Option<f64> = None;
    let outcome = loop {
        if let Err(aborted) = sleep(TICK_MS, signal).await {
            break Err(aborted);
        }
        if let Some(data) = channel.take("result", nonce) {
            channel.post(
                JsObject::new()
                    .text("type", "ack")
                    .text("nonce", nonce)
                    .text("provider", provider)
                    .text("connectionId", connection_id),
            );
            close(popup);
            return Ok(guard::property(&data, "error").as_string());
        }
        let now = js_sys::Date::now();
        if now - started >= f64::from(max_wait_ms) {
            break Err(Error::new(
                ErrorCode::Timeout,
                text!(
                    "the popup did not come back within maxWait (",
                    max_wait_ms,
                    " ms)"
                ),
            ));
        }
        if is_closed(popup) && !severed {
            if closed_since.is_none() && now - started < SEVERED_WITHIN_MS {
                // Cross-Origin-Opener-Policy severed the handle: only the channel, maxWait
                // and the signal end the flow from now on.
                severed = true;
                continue;
            }
            let since = *closed_since.get_or_insert(now);
            if now - since >= CLOSED_GRACE_MS {
                return Err(Error::new(
                    ErrorCode::PopupClosed,
                    "the popup was closed before the connection was allowed",
                ));
            }
        }
    };
    close(popup);
    channel.post(JsObject::new().text("type", "cancel").text("nonce", nonce));
    outcome
}

/// The popup's side: posts the return (`nonce`, and the provider's `error` code if any) and
/// waits about a second for the opener's acknowledgement. `Some((provider, connection_id))`
/// when acknowledged (the popup then closes itself), `None` when no opener knew the nonce.
pub async fn report_return(
    nonce: &str,
    error: Option<&str>,
) -> Result<Option<(String, String)>, Error> {
    let channel = Channel::open()?;
    let mut message = JsObject::new().text("type", "result").text("nonce", nonce);
    if let Some(error) = error {
        message = message.text("error", error);
    }
    channel.post(message);
    let started = js_sys::Date::now();
    while js_sys::Date::now() - started < ACK_WAIT_MS {
        sleep(ACK_TICK_MS, None).await?;
        if let Some(ack) = channel.take("ack", nonce) {
            let text = |key: &str| guard::property(&ack, key).as_string().unwrap_or_default();
            let ids = (text("provider"), text("connectionId"));
            let global = crate::guard::global();
            close(&global);
            return Ok(Some(ids));
        }
    }
    Ok(None)
}
