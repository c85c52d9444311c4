//! In headless Chromium: validation through the browser's URL parser, and hostile JavaScript
//! input (throwing getters, Proxies, symbols, bigints) that must settle as `invalid_request`
//! with nothing sent.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Evaluates a JavaScript expression in the test page (test input only).
fn js(expression: &str) -> JsValue {
    let source = format!("return ({});", expression.replace("$URL", emulator()));
    Function::new_no_args(&source)
        .call0(&JsValue::UNDEFINED)
        .expect("test expression")
}

#[wasm_bindgen_test]
async fn redirect_urls_through_the_browser_parser() {
    let refused = [
        (
            "http://app.example.com/cb",
            "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
        ),
        (
            "javascript:alert(1)",
            "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
        ),
        (
            "data:text/html,hi",
            "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
        ),
        (
            "//evil.example/cb",
            "redirectUrl must be an absolute https: URL",
        ),
        ("/connected", "redirectUrl must be an absolute https: URL"),
        (
            "https://app.example.com/cb#frag",
            "redirectUrl must not have a fragment (#...)",
        ),
        (
            "https://app.example.com/cb#",
            "redirectUrl must not have a fragment (#...)",
        ),
        (
            "https://user:pw@app.example.com/cb",
            "redirectUrl must not contain a user name or password",
        ),
        (
            "http://localhost.evil.example/cb",
            "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
        ),
    ];
    for (url, message) in refused {
        reset().await;
        let options = options("{}");
        set(&options, "redirectUrl", &url.into());
        expect_invalid(create("notion", options).await, "redirectUrl", message).await;
    }
    for url in [
        "HTTPS://APP.EXAMPLE.COM/cb",
        "http://localhost:3000/cb",
        "http://127.0.0.1:8080/x?y=1",
    ] {
        reset().await;
        let options = options("{}");
        set(&options, "redirectUrl", &url.into());
        create("notion", options).await.expect(url);
    }
}

#[wasm_bindgen_test]
async fn base_urls_through_the_browser_parser() {
    let table = [
        (
            "ftp://files.example.com",
            "baseURL must use http: or https:",
        ),
        (
            "http://[::1",
            "baseURL must be an absolute http(s) URL, or a path relative to the page in a browser",
        ),
        (
            "https://u:p@proxy.example.com",
            "baseURL must not contain a user name or password",
        ),
        (
            "https://proxy.example.com/?x=1",
            "baseURL must not have a query or fragment",
        ),
        (
            "https://proxy.example.com/#",
            "baseURL must not have a query or fragment",
        ),
    ];
    for (url, message) in table {
        reset().await;
        let options = options("{}");
        set(&options, "baseURL", &url.into());
        expect_invalid(create("notion", options).await, "baseURL", message).await;
    }
}

