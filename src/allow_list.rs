//! Which `authLink`s the OAuth helpers will navigate to: `https:` links to an allowed host, or
//! an exact loopback origin listed by the caller (for the offline emulator).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::url::{ParsedUrl, UrlParser};
use crate::value::Value;

/// The hosts `authLink`s may point at by default: the API and the providers' OAuth pages.
pub const DEFAULT_ALLOWED_HOSTS: [&str; 5] = [
    "api.supermemory.ai",
    "api.notion.com",
    "accounts.google.com",
    "login.microsoftonline.com",
    "github.com",
];

/// One entry of an allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedEntry {
    /// A bare host, reached over `https:` on the default port.
    Host(String),
    /// A full loopback origin such as `http://127.0.0.1:8080`.
    Origin(String),
}

/// The default allow-list.
pub fn default_entries() -> Vec<AllowedEntry> {
    DEFAULT_ALLOWED_HOSTS
        .iter()
        .map(|host| AllowedEntry::Host(host.to_string()))
        .collect()
}

/// Reads the `allowedHosts` option: absent means the default list; given, it replaces it.
pub fn parse_allowed_hosts(
    value: &Value,
    urls: &dyn UrlParser,
) -> Result<Vec<AllowedEntry>, Error> {
    let items = match value {
        Value::Undefined => return Ok(default_entries()),
        Value::Array(items) => items,
        other => {
            return Err(Error::expected(
                "allowedHosts",
                "an array of strings",
                other,
            ))
        }
    };
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        entries.push(parse_entry(item, &text!("allowedHosts[", i, "]"), urls)?);
    }
    Ok(entries)
}

fn parse_entry(value: &Value, field: &str, urls: &dyn UrlParser) -> Result<AllowedEntry, Error> {
    let Value::String(text) = value else {
        return Err(Error::expected(field, "a string", value));
    };
    let host_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.';
    let bytes = text.as_bytes();
    if bytes.iter().all(host_byte)
        && bytes.first().is_some_and(|b| *b != b'.')
        && bytes.last() != Some(&b'.')
    {
        return Ok(AllowedEntry::Host(text.to_ascii_lowercase()));
    }
    let origin = urls
        .parse(text, None)
        .filter(|url| url.is_http() && url.is_loopback() && !url.has_credentials())
        .filter(|url| url.pathname == "/" && url.search.is_empty() && url.hash.is_empty())
        .filter(|url| crate::text::trim_end_slashes(text).eq_ignore_ascii_case(&url.origin));
    match origin {
        Some(url) => Ok(AllowedEntry::Origin(url.origin)),
        None => Err(Error::invalid_at(field, " must be a bare host name such as api.notion.com (https only), or a loopback origin such as http://127.0.0.1:8080")),
    }
}

fn unsafe_redirect(message: &str) -> Error {
    Error::new(ErrorCode::UnsafeRedirect, message)
}

/// Checks an `authLink` and returns the URL to navigate to, re-serialised by the parser.
pub fn check_auth_link(
    link: &str,
    allowed: &[AllowedEntry],
    urls: &dyn UrlParser,
) -> Result<String, Error> {
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(unsafe_redirect(
            "authLink contains spaces or control characters",
        ));
    }
    let url = urls
        .parse(link, None)
        .ok_or_else(|| unsafe_redirect("authLink is not an absolute URL"))?;
    if url.has_credentials() {
        return Err(unsafe_redirect(
            "authLink must not contain a user name or password",
        ));
    }
    if is_allowed(&url, allowed) {
        return Ok(url.href);
    }
    if url.protocol != "https:" && url.protocol != "http:" {
        return Err(unsafe_redirect("authLink must use https:"));
    }
    Err(unsafe_redirect(
        "authLink points to a host that is not in allowedHosts",
    ))
}

