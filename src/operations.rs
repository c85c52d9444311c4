//! The API operations: each builds its HTTP request, sends it, and parses the answer.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::answer::json_or_error;
use crate::client::{HttpRequest, Method, Transport};
use crate::error::{Error, ErrorCode};
use crate::input::Reader;
use crate::options::{ClientConfig, RequestConfig};
use crate::request::CreateCall;
use crate::response::{parse_create_response, ConnectionCreateResponse};

/// Converts Rust values to JavaScript: maps as plain objects, `None` as `null`.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|_| {
        Error::new(
            ErrorCode::InvalidRequest,
            "the request could not be encoded",
        )
    })
}

/// Encodes a request body as JSON text.
fn to_json<T: Serialize>(value: &T) -> Result<String, Error> {
    let js = to_js(value)?;
    js_sys::JSON::stringify(&js)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidRequest,
                "the request could not be encoded",
            )
        })
}

/// The transport for a call: the client's settings, overridden by the call's own.
fn transport<'a>(
    client: &'a ClientConfig,
    request: &RequestConfig,
    reader: &Reader,
) -> Transport<'a> {
    Transport {
        api_key: client.api_key.as_ref(),
        default_headers: &client.default_headers,
        fetch_options: &client.fetch_options,
        fetch: client.fetch.map(|h| reader.kept(h).unchecked_into()),
        signal: request.signal.map(|h| reader.kept(h).unchecked_into()),
        timeout_ms: request.timeout_ms.unwrap_or(client.timeout_ms),
    }
}

/// `POST /v3/connections/{provider}`.
pub async fn create(call: CreateCall, reader: &Reader) -> Result<ConnectionCreateResponse, Error> {
    let transport = transport(&call.client, &call.request, reader);
    let request = HttpRequest {
        method: Method::Post,
        url: format!(
            "{}/v3/connections/{}",
            call.client.base_url,
            call.provider.as_str()
        ),
        body: Some(to_json(&call.body)?),
        accept: "application/json",
    };
    let answer = transport.attempt(&request).await?;
    let value = json_or_error(&answer)?;
    parse_create_response(&value).map_err(|e| e.with_status(answer.status))
}
