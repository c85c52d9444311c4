//! [`Connections`]: the eleven operations of `/v3/connections` for the Rust API. Each builds the
//! same values the npm package reads from JavaScript, runs the same validation and the same
//! transport, and reads the answer into its typed struct.

#[allow(unused_imports)]
use crate::prelude::*;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::answers::{
    Configured, Connection, CreatedConnection, DeletedConnection, Document, Resources,
};
use crate::api::client::{with_environment, Client};
use crate::api::error::Error;
use crate::api::params::{
    millis, strings, CreateConnection, Documents, RequestOptions, ResourcesQuery, WaitOptions,
};
use crate::connection_params as params;
use crate::error::ErrorCode;
use crate::input::Reader;
use crate::operations::{self, Operation, Session};
use crate::options::RequestConfig;
use crate::path;
use crate::provider::Provider;
use crate::request;
use crate::value::Value;

/// The connection operations of a [`Client`], from [`Client::connections`]. Each returns a
/// future; dropping it before it completes aborts its request.
#[derive(Debug, Clone)]
pub struct Connections<'a> {
    client: &'a Client,
    options: RequestOptions,
}

impl<'a> Connections<'a> {
    pub(crate) fn new(client: &'a Client) -> Connections<'a> {
        Connections {
            client,
            options: RequestOptions::default(),
        }
    }

    /// The same operations with this call's own timeout, retries or abort signal.
    ///
    /// ```no_run
    /// # async fn demo(client: supermemory_connections::Client) -> Result<(), supermemory_connections::Error> {
    /// use std::time::Duration;
    /// use supermemory_connections::RequestOptions;
    ///
    /// let options = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
    /// let all = client.connections().with_options(options).list(["user_123"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(mut self, options: RequestOptions) -> Connections<'a> {
        self.options = options;
        self
    }

    /// Creates a connection (`POST /v3/connections/{provider}`). For the OAuth providers, send
    /// the user to `auth_link` (see [`redirect_to_auth_link`](crate::redirect_to_auth_link)); it
    /// expires, so create the connection when the user asks.
    ///
    /// # Errors
    ///
    /// `InvalidRequest` (nothing sent) for parameters that break a rule; the API's status as
    /// its code; `Connection`, `Timeout`, `Aborted`; `InvalidResponse` for an answer that is not
    /// what the API documents.
    pub async fn create(
        &self,
        provider: Provider,
        params: CreateConnection,
    ) -> Result<CreatedConnection, Error> {
        let (reader, request) = self.prepare()?;
        let config = self.client.inner.config.clone();
        let call = with_environment(|env| {
            request::validate_create_params(provider, config, &params.to_value(), request, env)
        })?;
        Ok(operations::create(call, &reader).await?)
    }

