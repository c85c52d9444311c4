//! Small reusable validation rules shared by every option parser.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::value::{Handle, Value};

/// The entries of an options object; `undefined` counts as an empty object.
pub fn entries<'a>(value: &'a Value, name: &str) -> Result<&'a [(String, Value)], Error> {
    match value {
        Value::Undefined => Ok(&[]),
        Value::Object(entries) => Ok(entries),
        other => Err(Error::expected(name, "a plain object", other)),
    }
}

/// Refuses the first key of `entries` that is in none of `known`, suggesting a near match. A key
/// whose value is `undefined` counts as absent, as it does for every known option.
pub fn reject_unknown(entries: &[(String, Value)], known: &[&[&str]]) -> Result<(), Error> {
    let all = || known.iter().flat_map(|group| group.iter().copied());
    for (key, value) in entries {
        if matches!(value, Value::Undefined) || all().any(|name| name == key) {
            continue;
        }
        let hint = all()
            .find(|name| name.eq_ignore_ascii_case(key))
            .map(|name| text!(": did you mean ", name, "?"))
            .unwrap_or_default();
        let shown = if key.is_empty() { "\"\"" } else { key.as_str() };
        return Err(Error::invalid(
            key.as_str(),
            text!("unknown option ", shown, hint),
        ));
    }
    Ok(())
}

/// An optional integer in `min..=max`; `what` completes "must be an integer ...".
pub fn integer(value: &Value, field: &str, min: f64, max: f64) -> Result<Option<f64>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::Number(n) if crate::num::is_integer(*n) && *n >= min && *n <= max => Ok(Some(*n)),
        _ => Err(Error::invalid(
            field,
            // Bounds print as integers: formatting floats would pull float printing into the wasm.
            text!(
                field,
                " must be an integer from ",
                (min as u64),
                " to ",
                (max as u64)
            ),
        )),
    }
}

/// An optional boolean.
pub fn boolean(value: &Value, field: &str) -> Result<Option<bool>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err(Error::expected(field, "true or false", other)),
    }
}

/// An optional non-empty string.
pub fn non_empty_string<'a>(value: &'a Value, field: &str) -> Result<Option<&'a str>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::String(s) if !s.is_empty() => Ok(Some(s)),
        Value::String(_) => Err(Error::invalid_at(field, " must not be empty")),
        other => Err(Error::expected(field, "a string", other)),
    }
}

/// Longest container tag the API accepts.
pub const MAX_TAG_LENGTH: usize = 100;

/// A container tag: 1 to 100 characters of `A-Z a-z 0-9 _ : -`.
pub fn container_tag(value: &Value, field: &str) -> Result<String, Error> {
    let tag = match value {
        Value::String(s) => s,
        other => return Err(Error::expected(field, "a string", other)),
    };
    if tag.is_empty() {
        return Err(Error::invalid_at(field, " must not be empty"));
    }
    // Characters, not bytes: every byte but a UTF-8 continuation byte starts one.
    if tag.bytes().filter(|b| b & 0xC0 != 0x80).count() > MAX_TAG_LENGTH {
        return Err(Error::invalid(
            field,
            text!(field, " must be at most ", MAX_TAG_LENGTH, " characters"),
        ));
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-');
    if !tag.bytes().all(allowed) {
        return Err(Error::invalid_at(
            field,
            " may only contain letters, digits, _, : and -",
        ));
    }
    Ok(tag.clone())
}

/// An optional `containerTags` array, each item a valid tag.
pub fn container_tags(value: &Value) -> Result<Option<Vec<String>>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::Array(items) => {
            let mut tags = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                tags.push(container_tag(item, &text!("containerTags[", i, "]"))?);
            }
            Ok(Some(tags))
        }
        other => Err(Error::expected(
            "containerTags",
            "an array of strings",
            other,
        )),
    }
}

