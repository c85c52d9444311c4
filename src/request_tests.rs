//! Table-driven tests of every validation rule, its boundaries, and the order rules apply in.

#[allow(unused_imports)]
use crate::prelude::*;

use super::*;
use crate::error::ErrorCode;
use crate::test_support::{browser, obj, s, server};
use crate::url::Environment;
use crate::value::{Handle, Value};

const KEY: &str = "sm_SECRET_key_123";

/// Options that pass: a key and a proxy, plus `extra` entries replacing or adding to them.
fn options(extra: &[(&str, Value)]) -> Value {
    let mut entries = vec![
        ("apiKey".to_string(), s(KEY)),
        ("baseURL".to_string(), s("https://proxy.example.com/api")),
    ];
    for (key, value) in extra {
        entries.retain(|(k, _)| k != key);
        entries.push((key.to_string(), value.clone()));
    }
    Value::Object(entries)
}

fn create(provider: &str, options: &Value, env: &Environment) -> Result<CreateCall, Error> {
    validate_create_connection(&s(provider), options, env)
}

/// Asserts the call fails with `invalid_request` on `field` with exactly `message`.
fn fails(result: Result<CreateCall, Error>, field: &str, message: &str) {
    match result {
        Ok(call) => panic!("expected {field} to fail, got {call:?}"),
        Err(error) => {
            assert_eq!(error.code, ErrorCode::InvalidRequest, "{message}");
            assert_eq!(error.field.as_deref(), Some(field), "{message}");
            assert_eq!(error.message, message);
            assert!(!error.message.contains("SECRET"), "{}", error.message);
            assert!(!format!("{error:?}").contains("SECRET"));
        }
    }
}

#[test]
fn a_valid_call_keeps_every_setting() {
    let call = create(
        "notion",
        &options(&[
            (
                "redirectUrl",
                s("https://app.example.com/connected?from=settings"),
            ),
            (
                "containerTags",
                Value::Array(vec![s("user_123"), s("project_alpha")]),
            ),
            ("documentLimit", Value::Number(5000.0)),
            (
                "metadata",
                obj(&[("team", s("growth")), ("seats", Value::Number(3.0))]),
            ),
            ("timeout", Value::Number(5000.0)),
            ("maxRetries", Value::Number(0.0)),
            ("signal", Value::Signal(Handle(0))),
        ]),
        &server(),
    )
    .unwrap();
    assert_eq!(call.provider.as_str(), "notion");
    assert_eq!(call.client.base_url, "https://proxy.example.com/api");
    assert_eq!(call.client.api_key.as_ref().map(|k| k.expose()), Some(KEY));
    assert_eq!(call.client.timeout_ms, 5000);
    assert_eq!(call.client.max_retries, 0);
    assert_eq!(call.request.signal, Some(Handle(0)));
    assert_eq!(call.body.document_limit, Some(5000));
    assert_eq!(
        call.body.container_tags,
        Some(vec!["user_123".to_string(), "project_alpha".to_string()])
    );
    assert_eq!(
        call.body.redirect_url.as_deref(),
        Some("https://app.example.com/connected?from=settings")
    );
}

#[test]
fn defaults_apply_when_options_are_absent() {
    let call = create("github", &options(&[]), &server()).unwrap();
    assert_eq!(call.client.timeout_ms, 60_000);
    assert_eq!(call.client.max_retries, 2);
    assert_eq!(call.body, crate::create_params::CreateBody::default());
    let call = create("github", &obj(&[("apiKey", s(KEY))]), &server()).unwrap();
    assert_eq!(call.client.base_url, "https://api.supermemory.ai");
}

#[test]
fn provider_rules() {
    let message = "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola";
    fails(
        create("dropbox", &options(&[]), &server()),
        "provider",
        message,
    );
    fails(
        validate_create_connection(&Value::Number(1.0), &options(&[]), &server()),
        "provider",
        message,
    );
}

