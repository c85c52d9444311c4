//! In headless Chromium against the emulator: every error code a create call can end with, one
//! attempt each (`maxRetries: 0`; retries have their own fault matrix).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn statuses_map_to_codes_with_the_api_message() {
    let table = [
        (400, "bad_request"),
        (401, "authentication"),
        (402, "payment_required"),
        (403, "permission_denied"),
        (404, "not_found"),
        (409, "conflict"),
        (418, "api_error"),
        (422, "unprocessable"),
        (429, "rate_limited"),
        (500, "server_error"),
        (502, "server_error"),
        (503, "server_error"),
    ];
    for (status, code) in table {
        reset().await;
        script(&format!(
            r#"[{{"status":{status},"body":{{"error":"Said by the API","details":"more about {status}"}}}}]"#
        ))
        .await;
        let error = expect_error(create("notion", options(r#"{"maxRetries":0}"#)).await, code);
        assert_eq!(get(&error, "status").as_f64(), Some(status as f64));
        assert_eq!(text(&error, "message").as_deref(), Some("Said by the API"));
        assert_eq!(
            text(&error, "details"),
            Some(format!("more about {status}"))
        );
        assert_eq!(
            api_requests().await.len(),
            1,
            "{status}: one request, no retry yet"
        );
    }
}

#[wasm_bindgen_test]
async fn the_emulator_refuses_a_wrong_key() {
    reset().await;
    let options = options(r#"{"maxRetries":0}"#);
    set(&options, "apiKey", &"sm_wrong_key".into());
    let error = expect_error(create("notion", options).await, "authentication");
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert!(!text(&error, "message")
        .unwrap_or_default()
        .contains("sm_wrong_key"));
}

#[wasm_bindgen_test]
async fn an_html_error_page_still_gives_the_right_code() {
    reset().await;
    script(r#"[{"status":502,"headers":{"content-type":"text/html"},"body":"<html><body>Bad gateway</body></html>"}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "server_error",
    );
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("the API answered 502 with a body that is not JSON (a proxy's error page?)")
    );
    assert!(get(&error, "details").is_undefined());
}

#[wasm_bindgen_test]
async fn an_empty_error_body_names_the_status() {
    reset().await;
    script(r#"[{"status":403}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "permission_denied",
    );
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("the API answered 403")
    );
}

#[wasm_bindgen_test]
async fn rate_limits_carry_retry_after() {
    reset().await;
    script(r#"[{"status":429,"headers":{"retry-after":"7"},"body":{"error":"Slow down","retryAfterSeconds":30}}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "rate_limited",
    );
    assert_eq!(get(&error, "retryAfter").as_f64(), Some(7.0));
    reset().await;
    script(r#"[{"status":429,"body":{"error":"Slow down","retryAfterSeconds":30}}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "rate_limited",
    );
    assert_eq!(get(&error, "retryAfter").as_f64(), Some(30.0));
    reset().await;
    script(r#"[{"status":429,"headers":{"retry-after-ms":"1500","retry-after":"9"},"body":{"error":"Slow down"}}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "rate_limited",
    );
    assert_eq!(get(&error, "retryAfter").as_f64(), Some(1.5));
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_connection_error() {
    reset().await;
    script(r#"[{"drop":true}]"#).await;
    let error = expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "connection",
    );
    assert!(
        get(&error, "cause").is_object(),
        "the fetch error is the cause"
    );
    assert!(get(&error, "status").is_undefined());
}

#[wasm_bindgen_test]
async fn a_body_cut_off_mid_stream_is_a_connection_error() {
    reset().await;
    script(r#"[{"status":200,"body":{"id":"conn_cut","authLink":"https://x.example/a"},"stallMs":1,"drop":true}]"#).await;
    expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "connection",
    );
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_connection_error() {
    reset().await;
    let options = options(r#"{"maxRetries":0}"#);
    set(&options, "baseURL", &"http://127.0.0.1:9".into());
    expect_error(create("notion", options).await, "connection");
}

#[wasm_bindgen_test]
async fn headers_never_sent_end_in_timeout() {
    reset().await;
    script(r#"[{"delayMs":3000,"body":{"id":"late"}}]"#).await;
    let started = js_sys::Date::now();
    let error = expect_error(
        create("notion", options(r#"{"timeout":200,"maxRetries":0}"#)).await,
        "timeout",
    );
    let took = js_sys::Date::now() - started;
    assert!(took < 2500.0, "timed out after {took} ms");
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("no complete answer within 200 ms")
    );
}

#[wasm_bindgen_test]
async fn the_timeout_covers_a_stalled_body() {
    reset().await;
    script(r#"[{"status":200,"body":{"id":"conn_slow_body_with_enough_text"},"stallMs":3000}]"#)
        .await;
    let started = js_sys::Date::now();
    expect_error(
        create("notion", options(r#"{"timeout":300,"maxRetries":0}"#)).await,
        "timeout",
    );
    assert!(js_sys::Date::now() - started < 2500.0);
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_sends_nothing() {
    reset().await;
    let controller = web_sys::AbortController::new().expect("controller");
    controller.abort_with_reason(&"user left".into());
    let options = options(r#"{"maxRetries":0}"#);
    set(&options, "signal", &controller.signal());
    let error = expect_error(create("notion", options).await, "aborted");
    assert_eq!(text(&error, "cause").as_deref(), Some("user left"));
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn an_abort_during_the_request_ends_it_at_once() {
    reset().await;
    script(r#"[{"delayMs":3000,"body":{"id":"late"}}]"#).await;
    let controller = web_sys::AbortController::new().expect("controller");
    let options = options(r#"{"maxRetries":0}"#);
    set(&options, "signal", &controller.signal());
    let call = create("notion", options);
    let abort_later = async {
        sleep(100).await;
        controller.abort_with_reason(&"changed my mind".into());
        js_sys::Date::now()
    };
    let (result, aborted_at) = futures::join!(call, abort_later);
    let error = expect_error(result, "aborted");
    assert_eq!(text(&error, "cause").as_deref(), Some("changed my mind"));
    assert!(
        js_sys::Date::now() - aborted_at < 250.0,
        "settled long after the abort"
    );
}

#[wasm_bindgen_test]
async fn invalid_answers_are_invalid_response() {
    let table = [
        (
            r#""not json at all""#,
            "the API answered 200 with a body that is not JSON",
        ),
        (r#""""#, "the API answered 200 with a body that is not JSON"),
        (
            r#"[]"#,
            "the API answered with an array where a connection object belongs",
        ),
        (
            r#"{"authLink":"https://x.example"}"#,
            "the API's answer has no id",
        ),
        (
            r#"{"id":42}"#,
            "the API's answer has id as a number, not a string",
        ),
        (
            r#"{"id":"c","authLink":7}"#,
            "the API's answer has authLink as a number, not a string",
        ),
    ];
    for (body, message) in table {
        reset().await;
        script(&format!(r#"[{{"status":200,"body":{body}}}]"#)).await;
        let error = expect_error(
            create("notion", options(r#"{"maxRetries":0}"#)).await,
            "invalid_response",
        );
        assert_eq!(text(&error, "message").as_deref(), Some(message), "{body}");
        assert_eq!(get(&error, "status").as_f64(), Some(200.0));
    }
}

#[wasm_bindgen_test]
async fn a_key_in_the_browser_without_the_flag_is_refused() {
    reset().await;
    let options = options(r#"{"maxRetries":0}"#);
    set(&options, "dangerouslyAllowBrowser", &JsValue::UNDEFINED);
    let error = expect_error(create("notion", options).await, "browser_key_exposure");
    assert_eq!(text(&error, "field").as_deref(), Some("apiKey"));
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn the_module_keeps_working_after_failures() {
    reset().await;
    script(r#"[{"drop":true},{"status":200,"body":"oops"}]"#).await;
    expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "connection",
    );
    expect_error(
        create("notion", options(r#"{"maxRetries":0}"#)).await,
        "invalid_response",
    );
    create("notion", options(r#"{"maxRetries":0}"#))
        .await
        .expect("a valid call still succeeds");
}
