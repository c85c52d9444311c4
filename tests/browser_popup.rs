//! In headless Chromium against the emulator: the Rust API's `connect_in_popup`. The window opens
//! when the function is called, not when its future is first polled; a provider without OAuth
//! opens nothing; a blocked window creates nothing; a second flow is refused while one runs; and
//! a popup that never comes back ends at `max_wait`, closed. (The whole round trip with a consent
//! page runs in tests/js/popup.test.mjs, through the npm package's same checks.)
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::{api_requests, client, emulator, reset, text};
use js_sys::{Function, Reflect};
use supermemory_connections::{
    connect_in_popup, CreateConnection, ErrorCode, OAuthOutcome, PopupOptions, PopupOutcome,
    Provider,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Replaces `window.open` with a function that counts its calls and opens nothing (or calls the
/// real one); `restore` puts the real one back.
struct OpenStub {
    real: JsValue,
}

impl OpenStub {
    fn install(open_real: bool) -> OpenStub {
        let window: JsValue = js_sys::global().into();
        let real = Reflect::get(&window, &"open".into()).expect("window.open");
        Reflect::set(&window, &"__realOpen".into(), &real).expect("keep it");
        Reflect::set(&window, &"__opened".into(), &JsValue::from(0)).expect("count");
        let body = if open_real {
            "window.__opened += 1; return window.__realOpen.apply(window, arguments);"
        } else {
            "window.__opened += 1; return null;"
        };
        let stub = Function::new_no_args(body);
        Reflect::set(&window, &"open".into(), &stub).expect("stub");
        OpenStub { real }
    }

    fn opened(&self) -> f64 {
        let window: JsValue = js_sys::global().into();
        Reflect::get(&window, &"__opened".into())
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(-1.0)
    }
}

impl Drop for OpenStub {
    fn drop(&mut self) {
        let window: JsValue = js_sys::global().into();
        let _ = Reflect::set(&window, &"open".into(), &self.real);
    }
}

fn creates(requests: &[JsValue]) -> usize {
    requests
        .iter()
        .filter(|r| text(r, "method").as_deref() == Some("POST"))
        .count()
}

#[wasm_bindgen_test]
async fn a_provider_without_oauth_connects_at_once_without_a_window() {
    reset().await;
    let stub = OpenStub::install(false);
    let client = client();
    let outcome = connect_in_popup(
        &client,
        Provider::WebCrawler,
        CreateConnection::new().metadata("startUrl", "https://docs.example.com"),
        PopupOptions::new(),
    )
    .await
    .expect("the crawler connects");
    assert_eq!(stub.opened(), 0.0, "no window for a provider without OAuth");
    let PopupOutcome::Completed(OAuthOutcome::Connected {
        provider,
        connection_id,
    }) = outcome
    else {
        panic!("expected a connected crawler, got {outcome:?}");
    };
    assert_eq!(provider, "web-crawler");
    assert!(connection_id.starts_with("conn_"), "{connection_id}");
}

#[wasm_bindgen_test]
async fn a_blocked_window_is_popup_blocked_and_creates_nothing() {
    reset().await;
    let stub = OpenStub::install(false);
    let client = client();
    let flow = connect_in_popup(
        &client,
        Provider::Notion,
        CreateConnection::new(),
        PopupOptions::new(),
    );
    assert_eq!(
        stub.opened(),
        1.0,
        "the window opens when the function is called"
    );
    let error = flow.await.expect_err("blocked");
    assert_eq!(error.code(), ErrorCode::PopupBlocked);
    assert_eq!(error.code().as_str(), "popup_blocked");
    assert_eq!(
        error.message(),
        "the browser blocked the popup: call connect_in_popup inside a click handler, or set redirect_fallback"
    );
    assert_eq!(creates(&api_requests().await), 0, "nothing was created");
}

#[wasm_bindgen_test]
async fn a_second_flow_is_refused_while_one_runs_and_a_popup_that_never_returns_times_out() {
    reset().await;
    let stub = OpenStub::install(true);
    let client = client();
    let options = PopupOptions::new()
        .allowed_hosts([emulator()])
        .max_wait(Duration::from_millis(1500));
    let first = connect_in_popup(&client, Provider::Notion, CreateConnection::new(), options);
    let second = connect_in_popup(
        &client,
        Provider::Notion,
        CreateConnection::new(),
        PopupOptions::new(),
    );
    let (first, second) = futures::join!(first, second);
    let error = second.expect_err("refused while the first runs");
    assert_eq!(error.code(), ErrorCode::InvalidRequest);
    assert_eq!(error.message(), "a connection is already in progress");
    let error = first.expect_err("the popup never comes back");
    assert_eq!(error.code(), ErrorCode::Timeout);
    assert_eq!(
        error.message(),
        "the popup did not come back within maxWait (1500 ms)"
    );
    assert_eq!(stub.opened(), 1.0, "one window for two calls");
    assert_eq!(creates(&api_requests().await), 1);
}