#[test]
fn option_object_and_names() {
    fails(
        create("notion", &Value::Null, &server()),
        "options",
        "options must be a plain object, not null",
    );
    fails(
        create("notion", &Value::String("x".into()), &server()),
        "options",
        "options must be a plain object, not a string",
    );
    fails(
        create("notion", &options(&[("containerTag5", s("a"))]), &server()),
        "containerTag5",
        "unknown option containerTag5",
    );
    fails(
        create(
            "notion",
            &options(&[("baseUrl", s("https://x.example"))]),
            &server(),
        ),
        "baseUrl",
        "unknown option baseUrl: did you mean baseURL?",
    );
}

#[test]
fn api_key_rules() {
    let env = server();
    fails(
        create("notion", &options(&[("apiKey", s(""))]), &env),
        "apiKey",
        "apiKey must not be empty",
    );
    fails(
        create("notion", &options(&[("apiKey", Value::Number(5.0))]), &env),
        "apiKey",
        "apiKey must be a string, not a number",
    );
    fails(
        create("notion", &options(&[("apiKey", s("sm SECRET"))]), &env),
        "apiKey",
        "apiKey may only contain visible ASCII characters (no spaces or line breaks)",
    );
    let required = "apiKey is required to call the supermemory API directly; in a browser, set baseURL to your backend proxy instead";
    fails(create("notion", &obj(&[]), &env), "apiKey", required);
    fails(
        create("notion", &Value::Undefined, &env),
        "apiKey",
        required,
    );
    fails(
        create(
            "notion",
            &obj(&[("baseURL", s("https://api.supermemory.ai/"))]),
            &env,
        ),
        "apiKey",
        required,
    );
    let proxy = obj(&[("baseURL", s("https://proxy.example.com"))]);
    assert!(create("notion", &proxy, &env)
        .unwrap()
        .client
        .api_key
        .is_none());
}

#[test]
fn base_url_rules() {
    let env = server();
    let table = [
        (
            "ftp://files.example.com",
            "baseURL must use http: or https:",
        ),
        (
            "not a url",
            "baseURL must be an absolute http(s) URL, or a path relative to the page in a browser",
        ),
        (
            "/api/supermemory",
            "baseURL must be an absolute http(s) URL, or a path relative to the page in a browser",
        ),
        (
            "https://user:pw@proxy.example.com",
            "baseURL must not contain a user name or password",
        ),
        (
            "https://proxy.example.com/api?x=1",
            "baseURL must not have a query or fragment",
        ),
        (
            "https://proxy.example.com/api#top",
            "baseURL must not have a query or fragment",
        ),
        ("", "baseURL must not be empty"),
    ];
    for (base, message) in table {
        fails(
            create("notion", &options(&[("baseURL", s(base))]), &env),
            "baseURL",
            message,
        );
    }
    let call = create(
        "notion",
        &obj(&[("baseURL", s("/api/supermemory/"))]),
        &browser(),
    )
    .unwrap();
    assert_eq!(
        call.client.base_url,
        "https://app.example.com/api/supermemory"
    );
    let call = create(
        "notion",
        &obj(&[("baseURL", s("http://127.0.0.1:8787"))]),
        &env,
    )
    .unwrap();
    assert_eq!(call.client.base_url, "http://127.0.0.1:8787");
}

#[test]
fn a_key_in_the_browser_needs_the_explicit_flag() {
    let env = browser();
    let error = create("notion", &options(&[]), &env).unwrap_err();
    assert_eq!(error.code, ErrorCode::BrowserKeyExposure);
    assert_eq!(error.field.as_deref(), Some("apiKey"));
    assert_eq!(
        error.message,
        "an apiKey in the browser is visible to every user of the page: send requests through your backend with baseURL, or set dangerouslyAllowBrowser: true"
    );
    let error = create(
        "notion",
        &options(&[("dangerouslyAllowBrowser", Value::Bool(false))]),
        &env,
    )
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::BrowserKeyExposure);
    assert!(create(
        "notion",
        &options(&[("dangerouslyAllowBrowser", Value::Bool(true))]),
        &env
    )
    .is_ok());
    fails(
        create(
            "notion",
            &options(&[("dangerouslyAllowBrowser", s("yes"))]),
            &env,
        ),
        "dangerouslyAllowBrowser",
        "dangerouslyAllowBrowser must be true or false, not a string",
    );
    assert!(create("notion", &options(&[]), &server()).is_ok());
}

