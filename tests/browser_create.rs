//! In headless Chromium against the emulator: what `createConnection` sends and resolves to.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The one recorded request of the given method.
async fn only_request(method: &str) -> JsValue {
    let sent: Vec<JsValue> = requests()
        .await
        .into_iter()
        .filter(|r| text(r, "method").as_deref() == Some(method))
        .collect();
    assert_eq!(sent.len(), 1, "expected exactly one {method}");
    sent[0].clone()
}

#[wasm_bindgen_test]
async fn notion_sends_exactly_the_documented_request() {
    reset().await;
    let result = create(
        "notion",
        options(
            r#"{"redirectUrl":"https://app.example.com/connected?from=settings",
                "containerTags":["user_123","project_alpha"],
                "metadata":{"team":"growth","seats":3,"beta":true},
                "documentLimit":5000}"#,
        ),
    )
    .await
    .expect("create succeeds");
    let request = only_request("POST").await;
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/notion")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(
            r#"{"redirectUrl":"https://app.example.com/connected?from=settings","containerTags":["user_123","project_alpha"],"documentLimit":5000,"metadata":{"team":"growth","seats":3,"beta":true}}"#
        )
    );
    let headers = get(&request, "headers");
    assert_eq!(
        text(&headers, "authorization"),
        Some(format!("Bearer {KEY}"))
    );
    assert_eq!(
        text(&headers, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        text(&headers, "accept").as_deref(),
        Some("application/json")
    );
    // Nothing but the package's three headers and what the browser adds itself.
    let browser_own = [
        "host",
        "connection",
        "content-length",
        "origin",
        "referer",
        "user-agent",
        "accept-encoding",
        "accept-language",
        "pragma",
        "cache-control",
        "sec-ch-ua",
        "sec-ch-ua-mobile",
        "sec-ch-ua-platform",
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-dest",
    ];
    for name in js_sys::Reflect::own_keys(&headers)
        .expect("header names")
        .iter()
    {
        let name = name.as_string().unwrap_or_default();
        let ours = ["authorization", "content-type", "accept"].contains(&name.as_str());
        assert!(
            ours || browser_own.contains(&name.as_str()),
            "unexpected header {name}"
        );
    }
    let id = text(&result, "id").expect("id");
    assert!(id.starts_with("conn_"), "{id}");
    let auth_link = text(&result, "authLink").expect("authLink");
    assert!(
        auth_link.starts_with(&format!("{}/oauth/notion/authorize?", emulator())),
        "{auth_link}"
    );
    assert_eq!(text(&result, "expiresIn").as_deref(), Some("1 hour"));
    assert_eq!(
        text(&result, "redirectsTo").as_deref(),
        Some("https://app.example.com/connected?from=settings")
    );
}

#[wasm_bindgen_test]
async fn a_body_holds_only_the_fields_set() {
    reset().await;
    create(
        "github",
        options(r#"{"containerTag":"user_1","metadata":null}"#),
    )
    .await
    .expect("create");
    let request = only_request("POST").await;
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTag":"user_1","metadata":null}"#)
    );
    reset().await;
    create("gmail", options("{}")).await.expect("create");
    assert_eq!(
        text(&only_request("POST").await, "body").as_deref(),
        Some("{}")
    );
}

