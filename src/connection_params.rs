//! Parameters of the connection operations other than create: checked, ready to send.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::path::encode_component;
use wasm_bindgen::JsValue;

use crate::js_object::JsObject;
use crate::rules;
use crate::value::{Handle, Value};

/// A body holding only container tags: list, getByTag, deleteByProvider, import, listDocuments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TagsBody {
    /// The container tags, when given.
    pub container_tags: Option<Vec<String>>,
}

impl TagsBody {
    /// The body as a JavaScript object: `{ containerTags }`, or `{}` without tags.
    pub fn to_js(&self) -> JsValue {
        JsObject::new()
            .texts_if("containerTags", self.container_tags.as_deref())
            .build()
    }
}

/// Reads `{ containerTags }`; with `required`, at least one tag must be given.
pub fn parse_tags(params: &Value, required: bool) -> Result<TagsBody, Error> {
    rules::reject_unknown(rules::entries(params, "params")?, &[&["containerTags"]])?;
    let tags = rules::container_tags(params.get("containerTags"))?;
    match &tags {
        None if required => Err(Error::invalid(
            "containerTags",
            "containerTags is required: give at least one tag",
        )),
        Some(list) if required && list.is_empty() => Err(Error::invalid(
            "containerTags",
            "containerTags must have at least one tag",
        )),
        _ => Ok(()),
    }?;
    Ok(TagsBody {
        container_tags: tags,
    })
}

/// Reads deleteByID's `{ deleteDocuments }`: required, a boolean or `"true"` / `"false"`.
#[cfg_attr(not(feature = "npm"), allow(dead_code))]
pub fn parse_delete_documents(params: &Value) -> Result<bool, Error> {
    rules::reject_unknown(rules::entries(params, "params")?, &[&["deleteDocuments"]])?;
    match params.get("deleteDocuments") {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        Value::Undefined => Err(Error::invalid(
            "deleteDocuments",
            "deleteDocuments is required: true also deletes the documents synced from this connection, false keeps them",
        )),
        other => Err(Error::expected("deleteDocuments", "true or false", other)),
    }
}

/// Most resources one page may ask for.
const MAX_PER_PAGE: f64 = 100.0;

/// Reads resources' `{ page, per_page, parent_id }` into a query string (`?...` or empty).
pub fn parse_resources_query(params: &Value) -> Result<String, Error> {
    rules::reject_unknown(
        rules::entries(params, "params")?,
        &[&["page", "per_page", "parent_id"]],
    )?;
    // Each pair starts with "?" or "&": the query is empty when nothing is given.
    let mut query = String::new();
    let separator = |query: &String| if query.is_empty() { "?" } else { "&" };
    if let Some(page) = rules::integer(params.get("page"), "page", 1.0, f64::from(u32::MAX))? {
        query = text!(query, separator(&query), "page=", (page as u64));
    }
    if let Some(per_page) = rules::integer(params.get("per_page"), "per_page", 1.0, MAX_PER_PAGE)? {
        query = text!(query, separator(&query), "per_page=", (per_page as u64));
    }
    if let Some(parent) = rules::non_empty_string(params.get("parent_id"), "parent_id")? {
        query = text!(
            query,
            separator(&query),
            "parent_id=",
            encode_component(parent)
        );
    }
    Ok(query)
}

/// Checks configure's `{ resources }`: an array of plain objects (sent as the caller wrote them).
pub fn check_configure(params: &Value) -> Result<(), Error> {
    rules::reject_unknown(rules::entries(params, "params")?, &[&["resources"]])?;
    match params.get("resources") {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_plain_object() {
                    let field = text!("resources[", i, "]");
                    return Err(Error::expected(&field, "a plain object", item));
                }
            }
            Ok(())
        }
        Value::Undefined => Err(Error::invalid(
            "resources",
            "resources is required: the list of resources to sync",
        )),
        other => Err(Error::expected("resources", "an array of objects", other)),
    }
}

/// Settings of `waitForConnection`.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// Milliseconds between polls.
    pub interval_ms: u32,
    /// Milliseconds after which waiting gives up with `timeout`.
    pub max_wait_ms: u32,
    /// The caller's signal, kept aside.
    pub signal: Option<Handle>,
}

/// Default pause between polls.
const DEFAULT_INTERVAL_MS: u32 = 2_000;

/// Default longest wait.
const DEFAULT_MAX_WAIT_MS: u32 = 300_000;