#[wasm_bindgen_test]
async fn start_urls_through_the_browser_parser() {
    for url in [
        "docs.example.com",
        "ftp://docs.example.com",
        "javascript:alert(1)",
        "https://",
    ] {
        reset().await;
        let options = options("{}");
        set(
            &options,
            "metadata",
            &json(&format!(r#"{{"startUrl":"{url}"}}"#)),
        );
        expect_invalid(
            create("web-crawler", options).await,
            "metadata.startUrl",
            "metadata.startUrl must be an absolute http: or https: URL",
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn every_rule_rejects_before_any_request() {
    let table = [
        ("dropbox", "{}", "provider", "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola"),
        ("notion", r#"{"containerTag5":"x"}"#, "containerTag5", "unknown option containerTag5"),
        ("notion", r#"{"apiKey":""}"#, "apiKey", "apiKey must not be empty"),
        ("notion", r#"{"containerTags":["ok","bad tag"]}"#, "containerTags[1]", "containerTags[1] may only contain letters, digits, _, : and -"),
        ("notion", r#"{"containerTag":"a","containerTags":["b"]}"#, "containerTags", "give containerTag or containerTags, not both"),
        ("notion", r#"{"documentLimit":10001}"#, "documentLimit", "documentLimit must be an integer from 1 to 10000"),
        ("notion", r#"{"documentLimit":1.5}"#, "documentLimit", "documentLimit must be an integer from 1 to 10000"),
        ("notion", r#"{"metadata":{"nested":{"a":1}}}"#, "metadata.nested", "metadata.nested must be a string, a finite number or a boolean (metadata is flat), not an object"),
        ("notion", r#"{"timeout":0}"#, "timeout", "timeout must be an integer from 1 to 2147483647"),
        ("notion", r#"{"maxRetries":11}"#, "maxRetries", "maxRetries must be an integer from 0 to 10"),
        ("s3", r#"{"metadata":{"accessKeyId":"a","secretAccessKey":"b","region":"r"}}"#, "metadata.bucket", "s3 needs metadata.bucket"),
        ("granola", r#"{"metadata":{}}"#, "metadata.apiKey", "granola needs metadata.apiKey"),
        ("google-drive", r#"{"metadata":{"syncScope":"all"}}"#, "metadata.syncScope", "metadata.syncScope must be \"selected\" or \"full\""),
        ("web-crawler", "{}", "metadata.startUrl", "web-crawler needs metadata.startUrl"),
    ];
    for (provider, extra, field, message) in table {
        reset().await;
        expect_invalid(create(provider, options(extra)).await, field, message).await;
    }
}

#[wasm_bindgen_test]
async fn the_api_key_is_required_for_the_real_api() {
    reset().await;
    expect_invalid(
        create("notion", json("{}")).await,
        "apiKey",
        "apiKey is required to call the supermemory API directly; in a browser, set baseURL to your backend proxy instead",
    )
    .await;
}

#[wasm_bindgen_test]
async fn hostile_values_settle_as_invalid_request() {
    let table = [
        (
            "({ get apiKey() { throw new Error('nope'); } })",
            "apiKey",
            "apiKey could not be read: its getter threw",
        ),
        (
            "({ baseURL: '$URL', metadata: { get x() { throw 1; } } })",
            "metadata.x",
            "metadata.x could not be read: its getter threw",
        ),
        (
            "new Proxy({}, { ownKeys() { throw new Error('trap'); } })",
            "options",
            "options could not be read",
        ),
        (
            "new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } })",
            "options",
            "options could not be read",
        ),
        (
            "(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()",
            "options",
            "options could not be read",
        ),
        (
            "({ [Symbol('x')]: 1 })",
            "options",
            "options has a symbol key: only string keys are allowed",
        ),
        (
            "({ baseURL: '$URL', documentLimit: 10n })",
            "documentLimit",
            "documentLimit must be an integer from 1 to 10000",
        ),
        (
            "({ baseURL: '$URL', containerTag: Symbol('t') })",
            "containerTag",
            "containerTag must be a string, not a symbol",
        ),
        (
            "({ baseURL: '$URL', metadata: new Map() })",
            "metadata",
            "metadata must be a plain object or null, not an object that is not a plain object",
        ),
        (
            "({ baseURL: '$URL', containerTags: { length: 1e9 } })",
            "containerTags",
            "containerTags must be an array of strings, not an object",
        ),
        (
            "({ baseURL: '$URL', containerTags: new Array(2 ** 31) })",
            "containerTags",
            "containerTags has more than 10000 items",
        ),
        (
            "new Date()",
            "options",
            "options must be a plain object, not an object that is not a plain object",
        ),
        (
            "[{ get baseURL() { throw 1; } }]",
            "options",
            "options must be a plain object, not an array",
        ),
    ];
    for (expression, field, message) in table {
        reset().await;
        expect_invalid(create("notion", js(expression)).await, field, message).await;
    }
    reset().await;
    let frozen = js("Object.freeze(Object.assign(Object.create(null), { apiKey: 'sm_emulator_test_key', baseURL: '$URL', dangerouslyAllowBrowser: true }))");
    create("notion", frozen)
        .await
        .expect("a frozen null-prototype object is fine");
}

#[wasm_bindgen_test]
async fn a_hostile_provider_settles() {
    for expression in [
        "Symbol('notion')",
        "10n",
        "({ toString() { throw 1; } })",
        "new Proxy({}, {})",
    ] {
        reset().await;
        let provider = js(expression);
        let result = supermemory_connections::npm::create_connection(provider, options("{}")).await;
        expect_invalid(
            result,
            "provider",
            "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola",
        )
        .await;
    }
}
