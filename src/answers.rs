//! The typed answers of the connections API, as the Rust API hands them to an app.
//!
//! Each type is plain data: it can be cloned, compared, stored and passed on, and turned back
//! into JSON with the API's own field names (`authLink`, `lastSyncRun`, `total_count`, `type`).
//! Fields the API may leave out are `Option`s and stay out of the JSON when `None`; fields the
//! API may add later are ignored when reading. Dates stay the API's ISO 8601 strings.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The answer of creating a connection.
///
/// OAuth providers (Notion, Google Drive, OneDrive, Gmail, GitHub) answer an `auth_link` to send
/// the user to; web-crawler, S3 and Granola need no consent and answer only the `id` (their
/// `auth_link` and `expires_in` are null or absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatedConnection {
    /// The new connection's id (required).
    pub id: String,
    /// Where to send the user to grant access at the provider, for OAuth providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_link: Option<String>,
    /// How long the `auth_link` stays valid, in the API's words (e.g. "1 hour").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
    /// Where the user lands after granting access: the `redirectUrl` the request gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirects_to: Option<String>,
}

/// A connection to a provider, as listing or getting connections answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Connection {
    /// The connection's id (required).
    pub id: String,
    /// The provider's name, e.g. "notion" or "google-drive" (required).
    pub provider: String,
    /// When the connection was created, an ISO 8601 date (required).
    pub created_at: String,
    /// The email of the provider account, once the user granted access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The most documents the connection syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_limit: Option<u32>,
    /// When the provider's access expires, an ISO 8601 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// The free-form metadata given when the connection was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// The latest sync run, once one started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_run: Option<SyncRun>,
}

/// A connection's sync run: running, then completed or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncRun {
    /// The run's status, e.g. "running", "completed" or "failed" (required; a string, since the
    /// API may add statuses).
    pub status: String,
    /// Why the run failed, when it did; `None` when absent or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<SyncErrorCode>,
    /// The API's message about the failure, when it gave one; `None` when absent or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the run started, an ISO 8601 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When the run ended, an ISO 8601 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
}

impl SyncRun {
    /// True when the run has ended: its status is "completed" or "failed", or it carries an
    /// error code.
    pub fn is_finished(&self) -> bool {
        self.status == "completed" || self.status == "failed" || self.error_code.is_some()
    }
}

/// Why a sync run failed: the API's `errorCode`, read from and written as its plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyncErrorCode {
    /// "auth_expired": the provider's access expired or was revoked; connect again.
    AuthExpired,
    /// "rate_limited": the provider limited the requests; the sync goes on later.
    RateLimited,
    /// "plan_required": the supermemory plan does not cover this connection.
    PlanRequired,
    /// "provider_unavailable": the provider could not be reached.
    ProviderUnavailable,
    /// "internal": an error inside supermemory.
    Internal,
    /// A code newer than this crate, as the API sent it (never one of the codes above).
    Other(String),
}

impl SyncErrorCode {
    /// The code as the API writes it, e.g. "auth_expired".
    pub fn as_str(&self) -> &str {
        match self {
            SyncErrorCode::AuthExpired => "auth_expired",
            SyncErrorCode::RateLimited => "rate_limited",
            SyncErrorCode::PlanRequired => "plan_required",
            SyncErrorCode::ProviderUnavailable => "provider_unavailable",
            SyncErrorCode::Internal => "internal",
            SyncErrorCode::Other(code) => code,
        }
    }

    /// The known variant for a code, or `None` for a code this crate does not know.
    fn known(code: &str) -> Option<Self> {
        Some(match code {
            "auth_expired" => SyncErrorCode::AuthExpired,
            "rate_limited" => SyncErrorCode::RateLimited,
            "plan_required" => SyncErrorCode::PlanRequired,
            "provider_unavailable" => SyncErrorCode::ProviderUnavailable,
            "internal" => SyncErrorCode::Internal,
            _ => return None,
        })
    }
}

