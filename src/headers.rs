//! Rules for header names and values the caller adds with `defaultHeaders`.

#[allow(unused_imports)]
use crate::prelude::*;

/// True when `name` is a valid HTTP header name (an RFC 9110 token).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// True when `value` can be sent as a header value by `fetch` (no line breaks, no NUL, Latin-1).
pub fn is_valid_value(value: &str) -> bool {
    value
        .chars()
        .all(|c| c == '\t' || (c >= ' ' && c != '\u{7f}' && (c as u32) <= 0xff))
}

/// True when `key` can stand in an `Authorization: Bearer` header: visible ASCII, no spaces.
pub fn is_valid_token(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The headers of one request: the package's own, then the caller's `defaultHeaders`, which
/// replace a header of the same name (any case) or, with `None`, remove it.
pub fn merge_headers(
    accept: &str,
    has_body: bool,
    api_key: Option<&str>,
    defaults: &[(String, Option<String>)],
) -> Vec<(String, String)> {
    let mut headers = vec![("Accept".to_string(), accept.to_string())];
    if has_body {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    if let Some(key) = api_key {
        headers.push(("Authorization".to_string(), text!("Bearer ", key)));
    }
    for (name, value) in defaults {
        headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        if let Some(value) = value {
            headers.push((name.clone(), value.clone()));
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_sends_accept_content_type_and_bearer() {
        let headers = merge_headers("application/json", true, Some("sm_key"), &[]);
        let expected = [
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer sm_key"),
        ];
        let got: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn no_key_no_authorization_and_no_body_no_content_type() {
        let headers = merge_headers("text/plain", false, None, &[]);
        assert_eq!(
            headers,
            vec![("Accept".to_string(), "text/plain".to_string())]
        );
    }

    #[test]
    fn default_headers_replace_and_remove_in_any_case() {
        let defaults = vec![
            ("x-app".to_string(), Some("demo".to_string())),
            (
                "accept".to_string(),
                Some("application/vnd.x+json".to_string()),
            ),
            ("CONTENT-TYPE".to_string(), None),
        ];
        let headers = merge_headers("application/json", true, None, &defaults);
        let got: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [("x-app", "demo"), ("accept", "application/vnd.x+json")]
        );
    }

    #[test]
    fn names_are_tokens() {
        for good in ["X-Trace", "x-a.b", "A1", "!#$%&'*+-.^_`|~"] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in ["", "X Trace", "X:Trace", "Ünicode", "a\nb", "(x)", "a/b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn values_refuse_line_breaks_and_wide_characters() {
        for good in ["", "abc", "a b\tc", "café"] {
            assert!(is_valid_value(good), "{good}");
        }
        for bad in ["a\r\nb", "a\nb", "a\0b", "\u{7f}", "€", "😀"] {
            assert!(!is_valid_value(bad), "{bad}");
        }
    }

    #[test]
    fn keys_are_visible_ascii() {
        assert!(is_valid_token("sm_abc-123.XYZ"));
        for bad in ["", "sm key", "sm\tkey", "sm\nkey", "clé"] {
            assert!(!is_valid_token(bad), "{bad:?}");
        }
    }
}
