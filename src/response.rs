//! The API's answers: parsed from the JSON the API sent, tolerant of absent optional fields,
//! strict about types.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::JsValue;

use crate::answers::CreatedConnection;
use crate::error::{Error, ErrorCode};
use crate::js_object::JsObject;
use crate::value::Value;

impl CreatedConnection {
    /// The result as JavaScript: `{ id, authLink, expiresIn, redirectsTo }`, `null` for what the
    /// API left out.
    #[cfg_attr(not(feature = "npm"), allow(dead_code))]
    pub fn to_js(&self) -> JsValue {
        JsObject::new()
            .text("id", &self.id)
            .text_or_null("authLink", self.auth_link.as_deref())
            .text_or_null("expiresIn", self.expires_in.as_deref())
            .text_or_null("redirectsTo", self.redirects_to.as_deref())
            .build()
    }
}

/// Reads a create answer: `id` must be a string; the others a string, null or absent.
pub fn parse_create_response(value: &Value) -> Result<CreatedConnection, Error> {
    if !matches!(value, Value::Object(_)) {
        return Err(invalid(text!(
            "the API answered with ",
            value.type_name(),
            " where a connection object belongs"
        )));
    }
    let id = match value.get("id") {
        Value::String(id) => id.clone(),
        Value::Undefined => return Err(invalid("the API's answer has no id".to_string())),
        other => {
            return Err(invalid(text!(
                "the API's answer has id as ",
                other.type_name(),
                ", not a string"
            )))
        }
    };
    Ok(CreatedConnection {
        id,
        auth_link: optional_string(value, "authLink")?,
        expires_in: optional_string(value, "expiresIn")?,
        redirects_to: optional_string(value, "redirectsTo")?,
    })
}

fn optional_string(value: &Value, key: &str) -> Result<Option<String>, Error> {
    match value.get(key) {
        Value::Undefined | Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        other => Err(invalid(text!(
            "the API's answer has ",
            key,
            " as ",
            other.type_name(),
            ", not a string"
        ))),
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidResponse, message)
}

/// The API's error body `{ error, details? }`, read leniently: anything else yields `None`s.
pub fn parse_error_body(value: &Value) -> (Option<String>, Option<String>) {
    let text = |key: &str| match value.get(key) {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    (text("error"), text("details"))
}

/// Seconds to wait from a `retryAfterSeconds` field of an error body.
pub fn retry_after_seconds(value: &Value) -> Option<f64> {
    match value.get("retryAfterSeconds") {
        Value::Number(n) if n.is_finite() && *n >= 0.0 => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(entries: &[(&str, Value)]) -> Value {
        Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn absent_and_null_optionals_become_none() {
        let answer = object(&[("id", s("conn_1")), ("authLink", Value::Null)]);
        assert_eq!(
            parse_create_response(&answer).unwrap(),
            CreatedConnection {
                id: "conn_1".into(),
                auth_link: None,
                expires_in: None,
                redirects_to: None
            }
        );
    }

    #[test]
    fn every_field_is_kept() {
        let answer = object(&[
            ("id", s("conn_2")),
            (
                "authLink",
                s("https://api.notion.com/v1/oauth/authorize?x=1"),
            ),
            ("expiresIn", s("1 hour")),
            ("redirectsTo", s("https://app.example.com/done")),
            ("extra", Value::Number(1.0)),
        ]);
        let parsed = parse_create_response(&answer).unwrap();
        assert_eq!(
            parsed.auth_link.as_deref(),
            Some("https://api.notion.com/v1/oauth/authorize?x=1")
        );
        assert_eq!(parsed.expires_in.as_deref(), Some("1 hour"));
        assert_eq!(
            parsed.redirects_to.as_deref(),
            Some("https://app.example.com/done")
        );
    }

    #[test]
    fn wrong_shapes_are_invalid_responses() {
        let table = [
            (
                Value::Array(vec![]),
                "the API answered with an array where a connection object belongs",
            ),
            (
                Value::Null,
                "the API answered with null where a connection object belongs",
            ),
            (object(&[]), "the API's answer has no id"),
            (
                object(&[("id", Value::Number(5.0))]),
                "the API's answer has id as a number, not a string",
            ),
            (
                object(&[("id", s("c")), ("authLink", Value::Bool(true))]),
                "the API's answer has authLink as a boolean, not a string",
            ),
            (
                object(&[("id", s("c")), ("expiresIn", Value::Number(3600.0))]),
                "the API's answer has expiresIn as a number, not a string",
            ),
        ];
        for (answer, message) in table {
            let error = parse_create_response(&answer).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidResponse);
            assert_eq!(error.message, message);
        }
    }

    #[test]
    fn error_bodies_are_read_leniently() {
        let body = object(&[
            ("error", s("Invalid")),
            ("details", s("containerTags[0] bad")),
        ]);
        assert_eq!(
            parse_error_body(&body),
            (Some("Invalid".into()), Some("containerTags[0] bad".into()))
        );
        assert_eq!(parse_error_body(&s("<html>")), (None, None));
        assert_eq!(
            parse_error_body(&object(&[("error", Value::Number(1.0))])),
            (None, None)
        );
        assert_eq!(
            retry_after_seconds(&object(&[("retryAfterSeconds", Value::Number(3.0))])),
            Some(3.0)
        );
        assert_eq!(
            retry_after_seconds(&object(&[("retryAfterSeconds", Value::Number(-3.0))])),
            None
        );
    }
}