/// An optional `signal`: an object that looks like an `AbortSignal`, kept aside.
pub fn signal(value: &Value) -> Result<Option<Handle>, Error> {
    match value {
        Value::Undefined => Ok(None),
        Value::Signal(handle) => Ok(Some(*handle)),
        other => Err(Error::expected("signal", "an AbortSignal", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn entries_accept_objects_and_undefined_only() {
        assert!(entries(&Value::Undefined, "options").unwrap().is_empty());
        let error = entries(&Value::Null, "options").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("options"));
        assert_eq!(error.message, "options must be a plain object, not null");
        let error = entries(&Value::Array(vec![]), "params").unwrap_err();
        assert_eq!(error.message, "params must be a plain object, not an array");
    }

    #[test]
    fn unknown_keys_are_named_with_a_hint() {
        let known: &[&[&str]] = &[&["baseURL", "apiKey"], &["timeout"]];
        let given = vec![
            ("timeout".to_string(), Value::Undefined),
            ("baseUrl".to_string(), s("x")),
        ];
        let error = reject_unknown(&given, known).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("baseUrl"));
        assert_eq!(
            error.message,
            "unknown option baseUrl: did you mean baseURL?"
        );
        let given = vec![(String::new(), s(""))];
        assert_eq!(
            reject_unknown(&given, known).unwrap_err().message,
            "unknown option \"\""
        );
        let given = vec![("colour".to_string(), Value::Null)];
        assert_eq!(
            reject_unknown(&given, known).unwrap_err().message,
            "unknown option colour"
        );
        // `undefined` is absent, for an unknown key as for a known one.
        for key in ["apiKey", "baseUrl", "colour", ""] {
            let given = vec![(key.to_string(), Value::Undefined)];
            assert!(reject_unknown(&given, known).is_ok(), "{key}");
        }
    }

    #[test]
    fn integers_respect_their_bounds() {
        let table = [
            (0.0, false),
            (1.0, true),
            (10000.0, true),
            (10001.0, false),
            (1.5, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
            (-1.0, false),
        ];
        for (n, ok) in table {
            let result = integer(&Value::Number(n), "documentLimit", 1.0, 10000.0);
            assert_eq!(result.is_ok(), ok, "{n}");
            if let Err(error) = result {
                assert_eq!(
                    error.message,
                    "documentLimit must be an integer from 1 to 10000"
                );
                assert_eq!(error.field.as_deref(), Some("documentLimit"));
            }
        }
        assert_eq!(integer(&Value::Undefined, "x", 1.0, 2.0).unwrap(), None);
        assert!(integer(&s("5"), "x", 1.0, 9.0).is_err());
    }

    #[test]
    fn tags_follow_the_api_pattern() {
        let hundred = "a".repeat(100);
        let table = [
            (hundred.as_str(), None),
            ("user_123:project-x", None),
            ("", Some("containerTag must not be empty")),
            (
                "has space",
                Some("containerTag may only contain letters, digits, _, : and -"),
            ),
            (
                "é",
                Some("containerTag may only contain letters, digits, _, : and -"),
            ),
            (
                "a/b",
                Some("containerTag may only contain letters, digits, _, : and -"),
            ),
        ];
        for (tag, expected) in table {
            let result = container_tag(&s(tag), "containerTag");
            assert_eq!(
                result.as_ref().err().map(|e| e.message.as_str()),
                expected,
                "{tag}"
            );
        }
        let long = "a".repeat(101);
        assert_eq!(
            container_tag(&s(&long), "containerTags[2]")
                .unwrap_err()
                .message,
            "containerTags[2] must be at most 100 characters"
        );
        assert_eq!(
            container_tag(&Value::Number(1.0), "containerTags[0]")
                .unwrap_err()
                .message,
            "containerTags[0] must be a string, not a number"
        );
    }

    #[test]
    fn strings_and_booleans() {
        assert_eq!(non_empty_string(&s("k"), "apiKey").unwrap(), Some("k"));
        assert_eq!(
            non_empty_string(&s(""), "apiKey").unwrap_err().message,
            "apiKey must not be empty"
        );
        assert_eq!(
            non_empty_string(&Value::Bool(true), "apiKey")
                .unwrap_err()
                .message,
            "apiKey must be a string, not a boolean"
        );
        assert_eq!(boolean(&Value::Bool(false), "x").unwrap(), Some(false));
        assert_eq!(
            boolean(&s("true"), "dangerouslyAllowBrowser")
                .unwrap_err()
                .message,
            "dangerouslyAllowBrowser must be true or false, not a string"
        );
    }
}
