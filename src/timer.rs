//! Timers through the global `setTimeout` / `clearTimeout` (windows, workers, Node and Deno),
//! and a pause that the caller's `AbortSignal` ends at once.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::error::{Error, ErrorCode};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout_raw(handler: &Function, milliseconds: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout_raw(handle: &JsValue) -> Result<(), JsValue>;
}

/// Calls `handler` after `milliseconds`; the handle is a number or, in Node, an object.
pub fn set_timeout(handler: &Function, milliseconds: u32) -> Result<JsValue, Error> {
    let delay = milliseconds.min(i32::MAX as u32) as i32;
    set_timeout_raw(handler, delay).map_err(|e| {
        Error::new(ErrorCode::Connection, "setTimeout is not available here").with_cause(e)
    })
}

/// Cancels a timer; a handle that already fired is fine.
pub fn clear_timeout(handle: &JsValue) {
    let _ = clear_timeout_raw(handle);
}

/// The `aborted` error for the caller's signal, when it has aborted.
pub fn caller_abort(signal: Option<&AbortSignal>) -> Option<Error> {
    let signal = signal?;
    if crate::guard::property(signal, "aborted").as_bool() != Some(true) {
        return None;
    }
    Some(
        Error::new(ErrorCode::Aborted, "the request was aborted")
            .with_cause(crate::guard::property(signal, "reason")),
    )
}

/// The timer and abort listener of one wait, removed when it ends or is dropped.
struct WaitCleanup {
    timer: JsValue,
    listener: Option<(AbortSignal, Function)>,
}

impl Drop for WaitCleanup {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((signal, listener)) = self.listener.take() {
            let _ = signal.remove_event_listener_with_callback("abort", &listener);
        }
    }
}

/// Waits `milliseconds`, or rejects with `aborted` as soon as `signal` aborts.
pub async fn sleep(milliseconds: u32, signal: Option<&AbortSignal>) -> Result<(), Error> {
    if let Some(aborted) = caller_abort(signal) {
        return Err(aborted);
    }
    let mut timer = Ok(JsValue::UNDEFINED);
    let mut listener = None;
    let wait = Promise::new(&mut |resolve, reject| {
        timer = set_timeout(&resolve, milliseconds);
        if let Some(signal) = signal {
            if signal
                .add_event_listener_with_callback("abort", &reject)
                .is_ok()
            {
                listener = Some(reject);
            }
        }
    });
    // Cleared however the wait ends, also when the caller drops the call's future.
    let _cleanup = WaitCleanup {
        timer: timer?,
        listener: signal.cloned().zip(listener),
    };
    let outcome = JsFuture::from(wait).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(caller_abort(signal)
            .unwrap_or_else(|| Error::new(ErrorCode::Aborted, "the request was aborted"))),
    }
}
