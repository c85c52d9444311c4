//! Type checks of the API's answers other than create's. Answers pass through unchanged once
//! checked: absent optional fields stay absent, dates stay ISO strings, names stay the API's.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorCode};
use crate::value::Value;

/// What a field must hold.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    TextOrNull,
    Number,
    Boolean,
    Object,
    Objects,
}

impl Kind {
    fn accepts(self, value: &Value) -> bool {
        match self {
            Kind::Text => matches!(value, Value::String(_)),
            Kind::TextOrNull => matches!(value, Value::String(_) | Value::Null),
            Kind::Number => matches!(value, Value::Number(n) if n.is_finite()),
            Kind::Boolean => matches!(value, Value::Bool(_)),
            Kind::Object => value.is_plain_object(),
            Kind::Objects => match value {
                Value::Array(items) => items.iter().all(|item| Kind::Object.accepts(item)),
                _ => false,
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::TextOrNull => "a string or null",
            Kind::Number => "a number",
            Kind::Boolean => "a boolean",
            Kind::Object => "an object",
            Kind::Objects => "an array of objects",
        }
    }
}

/// One field of an answer object.
struct Field(&'static str, Kind, bool);

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

const CONNECTION: &[Field] = &[
    Field("id", Kind::Text, REQUIRED),
    Field("createdAt", Kind::Text, REQUIRED),
    Field("provider", Kind::Text, REQUIRED),
    Field("documentLimit", Kind::Number, OPTIONAL),
    Field("email", Kind::Text, OPTIONAL),
    Field("expiresAt", Kind::Text, OPTIONAL),
    Field("metadata", Kind::Object, OPTIONAL),
    Field("lastSyncRun", Kind::Object, OPTIONAL),
];

const SYNC_RUN: &[Field] = &[
    Field("status", Kind::Text, REQUIRED),
    Field("errorCode", Kind::TextOrNull, OPTIONAL),
    Field("error", Kind::TextOrNull, OPTIONAL),
    Field("startedAt", Kind::Text, OPTIONAL),
    Field("completedAt", Kind::Text, OPTIONAL),
];

const DELETED: &[Field] = &[
    Field("id", Kind::Text, REQUIRED),
    Field("provider", Kind::Text, REQUIRED),
];

const DOCUMENT: &[Field] = &[
    Field("id", Kind::TextOrNull, REQUIRED),
    Field("createdAt", Kind::Text, REQUIRED),
    Field("status", Kind::Text, REQUIRED),
    Field("summary", Kind::TextOrNull, REQUIRED),
    Field("title", Kind::TextOrNull, REQUIRED),
    Field("type", Kind::Text, REQUIRED),
    Field("updatedAt", Kind::Text, REQUIRED),
];

const RESOURCES: &[Field] = &[
    Field("resources", Kind::Objects, REQUIRED),
    Field("total_count", Kind::Number, OPTIONAL),
];

const CONFIGURED: &[Field] = &[
    Field("success", Kind::Boolean, REQUIRED),
    Field("message", Kind::Text, REQUIRED),
    Field("webhooksRegistered", Kind::Number, OPTIONAL),
];

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidResponse, message)
}

/// The words for a path in messages: "the API's answer" or "the API's answer at [2].id".
fn place(path: &str) -> String {
    if path.is_empty() {
        "the API's answer".to_string()
    } else {
        text!("the API's answer at ", path)
    }
}

