//! In headless Chromium against the emulator: the Rust API used directly — `Client::builder()`,
//! `client.connections()` and the OAuth helpers. Each operation's typed answer is checked field by
//! field together with the request the emulator recorded (method, path, query, body); then the
//! errors an app meets (refused settings and values, statuses, timeout, abort, a dropped future),
//! `Provider` parsing, and the OAuth helpers' paths that keep this page where it is.
//!
//! Every test resets the emulator first and uses container tags of its own.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::{api_requests, client, emulator, get, requests, reset, script, sleep, text, KEY};
use futures::future::{select, Either};
use serde_json::{json, Value};
use supermemory_connections::{
    complete_oauth, redirect_to_auth_link, start_oauth, Client, CreateConnection,
    CreatedConnection, Documents, Error, ErrorCode, OAuthOutcome, Provider, RequestOptions,
    ResourcesQuery, SyncErrorCode, WaitOptions,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const START_URL: &str = "https://docs.example.com";
const BAD_TAG_MESSAGE: &str = "containerTags[0] may only contain letters, digits, _, : and -";
const NOT_LISTED: &str = "authLink points to a host that is not in allowedHosts";

// ---- helpers -----------------------------------------------------------------------------

/// A container tag no other test uses.
fn unique_tag(test: &str) -> String {
    let salt = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("rs_{test}_{salt:08x}")
}

/// One API request as the emulator recorded it (CORS preflights left out).
#[derive(Debug)]
struct Sent {
    method: String,
    path: String,
    query: Value,
    headers: Value,
    body: String,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(Value::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// A JavaScript value as serde JSON.
fn to_json(value: &JsValue) -> Value {
    let text = js_sys::JSON::stringify(value)
        .expect("stringify")
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The API requests recorded since the last reset, oldest first.
async fn sent() -> Vec<Sent> {
    api_requests()
        .await
        .iter()
        .map(|record| Sent {
            method: text(record, "method").unwrap_or_default(),
            path: text(record, "path").unwrap_or_default(),
            query: to_json(&get(record, "query")),
            headers: to_json(&get(record, "headers")),
            body: text(record, "body").unwrap_or_default(),
        })
        .collect()
}

/// The last API request recorded.
async fn last_sent() -> Sent {
    sent().await.pop().expect("a request was sent")
}

/// Expects an error with `code`, whose message never carries the key; returns it.
fn expect_code<T: std::fmt::Debug>(result: Result<T, Error>, code: ErrorCode) -> Error {
    let error = result.expect_err("the call should fail");
    assert_eq!(error.code(), code, "{}", error.message());
    assert!(!error.message().contains(KEY), "the key leaked: {error}");
    error
}

/// Expects `InvalidRequest` on `field` with exactly `message`, and that nothing was sent.
async fn expect_refused<T: std::fmt::Debug>(result: Result<T, Error>, field: &str, message: &str) {
    let error = expect_code(result, ErrorCode::InvalidRequest);
    assert_eq!(error.field(), Some(field));
    assert_eq!(error.message(), message);
    assert_eq!(error.to_string(), message);
    assert_eq!(error.status(), None);
    assert!(requests().await.is_empty(), "nothing may be sent");
}

/// Creates a web-crawler connection under `tags` (it syncs at once) and returns its id.
async fn web_crawler(client: &Client, tags: &[&str], limit: Option<u32>) -> String {
    let mut params = CreateConnection::new()
        .container_tags(tags.iter().copied())
        .metadata("startUrl", START_URL);
    if let Some(limit) = limit {
        params = params.document_limit(limit);
    }
    client
        .connections()
        .create(Provider::WebCrawler, params)
        .await
        .expect("create a web-crawler connection")
        .id
}

/// Creates an OAuth connection of `provider` under `tags` and returns the answer.
async fn oauth_connection(client: &Client, provider: Provider, tags: &[&str]) -> CreatedConnection {
    client
        .connections()
        .create(
            provider,
            CreateConnection::new().container_tags(tags.iter().copied()),
        )
        .await
        .expect("create an OAuth connection")
}

/// Presses Allow on the emulator's consent page for `created` (the form the auth link shows),
/// without leaving this page: the connection goes live and its sync starts.
async fn allow_consent(provider: Provider, created: &CreatedConnection) {
    let link = created
        .auth_link
        .as_deref()
        .expect("an OAuth connection has an auth link");
    let params = web_sys::Url::new(link)
        .expect("the auth link is a URL")
        .search_params();
    let form = format!(
        "connection={}&token={}&decision=allow",
        params.get("connection").unwrap_or_default(),
        params.get("token").unwrap_or_default()
    );
    let url = format!("{}/oauth/{}/decide", emulator(), provider.as_str());
    let answer = gloo_net::http::Request::post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .expect("form body")
        .send()
        .await
        .expect("post the consent form");
    assert_eq!(
        answer.status(),
        200,
        "allowed, with no redirectUrl to go back to"
    );
}

/// A live GitHub connection (consent given); returns its id.
async fn authorised_github(client: &Client, tag: &str) -> String {
    let created = oauth_connection(client, Provider::GitHub, &[tag]).await;
    allow_consent(Provider::GitHub, &created).await;
    created.id
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .expect("sessionStorage")
}

fn page_href() -> String {
    web_sys::window()
        .expect("window")
        .location()
        .href()
        .expect("href")
}

/// A connection as the API answers it, for scripted answers.
fn scripted_connection(id: &str, run: Value) -> Value {
    json!({
        "id": id,
        "createdAt": "2026-01-02T03:04:05.000Z",
        "provider": "notion",
        "documentLimit": 100,
        "lastSyncRun": run
    })
}

// ---- one test per operation ---------------------------------------------------------------

#[wasm_bindgen_test]
async fn create_for_an_oauth_provider_answers_an_auth_link_to_the_emulator() {
    reset().await;
    let tag = unique_tag("create_oauth");
    let created = client()
        .connections()
        .create(
            Provider::Notion,
            CreateConnection::new()
                .redirect_url("https://app.example.com/connected?from=settings")
                .container_tags([tag.as_str(), "project_alpha"])
                .document_limit(50)
                .metadata("team", "growth")
                .metadata("seats", 3)
                .metadata("beta", true),
        )
        .await
        .expect("create");

    assert!(created.id.starts_with("conn_"), "{}", created.id);
    assert_eq!(created.expires_in.as_deref(), Some("1 hour"));
    assert_eq!(
        created.redirects_to.as_deref(),
        Some("https://app.example.com/connected?from=settings")
    );
    let link = web_sys::Url::new(created.auth_link.as_deref().expect("an auth link"))
        .expect("the auth link is a URL");
    assert_eq!(link.origin(), emulator());
    assert_eq!(link.pathname(), "/oauth/notion/authorize");
    assert_eq!(
        link.search_params().get("connection"),
        Some(created.id.clone())
    );
    let token = link.search_params().get("token").expect("a token");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    let requests = sent().await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/notion");
    assert_eq!(request.query, json!({}));
    assert_eq!(
        request.body,
        format!(
            r#"{{"redirectUrl":"https://app.example.com/connected?from=settings","containerTags":["{tag}","project_alpha"],"documentLimit":50,"metadata":{{"team":"growth","seats":3,"beta":true}}}}"#
        )
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[wasm_bindgen_test]
async fn create_for_the_web_crawler_has_no_auth_link() {
    reset().await;
    let tag = unique_tag("create_crawler");
    let created = client()
        .connections()
        .create(
            Provider::WebCrawler,
            CreateConnection::new()
                .container_tag(tag.as_str())
                .metadata("startUrl", START_URL),
        )
        .await
        .expect("create");
    assert!(created.id.starts_with("conn_"), "{}", created.id);
    assert_eq!(created.auth_link, None);
    assert_eq!(created.expires_in, None);
    assert_eq!(created.redirects_to, None);

    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/web-crawler");
    assert_eq!(
        request.body,
        format!(r#"{{"containerTag":"{tag}","metadata":{{"startUrl":"{START_URL}"}}}}"#)
    );
    assert_eq!(sent().await.len(), 1);
}

#[wasm_bindgen_test]
async fn list_with_and_without_tags() {
    reset().await;
    let client = client();
    let mine = unique_tag("list_mine");
    let theirs = unique_tag("list_theirs");
    let first = oauth_connection(&client, Provider::Notion, &[&mine, "team_1"])
        .await
        .id;
    let second = oauth_connection(&client, Provider::GitHub, &[&theirs])
        .await
        .id;

    let tagged = client
        .connections()
        .list([mine.as_str()])
        .await
        .expect("list");
    assert_eq!(tagged.len(), 1);
    let connection = &tagged[0];
    assert_eq!(connection.id, first);
    assert_eq!(connection.provider, "notion");
    assert!(
        connection.created_at.ends_with('Z'),
        "{}",
        connection.created_at
    );
    assert_eq!(connection.document_limit, Some(10000));
    assert_eq!(connection.email, None);
    assert_eq!(connection.expires_at, None);
    assert_eq!(connection.metadata, None);
    assert_eq!(connection.last_sync_run, None);
    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/list");
    assert_eq!(request.body, format!(r#"{{"containerTags":["{mine}"]}}"#));

    let everything = client
        .connections()
        .list(Vec::<String>::new())
        .await
        .expect("list all");
    let ids: Vec<&str> = everything.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [first.as_str(), second.as_str()]);
    assert_eq!(everything[1].provider, "github");
    let request = last_sent().await;
    assert_eq!(request.path, "/v3/connections/list");
    assert_eq!(request.body, "{}");
    assert_eq!(sent().await.len(), 4, "two creates, two lists");
}

#[wasm_bindgen_test]
async fn get_by_id_reads_every_field() {
    reset().await;
    let client = client();
    let tag = unique_tag("get_by_id");
    let created = client
        .connections()
        .create(
            Provider::GitHub,
            CreateConnection::new()
                .container_tag(tag.as_str())
                .document_limit(25)
                .metadata("team", "docs")
                .metadata("seats", 3),
        )
        .await
        .expect("create");

    let connection = client
        .connections()
        .get_by_id(&created.id)
        .await
        .expect("get");
    assert_eq!(connection.id, created.id);
    assert_eq!(connection.provider, "github");
    assert_eq!(connection.document_limit, Some(25));
    let metadata = Value::Object(connection.metadata.clone().expect("metadata"));
    assert_eq!(metadata, json!({ "team": "docs", "seats": 3 }));
    assert_eq!(connection.email, None, "no consent yet");
    assert_eq!(connection.last_sync_run, None, "no sync before consent");

    let request = last_sent().await;
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v3/connections/{}", created.id));
    assert_eq!(request.body, "");
    assert_eq!(
        request.header("content-type"),
        None,
        "no body, no content type"
    );
}

#[wasm_bindgen_test]
async fn get_by_tag_finds_the_providers_connection() {
    reset().await;
    let client = client();
    let tag = unique_tag("get_by_tag");
    let id = oauth_connection(&client, Provider::Notion, &[&tag])
        .await
        .id;
    oauth_connection(&client, Provider::Gmail, &[&tag]).await;

    let found = client
        .connections()
        .get_by_tag(Provider::Notion, [tag.as_str()])
        .await
        .expect("get by tag");
    assert_eq!(found.id, id);
    assert_eq!(found.provider, "notion");
    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/notion/connection");
    assert_eq!(request.body, format!(r#"{{"containerTags":["{tag}"]}}"#));
}

#[wasm_bindgen_test]
async fn delete_by_id_keeping_the_documents() {
    reset().await;
    let client = client();
    let tag = unique_tag("delete_keep");
    let id = web_crawler(&client, &[&tag], None).await;

    let deleted = client
        .connections()
        .delete_by_id(&id, Documents::Keep)
        .await
        .expect("delete");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].id, id);
    assert_eq!(deleted[0].provider, "web-crawler");
    let request = last_sent().await;
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, format!("/v3/connections/{id}"));
    assert_eq!(request.query, json!({ "deleteDocuments": "false" }));
    assert_eq!(request.body, "");

    let gone = client.connections().get_by_id(&id).await;
    assert_eq!(expect_code(gone, ErrorCode::NotFound).status(), Some(404));
}

#[wasm_bindgen_test]
async fn delete_by_id_deleting_the_documents() {
    reset().await;
    let client = client();
    let tag = unique_tag("delete_docs");
    let id = oauth_connection(&client, Provider::OneDrive, &[&tag])
        .await
        .id;

    let deleted = client
        .connections()
        .delete_by_id(&id, Documents::Delete)
        .await
        .expect("delete");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].id, id);
    assert_eq!(deleted[0].provider, "onedrive");
    let request = last_sent().await;
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, format!("/v3/connections/{id}"));
    assert_eq!(request.query, json!({ "deleteDocuments": "true" }));
}

#[wasm_bindgen_test]
async fn delete_by_provider_deletes_the_tagged_connections_only() {
    reset().await;
    let client = client();
    let doomed = unique_tag("delete_provider");
    let kept = unique_tag("delete_provider_kept");
    let a = oauth_connection(&client, Provider::GitHub, &[&doomed])
        .await
        .id;
    let b = oauth_connection(&client, Provider::GitHub, &[&doomed, "extra"])
        .await
        .id;
    let c = oauth_connection(&client, Provider::GitHub, &[&kept])
        .await
        .id;
    let d = oauth_connection(&client, Provider::Notion, &[&doomed])
        .await
        .id;

    let deleted = client
        .connections()
        .delete_by_provider(Provider::GitHub, [doomed.as_str()])
        .await
        .expect("delete by provider");
    let ids: Vec<(&str, &str)> = deleted
        .iter()
        .map(|d| (d.id.as_str(), d.provider.as_str()))
        .collect();
    assert_eq!(ids, [(a.as_str(), "github"), (b.as_str(), "github")]);
    let request = last_sent().await;
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, "/v3/connections/github");
    assert_eq!(request.body, format!(r#"{{"containerTags":["{doomed}"]}}"#));
    assert_eq!(request.header("content-type"), Some("application/json"));

    let left = client
        .connections()
        .list(Vec::<String>::new())
        .await
        .expect("list");
    let left: Vec<&str> = left.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(left, [c.as_str(), d.as_str()]);
}

#[wasm_bindgen_test]
async fn import_resolves_to_the_apis_text() {
    reset().await;
    let client = client();
    let tag = unique_tag("import");
    web_crawler(&client, &[&tag], None).await;

    let answer = client
        .connections()
        .import(Provider::WebCrawler, [tag.as_str()])
        .await
        .expect("import");
    assert_eq!(answer, "Import started for 1 connection(s)");
    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/web-crawler/import");
    assert_eq!(request.body, format!(r#"{{"containerTags":["{tag}"]}}"#));
    assert_eq!(request.header("accept"), Some("text/plain"));

    let none = client
        .connections()
        .import(Provider::S3, [tag.as_str()])
        .await
        .expect("import with no match");
    assert_eq!(none, "Import started for 0 connection(s)");
}

#[wasm_bindgen_test]
async fn list_documents_after_a_sync() {
    reset().await;
    let client = client();
    let tag = unique_tag("documents");
    let id = web_crawler(&client, &[&tag], Some(2)).await;
    client
        .connections()
        .wait_for_connection(&id, WaitOptions::new().interval(Duration::from_millis(100)))
        .await
        .expect("the sync completes");

    let documents = client
        .connections()
        .list_documents(Provider::WebCrawler, [tag.as_str()])
        .await
        .expect("documents");
    assert_eq!(documents.len(), 2, "documentLimit 2");
    let first = &documents[0];
    let first_id = first.id.as_deref().expect("an id");
    assert!(
        first_id.starts_with("doc_") && first_id.len() == 20,
        "{first_id}"
    );
    assert_eq!(first.title.as_deref(), Some("Example Domain"));
    assert_eq!(
        first.summary.as_deref(),
        Some("This domain is for use in examples.")
    );
    assert_eq!(first.kind, "webpage");
    assert_eq!(first.status, "done");
    assert!(first.created_at.ends_with('Z'));
    assert_eq!(first.updated_at, first.created_at);
    let second = &documents[1];
    assert_eq!(second.title.as_deref(), Some("About us"));
    assert_eq!(second.summary, None);
    assert_eq!(second.kind, "webpage");

    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/web-crawler/documents");
    assert_eq!(request.body, format!(r#"{{"containerTags":["{tag}"]}}"#));

    let other = client
        .connections()
        .list_documents(
            Provider::WebCrawler,
            [unique_tag("documents_none").as_str()],
        )
        .await
        .expect("documents of no connection");
    assert!(other.is_empty());
}

#[wasm_bindgen_test]
async fn resources_of_a_github_connection() {
    reset().await;
    let client = client();
    let id = authorised_github(&client, &unique_tag("resources")).await;

    let page = client
        .connections()
        .resources(
            &id,
            ResourcesQuery::new()
                .page(2)
                .per_page(2)
                .parent_id("emulator-user"),
        )
        .await
        .expect("resources");
    assert_eq!(page.total_count, Some(5));
    assert_eq!(page.resources.len(), 2);
    assert_eq!(
        page.resources[0],
        json!({
            "id": 100003,
            "name": "infra",
            "full_name": "emulator-user/infra",
            "private": true,
            "description": "Deployment scripts",
            "html_url": "https://github.com/emulator-user/infra",
            "default_branch": "main"
        })
    );
    assert_eq!(page.resources[1]["full_name"], "emulator-user/design-docs");
    assert_eq!(page.resources[1]["description"], Value::Null);

    let request = last_sent().await;
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v3/connections/{id}/resources"));
    assert_eq!(
        request.query,
        json!({ "page": "2", "per_page": "2", "parent_id": "emulator-user" })
    );
    assert_eq!(request.body, "");

    let first = client
        .connections()
        .resources(&id, ResourcesQuery::new())
        .await
        .expect("the first page");
    assert_eq!(first.resources.len(), 5);
    assert_eq!(last_sent().await.query, json!({}));
}

#[wasm_bindgen_test]
async fn configure_a_github_connection() {
    reset().await;
    let client = client();
    let id = authorised_github(&client, &unique_tag("configure")).await;
    let chosen = vec![
        json!({ "id": 100001, "full_name": "emulator-user/notes" }),
        json!({ "id": 100003, "full_name": "emulator-user/infra", "private": true }),
    ];

    let configured = client
        .connections()
        .configure(&id, chosen.clone())
        .await
        .expect("configure");
    assert!(configured.success);
    assert_eq!(configured.message, "Configured 2 resources");
    assert_eq!(configured.webhooks_registered, Some(2));

    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v3/connections/{id}/configure"));
    assert_eq!(request.json(), json!({ "resources": chosen }));
    assert_eq!(request.header("content-type"), Some("application/json"));
}

#[wasm_bindgen_test]
async fn wait_for_connection_after_consent() {
    reset().await;
    let client = client();
    let tag = unique_tag("wait_consent");
    let created = oauth_connection(&client, Provider::Notion, &[&tag]).await;
    allow_consent(Provider::Notion, &created).await;

    let done = client
        .connections()
        .wait_for_connection(
            &created.id,
            WaitOptions::new()
                .interval(Duration::from_millis(100))
                .max_wait(Duration::from_secs(20)),
        )
        .await
        .expect("the sync completes");
    assert_eq!(done.id, created.id);
    assert_eq!(done.email.as_deref(), Some("user@notion.example"));
    assert!(
        done.expires_at.is_some(),
        "an authorised connection's access expires"
    );
    let run = done.last_sync_run.expect("a sync run");
    assert_eq!(run.status, "completed");
    assert_eq!(run.error_code, None);
    assert_eq!(run.error, None);
    assert!(run.is_finished());
    let (started, completed) = (run.started_at.unwrap(), run.completed_at.unwrap());
    assert!(started < completed, "{started} then {completed}");

    let polls = sent().await;
    let polls: Vec<&Sent> = polls.iter().filter(|r| r.method == "GET").collect();
    assert!(!polls.is_empty());
    for poll in polls {
        assert_eq!(poll.path, format!("/v3/connections/{}", created.id));
    }
}

#[wasm_bindgen_test]
async fn wait_for_connection_polls_a_running_sync_until_it_completes() {
    reset().await;
    let id = "conn_scripted_wait";
    let running = json!({ "status": "running", "startedAt": "2026-01-02T03:04:06.000Z" });
    let completed = json!({
        "status": "completed",
        "errorCode": null,
        "error": null,
        "startedAt": "2026-01-02T03:04:06.000Z",
        "completedAt": "2026-01-02T03:04:09.000Z"
    });
    let answers = json!([
        { "body": scripted_connection(id, running) },
        { "body": scripted_connection(id, completed) }
    ]);
    script(&answers.to_string()).await;

    let done = client()
        .connections()
        .wait_for_connection(id, WaitOptions::new().interval(Duration::from_millis(100)))
        .await
        .expect("the sync completes");
    assert_eq!(done.id, id);
    assert_eq!(done.provider, "notion");
    assert_eq!(done.created_at, "2026-01-02T03:04:05.000Z");
    assert_eq!(done.document_limit, Some(100));
    let run = done.last_sync_run.expect("a sync run");
    assert_eq!(run.status, "completed");
    assert_eq!(run.error_code, None);
    assert_eq!(run.started_at.as_deref(), Some("2026-01-02T03:04:06.000Z"));
    assert_eq!(
        run.completed_at.as_deref(),
        Some("2026-01-02T03:04:09.000Z")
    );

    let polls = sent().await;
    assert_eq!(
        polls.len(),
        2,
        "one poll while running, one that sees the end"
    );
    for poll in &polls {
        assert_eq!(poll.method, "GET");
        assert_eq!(poll.path, format!("/v3/connections/{id}"));
    }
}

#[wasm_bindgen_test]
async fn wait_for_connection_returns_a_failed_sync() {
    reset().await;
    let id = "conn_scripted_failed";
    let failed = json!({
        "status": "failed",
        "errorCode": "auth_expired",
        "error": "Token expired",
        "startedAt": "2026-01-02T03:04:06.000Z",
        "completedAt": "2026-01-02T03:04:07.000Z"
    });
    let answers = json!([
        { "body": scripted_connection(id, json!({ "status": "running" })) },
        { "body": scripted_connection(id, failed) }
    ]);
    script(&answers.to_string()).await;

    let done = client()
        .connections()
        .wait_for_connection(id, WaitOptions::new().interval(Duration::from_millis(100)))
        .await
        .expect("a failed sync still ends the wait");
    let run = done.last_sync_run.expect("a sync run");
    assert_eq!(run.status, "failed");
    assert_eq!(run.error_code, Some(SyncErrorCode::AuthExpired));
    assert_eq!(run.error.as_deref(), Some("Token expired"));
    assert_eq!(sent().await.len(), 2);
}

#[wasm_bindgen_test]
async fn wait_for_connection_gives_up_after_max_wait() {
    reset().await;
    let id = "conn_scripted_forever";
    let answers = json!([
        { "body": scripted_connection(id, json!({ "status": "running" })), "repeat": true }
    ]);
    script(&answers.to_string()).await;
    let started = js_sys::Date::now();
    let error = expect_code(
        client()
            .connections()
            .wait_for_connection(
                id,
                WaitOptions::new()
                    .interval(Duration::from_millis(100))
                    .max_wait(Duration::from_millis(350)),
            )
            .await,
        ErrorCode::Timeout,
    );
    assert_eq!(
        error.message(),
        "the connection's sync did not end within maxWait (350 ms)"
    );
    assert!(error.is_timeout());
    assert!(js_sys::Date::now() - started < 3000.0);
    reset().await;
}

// ---- errors ---------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn build_refuses_eleven_retries() {
    reset().await;
    let error = expect_code(
        Client::builder()
            .api_key(KEY)
            .base_url(emulator())
            .dangerously_allow_browser(true)
            .max_retries(11)
            .build(),
        ErrorCode::InvalidRequest,
    );
    assert_eq!(error.field(), Some("maxRetries"));
    assert_eq!(
        error.message(),
        "maxRetries must be an integer from 0 to 10"
    );
    assert_eq!(error.status(), None);
    assert!(error.is_invalid_request());
    assert!(Client::builder()
        .base_url(emulator())
        .max_retries(10)
        .build()
        .is_ok());
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn an_api_key_in_the_browser_needs_the_flag() {
    reset().await;
    let message = "an apiKey in the browser is visible to every user of the page: send requests through your backend with baseURL, or set dangerouslyAllowBrowser: true";
    for builder in [
        Client::builder().api_key(KEY).base_url(emulator()),
        Client::builder()
            .api_key(KEY)
            .base_url(emulator())
            .dangerously_allow_browser(false),
    ] {
        let error = expect_code(builder.build(), ErrorCode::BrowserKeyExposure);
        assert_eq!(error.field(), Some("apiKey"));
        assert_eq!(error.message(), message);
    }
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn a_bad_container_tag_is_refused_before_sending() {
    reset().await;
    let client = client();
    expect_refused(
        client
            .connections()
            .create(
                Provider::Notion,
                CreateConnection::new().container_tags(["bad tag"]),
            )
            .await,
        "containerTags[0]",
        BAD_TAG_MESSAGE,
    )
    .await;
    expect_refused(
        client.connections().list(["bad tag"]).await,
        "containerTags[0]",
        BAD_TAG_MESSAGE,
    )
    .await;
    expect_refused(
        client
            .connections()
            .get_by_tag(Provider::Notion, ["user_ok", "user/bad"])
            .await,
        "containerTags[1]",
        "containerTags[1] may only contain letters, digits, _, : and -",
    )
    .await;
}

#[wasm_bindgen_test]
async fn an_unknown_id_is_not_found() {
    reset().await;
    let error = expect_code(
        client().connections().get_by_id("conn_missing").await,
        ErrorCode::NotFound,
    );
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.message(), "Connection not found");
    assert_eq!(error.field(), None);
    assert_eq!(error.retry_after(), None);
    assert!(error.is_status());
    let requests = sent().await;
    assert_eq!(requests.len(), 1, "a 404 is not retried");
    assert_eq!(requests[0].path, "/v3/connections/conn_missing");
}

#[wasm_bindgen_test]
async fn a_rate_limit_carries_retry_after() {
    reset().await;
    script(
        r#"[{"status":429,"headers":{"retry-after-ms":"1500","retry-after":"9"},"body":{"error":"Slow down","details":"100 per minute"}}]"#,
    )
    .await;
    let client = client();
    let error = expect_code(
        client
            .connections()
            .with_options(RequestOptions::new().max_retries(0))
            .list(Vec::<String>::new())
            .await,
        ErrorCode::RateLimited,
    );
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_millis(1500)));
    assert_eq!(error.message(), "Slow down");
    assert_eq!(error.details(), Some("100 per minute"));
    assert_eq!(sent().await.len(), 1, "maxRetries 0: one attempt");
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out() {
    reset().await;
    script(r#"[{"delayMs":3000,"body":[]}]"#).await;
    let started = js_sys::Date::now();
    let error = expect_code(
        client()
            .connections()
            .with_options(
                RequestOptions::new()
                    .timeout(Duration::from_millis(200))
                    .max_retries(0),
            )
            .list(Vec::<String>::new())
            .await,
        ErrorCode::Timeout,
    );
    let took = js_sys::Date::now() - started;
    assert_eq!(error.message(), "no complete answer within 200 ms");
    assert!(error.is_timeout());
    assert_eq!(error.status(), None);
    assert!((190.0..2500.0).contains(&took), "timed out after {took} ms");
    assert_eq!(sent().await.len(), 1);
}

#[wasm_bindgen_test]
async fn an_aborted_signal_ends_the_call() {
    reset().await;
    let client = client();
    let controller = web_sys::AbortController::new().expect("controller");
    controller.abort_with_reason(&"user left".into());
    let error = expect_code(
        client
            .connections()
            .with_options(RequestOptions::new().signal(controller.signal()))
            .get_by_id("conn_1")
            .await,
        ErrorCode::Aborted,
    );
    assert_eq!(error.message(), "the request was aborted");
    assert!(
        requests().await.is_empty(),
        "an aborted signal sends nothing"
    );

    // Aborted while the request is on its way.
    script(r#"[{"delayMs":3000,"body":[]}]"#).await;
    let controller = web_sys::AbortController::new().expect("controller");
    let connections = client.connections().with_options(
        RequestOptions::new()
            .signal(controller.signal())
            .max_retries(0),
    );
    let call = connections.list(Vec::<String>::new());
    let abort_later = async {
        sleep(150).await;
        controller.abort_with_reason(&"changed my mind".into());
        js_sys::Date::now()
    };
    let (result, aborted_at) = futures::join!(call, abort_later);
    let error = expect_code(result, ErrorCode::Aborted);
    assert_eq!(error.message(), "the request was aborted");
    assert!(
        js_sys::Date::now() - aborted_at < 250.0,
        "settled long after the abort"
    );
    assert_eq!(sent().await.len(), 1);

    // The call's options apply to wait_for_connection's polls too.
    let controller = web_sys::AbortController::new().expect("controller");
    controller.abort_with_reason(&"user left".into());
    let error = expect_code(
        client
            .connections()
            .with_options(RequestOptions::new().signal(controller.signal()))
            .wait_for_connection("conn_1", WaitOptions::new())
            .await,
        ErrorCode::Aborted,
    );
    assert_eq!(error.message(), "the request was aborted");
    assert_eq!(sent().await.len(), 1, "the aborted wait sent nothing");
}

#[wasm_bindgen_test]
async fn dropping_the_future_aborts_the_request() {
    reset().await;
    // A fetch that records the URL and signal of each call and hands it to the global fetch.
    let seen: Rc<RefCell<Vec<(String, web_sys::AbortSignal)>>> = Rc::default();
    let record = Rc::clone(&seen);
    let fetch = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
        move |url: JsValue, init: JsValue| -> JsValue {
            let signal: web_sys::AbortSignal = get(&init, "signal").unchecked_into();
            record
                .borrow_mut()
                .push((url.as_string().unwrap_or_default(), signal));
            let global_fetch: js_sys::Function = get(&js_sys::global(), "fetch").unchecked_into();
            global_fetch
                .call2(&JsValue::UNDEFINED, &url, &init)
                .unwrap_or_else(|error| js_sys::Promise::reject(&error).into())
        },
    );
    let client = Client::builder()
        .api_key(KEY)
        .base_url(emulator())
        .dangerously_allow_browser(true)
        .fetch(fetch.as_ref().unchecked_ref::<js_sys::Function>().clone())
        .build()
        .expect("client");
    script(r#"[{"delayMs":3000,"body":[]}]"#).await;

    let tag = unique_tag("dropped");
    let connections = client.connections();
    let call = Box::pin(connections.list([tag.as_str()]));
    match select(call, Box::pin(sleep(300))).await {
        Either::Left((result, _)) => panic!("the call ended before its 3 s answer: {result:?}"),
        Either::Right(((), pending)) => {
            let signal = {
                let seen = seen.borrow();
                assert_eq!(seen.len(), 1, "one fetch call");
                assert_eq!(seen[0].0, format!("{}/v3/connections/list", emulator()));
                seen[0].1.clone()
            };
            assert!(!signal.aborted(), "the request is pending before the drop");
            drop(pending);
            assert!(signal.aborted(), "dropping the future aborts the request");
        }
    }
    let requests = sent().await;
    assert_eq!(requests.len(), 1, "the emulator received the request");
    assert_eq!(requests[0].path, "/v3/connections/list");
    assert_eq!(
        requests[0].body,
        format!(r#"{{"containerTags":["{tag}"]}}"#)
    );
    assert_eq!(seen.borrow().len(), 1, "no retry after the drop");
    drop(client);
    drop(fetch);
}

// ---- providers ------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn providers_parse_from_their_api_names() {
    assert_eq!("notion".parse::<Provider>(), Ok(Provider::Notion));
    assert_eq!(
        "google-drive".parse::<Provider>(),
        Ok(Provider::GoogleDrive)
    );
    assert_eq!("web-crawler".parse::<Provider>(), Ok(Provider::WebCrawler));
    assert_eq!(Provider::GitHub.to_string(), "github");
    for unknown in ["dropbox", "Notion", ""] {
        let error = unknown.parse::<Provider>().expect_err(unknown);
        assert_eq!(error.code(), ErrorCode::InvalidRequest, "{unknown}");
        assert_eq!(error.field(), Some("provider"), "{unknown}");
        assert_eq!(
            error.message(),
            "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola",
            "{unknown}"
        );
    }
}

// ---- OAuth helpers (none navigates this page) ---------------------------------------------

#[wasm_bindgen_test]
async fn redirect_to_auth_link_refuses_unlisted_and_missing_links() {
    reset().await;
    let page = page_href();
    let table: [(&str, Option<&[&str]>, &str); 4] = [
        ("https://evil.example/oauth", None, NOT_LISTED),
        ("http://api.notion.com/v1/oauth", None, NOT_LISTED),
        ("javascript:alert(1)", None, "authLink must use https:"),
        (
            "https://github.com/login/oauth/authorize",
            Some(&["api.notion.com"]),
            NOT_LISTED,
        ),
    ];
    for (link, allowed, message) in table {
        let connection: CreatedConnection =
            serde_json::from_value(json!({ "id": "conn_rigged", "authLink": link }))
                .expect("a created connection");
        let error = expect_code(
            redirect_to_auth_link(&connection, allowed),
            ErrorCode::UnsafeRedirect,
        );
        assert_eq!(error.message(), message, "{link}");
    }

    let created = client()
        .connections()
        .create(
            Provider::WebCrawler,
            CreateConnection::new()
                .container_tag(unique_tag("redirect").as_str())
                .metadata("startUrl", START_URL),
        )
        .await
        .expect("create");
    let error = expect_code(
        redirect_to_auth_link(&created, None),
        ErrorCode::InvalidRequest,
    );
    assert_eq!(error.field(), Some("authLink"));
    assert_eq!(
        error.message(),
        "this connection has no authLink: its provider needs no OAuth"
    );
    assert_eq!(page_href(), page, "the page stayed");
}

#[wasm_bindgen_test]
async fn complete_oauth_on_an_ordinary_address() {
    let storage = session_storage();
    storage.clear().expect("clear");
    assert_eq!(
        complete_oauth(Some("https://app.example.com/settings?tab=2&from=menu")).await,
        Ok(None)
    );
    assert_eq!(
        complete_oauth(Some("https://app.example.com/back?sm_oauth_state=forged")).await,
        Ok(Some(OAuthOutcome::Failed {
            error: "state_mismatch".into(),
            provider: None,
            connection_id: None,
        }))
    );
    assert_eq!(storage.length().expect("length"), 0);
}

#[wasm_bindgen_test]
async fn complete_oauth_takes_the_stored_round_trip_back_once() {
    let storage = session_storage();
    storage.clear().expect("clear");
    let nonce = "0123456789abcdef0123456789abcdef";
    let key = format!("supermemory-connections:oauth:{nonce}");
    let entry = r#"{"connectionId":"conn_1","provider":"notion"}"#;
    let back = format!("https://app.example.com/back?sm_oauth_state={nonce}");
    storage.set_item(&key, entry).expect("store");
    assert_eq!(
        complete_oauth(Some(&back)).await,
        Ok(Some(OAuthOutcome::Connected {
            provider: "notion".into(),
            connection_id: "conn_1".into(),
        }))
    );
    assert_eq!(storage.length().expect("length"), 0, "the nonce is spent");
    assert_eq!(
        complete_oauth(Some(&back)).await,
        Ok(Some(OAuthOutcome::Failed {
            error: "state_mismatch".into(),
            provider: None,
            connection_id: None,
        }))
    );

    // The provider's error, with the stored ids; what a page put on Object.prototype is not
    // read as part of the return.
    let prototype = js_sys::Object::get_prototype_of(&js_sys::Object::new());
    // (A polluted `popupReturn` is left out: the test runner's own page code would read it too.)
    let polluted = ["error", "provider"];
    for name in polluted {
        js_sys::Reflect::set(&prototype, &name.into(), &"polluted".into()).expect("set");
    }
    storage.set_item(&key, entry).expect("store");
    let connected = complete_oauth(Some(&back)).await;
    storage.set_item(&key, entry).expect("store");
    let failed = complete_oauth(Some(&format!("{back}&error=access_denied"))).await;
    for name in polluted {
        js_sys::Reflect::delete_property(&prototype, &name.into()).expect("delete");
    }
    assert_eq!(
        connected,
        Ok(Some(OAuthOutcome::Connected {
            provider: "notion".into(),
            connection_id: "conn_1".into(),
        }))
    );
    assert_eq!(
        failed,
        Ok(Some(OAuthOutcome::Failed {
            error: "access_denied".into(),
            provider: Some("notion".into()),
            connection_id: Some("conn_1".into()),
        }))
    );
}

#[wasm_bindgen_test]
async fn start_oauth_for_the_web_crawler_creates_without_navigating() {
    reset().await;
    let storage = session_storage();
    storage.clear().expect("clear");
    let page = page_href();
    let tag = unique_tag("start_oauth");
    let started = start_oauth(
        &client(),
        Provider::WebCrawler,
        CreateConnection::new()
            .container_tag(tag.as_str())
            .metadata("startUrl", START_URL),
        None,
    )
    .await
    .expect("start_oauth");
    assert!(!started.redirected);
    assert!(started.connection.id.starts_with("conn_"));
    assert_eq!(started.connection.auth_link, None);
    assert_eq!(
        storage.length().expect("length"),
        0,
        "no nonce without OAuth"
    );
    assert_eq!(page_href(), page);

    let request = last_sent().await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/connections/web-crawler");
    assert_eq!(
        request.body,
        format!(r#"{{"containerTag":"{tag}","metadata":{{"startUrl":"{START_URL}"}}}}"#),
        "no redirectUrl is added without OAuth"
    );
}