/// Reads `{ interval, maxWait, signal }`.
pub fn parse_wait_options(options: &Value) -> Result<WaitOptions, Error> {
    rules::reject_unknown(
        rules::entries(options, "options")?,
        &[&["interval", "maxWait", "signal"]],
    )?;
    let interval = rules::integer(options.get("interval"), "interval", 100.0, 3_600_000.0)?;
    let max_wait = rules::integer(options.get("maxWait"), "maxWait", 1.0, 2_147_483_647.0)?;
    let signal = rules::signal(options.get("signal"))?;
    Ok(WaitOptions {
        interval_ms: interval.map_or(DEFAULT_INTERVAL_MS, |n| n as u32),
        max_wait_ms: max_wait.map_or(DEFAULT_MAX_WAIT_MS, |n| n as u32),
        signal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{obj, s};

    fn tags(list: &[&str]) -> Value {
        Value::Array(list.iter().map(|t| s(t)).collect())
    }

    #[test]
    fn tags_optional_or_required() {
        assert_eq!(
            parse_tags(&Value::Undefined, false).unwrap(),
            TagsBody::default()
        );
        let body = parse_tags(&obj(&[("containerTags", tags(&["u1", "team:a"]))]), true).unwrap();
        assert_eq!(
            body.container_tags,
            Some(vec!["u1".to_string(), "team:a".to_string()])
        );
        let cases = [
            (
                Value::Undefined,
                "containerTags",
                "containerTags is required: give at least one tag",
            ),
            (
                obj(&[("containerTags", tags(&[]))]),
                "containerTags",
                "containerTags must have at least one tag",
            ),
            (
                obj(&[("containerTags", s("u1"))]),
                "containerTags",
                "containerTags must be an array of strings, not a string",
            ),
            (
                obj(&[("containerTags", tags(&["ok", "no way"]))]),
                "containerTags[1]",
                "containerTags[1] may only contain letters, digits, _, : and -",
            ),
            (
                obj(&[("containerTag", s("u1"))]),
                "containerTag",
                "unknown option containerTag",
            ),
            (
                Value::Null,
                "params",
                "params must be a plain object, not null",
            ),
        ];
        for (params, field, message) in cases {
            let error = parse_tags(&params, true).unwrap_err();
            assert_eq!(
                (error.field.as_deref(), error.message.as_str()),
                (Some(field), message)
            );
        }
        assert_eq!(
            parse_tags(&obj(&[("containerTags", tags(&[]))]), false)
                .unwrap()
                .container_tags,
            Some(vec![])
        );
    }

    #[test]
    fn delete_documents_is_required() {
        let with = |v: Value| parse_delete_documents(&obj(&[("deleteDocuments", v)]));
        assert!(with(Value::Bool(true)).unwrap());
        assert!(!with(Value::Bool(false)).unwrap());
        assert!(with(s("true")).unwrap());
        assert!(!with(s("false")).unwrap());
        assert_eq!(
            with(s("yes")).unwrap_err().message,
            "deleteDocuments must be true or false, not a string"
        );
        let error = parse_delete_documents(&Value::Undefined).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("deleteDocuments"));
        assert_eq!(
            error.message,
            "deleteDocuments is required: true also deletes the documents synced from this connection, false keeps them"
        );
    }

    #[test]
    fn resources_query() {
        assert_eq!(parse_resources_query(&Value::Undefined).unwrap(), "");
        let params = obj(&[
            ("page", Value::Number(2.0)),
            ("per_page", Value::Number(100.0)),
            ("parent_id", s("org/repo")),
        ]);
        assert_eq!(
            parse_resources_query(&params).unwrap(),
            "?page=2&per_page=100&parent_id=org%2Frepo"
        );
        let error = parse_resources_query(&obj(&[("per_page", Value::Number(101.0))])).unwrap_err();
        assert_eq!(error.message, "per_page must be an integer from 1 to 100");
        let error = parse_resources_query(&obj(&[("page", Value::Number(0.0))])).unwrap_err();
        assert_eq!(
            error.message,
            "page must be an integer from 1 to 4294967295"
        );
        let error = parse_resources_query(&obj(&[("perPage", Value::Number(1.0))])).unwrap_err();
        assert_eq!(error.message, "unknown option perPage");
    }

    #[test]
    fn configure_needs_an_array_of_objects() {
        assert!(check_configure(&obj(&[(
            "resources",
            Value::Array(vec![obj(&[("id", Value::Number(1.0))])])
        )]))
        .is_ok());
        let cases = [
            (
                Value::Undefined,
                "resources",
                "resources is required: the list of resources to sync",
            ),
            (
                obj(&[("resources", s("x"))]),
                "resources",
                "resources must be an array of objects, not a string",
            ),
            (
                obj(&[(
                    "resources",
                    Value::Array(vec![obj(&[]), Value::Number(1.0)]),
                )]),
                "resources[1]",
                "resources[1] must be a plain object, not a number",
            ),
        ];
        for (params, field, message) in cases {
            let error = check_configure(&params).unwrap_err();
            assert_eq!(
                (error.field.as_deref(), error.message.as_str()),
                (Some(field), message)
            );
        }
    }

    #[test]
    fn wait_options() {
        let defaults = parse_wait_options(&Value::Undefined).unwrap();
        assert_eq!(
            (defaults.interval_ms, defaults.max_wait_ms, defaults.signal),
            (2000, 300_000, None)
        );
        let error = parse_wait_options(&obj(&[("interval", Value::Number(50.0))])).unwrap_err();
        assert_eq!(
            error.message,
            "interval must be an integer from 100 to 3600000"
        );
        let error = parse_wait_options(&obj(&[("maxWait", Value::Number(0.0))])).unwrap_err();
        assert_eq!(
            error.message,
            "maxWait must be an integer from 1 to 2147483647"
        );
        let error = parse_wait_options(&obj(&[("timeout", Value::Number(5.0))])).unwrap_err();
        assert_eq!(error.message, "unknown option timeout");
    }
}
