//! supermemory-connections: connect a user's Notion, Google Drive, OneDrive, Gmail, GitHub, S3,
//! Granola or a web crawler to supermemory from a web page.
//!
//! This file holds only the `#[wasm_bindgen]` exports; each step lives in its own module.

pub mod answer;
pub mod client;
pub mod create_params;
pub mod error;
pub mod headers;
pub mod input;
pub mod operations;
pub mod options;
pub mod provider;
pub mod request;
pub mod response;
pub mod retry_hint;
pub mod rules;
pub mod url;
pub mod value;

#[cfg(test)]
mod test_support;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::error::Error;
use crate::input::Reader;
use crate::url::{detect_environment, PlatformUrls};

/// How deep option objects are read: the options, then `metadata` or `containerTags`.
const OPTIONS_DEPTH: u8 = 2;

/// `createConnection(provider, options)`: client options, create parameters and request options
/// in one object. Resolves to the created connection; rejects with an error record.
#[wasm_bindgen(js_name = createConnection)]
pub async fn create_connection(provider: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let mut reader = Reader::new();
    let call = (|| {
        let provider = reader.read_root(&provider, "provider", 0)?;
        crate::provider::Provider::parse(&provider)?;
        let options = reader.read_root(&options, "options", OPTIONS_DEPTH)?;
        let env = detect_environment(&PlatformUrls);
        request::validate_create_connection(&provider, &options, &env)
    })();
    match call {
        Ok(call) => operations::create(call, &reader).await,
        Err(error) => Err(error),
    }
    .map_err(Error::into_js)
}

/// `client.connections.create(provider, params, requestOptions)` for a client made with
/// `clientOptions`. Resolves to the created connection; rejects with an error record.
#[wasm_bindgen(js_name = connectionsCreate)]
pub async fn connections_create(
    client_options: JsValue,
    provider: JsValue,
    params: JsValue,
    request_options: JsValue,
) -> Result<JsValue, JsValue> {
    let mut reader = Reader::new();
    let call = (|| {
        let provider = reader.read_root(&provider, "provider", 0)?;
        crate::provider::Provider::parse(&provider)?;
        let client = reader.read_root(&client_options, "options", OPTIONS_DEPTH)?;
        let params = reader.read_root(&params, "params", OPTIONS_DEPTH)?;
        let request_options = reader.read_root(&request_options, "requestOptions", 1)?;
        let env = detect_environment(&PlatformUrls);
        request::validate_connections_create(&client, &provider, &params, &request_options, &env)
    })();
    match call {
        Ok(call) => operations::create(call, &reader).await,
        Err(error) => Err(error),
    }
    .map_err(Error::into_js)
}
