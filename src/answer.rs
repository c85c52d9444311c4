//! Turns an HTTP answer into a JSON value or the right `SupermemoryError`.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::JsValue;

use crate::error::{Error, ErrorCode};
use crate::guard;
use crate::input::Reader;
use crate::response::{parse_error_body, retry_after_seconds};
use crate::transport::HttpAnswer;
use crate::value::Value;

/// How deep an answer is read: an array of objects whose fields hold objects of scalars.
const ANSWER_DEPTH: u8 = 4;

/// Parses JSON text into the JavaScript value and its [`Value`] picture; `None` when the text
/// is not JSON.
pub fn parse_json_both(text: &JsValue) -> Option<(JsValue, Value)> {
    let parsed = guard::json_parse(text).ok()?;
    let value = Reader::for_answer()
        .read_root(&parsed, "answer", ANSWER_DEPTH)
        .ok()?;
    Some((parsed, value))
}

/// Parses JSON text into a [`Value`]; `None` when the text is not JSON.
pub fn parse_json(text: &JsValue) -> Option<Value> {
    parse_json_both(text).map(|(_, value)| value)
}

/// The JSON body of a 2xx answer, or the error a non-2xx answer stands for.
pub fn json_or_error(answer: &HttpAnswer) -> Result<Value, Error> {
    json_or_error_both(answer).map(|(_, value)| value)
}

/// Like [`json_or_error`], keeping the parsed JavaScript value to pass through.
pub fn json_or_error_both(answer: &HttpAnswer) -> Result<(JsValue, Value), Error> {
    if (200..300).contains(&answer.status) {
        return parse_json_both(&answer.text).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidResponse,
                text!(
                    "the API answered ",
                    answer.status,
                    " with a body that is not JSON"
                ),
            )
            .with_status(answer.status)
        });
    }
    Err(error_from_answer(answer))
}

/// The error for a non-2xx answer, with the API's `error` and `details` when it sent them.
pub fn error_from_answer(answer: &HttpAnswer) -> Error {
    let body = parse_json(&answer.text).unwrap_or(Value::Undefined);
    let (api_message, details) = parse_error_body(&body);
    let code = ErrorCode::for_status(answer.status);
    let message = match api_message {
        Some(text) => text,
        None if matches!(body, Value::Undefined)
            && !crate::text::trim(&answer.text.as_string().unwrap_or_default()).is_empty() =>
        {
            text!(
                "the API answered ",
                answer.status,
                " with a body that is not JSON (a proxy's error page?)"
            )
        }
        None => text!("the API answered ", answer.status),
    };
    let mut error = Error::new(code, message).with_status(answer.status);
    error.details = details;
    error.retry_after = answer.retry_after.or_else(|| retry_after_seconds(&body));
    error
}
