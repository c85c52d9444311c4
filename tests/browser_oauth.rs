//! In headless Chromium: the authLink allow-list through the browser's URL parser, and the
//! OAuth helpers' storage and refusal paths (the navigating path runs in the Playwright demo
//! tests, since a navigation would end this test page).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use supermemory_connections::npm::test_hooks::PlatformUrls;
use supermemory_connections::npm::test_hooks::{check_auth_link, default_entries, AllowedEntry};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOT_LISTED: &str = "authLink points to a host that is not in allowedHosts";
const NOT_HTTPS: &str = "authLink must use https:";

#[wasm_bindgen_test]
fn auth_links_table() {
    let mut allowed = default_entries();
    allowed.push(AllowedEntry::Origin("http://127.0.0.1:8787".into()));
    let table: &[(&str, Result<&str, &str>)] = &[
        (
            "https://api.notion.com/v1/oauth/authorize?client_id=x&state=y",
            Ok("https://api.notion.com/v1/oauth/authorize?client_id=x&state=y"),
        ),
        (
            "HTTPS://API.NOTION.COM/v1/oauth",
            Ok("https://api.notion.com/v1/oauth"),
        ),
        (
            "https://accounts.google.com/o/oauth2/v2/auth?x=1",
            Ok("https://accounts.google.com/o/oauth2/v2/auth?x=1"),
        ),
        (
            "https://login.microsoftonline.com:443/common/oauth2",
            Ok("https://login.microsoftonline.com/common/oauth2"),
        ),
        (
            "https://github.com/login/oauth/authorize",
            Ok("https://github.com/login/oauth/authorize"),
        ),
        (
            "http://127.0.0.1:8787/oauth/notion/authorize?c=1",
            Ok("http://127.0.0.1:8787/oauth/notion/authorize?c=1"),
        ),
        ("http://api.notion.com/v1/oauth", Err(NOT_LISTED)),
        ("https://api.notion.com:8443/v1/oauth", Err(NOT_LISTED)),
        ("https://api.notion.com.evil.example/", Err(NOT_LISTED)),
        (
            "https://evil.example/?next=https://api.notion.com",
            Err(NOT_LISTED),
        ),
        ("https://\u{0430}pi.notion.com/v1/oauth", Err(NOT_LISTED)),
        ("https://xn--pi-7kc.notion.com/", Err(NOT_LISTED)),
        ("http://127.0.0.1:9999/oauth", Err(NOT_LISTED)),
        ("http://localhost:8787/oauth", Err(NOT_LISTED)),
        (
            "https://user:pw@api.notion.com/",
            Err("authLink must not contain a user name or password"),
        ),
        (
            "https://api.notion.com@evil.example/",
            Err("authLink must not contain a user name or password"),
        ),
        (
            "//evil.example/oauth",
            Err("authLink is not an absolute URL"),
        ),
        ("/oauth/notion", Err("authLink is not an absolute URL")),
        ("javascript:alert(1)", Err(NOT_HTTPS)),
        ("data:text/html,<script>alert(1)</script>", Err(NOT_HTTPS)),
        (
            "blob:https://api.notion.com/0b5c3e0a-7c55-4d2b-9d1a-1a2b3c4d5e6f",
            Err(NOT_HTTPS),
        ),
        ("ftp://api.notion.com/", Err(NOT_HTTPS)),
        (
            " https://api.notion.com/v1/oauth",
            Err("authLink contains spaces or control characters"),
        ),
        (
            "https://api.notion.com/v1/oauth\n",
            Err("authLink contains spaces or control characters"),
        ),
        (
            "https://api.no\ttion.com/",
            Err("authLink contains spaces or control characters"),
        ),
    ];
    for (link, expected) in table {
        match (check_auth_link(link, &allowed, &PlatformUrls), expected) {
            (Ok(href), Ok(want)) => assert_eq!(&href, want, "{link}"),
            (Err(error), Err(want)) => {
                assert_eq!(error.code.as_str(), "unsafe_redirect", "{link}");
                assert_eq!(&error.message, want, "{link}");
            }
            (got, want) => panic!("{link:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn the_default_list_has_no_loopback_origin() {
    let link = format!("{}/oauth/notion/authorize", emulator());
    let error = check_auth_link(&link, &default_entries(), &PlatformUrls).unwrap_err();
    assert_eq!(error.message, NOT_LISTED);
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .expect("sessionStorage")
}

async fn complete(url: &str) -> JsValue {
    supermemory_connections::npm::complete_oauth(url.into()).expect("completeOAuth resolves")
}

#[wasm_bindgen_test]
async fn complete_oauth_reads_and_consumes_the_nonce() {
    let storage = session_storage();
    storage.clear().expect("clear");
    let nonce = "00112233445566778899aabbccddeeff";
    let key = format!("supermemory-connections:oauth:{nonce}");
    let entry = r#"{"connectionId":"conn_1","provider":"notion"}"#;

    assert!(complete("https://app.example.com/settings?tab=2")
        .await
        .is_null());

    storage.set_item(&key, entry).expect("store");
    let done = complete(&format!(
        "https://app.example.com/back?tab=2&sm_oauth_state={nonce}"
    ))
    .await;
    assert_eq!(get(&done, "ok"), JsValue::TRUE);
    assert_eq!(text(&done, "connectionId").as_deref(), Some("conn_1"));
    assert_eq!(text(&done, "provider").as_deref(), Some("notion"));
    assert!(get(&done, "error").is_undefined());
    assert_eq!(
        storage.get_item(&key).expect("read"),
        None,
        "the nonce is one-time"
    );

    let reused = complete(&format!(
        "https://app.example.com/back?sm_oauth_state={nonce}"
    ))
    .await;
    assert_eq!(get(&reused, "ok"), JsValue::FALSE);
    assert_eq!(text(&reused, "error").as_deref(), Some("state_mismatch"));
    assert!(get(&reused, "connectionId").is_undefined());

    let forged = complete("https://app.example.com/back?sm_oauth_state=forged").await;
    assert_eq!(text(&forged, "error").as_deref(), Some("state_mismatch"));

    let no_nonce = complete("https://app.example.com/back?error=access_denied").await;
    assert_eq!(text(&no_nonce, "error").as_deref(), Some("state_mismatch"));

    storage.set_item(&key, entry).expect("store");
    let denied = complete(&format!(
        "https://app.example.com/back?sm_oauth_state={nonce}&error=access_denied"
    ))
    .await;
    assert_eq!(get(&denied, "ok"), JsValue::FALSE);
    assert_eq!(text(&denied, "error").as_deref(), Some("access_denied"));
    assert_eq!(text(&denied, "connectionId").as_deref(), Some("conn_1"));
    assert_eq!(storage.length().expect("length"), 0);

    let error = supermemory_connections::npm::complete_oauth(JsValue::from(5)).unwrap_err();
    assert_eq!(text(&error, "field").as_deref(), Some("url"));
}

#[wasm_bindgen_test]
async fn start_oauth_without_oauth_stores_nothing_and_does_not_navigate() {
    reset().await;
    let storage = session_storage();
    storage.clear().expect("clear");
    let options = options(r#"{"metadata":{"startUrl":"https://docs.example.com"}}"#);
    let started = supermemory_connections::npm::start_oauth("web-crawler".into(), options)
        .await
        .expect("startOAuth resolves");
    assert_eq!(get(&started, "redirected"), JsValue::FALSE);
    assert!(text(&get(&started, "connection"), "id").is_some());
    assert_eq!(storage.length().expect("length"), 0);
    let body = text(&api_requests().await[0], "body").unwrap_or_default();
    assert_eq!(
        body,
        r#"{"metadata":{"startUrl":"https://docs.example.com"}}"#
    );
}

#[wasm_bindgen_test]
async fn start_oauth_refuses_an_unlisted_auth_link_and_stores_nothing() {
    for link in [
        "javascript:alert(1)",
        "http://evil.example/oauth",
        "https://evil.example/oauth",
    ] {
        reset().await;
        let storage = session_storage();
        storage.clear().expect("clear");
        script(&format!(r#"[{{"status":200,"body":{{"id":"conn_rigged","authLink":"{link}","expiresIn":"1 hour"}}}}]"#)).await;
        let error = expect_error(
            supermemory_connections::npm::start_oauth("notion".into(), options("{}")).await,
            "unsafe_redirect",
        );
        assert!(
            text(&error, "message")
                .unwrap_or_default()
                .starts_with("authLink"),
            "{link}"
        );
        assert_eq!(
            storage.length().expect("length"),
            0,
            "{link}: nothing stored"
        );
        let sent = api_requests().await;
        let body = get(&sent[0], "json");
        let redirect = text(&body, "redirectUrl").expect("a redirectUrl is sent");
        let page = web_sys::window()
            .expect("window")
            .location()
            .href()
            .expect("href");
        let parsed = web_sys::Url::new(&redirect).expect("absolute");
        let nonce = parsed
            .search_params()
            .get("sm_oauth_state")
            .expect("nonce parameter");
        assert_eq!(nonce.len(), 32, "128 bits as hex");
        assert!(nonce.bytes().all(|b| b.is_ascii_hexdigit()));
        parsed.search_params().delete("sm_oauth_state");
        assert_eq!(
            parsed.href(),
            page.split('#').next().unwrap_or_default(),
            "defaults to this page"
        );
    }
}

#[wasm_bindgen_test]
async fn start_oauth_checks_allowed_hosts_and_its_options() {
    reset().await;
    let bad_hosts = options(r#"{"allowedHosts":["https://evil.example"]}"#);
    expect_invalid(
        supermemory_connections::npm::start_oauth("notion".into(), bad_hosts).await,
        "allowedHosts[0]",
        "allowedHosts[0] must be a bare host name such as api.notion.com (https only), or a loopback origin such as http://127.0.0.1:8080",
    )
    .await;
    let plain_http = options(r#"{"redirectUrl":"http://app.example.com/back"}"#);
    expect_invalid(
        supermemory_connections::npm::start_oauth("notion".into(), plain_http).await,
        "redirectUrl",
        "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
    )
    .await;
}

#[wasm_bindgen_test]
async fn redirect_to_auth_link_refusals() {
    let null_link = json(r#"{"id":"c","authLink":null}"#);
    let error = supermemory_connections::npm::redirect_to_auth_link(null_link, JsValue::UNDEFINED)
        .unwrap_err();
    assert_eq!(text(&error, "code").as_deref(), Some("invalid_request"));
    assert_eq!(text(&error, "field").as_deref(), Some("authLink"));
    for link in [
        "javascript:alert(1)",
        "https://evil.example/x",
        "data:text/html,x",
    ] {
        let connection = json(&format!(r#"{{"id":"c","authLink":"{link}"}}"#));
        let error =
            supermemory_connections::npm::redirect_to_auth_link(connection, JsValue::UNDEFINED)
                .unwrap_err();
        assert_eq!(
            text(&error, "code").as_deref(),
            Some("unsafe_redirect"),
            "{link}"
        );
    }
    let connection = json(r#"{"id":"c","authLink":"https://github.com/login"}"#);
    let error =
        supermemory_connections::npm::redirect_to_auth_link(connection, json(r#"{"allowed":[]}"#))
            .unwrap_err();
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("unknown option allowed")
    );
}