#[test]
fn timeout_and_retries_bounds() {
    let env = server();
    let timeout = "timeout must be an integer from 1 to 2147483647";
    for bad in [
        Value::Number(0.0),
        Value::Number(1.5),
        s("5"),
        Value::Number(2_147_483_648.0),
        Value::Null,
    ] {
        fails(
            create("notion", &options(&[("timeout", bad)]), &env),
            "timeout",
            timeout,
        );
    }
    for good in [1.0, 2_147_483_647.0] {
        let call = create(
            "notion",
            &options(&[("timeout", Value::Number(good))]),
            &env,
        )
        .unwrap();
        assert_eq!(call.client.timeout_ms as f64, good);
    }
    let retries = "maxRetries must be an integer from 0 to 10";
    for bad in [-1.0, 11.0, 2.5, f64::NAN] {
        fails(
            create(
                "notion",
                &options(&[("maxRetries", Value::Number(bad))]),
                &env,
            ),
            "maxRetries",
            retries,
        );
    }
    for good in [0.0, 10.0] {
        let call = create(
            "notion",
            &options(&[("maxRetries", Value::Number(good))]),
            &env,
        )
        .unwrap();
        assert_eq!(call.client.max_retries as f64, good);
    }
}

#[test]
fn default_headers_rules() {
    let env = server();
    let with = |headers: Value| create("notion", &options(&[("defaultHeaders", headers)]), &env);
    fails(
        with(s("x")),
        "defaultHeaders",
        "defaultHeaders must be a plain object, not a string",
    );
    fails(
        with(obj(&[("bad name", s("v"))])),
        "defaultHeaders.bad name",
        "defaultHeaders.bad name is not a valid header name",
    );
    fails(
        with(obj(&[("X-A", s("a\r\nb"))])),
        "defaultHeaders.X-A",
        "defaultHeaders.X-A has characters a header cannot carry (line breaks, NUL, or beyond Latin-1)",
    );
    fails(
        with(obj(&[("X-A", Value::Number(5.0))])),
        "defaultHeaders.X-A",
        "defaultHeaders.X-A must be a string or null, not a number",
    );
    let call = with(obj(&[("X-App", s("demo")), ("Accept", Value::Null)])).unwrap();
    assert_eq!(
        call.client.default_headers,
        vec![
            ("X-App".to_string(), Some("demo".to_string())),
            ("Accept".to_string(), None)
        ]
    );
}

#[test]
fn fetch_and_fetch_options_rules() {
    let env = server();
    fails(
        create("notion", &options(&[("fetch", s("fetch"))]), &env),
        "fetch",
        "fetch must be a function, not a string",
    );
    assert_eq!(
        create(
            "notion",
            &options(&[("fetch", Value::Function(Handle(3)))]),
            &env
        )
        .unwrap()
        .client
        .fetch,
        Some(Handle(3))
    );
    let with =
        |fetch_options: Value| create("notion", &options(&[("fetchOptions", fetch_options)]), &env);
    fails(
        with(Value::Bool(true)),
        "fetchOptions",
        "fetchOptions must be a plain object, not a boolean",
    );
    fails(
        with(obj(&[("headers", obj(&[]))])),
        "fetchOptions.headers",
        "fetchOptions.headers is not supported: fetchOptions takes credentials, mode, referrer, referrerPolicy and integrity",
    );
    fails(
        with(obj(&[("credentials", s("always"))])),
        "fetchOptions.credentials",
        "fetchOptions.credentials must be one of \"omit\", \"same-origin\", \"include\"",
    );
    fails(
        with(obj(&[("mode", s("no-cors"))])),
        "fetchOptions.mode",
        "fetchOptions.mode must be one of \"cors\", \"same-origin\"",
    );
    fails(
        with(obj(&[("referrer", Value::Number(1.0))])),
        "fetchOptions.referrer",
        "fetchOptions.referrer must be a string, not a number",
    );
    fails(
        with(obj(&[("referrer", s("not a url"))])),
        "fetchOptions.referrer",
        "fetchOptions.referrer must be empty or a URL",
    );
    for referrer in ["", "https://app.example.com/page", "about:client"] {
        let call = with(obj(&[("referrer", s(referrer))])).unwrap();
        assert_eq!(
            call.client.fetch_options.referrer.as_deref(),
            Some(referrer)
        );
    }
    let call = with(obj(&[
        ("credentials", s("include")),
        ("referrerPolicy", s("no-referrer")),
    ]))
    .unwrap();
    assert_eq!(
        call.client.fetch_options.credentials.as_deref(),
        Some("include")
    );
    assert_eq!(
        call.client.fetch_options.referrer_policy.as_deref(),
        Some("no-referrer")
    );
}

