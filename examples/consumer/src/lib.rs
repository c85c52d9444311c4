//! A Rust web app that uses `supermemory-connections` the way a Leptos, Dioxus or Yew frontend
//! does: through the crate's Rust API, with the app's own heap allocator and the standard
//! library. Its JavaScript glue exports only this app's function, `connect`; the library's
//! npm exports (`createConnection`, `run`, the OAuth helpers) stay out unless an app turns on
//! the library's `npm` feature.
//!
//! `connect` creates a web-crawler connection for the docs site, reads it back by id, and
//! answers `{ id, provider, startUrl }` to the page (`index.html` and `main.js` show it).

use std::fmt::Write as _;

use js_sys::{Object, Reflect};
use supermemory_connections::{Client, CreateConnection, Error, Provider};
use wasm_bindgen::prelude::*;

/// The app's heap allocator: talc, small and fast on wasm. The library brings none, so this is
/// the only `#[global_allocator]` of the binary.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The container tag the app files the crawled pages under.
const CONTAINER_TAG: &str = "docs_site";
/// Where the crawler starts.
const START_URL: &str = "https://docs.example.com";

/// Creates a web-crawler connection through `base_url` and reads it back by id; resolves to
/// `{ id, provider, startUrl }`, or rejects with the error's message.
///
/// `base_url` is where requests go: the app's backend proxy (which adds the API key), or the API
/// itself with `api_key` for an internal tool (an empty `api_key` sends none).
#[wasm_bindgen]
pub async fn connect(base_url: String, api_key: String) -> Result<JsValue, JsValue> {
    let connection = create_and_read(&base_url, &api_key)
        .await
        .map_err(|error| JsValue::from_str(&describe(&error)))?;
    let start_url = connection
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get("startUrl"))
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_owned();
    let answer = Object::new();
    set(&answer, "id", &connection.id)?;
    set(&answer, "provider", &connection.provider)?;
    set(&answer, "startUrl", &start_url)?;
    Ok(answer.into())
}

/// The calls themselves, in plain Rust: build the client, create, then get by id.
async fn create_and_read(
    base_url: &str,
    api_key: &str,
) -> Result<supermemory_connections::Connection, Error> {
    let mut builder = Client::builder().base_url(base_url);
    if !api_key.is_empty() {
        builder = builder.api_key(api_key).dangerously_allow_browser(true);
    }
    let client = builder.build()?;
    let created = client
        .connections()
        .create(
            Provider::WebCrawler,
            CreateConnection::new()
                .container_tag(CONTAINER_TAG)
                .metadata("startUrl", START_URL),
        )
        .await?;
    client.connections().get_by_id(&created.id).await
}

/// The error as the page shows it: its message, and the field or status when there is one.
fn describe(error: &Error) -> String {
    let mut text = error.to_string();
    if let Some(field) = error.field() {
        let _ = write!(text, " (field {field})");
    }
    if let Some(status) = error.status() {
        let _ = write!(text, " (status {status})");
    }
    text
}

/// Sets `object[key] = value`.
fn set(object: &Object, key: &str, value: &str) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(key), &JsValue::from_str(value)).map(|_| ())
}