impl From<&str> for SyncErrorCode {
    /// The variant for a code as the API writes it; `Other` for an unknown one.
    fn from(code: &str) -> Self {
        SyncErrorCode::known(code).unwrap_or_else(|| SyncErrorCode::Other(String::from(code)))
    }
}

impl From<String> for SyncErrorCode {
    /// The variant for a code as the API writes it; `Other` for an unknown one.
    fn from(code: String) -> Self {
        SyncErrorCode::known(&code).unwrap_or(SyncErrorCode::Other(code))
    }
}

impl fmt::Display for SyncErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SyncErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads a [`SyncErrorCode`] from a string.
struct SyncErrorCodeVisitor;

impl Visitor<'_> for SyncErrorCodeVisitor {
    type Value = SyncErrorCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sync error code string")
    }

    fn visit_str<E: de::Error>(self, code: &str) -> Result<SyncErrorCode, E> {
        Ok(SyncErrorCode::from(code))
    }

    fn visit_string<E: de::Error>(self, code: String) -> Result<SyncErrorCode, E> {
        Ok(SyncErrorCode::from(code))
    }
}

impl<'de> Deserialize<'de> for SyncErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(SyncErrorCodeVisitor)
    }
}

/// A connection deleted by id or by provider; both deletes answer a list of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedConnection {
    /// The deleted connection's id (required).
    pub id: String,
    /// The deleted connection's provider, e.g. "notion" (required).
    pub provider: String,
}

/// A document a connection synced, as listing a provider's documents answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Document {
    /// The document's id (required, but may be null).
    #[serde(default)]
    pub id: Option<String>,
    /// When the document was created, an ISO 8601 date (required).
    pub created_at: String,
    /// The document's processing status, e.g. "done" (required).
    pub status: String,
    /// A short summary of the document (required, but may be null).
    #[serde(default)]
    pub summary: Option<String>,
    /// The document's title (required, but may be null).
    #[serde(default)]
    pub title: Option<String>,
    /// The document's type, the API's `type`, e.g. "notion_page" or "google_doc" (required).
    #[serde(rename = "type")]
    pub kind: String,
    /// When the document was last updated, an ISO 8601 date (required).
    pub updated_at: String,
}

/// A page of the resources a GitHub connection can sync (its repositories).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Resources {
    /// The resources of this page, each a JSON object as the provider describes it (required).
    pub resources: Vec<Value>,
    /// How many resources there are over all pages, the API's `total_count`.
    #[serde(
        rename = "total_count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
}