#[test]
fn redirect_url_rules() {
    let env = server();
    let table = [
        (
            "http://app.example.com/cb",
            Some("redirectUrl must use https: (http: only for localhost or 127.0.0.1)"),
        ),
        (
            "javascript:alert(1)",
            Some("redirectUrl must use https: (http: only for localhost or 127.0.0.1)"),
        ),
        (
            "/connected",
            Some("redirectUrl must be an absolute https: URL"),
        ),
        (
            "https://app.example.com/cb#done",
            Some("redirectUrl must not have a fragment (#...)"),
        ),
        (
            "https://app.example.com/cb#",
            Some("redirectUrl must not have a fragment (#...)"),
        ),
        (
            "https://u:p@app.example.com/cb",
            Some("redirectUrl must not contain a user name or password"),
        ),
        ("", Some("redirectUrl must not be empty")),
        ("https://app.example.com/cb?x=1", None),
        ("http://localhost:3000/cb", None),
        ("http://127.0.0.1:8080/cb", None),
    ];
    for (url, expected) in table {
        let result = create("notion", &options(&[("redirectUrl", s(url))]), &env);
        match expected {
            Some(message) => fails(result, "redirectUrl", message),
            None => assert_eq!(result.unwrap().body.redirect_url.as_deref(), Some(url)),
        }
    }
}

#[test]
fn container_tag_rules() {
    let env = server();
    let with = |extra: &[(&str, Value)]| create("notion", &options(extra), &env);
    fails(
        with(&[
            ("containerTag", s("a")),
            ("containerTags", Value::Array(vec![s("b")])),
        ]),
        "containerTags",
        "give containerTag or containerTags, not both",
    );
    fails(
        with(&[("containerTags", s("user_1"))]),
        "containerTags",
        "containerTags must be an array of strings, not a string",
    );
    fails(
        with(&[("containerTags", Value::Array(vec![s("ok"), s("bad tag")]))]),
        "containerTags[1]",
        "containerTags[1] may only contain letters, digits, _, : and -",
    );
    fails(
        with(&[("containerTags", Value::Array(vec![s(&"a".repeat(101))]))]),
        "containerTags[0]",
        "containerTags[0] must be at most 100 characters",
    );
    fails(
        with(&[("containerTag", s(""))]),
        "containerTag",
        "containerTag must not be empty",
    );
    fails(
        with(&[("containerTag", Value::Null)]),
        "containerTag",
        "containerTag must be a string, not null",
    );
    let hundred = "x".repeat(100);
    assert_eq!(
        with(&[("containerTag", s(&hundred))])
            .unwrap()
            .body
            .container_tag,
        Some(hundred)
    );
    assert_eq!(
        with(&[("containerTags", Value::Array(vec![]))])
            .unwrap()
            .body
            .container_tags,
        Some(vec![])
    );
}

#[test]
fn document_limit_boundaries() {
    let env = server();
    let message = "documentLimit must be an integer from 1 to 10000";
    for (n, ok) in [
        (0.0, false),
        (1.0, true),
        (10000.0, true),
        (10001.0, false),
        (1.5, false),
    ] {
        let result = create(
            "notion",
            &options(&[("documentLimit", Value::Number(n))]),
            &env,
        );
        if ok {
            assert_eq!(result.unwrap().body.document_limit, Some(n as u32));
        } else {
            fails(result, "documentLimit", message);
        }
    }
    fails(
        create("notion", &options(&[("documentLimit", s("5"))]), &env),
        "documentLimit",
        message,
    );
}