    /// Lists connections (`POST /v3/connections/list`): those carrying every one of
    /// `container_tags`, or all of the organisation's when none is given.
    ///
    /// # Errors
    ///
    /// As [`create`](Connections::create).
    pub async fn list<I>(&self, container_tags: I) -> Result<Vec<Connection>, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = tags_body(container_tags, false)?;
        self.typed(Operation::list(body)).await
    }

    /// One connection by id (`GET /v3/connections/{connectionId}`).
    ///
    /// # Errors
    ///
    /// `InvalidRequest` for an empty id, `.` or `..`; `NotFound` for an unknown one; as
    /// [`create`](Connections::create) otherwise.
    pub async fn get_by_id(&self, connection_id: &str) -> Result<Connection, Error> {
        let id = connection_id_path(connection_id)?;
        self.typed(Operation::get_by_id(&id)).await
    }

    /// The provider's connection under exactly these tags
    /// (`POST /v3/connections/{provider}/connection`); at least one tag.
    ///
    /// # Errors
    ///
    /// `InvalidRequest` without a tag; `NotFound` when there is none; as
    /// [`create`](Connections::create) otherwise.
    pub async fn get_by_tag<I>(
        &self,
        provider: Provider,
        container_tags: I,
    ) -> Result<Connection, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = tags_body(container_tags, true)?;
        self.typed(Operation::get_by_tag(provider.as_str(), body))
            .await
    }

    /// Deletes one connection (`DELETE /v3/connections/{connectionId}`), keeping or deleting
    /// the documents it imported: the choice is yours to make, never a default.
    ///
    /// # Errors
    ///
    /// As [`get_by_id`](Connections::get_by_id).
    pub async fn delete_by_id(
        &self,
        connection_id: &str,
        documents: Documents,
    ) -> Result<Vec<DeletedConnection>, Error> {
        let id = connection_id_path(connection_id)?;
        let operation = Operation::delete_by_id(&id, documents == Documents::Delete);
        self.typed(operation).await
    }

    /// Deletes the provider's connections under exactly these tags
    /// (`DELETE /v3/connections/{provider}`); at least one tag.
    ///
    /// # Errors
    ///
    /// As [`get_by_tag`](Connections::get_by_tag).
    pub async fn delete_by_provider<I>(
        &self,
        provider: Provider,
        container_tags: I,
    ) -> Result<Vec<DeletedConnection>, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = tags_body(container_tags, true)?;
        self.typed(Operation::delete_by_provider(provider.as_str(), body))
            .await
    }

    /// Starts a sync of the provider's connections under these tags, or all of them
    /// (`POST /v3/connections/{provider}/import`); resolves to the API's text.
    ///
    /// # Errors
    ///
    /// As [`create`](Connections::create).
    pub async fn import<I>(&self, provider: Provider, container_tags: I) -> Result<String, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = tags_body(container_tags, false)?;
        let answer = self.run(Operation::import(provider.as_str(), body)).await?;
        Ok(answer.as_string().unwrap_or_default())
    }

    /// The documents the provider's connections imported
    /// (`POST /v3/connections/{provider}/documents`).
    ///
    /// # Errors
    ///
    /// As [`create`](Connections::create).
    pub async fn list_documents<I>(
        &self,
        provider: Provider,
        container_tags: I,
    ) -> Result<Vec<Document>, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = tags_body(container_tags, false)?;
        self.typed(Operation::list_documents(provider.as_str(), body))
            .await
    }

    /// The resources a GitHub connection can sync (`GET /v3/connections/{connectionId}/resources`).
    ///
    /// # Errors
    ///
    /// `InvalidRequest` for a page or page size out of range; as
    /// [`get_by_id`](Connections::get_by_id) otherwise.
    pub async fn resources(
        &self,
        connection_id: &str,
        query: ResourcesQuery,
    ) -> Result<Resources, Error> {
        let id = connection_id_path(connection_id)?;
        let query = params::parse_resources_query(&Value::Object(query.entries))?;
        self.typed(Operation::resources(&id, &query)).await
    }

    /// Chooses the resources a GitHub connection syncs
    /// (`POST /v3/connections/{connectionId}/configure`), as the API names them.
    ///
    /// # Errors
    ///
    /// `InvalidRequest` when an item is not a JSON object; as
    /// [`get_by_id`](Connections::get_by_id) otherwise.
    pub async fn configure(
        &self,
        connection_id: &str,
        resources: Vec<serde_json::Value>,
    ) -> Result<Configured, Error> {
        let id = connection_id_path(connection_id)?;
        let pictured = resources.iter().map(picture).collect();
        params::check_configure(&Value::Object(vec![(
            "resources".to_string(),
            Value::Array(pictured),
        )]))?;
        let mut body = serde_json::Map::new();
        body.insert("resources".to_string(), serde_json::Value::Array(resources));
        let text = serde_json::to_string(&body).map_err(|_| {
            Error::from(crate::error::Error::invalid(
                "resources",
                "resources could not be encoded as JSON",
            ))
        })?;
        self.typed(Operation::configure(&id, JsValue::from_str(&text)))
            .await
    }

    /// Polls the connection until its sync has ended (completed, failed, or an error code set)
    /// and returns it.
    ///
    /// # Errors
    ///
    /// `NotFound` for an unknown id; `Timeout` once `max_wait` has passed; `Aborted` when the
    /// signal (the options' or the call's) aborts; as [`get_by_id`](Connections::get_by_id)
    /// otherwise.
    pub async fn wait_for_connection(
        &self,
        connection_id: &str,
        options: WaitOptions,
    ) -> Result<Connection, Error> {
        let id = connection_id_path(connection_id)?;
        // The call's own timeout, retries and signal apply to each poll; a signal given in
        // `options` takes the place of the call's.
        let (mut reader, mut request) = self.prepare()?;
        let mut entries = Vec::new();
        if let Some(interval) = options.interval {
            entries.push(("interval".to_string(), millis(interval)));
        }
        if let Some(max_wait) = options.max_wait {
            entries.push(("maxWait".to_string(), millis(max_wait)));
        }
        if let Some(signal) = &options.signal {
            entries.push(("signal".to_string(), Value::Signal(reader.keep(signal))));
        }
        let wait = params::parse_wait_options(&Value::Object(entries))?;
        if wait.signal.is_some() {
            request.signal = wait.signal;
        }
        let session = Session {
            client: self.client.inner.config.clone(),
            request,
            reader: &reader,
        };
        let answer = session.wait_for_connection(&id, &wait).await?;
        from_json(&answer)
    }

    /// The call's reader (the client's kept values and this call's signal) and settings.
    fn prepare(&self) -> Result<(Reader, RequestConfig), Error> {
        unavailable_outside_the_browser()?;
        let mut reader = self.client.inner.reader.clone();
        let mut entries = Vec::new();
        if let Some(timeout) = self.options.timeout {
            entries.push(("timeout".to_string(), millis(timeout)));
        }
        if let Some(retries) = self.options.max_retries {
            entries.push(("maxRetries".to_string(), Value::Number(f64::from(retries))));
        }
        if let Some(signal) = &self.options.signal {
            entries.push(("signal".to_string(), Value::Signal(reader.keep(signal))));
        }
        let request = request::validate_request_options(&Value::Object(entries))?;
        Ok((reader, request))
    }

    /// Sends the operation and hands back its checked answer as the API sent it.
    async fn run(&self, operation: Operation) -> Result<JsValue, Error> {
        let (reader, request) = self.prepare()?;
        let session = Session {
            client: self.client.inner.config.clone(),
            request,
            reader: &reader,
        };
        Ok(session.run(operation).await?)
    }

    async fn typed<T: DeserializeOwned>(&self, operation: Operation) -> Result<T, Error> {
        from_json(&self.run(operation).await?)
    }
}

