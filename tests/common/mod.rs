//! Shared helpers for the headless-browser tests: the emulator's address and control endpoints,
//! and calls into the package's exports.
#![allow(dead_code)]

use gloo_net::http::Request;
use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A Rust API client of the emulator with the package's defaults (60 s, 2 retries).
pub fn client() -> supermemory_connections::Client {
    supermemory_connections::Client::builder()
        .api_key(KEY)
        .base_url(emulator())
        .dangerously_allow_browser(true)
        .build()
        .expect("the emulator's settings are valid")
}

/// The emulator's key.
pub const KEY: &str = "sm_emulator_test_key";

/// The emulator's base URL, fixed when the tests are compiled.
pub fn emulator() -> &'static str {
    match option_env!("SUPERMEMORY_EMULATOR_URL") {
        Some(url) => url,
        None => panic!(
            "build the browser tests with SUPERMEMORY_EMULATOR_URL set (scripts/test.sh does)"
        ),
    }
}

/// Clears the emulator's recorded requests, scripted answers and connections.
pub async fn reset() {
    let url = format!("{}/__emulator/reset", emulator());
    let answer = Request::post(&url)
        .send()
        .await
        .expect("reset the emulator");
    assert_eq!(answer.status(), 204);
}

/// Queues scripted answers, given as JSON text of an array.
pub async fn script(answers: &str) {
    let url = format!("{}/__emulator/script", emulator());
    let body = format!("{{\"answers\":{answers}}}");
    let answer = Request::post(&url)
        .header("content-type", "application/json")
        .body(body)
        .expect("script body")
        .send()
        .await
        .expect("script the emulator");
    assert_eq!(
        answer.status(),
        204,
        "{}",
        answer.text().await.unwrap_or_default()
    );
}

/// The requests the emulator recorded since the last reset.
pub async fn requests() -> Vec<JsValue> {
    let url = format!("{}/__emulator/requests", emulator());
    let answer = Request::get(&url).send().await.expect("read the requests");
    let text = answer.text().await.expect("requests body");
    let list: js_sys::Array = JSON::parse(&text).expect("requests JSON").unchecked_into();
    list.iter().collect()
}

/// The recorded requests other than CORS preflights.
pub async fn api_requests() -> Vec<JsValue> {
    requests()
        .await
        .into_iter()
        .filter(|r| text(r, "method").as_deref() != Some("OPTIONS"))
        .collect()
}

/// Parses a JSON text into a JavaScript value, `$URL` replaced by the emulator's address.
pub fn json(text: &str) -> JsValue {
    JSON::parse(&text.replace("$URL", emulator())).expect("valid JSON in the test")
}

/// The fields of `extra` (JSON text), plus the emulator's key and address and the browser flag
/// where `extra` does not set them.
pub fn options(extra: &str) -> JsValue {
    let options = json(extra);
    for (key, value) in [
        ("apiKey", JsValue::from(KEY)),
        ("baseURL", JsValue::from(emulator())),
        ("dangerouslyAllowBrowser", JsValue::TRUE),
    ] {
        if !Reflect::has(&options, &key.into()).unwrap_or(false) {
            set(&options, key, &value);
        }
    }
    options
}

/// Sets a property.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).expect("set a property");
}

/// Reads a property.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).expect("read a property")
}

/// Reads a string property, `None` when it is not a string.
pub fn text(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// Calls `createConnection(provider, options)`.
pub async fn create(provider: &str, options: JsValue) -> Result<JsValue, JsValue> {
    supermemory_connections::npm::create_connection(provider.into(), options).await
}

/// Expects an error record with `code`, and returns it.
pub fn expect_error(result: Result<JsValue, JsValue>, code: &str) -> JsValue {
    match result {
        Ok(value) => panic!("expected {code}, got {:?}", JSON::stringify(&value)),
        Err(error) => {
            assert_eq!(
                text(&error, "code").as_deref(),
                Some(code),
                "{:?}",
                text(&error, "message")
            );
            assert_eq!(get(&error, "supermemoryError"), JsValue::TRUE);
            let message = text(&error, "message").unwrap_or_default();
            assert!(!message.contains(KEY), "the key leaked into: {message}");
            error
        }
    }
}

/// Expects `invalid_request` on `field` with exactly `message`, and that nothing was sent.
pub async fn expect_invalid(result: Result<JsValue, JsValue>, field: &str, message: &str) {
    let error = expect_error(result, "invalid_request");
    assert_eq!(text(&error, "field").as_deref(), Some(field));
    assert_eq!(text(&error, "message").as_deref(), Some(message));
    assert!(
        requests().await.is_empty(),
        "a request was sent for an invalid call"
    );
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &ms.into())
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("sleep");
}