fn check_object(value: &Value, path: &str, fields: &[Field]) -> Result<(), Error> {
    if !matches!(value, Value::Object(_)) {
        return Err(invalid(text!(
            place(path),
            " is ",
            value.type_name(),
            " where an object belongs"
        )));
    }
    for Field(name, kind, required) in fields {
        let field_path = if path.is_empty() {
            (*name).to_string()
        } else {
            text!(path, ".", name)
        };
        match value.get(name) {
            Value::Undefined if *required => {
                return Err(invalid(text!(place(""), " has no ", field_path)))
            }
            Value::Undefined => {}
            found if !kind.accepts(found) => {
                return Err(invalid(text!(
                    place(""),
                    " has ",
                    field_path,
                    " as ",
                    found.type_name(),
                    ", not ",
                    kind.name()
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_array(value: &Value, each: fn(&Value, &str) -> Result<(), Error>) -> Result<(), Error> {
    let Value::Array(items) = value else {
        return Err(invalid(text!(
            "the API's answer is ",
            value.type_name(),
            " where an array belongs"
        )));
    };
    items
        .iter()
        .enumerate()
        .try_for_each(|(i, item)| each(item, &text!("[", i, "]")))
}

/// A `Connection`, its `lastSyncRun` included.
pub fn check_connection(value: &Value, path: &str) -> Result<(), Error> {
    check_object(value, path, CONNECTION)?;
    match value.get("lastSyncRun") {
        Value::Undefined => Ok(()),
        run => {
            let run_path = if path.is_empty() {
                "lastSyncRun".to_string()
            } else {
                text!(path, ".lastSyncRun")
            };
            check_object(run, &run_path, SYNC_RUN)
        }
    }
}

/// A list of connections.
pub fn check_connections(value: &Value) -> Result<(), Error> {
    check_array(value, check_connection)
}

/// A delete answer: an array of `{ id, provider }`, or one such object from older deployments.
/// Returns true when it is a single object that must be wrapped in an array.
pub fn check_deleted(value: &Value) -> Result<bool, Error> {
    if matches!(value, Value::Object(_)) {
        check_object(value, "", DELETED)?;
        return Ok(true);
    }
    check_array(value, |item, path| check_object(item, path, DELETED))?;
    Ok(false)
}

/// The documents a connection synced.
pub fn check_documents(value: &Value) -> Result<(), Error> {
    check_array(value, |item, path| check_object(item, path, DOCUMENT))
}

/// A page of resources.
pub fn check_resources(value: &Value) -> Result<(), Error> {
    check_object(value, "", RESOURCES)
}

/// The answer of configure.
pub fn check_configured(value: &Value) -> Result<(), Error> {
    check_object(value, "", CONFIGURED)
}

/// True when a connection's sync has ended: completed, failed, or an error code is set.
pub fn sync_finished(connection: &Value) -> bool {
    let run = connection.get("lastSyncRun");
    let status_done =
        matches!(run.get("status"), Value::String(s) if s == "completed" || s == "failed");
    status_done || matches!(run.get("errorCode"), Value::String(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{obj, s};

    fn connection(extra: &[(&str, Value)]) -> Value {
        let mut entries = vec![
            ("id", s("conn_1")),
            ("createdAt", s("2026-11-24T10:00:00.000Z")),
            ("provider", s("notion")),
        ];
        entries.extend(extra.iter().cloned());
        obj(&entries)
    }

    #[test]
    fn connections_with_and_without_optional_fields() {
        assert!(check_connection(&connection(&[]), "").is_ok());
        let full = connection(&[
            ("documentLimit", Value::Number(100.0)),
            ("email", s("a@b.example")),
            ("metadata", obj(&[("x", Value::Other("an object"))])),
            (
                "lastSyncRun",
                obj(&[
                    ("status", s("running")),
                    ("errorCode", Value::Null),
                    ("error", Value::Null),
                ]),
            ),
            ("containerTags", Value::Array(vec![s("u")])),
        ]);
        assert!(check_connection(&full, "").is_ok());
        let unknown_code = connection(&[(
            "lastSyncRun",
            obj(&[("status", s("failed")), ("errorCode", s("new_code"))]),
        )]);
        assert!(
            check_connection(&unknown_code, "").is_ok(),
            "unknown error codes pass through"
        );
    }

    #[test]
    fn wrong_connections_name_the_field() {
        let table = [
            (obj(&[("id", s("c"))]), "the API's answer has no createdAt"),
            (
                connection(&[("email", Value::Null)]),
                "the API's answer has email as null, not a string",
            ),
            (
                connection(&[("documentLimit", s("5"))]),
                "the API's answer has documentLimit as a string, not a number",
            ),
            (
                connection(&[("lastSyncRun", obj(&[]))]),
                "the API's answer has no lastSyncRun.status",
            ),
            (
                connection(&[("lastSyncRun", s("done"))]),
                "the API's answer has lastSyncRun as a string, not an object",
            ),
            (
                Value::Array(vec![]),
                "the API's answer is an array where an object belongs",
            ),
        ];
        for (value, message) in table {
            let error = check_connection(&value, "").unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidResponse);
            assert_eq!(error.message, message);
        }
        let list = Value::Array(vec![connection(&[]), obj(&[("id", Value::Number(1.0))])]);
        assert_eq!(
            check_connections(&list).unwrap_err().message,
            "the API's answer has [1].id as a number, not a string"
        );
        assert_eq!(
            check_connections(&obj(&[])).unwrap_err().message,
            "the API's answer is an object where an array belongs"
        );
    }

    #[test]
    fn deletes_are_arrays_or_one_object() {
        let item = obj(&[("id", s("c")), ("provider", s("notion"))]);
        assert!(check_deleted(&item).unwrap());
        assert!(!check_deleted(&Value::Array(vec![item.clone(), item])).unwrap());
        assert_eq!(
            check_deleted(&obj(&[("id", s("c"))])).unwrap_err().message,
            "the API's answer has no provider"
        );
    }

    #[test]
    fn documents_resources_and_configure() {
        let doc = obj(&[
            ("id", Value::Null),
            ("createdAt", s("t")),
            ("status", s("done")),
            ("summary", Value::Null),
            ("title", s("Welcome")),
            ("type", s("notion_page")),
            ("updatedAt", s("t")),
        ]);
        assert!(check_documents(&Value::Array(vec![doc])).is_ok());
        assert!(check_resources(&obj(&[
            ("resources", Value::Array(vec![obj(&[])])),
            ("total_count", Value::Number(1.0))
        ]))
        .is_ok());
        assert_eq!(
            check_resources(&obj(&[("resources", Value::Array(vec![s("x")]))]))
                .unwrap_err()
                .message,
            "the API's answer has resources as an array, not an array of objects"
        );
        assert!(check_configured(&obj(&[
            ("success", Value::Bool(true)),
            ("message", s("ok"))
        ]))
        .is_ok());
        assert_eq!(
            check_configured(&obj(&[("success", s("yes")), ("message", s("ok"))]))
                .unwrap_err()
                .message,
            "the API's answer has success as a string, not a boolean"
        );
    }

    #[test]
    fn sync_is_finished_when_completed_failed_or_coded() {
        let with_run = |run: Value| connection(&[("lastSyncRun", run)]);
        assert!(!sync_finished(&connection(&[])));
        assert!(!sync_finished(&with_run(obj(&[("status", s("running"))]))));
        assert!(sync_finished(&with_run(obj(&[("status", s("completed"))]))));
        assert!(sync_finished(&with_run(obj(&[("status", s("failed"))]))));
        assert!(sync_finished(&with_run(obj(&[
            ("status", s("running")),
            ("errorCode", s("auth_expired"))
        ]))));
        assert!(!sync_finished(&with_run(obj(&[
            ("status", s("running")),
            ("errorCode", Value::Null)
        ]))));
    }
}
