//! Path segments built from the caller's input: checked, then percent-encoded.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::value::Value;

/// Percent-encodes everything but the unreserved characters `A-Z a-z 0-9 - . _ ~`.
pub fn encode_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            encoded.push('%');
            encoded.push(HEX[(byte >> 4) as usize] as char);
            encoded.push(HEX[(byte & 15) as usize] as char);
        }
    }
    encoded
}

/// A connection id for a path: a non-empty string other than `.` and `..`, encoded.
pub fn connection_id(value: &Value) -> Result<String, Error> {
    match value {
        Value::String(id) if id.is_empty() => Err(Error::invalid(
            "connectionId",
            "connectionId must not be empty",
        )),
        Value::String(id) if id == "." || id == ".." => Err(Error::invalid(
            "connectionId",
            "connectionId must be a connection's id, not . or ..",
        )),
        Value::String(id) => Ok(encode_component(id)),
        other => Err(Error::expected("connectionId", "a string", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_and_the_rest_is_encoded() {
        assert_eq!(encode_component("conn_AZ-az.09~"), "conn_AZ-az.09~");
        assert_eq!(encode_component("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_component("é"), "%C3%A9");
        assert_eq!(encode_component("%2e"), "%252e");
    }

    #[test]
    fn ids_are_checked() {
        assert_eq!(
            connection_id(&Value::String("conn/1".into())).unwrap(),
            "conn%2F1"
        );
        let table = [
            (
                Value::String(String::new()),
                "connectionId must not be empty",
            ),
            (
                Value::String(".".into()),
                "connectionId must be a connection's id, not . or ..",
            ),
            (
                Value::String("..".into()),
                "connectionId must be a connection's id, not . or ..",
            ),
            (
                Value::Number(5.0),
                "connectionId must be a string, not a number",
            ),
            (
                Value::Undefined,
                "connectionId must be a string, not undefined",
            ),
        ];
        for (value, message) in table {
            let error = connection_id(&value).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("connectionId"));
            assert_eq!(error.message, message);
        }
    }
}
