//! In headless Chromium against the emulator: the nine operations beyond create and
//! waitForConnection — request shape, result, errors, and validation that sends nothing.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn client() -> JsValue {
    json(r#"{"apiKey":"sm_emulator_test_key","baseURL":"$URL","dangerouslyAllowBrowser":true}"#)
}

/// Calls `client.connections.<operation>(first, second, requestOptions)`.
async fn call(operation: &str, first: JsValue, second: JsValue) -> Result<JsValue, JsValue> {
    supermemory_connections::npm::connections_call(
        operation.into(),
        client(),
        first,
        second,
        JsValue::UNDEFINED,
    )
    .await
}

/// Creates a connection and returns its id.
async fn created(provider: &str, extra: &str) -> String {
    let result = create(provider, options(extra)).await.expect("create");
    text(&result, "id").expect("id")
}

/// Creates an OAuth connection and allows it on the emulator's consent page; returns its id.
async fn authorised(provider: &str) -> String {
    let result = create(provider, options("{}")).await.expect("create");
    let link = web_sys::Url::new(&text(&result, "authLink").expect("authLink")).expect("a URL");
    let params = link.search_params();
    let form = format!(
        "connection={}&token={}&decision=allow",
        params.get("connection").unwrap_or_default(),
        params.get("token").unwrap_or_default()
    );
    let url = format!("{}/oauth/{provider}/decide", emulator());
    let answer = gloo_net::http::Request::post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .expect("form")
        .send()
        .await
        .expect("decide");
    assert_eq!(
        answer.status(),
        200,
        "allowed, with no redirectUrl to go back to"
    );
    text(&result, "id").expect("id")
}

/// The last recorded API request (preflights left out).
async fn last_request() -> JsValue {
    api_requests().await.pop().expect("a request was sent")
}

fn as_array(value: &JsValue) -> Vec<JsValue> {
    value
        .clone()
        .dyn_into::<Array>()
        .expect("an array")
        .iter()
        .collect()
}