#[wasm_bindgen_test]
async fn providers_without_oauth_resolve_nulls() {
    for (provider, metadata) in [
        (
            "web-crawler",
            r#"{"startUrl":"https://docs.example.com/start"}"#,
        ),
        (
            "s3",
            r#"{"accessKeyId":"AKIA1","secretAccessKey":"s3cret","bucket":"docs","region":"eu-west-1"}"#,
        ),
        ("granola", r#"{"apiKey":"gr_1"}"#),
    ] {
        reset().await;
        let result = create(provider, options(&format!(r#"{{"metadata":{metadata}}}"#)))
            .await
            .expect("create succeeds");
        assert!(text(&result, "id").is_some());
        for key in ["authLink", "expiresIn", "redirectsTo"] {
            assert!(
                get(&result, key).is_null(),
                "{provider}: {key} should be null"
            );
        }
        let request = only_request("POST").await;
        assert_eq!(
            text(&request, "path"),
            Some(format!("/v3/connections/{provider}"))
        );
    }
}

#[wasm_bindgen_test]
async fn every_oauth_provider_gets_an_auth_link() {
    for provider in ["notion", "google-drive", "onedrive", "gmail", "github"] {
        reset().await;
        let result = create(provider, options("{}"))
            .await
            .expect("create succeeds");
        let link = text(&result, "authLink").expect("authLink");
        assert!(
            link.contains(&format!("/oauth/{provider}/authorize")),
            "{link}"
        );
        assert!(
            get(&result, "redirectsTo").is_null(),
            "absent redirectsTo becomes null"
        );
    }
}

#[wasm_bindgen_test]
async fn default_headers_are_added_replaced_and_removed() {
    reset().await;
    create(
        "notion",
        options(r#"{"defaultHeaders":{"X-App":"demo","Accept":"application/vnd.demo+json"}}"#),
    )
    .await
    .expect("create");
    let headers = get(&only_request("POST").await, "headers");
    assert_eq!(text(&headers, "x-app").as_deref(), Some("demo"));
    assert_eq!(
        text(&headers, "accept").as_deref(),
        Some("application/vnd.demo+json")
    );
}

#[wasm_bindgen_test]
async fn a_header_named_like_an_object_property_is_still_sent() {
    reset().await;
    let seen = js_sys::Array::new();
    let fake = recording_fetch(&seen, r#"{"id":"c"}"#);
    // JSON.parse makes `__proto__` and `constructor` own properties, as any header map may hold.
    let options = options(r#"{"defaultHeaders":{"__proto__":"one","constructor":"two"}}"#);
    set(&options, "fetch", fake.as_ref());
    create("notion", options).await.expect("create");
    let headers = recorded_request(&seen, 0).headers();
    assert_eq!(headers.get("__proto__").expect("get"), Some("one".into()));
    assert_eq!(headers.get("constructor").expect("get"), Some("two".into()));
}

#[wasm_bindgen_test]
async fn proxy_mode_sends_no_authorization() {
    reset().await;
    script(r#"[{"status":200,"body":{"id":"conn_proxy"}}]"#).await;
    let options = json(r#"{"baseURL":"$URL"}"#);
    let result = create("notion", options).await.expect("create");
    assert_eq!(text(&result, "id").as_deref(), Some("conn_proxy"));
    let headers = get(&only_request("POST").await, "headers");
    assert!(get(&headers, "authorization").is_undefined());
}

/// A custom `fetch` that notes its `(url, init)` arguments and answers `body` itself.
fn recording_fetch(
    seen: &js_sys::Array,
    body: &'static str,
) -> wasm_bindgen::closure::Closure<dyn Fn(JsValue, JsValue) -> js_sys::Promise> {
    let seen = seen.clone();
    wasm_bindgen::closure::Closure::new(move |url: JsValue, init: JsValue| {
        seen.push(&js_sys::Array::of2(&url, &init));
        let response = web_sys::Response::new_with_opt_str(Some(body)).expect("response");
        js_sys::Promise::resolve(&JsValue::from(response))
    })
}

/// The `Request` the platform's `fetch` makes from the `index`th recorded `(url, init)`.
fn recorded_request(seen: &js_sys::Array, index: u32) -> web_sys::Request {
    let call: js_sys::Array = seen.get(index).unchecked_into();
    let url = call.get(0).as_string().expect("the url is a string");
    web_sys::Request::new_with_str_and_init(&url, &call.get(1).unchecked_into())
        .expect("fetch accepts the init")
}

#[wasm_bindgen_test]
async fn a_relative_base_url_resolves_against_the_page() {
    reset().await;
    let page_origin = web_sys::window()
        .expect("window")
        .location()
        .origin()
        .expect("origin");
    let seen = js_sys::Array::new();
    let fake = recording_fetch(&seen, r#"{"id":"conn_rel"}"#);
    let options = json(r#"{"baseURL":"/api/supermemory/"}"#);
    set(&options, "fetch", fake.as_ref());
    let result = create("notion", options).await.expect("create");
    assert_eq!(text(&result, "id").as_deref(), Some("conn_rel"));
    let call: js_sys::Array = seen.get(0).unchecked_into();
    assert_eq!(
        call.get(0).as_string(),
        Some(format!(
            "{page_origin}/api/supermemory/v3/connections/notion"
        ))
    );
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn a_custom_fetch_gets_the_url_and_an_init_with_the_package_settings() {
    reset().await;
    let seen = js_sys::Array::new();
    let seen_in_fetch = seen.clone();
    let global_fetch: Function = get(&js_sys::global(), "fetch").unchecked_into();
    let spy = wasm_bindgen::closure::Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
        move |url: JsValue, init: JsValue| {
            seen_in_fetch.push(&js_sys::Array::of2(&url, &init));
            global_fetch
                .call2(&JsValue::UNDEFINED, &url, &init)
                .expect("fetch")
        },
    );
    let options =
        options(r#"{"fetchOptions":{"credentials":"include","referrerPolicy":"no-referrer"}}"#);
    set(&options, "fetch", spy.as_ref());
    create("notion", options)
        .await
        .expect("create through the custom fetch");
    assert_eq!(seen.length(), 1);
    let call: js_sys::Array = seen.get(0).unchecked_into();
    assert!(
        call.get(0).is_string(),
        "the first argument is the URL text"
    );
    let request = recorded_request(&seen, 0);
    assert_eq!(request.method(), "POST");
    // A POST keeps the default cache mode (no-store would cost a cross-origin call its CORS
    // preflight cache); GETs are no-store (browser_manage.rs).
    assert_eq!(request.cache(), web_sys::RequestCache::Default);
    assert_eq!(request.redirect(), web_sys::RequestRedirect::Error);
    assert_eq!(request.credentials(), web_sys::RequestCredentials::Include);
    assert_eq!(
        request.referrer_policy(),
        web_sys::ReferrerPolicy::NoReferrer
    );
    assert_eq!(
        request.headers().get("content-type").expect("headers"),
        Some("application/json".to_string())
    );
    assert!(only_request("POST").await.is_object());
}

#[wasm_bindgen_test]
async fn credentials_stay_same_origin_by_default() {
    reset().await;
    let seen = js_sys::Array::new();
    let fake = recording_fetch(&seen, r#"{"id":"c"}"#);
    let options = options("{}");
    set(&options, "fetch", fake.as_ref());
    create("notion", options).await.expect("create");
    let request = recorded_request(&seen, 0);
    assert_eq!(
        request.credentials(),
        web_sys::RequestCredentials::SameOrigin
    );
    assert_eq!(request.mode(), web_sys::RequestMode::Cors);
}

#[wasm_bindgen_test]
async fn the_client_form_sends_the_same_request() {
    reset().await;
    let client = json(
        r#"{"apiKey":"sm_emulator_test_key","baseURL":"$URL","dangerouslyAllowBrowser":true}"#,
    );
    let params = json(r#"{"containerTag":"user_9","documentLimit":1}"#);
    let result = supermemory_connections::npm::connections_create(
        client,
        "onedrive".into(),
        params,
        json(r#"{"timeout":5000,"maxRetries":0}"#),
    )
    .await
    .expect("create");
    assert!(text(&result, "authLink").is_some());
    let request = only_request("POST").await;
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/onedrive")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTag":"user_9","documentLimit":1}"#)
    );
}

#[wasm_bindgen_test]
async fn gets_are_no_store_while_posts_and_deletes_keep_the_default_cache_mode() {
    reset().await;
    let seen = js_sys::Array::new();
    let connection =
        r#"{"id":"conn_c","provider":"notion","createdAt":"2026-11-24T10:00:00.000Z"}"#;
    let fake = recording_fetch(&seen, connection);
    let client = json(r#"{"baseURL":"https://api.example.com"}"#);
    set(&client, "fetch", fake.as_ref());
    supermemory_connections::npm::connections_call(
        "getByID".into(),
        client.clone(),
        "conn_c".into(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .await
    .expect("getByID through the fake fetch");
    let fake_deleted = recording_fetch(&seen, r#"[{"id":"conn_c","provider":"notion"}]"#);
    set(&client, "fetch", fake_deleted.as_ref());
    supermemory_connections::npm::connections_call(
        "deleteByID".into(),
        client,
        "conn_c".into(),
        json(r#"{"deleteDocuments":false}"#),
        JsValue::UNDEFINED,
    )
    .await
    .expect("deleteByID through the fake fetch");
    let get = recorded_request(&seen, 0);
    assert_eq!(get.method(), "GET");
    assert_eq!(get.cache(), web_sys::RequestCache::NoStore);
    let delete = recorded_request(&seen, 1);
    assert_eq!(delete.method(), "DELETE");
    assert_eq!(delete.cache(), web_sys::RequestCache::Default);
}