fn is_allowed(url: &ParsedUrl, allowed: &[AllowedEntry]) -> bool {
    allowed.iter().any(|entry| match entry {
        AllowedEntry::Host(host) => {
            url.protocol == "https:" && url.port.is_empty() && url.hostname == *host
        }
        AllowedEntry::Origin(origin) => url.is_http() && url.origin == *origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::SimpleUrls;

    fn entries(list: &[&str]) -> Vec<AllowedEntry> {
        let value = Value::Array(list.iter().map(|s| Value::String(s.to_string())).collect());
        parse_allowed_hosts(&value, &SimpleUrls).unwrap()
    }

    #[test]
    fn the_default_list_is_used_when_none_is_given() {
        assert_eq!(
            parse_allowed_hosts(&Value::Undefined, &SimpleUrls).unwrap(),
            default_entries()
        );
        assert_eq!(default_entries().len(), 5);
    }

    #[test]
    fn entries_are_hosts_or_loopback_origins() {
        assert_eq!(
            entries(&[
                "API.Notion.com",
                "http://127.0.0.1:8080",
                "http://localhost:3000/"
            ]),
            vec![
                AllowedEntry::Host("api.notion.com".into()),
                AllowedEntry::Origin("http://127.0.0.1:8080".into()),
                AllowedEntry::Origin("http://localhost:3000".into()),
            ]
        );
        let message = "must be a bare host name such as api.notion.com (https only), or a loopback origin such as http://127.0.0.1:8080";
        for bad in [
            "https://evil.example",
            "http://127.0.0.1:8080/path",
            "",
            "*.example.com",
            "http://evil.example:80",
        ] {
            let value = Value::Array(vec![Value::String(bad.into())]);
            let error = parse_allowed_hosts(&value, &SimpleUrls).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("allowedHosts[0]"), "{bad}");
            assert_eq!(error.message, format!("allowedHosts[0] {message}"), "{bad}");
        }
        let error =
            parse_allowed_hosts(&Value::String("github.com".into()), &SimpleUrls).unwrap_err();
        assert_eq!(
            error.message,
            "allowedHosts must be an array of strings, not a string"
        );
    }

    #[test]
    fn links_are_checked_against_the_list() {
        let list = entries(&["api.notion.com", "http://127.0.0.1:8080"]);
        let table = [
            (
                "https://api.notion.com/v1/oauth/authorize?x=1",
                Ok("https://api.notion.com/v1/oauth/authorize?x=1"),
            ),
            (
                "http://127.0.0.1:8080/oauth/notion/authorize",
                Ok("http://127.0.0.1:8080/oauth/notion/authorize"),
            ),
            (
                "http://api.notion.com/v1/oauth",
                Err("authLink points to a host that is not in allowedHosts"),
            ),
            (
                "https://api.notion.com:8443/x",
                Err("authLink points to a host that is not in allowedHosts"),
            ),
            (
                "https://evil.example/x",
                Err("authLink points to a host that is not in allowedHosts"),
            ),
            (
                "http://127.0.0.1:9090/x",
                Err("authLink points to a host that is not in allowedHosts"),
            ),
            ("javascript:alert(1)", Err("authLink must use https:")),
            (
                "https://user:pw@api.notion.com/x",
                Err("authLink must not contain a user name or password"),
            ),
            (
                " https://api.notion.com/x",
                Err("authLink contains spaces or control characters"),
            ),
            ("//api.notion.com/x", Err("authLink is not an absolute URL")),
        ];
        for (link, expected) in table {
            let result = check_auth_link(link, &list, &SimpleUrls);
            match (result, expected) {
                (Ok(href), Ok(want)) => assert_eq!(href, want),
                (Err(error), Err(want)) => {
                    assert_eq!(error.code, ErrorCode::UnsafeRedirect, "{link}");
                    assert_eq!(error.message, want, "{link}");
                }
                (got, want) => panic!("{link}: got {got:?}, want {want:?}"),
            }
        }
    }
}