/// The answer of configuring which resources a GitHub connection syncs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Configured {
    /// Whether the configuration was saved (required).
    pub success: bool,
    /// The API's words about it, e.g. "Configured 2 resources" (required).
    pub message: String,
    /// How many webhooks the provider registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks_registered: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use serde_json::json;

    /// Reads `value` as a `T`, panicking with serde's message when it does not fit.
    fn read<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("the answer fits the type")
    }

    /// The JSON object names of `value`, sorted.
    fn names(value: &Value) -> Vec<&str> {
        let mut names: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    fn sync_run(status: &str, error_code: Option<SyncErrorCode>) -> SyncRun {
        SyncRun {
            status: status.to_string(),
            error_code,
            error: None,
            started_at: None,
            completed_at: None,
        }
    }

    #[test]
    fn created_connection_for_oauth_and_plain_providers() {
        let oauth: CreatedConnection = read(json!({
            "id": "conn_1a2b3c4d",
            "authLink": "https://api.example/oauth/notion/authorize?connection=conn_1a2b3c4d",
            "expiresIn": "1 hour",
            "redirectsTo": "https://app.example/done",
            "someNewField": { "x": 1 }
        }));
        assert_eq!(oauth.id, "conn_1a2b3c4d");
        assert_eq!(
            oauth.auth_link.as_deref(),
            Some("https://api.example/oauth/notion/authorize?connection=conn_1a2b3c4d")
        );
        assert_eq!(oauth.expires_in.as_deref(), Some("1 hour"));
        assert_eq!(
            oauth.redirects_to.as_deref(),
            Some("https://app.example/done")
        );
        let back = serde_json::to_value(&oauth).unwrap();
        assert_eq!(names(&back), ["authLink", "expiresIn", "id", "redirectsTo"]);
        assert_eq!(back["authLink"], oauth.auth_link.as_deref().unwrap());
        assert_eq!(read::<CreatedConnection>(back), oauth);

        let plain: CreatedConnection = read(json!({
            "id": "conn_5e6f", "authLink": null, "expiresIn": null
        }));
        assert_eq!(plain.id, "conn_5e6f");
        assert_eq!(plain.auth_link, None);
        assert_eq!(plain.expires_in, None);
        assert_eq!(plain.redirects_to, None);
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!({ "id": "conn_5e6f" })
        );

        let bare: CreatedConnection = read(json!({ "id": "conn_9" }));
        assert_eq!(bare.auth_link, None);
        assert!(serde_json::from_value::<CreatedConnection>(json!({ "authLink": "x" })).is_err());
    }

    #[test]
    fn connection_with_every_field() {
        let connection: Connection = read(json!({
            "id": "conn_1a2b3c4d",
            "createdAt": "2026-11-24T10:00:00.000Z",
            "provider": "google-drive",
            "documentLimit": 500,
            "email": "ada@example.com",
            "expiresAt": "2026-11-24T11:00:00.000Z",
            "metadata": { "team": "docs", "seats": 3 },
            "lastSyncRun": {
                "status": "completed",
                "errorCode": null,
                "error": null,
                "startedAt": "2026-11-24T10:00:01.000Z",
                "completedAt": "2026-11-24T10:00:02.500Z"
            },
            "containerTags": ["user_1"]
        }));
        assert_eq!(connection.id, "conn_1a2b3c4d");
        assert_eq!(connection.provider, "google-drive");
        assert_eq!(connection.created_at, "2026-11-24T10:00:00.000Z");
        assert_eq!(connection.document_limit, Some(500));
        assert_eq!(connection.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            connection.expires_at.as_deref(),
            Some("2026-11-24T11:00:00.000Z")
        );
        let metadata = connection.metadata.as_ref().unwrap();
        assert_eq!(metadata.len(), 2);
        assert_eq!(metadata["team"], "docs");
        assert_eq!(metadata["seats"], 3);
        let run = connection.last_sync_run.as_ref().unwrap();
        assert_eq!(run.status, "completed");
        assert_eq!(run.error_code, None);
        assert_eq!(run.error, None);
        assert_eq!(run.started_at.as_deref(), Some("2026-11-24T10:00:01.000Z"));
        assert_eq!(
            run.completed_at.as_deref(),
            Some("2026-11-24T10:00:02.500Z")
        );
        assert!(run.is_finished());

        let back = serde_json::to_value(&connection).unwrap();
        assert_eq!(
            names(&back),
            [
                "createdAt",
                "documentLimit",
                "email",
                "expiresAt",
                "id",
                "lastSyncRun",
                "metadata",
                "provider"
            ]
        );
        assert_eq!(
            names(&back["lastSyncRun"]),
            ["completedAt", "startedAt", "status"]
        );
        assert_eq!(back["documentLimit"], 500);
        assert_eq!(back["metadata"], json!({ "team": "docs", "seats": 3 }));
        assert_eq!(read::<Connection>(back), connection);
    }

    #[test]
    fn connection_with_required_fields_only() {
        let connection: Connection = read(json!({
            "id": "conn_7",
            "createdAt": "2026-11-24T10:00:00.000Z",
            "provider": "s3"
        }));
        assert_eq!(connection.id, "conn_7");
        assert_eq!(connection.provider, "s3");
        assert_eq!(connection.created_at, "2026-11-24T10:00:00.000Z");
        assert_eq!(connection.email, None);
        assert_eq!(connection.document_limit, None);
        assert_eq!(connection.expires_at, None);
        assert_eq!(connection.metadata, None);
        assert_eq!(connection.last_sync_run, None);
        assert_eq!(
            serde_json::to_value(&connection).unwrap(),
            json!({ "id": "conn_7", "createdAt": "2026-11-24T10:00:00.000Z", "provider": "s3" })
        );
        assert!(serde_json::from_value::<Connection>(json!({
            "id": "conn_7", "provider": "s3"
        }))
        .is_err());
        assert!(serde_json::from_value::<Connection>(json!({
            "id": "conn_7", "createdAt": "t", "provider": "s3", "lastSyncRun": {}
        }))
        .is_err());
    }

    #[test]
    fn failed_sync_run_reads_its_code_and_message() {
        let connection: Connection = read(json!({
            "id": "conn_8",
            "createdAt": "2026-11-24T10:00:00.000Z",
            "provider": "notion",
            "lastSyncRun": {
                "status": "failed",
                "errorCode": "auth_expired",
                "error": "The provider's access expired",
                "startedAt": "2026-11-24T10:00:01.000Z",
                "completedAt": "2026-11-24T10:00:03.000Z",
                "attempt": 2
            }
        }));
        let run = connection.last_sync_run.unwrap();
        assert_eq!(run.status, "failed");
        assert_eq!(run.error_code, Some(SyncErrorCode::AuthExpired));
        assert_eq!(run.error.as_deref(), Some("The provider's access expired"));
        assert_eq!(run.started_at.as_deref(), Some("2026-11-24T10:00:01.000Z"));
        assert_eq!(
            run.completed_at.as_deref(),
            Some("2026-11-24T10:00:03.000Z")
        );
        let back = serde_json::to_value(&run).unwrap();
        assert_eq!(
            back,
            json!({
                "status": "failed",
                "errorCode": "auth_expired",
                "error": "The provider's access expired",
                "startedAt": "2026-11-24T10:00:01.000Z",
                "completedAt": "2026-11-24T10:00:03.000Z"
            })
        );

        let running: SyncRun = read(json!({ "status": "running" }));
        assert_eq!(running, sync_run("running", None));
    }

    #[test]
    fn sync_error_codes_round_trip() {
        let known = [
            (SyncErrorCode::AuthExpired, "auth_expired"),
            (SyncErrorCode::RateLimited, "rate_limited"),
            (SyncErrorCode::PlanRequired, "plan_required"),
            (SyncErrorCode::ProviderUnavailable, "provider_unavailable"),
            (SyncErrorCode::Internal, "internal"),
        ];
        for (code, text) in known {
            assert_eq!(code.as_str(), text);
            assert_eq!(code.to_string(), text);
            assert_eq!(serde_json::to_value(&code).unwrap(), json!(text));
            assert_eq!(read::<SyncErrorCode>(json!(text)), code);
            let from_text: SyncErrorCode = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(from_text, code);
            assert_eq!(SyncErrorCode::from(text), code);
        }

        let newer: SyncErrorCode = read(json!("quota_exceeded"));
        assert_eq!(newer, SyncErrorCode::Other("quota_exceeded".to_string()));
        assert_eq!(newer.as_str(), "quota_exceeded");
        assert_eq!(serde_json::to_string(&newer).unwrap(), "\"quota_exceeded\"");
        let escaped: SyncErrorCode = serde_json::from_str("\"quota_\\u0065xceeded\"").unwrap();
        assert_eq!(escaped, newer);
        assert_eq!(
            SyncErrorCode::from("auth_expired".to_string()),
            SyncErrorCode::AuthExpired
        );

        assert_eq!(read::<Option<SyncErrorCode>>(Value::Null), None);
        assert_eq!(
            read::<Option<SyncErrorCode>>(json!("internal")),
            Some(SyncErrorCode::Internal)
        );
        assert!(serde_json::from_value::<SyncErrorCode>(json!(3)).is_err());
        assert!(serde_json::from_value::<SyncErrorCode>(Value::Null).is_err());

        let unknown_in_run: SyncRun = read(json!({
            "status": "failed", "errorCode": "quota_exceeded", "error": null
        }));
        assert_eq!(
            unknown_in_run.error_code,
            Some(SyncErrorCode::Other("quota_exceeded".to_string()))
        );
        assert_eq!(unknown_in_run.error, None);
    }

    #[test]
    fn sync_run_is_finished_when_completed_failed_or_coded() {
        assert!(sync_run("completed", None).is_finished());
        assert!(sync_run("failed", None).is_finished());
        assert!(!sync_run("running", None).is_finished());
        assert!(!sync_run("queued", None).is_finished());
        assert!(sync_run("running", Some(SyncErrorCode::RateLimited)).is_finished());
        assert!(sync_run("running", Some(SyncErrorCode::Other("new".to_string()))).is_finished());
        let coded: SyncRun = read(json!({ "status": "running", "errorCode": "rate_limited" }));
        assert!(coded.is_finished());
        let nulled: SyncRun = read(json!({ "status": "running", "errorCode": null }));
        assert!(!nulled.is_finished());
    }

    #[test]
    fn deleted_connections_list() {
        let deleted: Vec<DeletedConnection> = read(json!([
            { "id": "conn_1", "provider": "notion" },
            { "id": "conn_2", "provider": "notion", "deletedAt": "2026-11-24T10:00:00.000Z" }
        ]));
        assert_eq!(deleted.len(), 2);
        assert_eq!(deleted[0].id, "conn_1");
        assert_eq!(deleted[0].provider, "notion");
        assert_eq!(deleted[1].id, "conn_2");
        assert_eq!(deleted[1].provider, "notion");
        let back = serde_json::to_value(&deleted).unwrap();
        assert_eq!(
            back,
            json!([
                { "id": "conn_1", "provider": "notion" },
                { "id": "conn_2", "provider": "notion" }
            ])
        );
        assert!(serde_json::from_value::<DeletedConnection>(json!({ "id": "conn_1" })).is_err());
    }

    #[test]
    fn documents_with_values_and_nulls() {
        let documents: Vec<Document> = read(json!([
            {
                "id": "doc_0a1b2c3d",
                "createdAt": "2026-11-24T10:00:02.000Z",
                "status": "done",
                "summary": "A tour of pages, blocks and databases.",
                "title": "Welcome to Notion",
                "type": "notion_page",
                "updatedAt": "2026-11-24T10:05:00.000Z",
                "containerTags": ["user_1"]
            },
            {
                "id": null,
                "createdAt": "2026-11-24T10:00:02.000Z",
                "status": "queued",
                "summary": null,
                "title": null,
                "type": "email",
                "updatedAt": "2026-11-24T10:00:02.000Z"
            }
        ]));
        let first = &documents[0];
        assert_eq!(first.id.as_deref(), Some("doc_0a1b2c3d"));
        assert_eq!(first.created_at, "2026-11-24T10:00:02.000Z");
        assert_eq!(first.status, "done");
        assert_eq!(
            first.summary.as_deref(),
            Some("A tour of pages, blocks and databases.")
        );
        assert_eq!(first.title.as_deref(), Some("Welcome to Notion"));
        assert_eq!(first.kind, "notion_page");
        assert_eq!(first.updated_at, "2026-11-24T10:05:00.000Z");
        let second = &documents[1];
        assert_eq!(second.id, None);
        assert_eq!(second.status, "queued");
        assert_eq!(second.summary, None);
        assert_eq!(second.title, None);
        assert_eq!(second.kind, "email");
        assert_eq!(second.updated_at, "2026-11-24T10:00:02.000Z");

        let back = serde_json::to_value(second).unwrap();
        assert_eq!(
            back,
            json!({
                "id": null,
                "createdAt": "2026-11-24T10:00:02.000Z",
                "status": "queued",
                "summary": null,
                "title": null,
                "type": "email",
                "updatedAt": "2026-11-24T10:00:02.000Z"
            })
        );
        let back_first = serde_json::to_value(first).unwrap();
        assert_eq!(
            names(&back_first),
            [
                "createdAt",
                "id",
                "status",
                "summary",
                "title",
                "type",
                "updatedAt"
            ]
        );
        assert_eq!(back_first["type"], "notion_page");
        assert_eq!(read::<Document>(back_first), *first);
        assert!(serde_json::from_value::<Document>(json!({
            "id": null, "createdAt": "t", "status": "done", "summary": null, "title": null,
            "updatedAt": "t"
        }))
        .is_err());
    }

    #[test]
    fn resources_with_and_without_total_count() {
        let page: Resources = read(json!({
            "resources": [
                {
                    "id": 101,
                    "name": "notes",
                    "full_name": "octo-org/notes",
                    "private": false,
                    "description": "Team notes",
                    "html_url": "https://github.com/octo-org/notes",
                    "default_branch": "main"
                },
                { "id": 102, "name": "docs", "full_name": "octo-org/docs", "private": true }
            ],
            "total_count": 7,
            "page": 1
        }));
        assert_eq!(page.resources.len(), 2);
        assert_eq!(page.resources[0]["full_name"], "octo-org/notes");
        assert_eq!(page.resources[0]["id"], 101);
        assert_eq!(page.resources[1]["private"], true);
        assert_eq!(page.total_count, Some(7));
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(names(&back), ["resources", "total_count"]);
        assert_eq!(back["total_count"], 7);
        assert_eq!(read::<Resources>(back), page);

        let empty: Resources = read(json!({ "resources": [] }));
        assert_eq!(empty.resources, Vec::<Value>::new());
        assert_eq!(empty.total_count, None);
        assert_eq!(
            serde_json::to_value(&empty).unwrap(),
            json!({ "resources": [] })
        );
        assert!(serde_json::from_value::<Resources>(json!({ "total_count": 1 })).is_err());
        assert!(
            serde_json::from_value::<Resources>(json!({ "resources": [], "totalCount": 3 }))
                .unwrap()
                .total_count
                .is_none()
        );
    }

    #[test]
    fn configured_with_and_without_webhooks() {
        let configured: Configured = read(json!({
            "success": true,
            "message": "Configured 2 resources",
            "webhooksRegistered": 2,
            "requestId": "req_1"
        }));
        assert!(configured.success);
        assert_eq!(configured.message, "Configured 2 resources");
        assert_eq!(configured.webhooks_registered, Some(2));
        let back = serde_json::to_value(&configured).unwrap();
        assert_eq!(
            back,
            json!({ "success": true, "message": "Configured 2 resources", "webhooksRegistered": 2 })
        );

        let bare: Configured = read(json!({ "success": false, "message": "Nothing to do" }));
        assert!(!bare.success);
        assert_eq!(bare.message, "Nothing to do");
        assert_eq!(bare.webhooks_registered, None);
        assert_eq!(
            serde_json::to_value(&bare).unwrap(),
            json!({ "success": false, "message": "Nothing to do" })
        );
        assert!(serde_json::from_value::<Configured>(json!({ "success": true })).is_err());
    }

    #[test]
    fn answers_are_clone_and_compare_by_value() {
        let created: CreatedConnection = read(json!({ "id": "conn_1" }));
        let mut copy = created.clone();
        assert_eq!(copy, created);
        copy.auth_link = Some("https://api.example/oauth".to_string());
        assert_ne!(copy, created);
        let stored: Vec<CreatedConnection> = [created.clone(), copy].into_iter().collect();
        assert_eq!(stored[0], created);
        assert_eq!(
            stored[1].auth_link.as_deref(),
            Some("https://api.example/oauth")
        );
    }
}