#[wasm_bindgen_test]
async fn list_sends_the_tags_and_keeps_absent_fields_absent() {
    reset().await;
    let mine = created("notion", r#"{"containerTags":["user_a","team_1"]}"#).await;
    created("notion", r#"{"containerTags":["user_b"]}"#).await;
    let list = call(
        "list",
        json(r#"{"containerTags":["user_a"]}"#),
        JsValue::UNDEFINED,
    )
    .await
    .expect("list");
    let request = last_request().await;
    assert_eq!(text(&request, "method").as_deref(), Some("POST"));
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/list")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTags":["user_a"]}"#)
    );
    let items = as_array(&list);
    assert_eq!(items.len(), 1);
    assert_eq!(text(&items[0], "id"), Some(mine));
    assert_eq!(text(&items[0], "provider").as_deref(), Some("notion"));
    assert!(
        text(&items[0], "createdAt").is_some_and(|t| t.ends_with('Z')),
        "an ISO date string"
    );
    for absent in ["email", "lastSyncRun", "expiresAt"] {
        assert!(
            !js_sys::Reflect::has(&items[0], &absent.into()).unwrap_or(true),
            "{absent} stays absent"
        );
    }
    let everything = call("list", JsValue::UNDEFINED, JsValue::UNDEFINED)
        .await
        .expect("list");
    assert_eq!(as_array(&everything).len(), 2);
    assert_eq!(text(&last_request().await, "body").as_deref(), Some("{}"));
}

#[wasm_bindgen_test]
async fn get_by_id_encodes_the_path_and_maps_404() {
    reset().await;
    let id = created("github", "{}").await;
    let connection = call("getByID", id.as_str().into(), JsValue::UNDEFINED)
        .await
        .expect("get");
    assert_eq!(text(&connection, "id"), Some(id.clone()));
    let request = last_request().await;
    assert_eq!(text(&request, "method").as_deref(), Some("GET"));
    assert_eq!(
        text(&request, "path"),
        Some(format!("/v3/connections/{id}"))
    );
    assert_eq!(text(&request, "body").as_deref(), Some(""));
    assert!(
        get(&get(&request, "headers"), "content-type").is_undefined(),
        "no body, no content type"
    );

    let error = expect_error(
        call("getByID", "a/b c?".into(), JsValue::UNDEFINED).await,
        "not_found",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(404.0));
    assert_eq!(
        text(&last_request().await, "path").as_deref(),
        Some("/v3/connections/a%2Fb%20c%3F")
    );
}

#[wasm_bindgen_test]
async fn ids_are_checked_before_sending() {
    let table: [(JsValue, &str); 5] = [
        ("".into(), "connectionId must not be empty"),
        (
            ".".into(),
            "connectionId must be a connection's id, not . or ..",
        ),
        (
            "..".into(),
            "connectionId must be a connection's id, not . or ..",
        ),
        (
            JsValue::from(42),
            "connectionId must be a string, not a number",
        ),
        (
            JsValue::UNDEFINED,
            "connectionId must be a string, not undefined",
        ),
    ];
    for operation in [
        "getByID",
        "deleteByID",
        "resources",
        "configure",
        "waitForConnection",
    ] {
        for (id, message) in &table {
            reset().await;
            expect_invalid(
                call(operation, id.clone(), JsValue::UNDEFINED).await,
                "connectionId",
                message,
            )
            .await;
        }
    }
}

#[wasm_bindgen_test]
async fn providers_and_tags_are_checked_before_sending() {
    let provider_message = "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola";
    for operation in ["getByTag", "deleteByProvider", "import", "listDocuments"] {
        reset().await;
        expect_invalid(
            call(operation, "dropbox".into(), json("{}")).await,
            "provider",
            provider_message,
        )
        .await;
        reset().await;
        expect_invalid(
            call(
                operation,
                "notion".into(),
                json(r#"{"containerTags":["bad tag"]}"#),
            )
            .await,
            "containerTags[0]",
            "containerTags[0] may only contain letters, digits, _, : and -",
        )
        .await;
    }
    for operation in ["getByTag", "deleteByProvider"] {
        reset().await;
        expect_invalid(
            call(operation, "notion".into(), json("{}")).await,
            "containerTags",
            "containerTags is required: give at least one tag",
        )
        .await;
        reset().await;
        expect_invalid(
            call(operation, "notion".into(), json(r#"{"containerTags":[]}"#)).await,
            "containerTags",
            "containerTags must have at least one tag",
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn get_by_tag_finds_the_providers_connection() {
    reset().await;
    let id = created("notion", r#"{"containerTags":["user_t"]}"#).await;
    let found = call(
        "getByTag",
        "notion".into(),
        json(r#"{"containerTags":["user_t"]}"#),
    )
    .await
    .expect("getByTag");
    assert_eq!(text(&found, "id"), Some(id));
    let request = last_request().await;
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/notion/connection")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTags":["user_t"]}"#)
    );
    expect_error(
        call(
            "getByTag",
            "gmail".into(),
            json(r#"{"containerTags":["user_t"]}"#),
        )
        .await,
        "not_found",
    );
}

#[wasm_bindgen_test]
async fn delete_by_id_always_sends_delete_documents() {
    reset().await;
    let id = created("notion", "{}").await;
    let deleted = call(
        "deleteByID",
        id.as_str().into(),
        json(r#"{"deleteDocuments":false}"#),
    )
    .await
    .expect("delete");
    let request = last_request().await;
    assert_eq!(text(&request, "method").as_deref(), Some("DELETE"));
    assert_eq!(
        text(&request, "path"),
        Some(format!("/v3/connections/{id}"))
    );
    assert_eq!(
        text(&get(&request, "query"), "deleteDocuments").as_deref(),
        Some("false")
    );
    let items = as_array(&deleted);
    assert_eq!(items.len(), 1);
    assert_eq!(text(&items[0], "id"), Some(id));
    assert_eq!(text(&items[0], "provider").as_deref(), Some("notion"));

    reset().await;
    let id = created("notion", "{}").await;
    call(
        "deleteByID",
        id.as_str().into(),
        json(r#"{"deleteDocuments":"true"}"#),
    )
    .await
    .expect("delete");
    assert_eq!(
        text(&get(&last_request().await, "query"), "deleteDocuments").as_deref(),
        Some("true")
    );

    reset().await;
    expect_invalid(
        call("deleteByID", "conn_x".into(), json("{}")).await,
        "deleteDocuments",
        "deleteDocuments is required: true also deletes the documents synced from this connection, false keeps them",
    )
    .await;
    expect_invalid(
        call("deleteByID", "conn_x".into(), JsValue::UNDEFINED).await,
        "deleteDocuments",
        "deleteDocuments is required: true also deletes the documents synced from this connection, false keeps them",
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_single_deleted_object_becomes_an_array() {
    reset().await;
    script(r#"[{"status":200,"body":{"id":"conn_old","provider":"notion"}}]"#).await;
    let deleted = call(
        "deleteByID",
        "conn_old".into(),
        json(r#"{"deleteDocuments":false}"#),
    )
    .await
    .expect("delete");
    let items = as_array(&deleted);
    assert_eq!(items.len(), 1);
    assert_eq!(text(&items[0], "id").as_deref(), Some("conn_old"));
}

#[wasm_bindgen_test]
async fn delete_by_provider_sends_a_body_on_the_provider_path() {
    reset().await;
    let a = created("github", r#"{"containerTags":["user_d"]}"#).await;
    created("github", r#"{"containerTags":["user_e"]}"#).await;
    let deleted = call(
        "deleteByProvider",
        "github".into(),
        json(r#"{"containerTags":["user_d"]}"#),
    )
    .await
    .expect("delete");
    let request = last_request().await;
    assert_eq!(text(&request, "method").as_deref(), Some("DELETE"));
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/github")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTags":["user_d"]}"#)
    );
    let ids: Vec<String> = as_array(&deleted)
        .iter()
        .filter_map(|d| text(d, "id"))
        .collect();
    assert_eq!(ids, vec![a]);
}

#[wasm_bindgen_test]
async fn import_asks_for_text_and_resolves_to_it() {
    reset().await;
    created(
        "web-crawler",
        r#"{"containerTags":["user_i"],"metadata":{"startUrl":"https://docs.example.com"}}"#,
    )
    .await;
    let answer = call(
        "import",
        "web-crawler".into(),
        json(r#"{"containerTags":["user_i"]}"#),
    )
    .await
    .expect("import");
    assert_eq!(
        answer.as_string().as_deref(),
        Some("Import started for 1 connection(s)")
    );
    let request = last_request().await;
    assert_eq!(
        text(&request, "path").as_deref(),
        Some("/v3/connections/web-crawler/import")
    );
    assert_eq!(
        text(&get(&request, "headers"), "accept").as_deref(),
        Some("text/plain")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"containerTags":["user_i"]}"#)
    );
}

#[wasm_bindgen_test]
async fn wait_then_list_documents() {
    reset().await;
    let id = created(
        "web-crawler",
        r#"{"containerTags":["user_w"],"metadata":{"startUrl":"https://docs.example.com"}}"#,
    )
    .await;
    let done = call(
        "waitForConnection",
        id.as_str().into(),
        json(r#"{"interval":100,"maxWait":20000}"#),
    )
    .await
    .expect("the sync completes");
    let run = get(&done, "lastSyncRun");
    assert_eq!(text(&run, "status").as_deref(), Some("completed"));
    assert!(get(&run, "errorCode").is_null());
    let polls = api_requests()
        .await
        .iter()
        .filter(|r| text(r, "method").as_deref() == Some("GET"))
        .count();
    assert!(polls >= 2, "polled until the sync ended ({polls} polls)");

    let documents = call(
        "listDocuments",
        "web-crawler".into(),
        json(r#"{"containerTags":["user_w"]}"#),
    )
    .await
    .expect("documents");
    let documents = as_array(&documents);
    assert_eq!(documents.len(), 3);
    for document in &documents {
        assert!(text(document, "type").is_some() && text(document, "createdAt").is_some());
    }
    assert_eq!(
        text(&last_request().await, "path").as_deref(),
        Some("/v3/connections/web-crawler/documents")
    );
}

#[wasm_bindgen_test]
async fn wait_ends_with_a_failed_sync() {
    reset().await;
    let url = format!("{}/__emulator/sync-outcome", emulator());
    let answer = gloo_net::http::Request::post(&url)
        .header("content-type", "application/json")
        .body(r#"{"errorCode":"auth_expired","error":"Token expired"}"#)
        .expect("body")
        .send()
        .await
        .expect("set the outcome");
    assert_eq!(answer.status(), 204);
    let id = created("granola", r#"{"metadata":{"apiKey":"gr_1"}}"#).await;
    let done = call(
        "waitForConnection",
        id.as_str().into(),
        json(r#"{"interval":100}"#),
    )
    .await
    .expect("resolves with the failed connection");
    let run = get(&done, "lastSyncRun");
    assert_eq!(text(&run, "status").as_deref(), Some("failed"));
    assert_eq!(text(&run, "errorCode").as_deref(), Some("auth_expired"));
}

#[wasm_bindgen_test]
async fn wait_rejects_on_404_abort_and_max_wait() {
    reset().await;
    let error = expect_error(
        call(
            "waitForConnection",
            "conn_missing".into(),
            json(r#"{"interval":100}"#),
        )
        .await,
        "not_found",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(404.0));

    // A pending OAuth connection never syncs: maxWait ends the wait.
    let id = created("notion", "{}").await;
    let started = js_sys::Date::now();
    let error = expect_error(
        call(
            "waitForConnection",
            id.as_str().into(),
            json(r#"{"interval":100,"maxWait":350}"#),
        )
        .await,
        "timeout",
    );
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("the connection's sync did not end within maxWait (350 ms)")
    );
    assert!(js_sys::Date::now() - started < 3000.0);

    let controller = web_sys::AbortController::new().expect("controller");
    let wait_options = json(r#"{"interval":5000}"#);
    set(&wait_options, "signal", &controller.signal());
    let waiting = call("waitForConnection", id.as_str().into(), wait_options);
    let abort = async {
        sleep(300).await;
        controller.abort_with_reason(&"closed the dialog".into());
        js_sys::Date::now()
    };
    let (result, aborted_at) = futures::join!(waiting, abort);
    let error = expect_error(result, "aborted");
    assert_eq!(text(&error, "cause").as_deref(), Some("closed the dialog"));
    assert!(
        js_sys::Date::now() - aborted_at < 250.0,
        "ended at once, not after the 5 s pause"
    );

    reset().await;
    expect_invalid(
        call(
            "waitForConnection",
            "conn_1".into(),
            json(r#"{"interval":10}"#),
        )
        .await,
        "interval",
        "interval must be an integer from 100 to 3600000",
    )
    .await;
}

#[wasm_bindgen_test]
async fn resources_and_configure_for_github() {
    reset().await;
    let id = authorised("github").await;
    let page = call(
        "resources",
        id.as_str().into(),
        json(r#"{"page":1,"per_page":2,"parent_id":"org/x"}"#),
    )
    .await
    .expect("resources");
    assert_eq!(as_array(&get(&page, "resources")).len(), 2);
    assert!(get(&page, "total_count").as_f64().is_some());
    let request = last_request().await;
    assert_eq!(text(&request, "method").as_deref(), Some("GET"));
    let query = get(&request, "query");
    assert_eq!(text(&query, "page").as_deref(), Some("1"));
    assert_eq!(text(&query, "per_page").as_deref(), Some("2"));
    assert_eq!(text(&query, "parent_id").as_deref(), Some("org/x"));

    let configured = call(
        "configure",
        id.as_str().into(),
        json(r#"{"resources":[{"id":1,"full_name":"org/a"}]}"#),
    )
    .await
    .expect("configure");
    assert_eq!(get(&configured, "success"), JsValue::TRUE);
    assert_eq!(get(&configured, "webhooksRegistered").as_f64(), Some(1.0));
    let request = last_request().await;
    assert_eq!(
        text(&request, "path"),
        Some(format!("/v3/connections/{id}/configure"))
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some(r#"{"resources":[{"id":1,"full_name":"org/a"}]}"#)
    );

    let notion = created("notion", "{}").await;
    let error = expect_error(
        call("resources", notion.as_str().into(), JsValue::UNDEFINED).await,
        "server_error",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(501.0));

    reset().await;
    expect_invalid(
        call("configure", "conn_1".into(), json(r#"{"resources":[1]}"#)).await,
        "resources[0]",
        "resources[0] must be a plain object, not a number",
    )
    .await;
    expect_invalid(
        call("resources", "conn_1".into(), json(r#"{"per_page":500}"#)).await,
        "per_page",
        "per_page must be an integer from 1 to 100",
    )
    .await;
}

#[wasm_bindgen_test]
async fn every_operation_maps_error_statuses() {
    let calls: [(&str, JsValue, JsValue); 9] = [
        ("list", JsValue::UNDEFINED, JsValue::UNDEFINED),
        ("getByID", "conn_1".into(), JsValue::UNDEFINED),
        (
            "getByTag",
            "notion".into(),
            json(r#"{"containerTags":["u"]}"#),
        ),
        (
            "deleteByID",
            "conn_1".into(),
            json(r#"{"deleteDocuments":false}"#),
        ),
        (
            "deleteByProvider",
            "notion".into(),
            json(r#"{"containerTags":["u"]}"#),
        ),
        ("import", "notion".into(), JsValue::UNDEFINED),
        ("listDocuments", "notion".into(), JsValue::UNDEFINED),
        ("resources", "conn_1".into(), JsValue::UNDEFINED),
        ("configure", "conn_1".into(), json(r#"{"resources":[]}"#)),
    ];
    for (status, code) in [
        (400, "bad_request"),
        (401, "authentication"),
        (404, "not_found"),
        (500, "server_error"),
    ] {
        for (operation, first, second) in &calls {
            reset().await;
            script(&format!(
                r#"[{{"status":{status},"body":{{"error":"from the API"}}}}]"#
            ))
            .await;
            let error = expect_error(call(operation, first.clone(), second.clone()).await, code);
            assert_eq!(
                get(&error, "status").as_f64(),
                Some(status as f64),
                "{operation}"
            );
            assert_eq!(
                text(&error, "message").as_deref(),
                Some("from the API"),
                "{operation}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn wrong_answers_are_invalid_response() {
    let table: [(&str, JsValue, &str, &str); 4] = [
        (
            "list",
            JsValue::UNDEFINED,
            r#"{"id":"c"}"#,
            "the API's answer is an object where an array belongs",
        ),
        (
            "getByID",
            "conn_1".into(),
            r#"{"id":"c","provider":"notion"}"#,
            "the API's answer has no createdAt",
        ),
        (
            "listDocuments",
            "notion".into(),
            r#"[{"id":5}]"#,
            "the API's answer has [0].id as a number, not a string or null",
        ),
        (
            "configure",
            "conn_1".into(),
            r#"{"success":"yes","message":"m"}"#,
            "the API's answer has success as a string, not a boolean",
        ),
    ];
    for (operation, first, body, message) in table {
        reset().await;
        script(&format!(r#"[{{"status":200,"body":{body}}}]"#)).await;
        let second = if operation == "configure" {
            json(r#"{"resources":[]}"#)
        } else {
            JsValue::UNDEFINED
        };
        let error = expect_error(call(operation, first, second).await, "invalid_response");
        assert_eq!(
            text(&error, "message").as_deref(),
            Some(message),
            "{operation}"
        );
    }
}

#[wasm_bindgen_test]
async fn an_operation_the_package_does_not_know_is_refused() {
    for operation in ["unknownOperation", "", "create "] {
        let error = expect_error(
            call(operation, JsValue::UNDEFINED, JsValue::UNDEFINED).await,
            "invalid_request",
        );
        assert_eq!(
            text(&error, "message").as_deref(),
            Some("this package does not know that operation"),
            "{operation:?}"
        );
    }
    // By number, past the last operation.
    let result = supermemory_connections::npm::run_async(
        14,
        client(),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
    .await;
    let error = expect_error(result, "invalid_request");
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("this package does not know that operation")
    );
}