/// Calls need the browser's `fetch`: outside wasm (server rendering) they fail at once.
fn unavailable_outside_the_browser() -> Result<(), Error> {
    if cfg!(target_arch = "wasm32") {
        Ok(())
    } else {
        Err(Error::from(crate::error::Error::new(
            ErrorCode::Connection,
            "no fetch outside the browser: call the API from the wasm build of your app",
        )))
    }
}

/// The id as it goes in the path, checked as the npm package checks it.
fn connection_id_path(id: &str) -> Result<String, Error> {
    Ok(path::connection_id(&Value::String(id.to_string()))?)
}

/// `{ containerTags }` as JSON text; an empty list is left out unless tags are required.
fn tags_body<I>(container_tags: I, required: bool) -> Result<JsValue, Error>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    let tags = strings(container_tags);
    let entries = match &tags {
        Value::Array(items) if items.is_empty() && !required => Vec::new(),
        _ => vec![("containerTags".to_string(), tags)],
    };
    let body = params::parse_tags(&Value::Object(entries), required)?;
    Ok(operations::stringify(&body.to_js())?)
}

/// A checked answer (a JavaScript value) read into its Rust type.
fn from_json<T: DeserializeOwned>(answer: &JsValue) -> Result<T, Error> {
    let text = crate::guard::json_stringify(answer)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|_| {
        Error::from(crate::error::Error::new(
            ErrorCode::InvalidResponse,
            "the API's answer does not have the documented shape",
        ))
    })
}

/// The kind of a JSON value, as the validation of `configure` reads it.
fn picture(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(flag) => Value::Bool(*flag),
        serde_json::Value::Number(_) => Value::Number(0.0),
        serde_json::Value::String(_) => Value::String(String::new()),
        serde_json::Value::Array(_) => Value::Other("an array"),
        serde_json::Value::Object(_) => Value::Other(crate::value::NESTED_OBJECT),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn outside_the_browser_a_call_fails_with_connection_instead_of_panicking() {
        let client = Client::builder()
            .base_url("https://proxy.example.com")
            .build()
            .unwrap();
        let error =
            futures::executor::block_on(client.connections().get_by_id("conn_1")).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Connection);
        assert_eq!(
            error.message(),
            "no fetch outside the browser: call the API from the wasm build of your app"
        );
        // Validation still comes first.
        let error = futures::executor::block_on(client.connections().get_by_id("")).unwrap_err();
        assert_eq!(error.field(), Some("connectionId"));
        let error = futures::executor::block_on(
            client
                .connections()
                .get_by_tag(Provider::Notion, Vec::<String>::new()),
        )
        .unwrap_err();
        assert_eq!(error.field(), Some("containerTags"));
        assert_eq!(error.message(), "containerTags must have at least one tag");
    }
}