#[test]
fn metadata_rules() {
    let env = server();
    let with = |metadata: Value| create("notion", &options(&[("metadata", metadata)]), &env);
    fails(
        with(s("x")),
        "metadata",
        "metadata must be a plain object or null, not a string",
    );
    fails(
        with(Value::Array(vec![])),
        "metadata",
        "metadata must be a plain object or null, not an array",
    );
    let flat = "must be a string, a finite number or a boolean (metadata is flat), not";
    fails(
        with(obj(&[("a", Value::Other("an object"))])),
        "metadata.a",
        &format!("metadata.a {flat} an object"),
    );
    fails(
        with(obj(&[("n", Value::Number(f64::NAN))])),
        "metadata.n",
        &format!("metadata.n {flat} NaN"),
    );
    fails(
        with(obj(&[("n", Value::Number(f64::INFINITY))])),
        "metadata.n",
        &format!("metadata.n {flat} a number"),
    );
    fails(
        with(obj(&[("z", Value::Null)])),
        "metadata.z",
        &format!("metadata.z {flat} null"),
    );
    assert_eq!(with(Value::Null).unwrap().body.metadata, Some(None));
}

#[test]
fn provider_metadata_rules() {
    let env = server();
    let with = |provider: &str, metadata: Value| {
        create(provider, &options(&[("metadata", metadata)]), &env)
    };
    fails(
        create("web-crawler", &options(&[]), &env),
        "metadata.startUrl",
        "web-crawler needs metadata.startUrl",
    );
    fails(
        with("web-crawler", Value::Null),
        "metadata.startUrl",
        "web-crawler needs metadata.startUrl",
    );
    for bad in ["ftp://example.com", "example.com", "javascript:alert(1)"] {
        fails(
            with("web-crawler", obj(&[("startUrl", s(bad))])),
            "metadata.startUrl",
            "metadata.startUrl must be an absolute http: or https: URL",
        );
    }
    fails(
        with("web-crawler", obj(&[("startUrl", Value::Number(1.0))])),
        "metadata.startUrl",
        "metadata.startUrl must be a string",
    );
    assert!(with(
        "web-crawler",
        obj(&[("startUrl", s("https://docs.example.com"))])
    )
    .is_ok());

    fails(
        with("google-drive", obj(&[("syncScope", s("all"))])),
        "metadata.syncScope",
        "metadata.syncScope must be \"selected\" or \"full\"",
    );
    assert!(with("google-drive", obj(&[("syncScope", s("full"))])).is_ok());

    fails(
        with("s3", obj(&[])),
        "metadata.accessKeyId",
        "s3 needs metadata.accessKeyId",
    );
    let keys = [
        ("accessKeyId", s("AKIA_SECRET")),
        ("secretAccessKey", s("SECRET_access")),
        ("region", s("eu-west-1")),
    ];
    fails(
        with("s3", obj(&keys)),
        "metadata.bucket",
        "s3 needs metadata.bucket",
    );
    let mut full = keys.to_vec();
    full.push(("bucket", s("docs")));
    assert!(with("s3", obj(&full)).is_ok());
    let mut bad_endpoint = full.clone();
    bad_endpoint.push(("endpoint", s("minio.local")));
    fails(
        with("s3", obj(&bad_endpoint)),
        "metadata.endpoint",
        "metadata.endpoint must be an absolute http: or https: URL",
    );
    let mut bad_prefix = full.clone();
    bad_prefix.push(("prefix", Value::Bool(true)));
    fails(
        with("s3", obj(&bad_prefix)),
        "metadata.prefix",
        "metadata.prefix must be a string",
    );

    fails(
        with("granola", obj(&[])),
        "metadata.apiKey",
        "granola needs metadata.apiKey",
    );
    fails(
        with("granola", obj(&[("apiKey", s(""))])),
        "metadata.apiKey",
        "metadata.apiKey must not be empty",
    );
    assert!(with("granola", obj(&[("apiKey", s("gr_SECRET"))])).is_ok());
}

#[test]
fn signal_rule() {
    fails(
        create("notion", &options(&[("signal", s("x"))]), &server()),
        "signal",
        "signal must be an AbortSignal, not a string",
    );
}

#[test]
fn rules_apply_in_the_documented_order() {
    let env = server();
    // provider before options
    let result = validate_create_connection(&s("dropbox"), &Value::Null, &env);
    assert_eq!(result.unwrap_err().field.as_deref(), Some("provider"));
    // unknown names before values
    let result = create(
        "notion",
        &options(&[("apiKey", s("")), ("colour", s("red"))]),
        &env,
    );
    assert_eq!(result.unwrap_err().field.as_deref(), Some("colour"));
    // client options in table order, then params, then request options, then provider metadata
    let chain: Vec<(&str, Value)> = vec![
        ("apiKey", s("")),
        ("baseURL", s("ftp://x.example")),
        ("timeout", Value::Number(0.0)),
        ("maxRetries", Value::Number(99.0)),
        ("defaultHeaders", s("x")),
        ("fetch", s("x")),
        ("fetchOptions", s("x")),
        ("redirectUrl", s("http://x.example")),
        ("containerTag", s("")),
        ("documentLimit", Value::Number(0.0)),
        ("metadata", s("x")),
        ("signal", s("x")),
    ];
    for skip in 0..chain.len() {
        let mut entries: Vec<(String, Value)> = chain[skip..]
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if skip >= 2 {
            // without a key, calls need a proxy baseURL
            entries.push(("baseURL".to_string(), s("https://proxy.example.com")));
        }
        let opts = Value::Object(entries);
        let error = create("web-crawler", &opts, &env).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some(chain[skip].0),
            "after skipping {skip}"
        );
    }
    let error = create(
        "web-crawler",
        &options(&[("documentLimit", Value::Number(0.0))]),
        &env,
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("documentLimit"));
}

#[test]
fn the_client_form_checks_each_object_separately() {
    let env = server();
    let client = obj(&[
        ("apiKey", s(KEY)),
        ("baseURL", s("https://proxy.example.com")),
    ]);
    let create = |client: &Value, params: &Value, request: &Value| {
        validate_connections_create(client, &s("notion"), params, request, &env)
    };
    let call = create(
        &client,
        &obj(&[("containerTag", s("user_1"))]),
        &obj(&[
            ("timeout", Value::Number(10.0)),
            ("maxRetries", Value::Number(1.0)),
        ]),
    )
    .unwrap();
    assert_eq!(call.request.timeout_ms, Some(10));
    assert_eq!(call.request.max_retries, Some(1));
    fails(
        create(
            &obj(&[("containerTag", s("x"))]),
            &Value::Undefined,
            &Value::Undefined,
        ),
        "containerTag",
        "unknown option containerTag",
    );
    fails(
        create(&client, &obj(&[("apiKey", s("x"))]), &Value::Undefined),
        "apiKey",
        "unknown option apiKey",
    );
    fails(
        create(&client, &Value::Null, &Value::Undefined),
        "params",
        "params must be a plain object, not null",
    );
    fails(
        create(&client, &Value::Undefined, &obj(&[("baseURL", s("x"))])),
        "baseURL",
        "unknown option baseURL",
    );
    fails(
        create(&client, &Value::Undefined, &Value::Number(1.0)),
        "requestOptions",
        "requestOptions must be a plain object, not a number",
    );
}

#[test]
fn no_secret_reaches_debug_output() {
    let call = create(
        "s3",
        &options(&[(
            "metadata",
            obj(&[
                ("accessKeyId", s("AKIA_SECRET")),
                ("secretAccessKey", s("SECRET_access")),
                ("bucket", s("docs")),
                ("region", s("eu-west-1")),
            ]),
        )]),
        &server(),
    )
    .unwrap();
    let text = format!("{call:?}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(text.contains("secretAccessKey"), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
}
