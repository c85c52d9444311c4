//! Validation of a whole call: the provider, then the options in their documented order, then
//! the provider's own metadata. The first failing rule is the error.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::create_params::{
    check_provider_metadata, parse_create_params, CreateBody, CREATE_PARAMS,
};
use crate::error::Error;
use crate::options::{
    parse_client, parse_request, ClientConfig, RequestConfig, CLIENT_OPTIONS, REQUEST_OPTIONS,
};
use crate::provider::Provider;
use crate::rules;
use crate::url::Environment;
use crate::value::Value;

/// A create call that passed every rule, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCall {
    /// Which provider to connect.
    pub provider: Provider,
    /// How to reach the API.
    pub client: ClientConfig,
    /// What to send.
    pub body: CreateBody,
    /// This call's own settings.
    pub request: RequestConfig,
}

/// Validates `createConnection(provider, options)`, where one object holds every option.
#[cfg_attr(not(feature = "npm"), allow(dead_code))]
pub fn validate_create_connection(
    provider: &Value,
    options: &Value,
    env: &Environment,
) -> Result<CreateCall, Error> {
    validate_create_connection_with(provider, options, env, &[])
}

/// [`validate_create_connection`] for a helper that takes more options (`startOAuth`'s
/// `allowedHosts`, ...): `extra` names them, for the helper to read and check itself.
#[cfg_attr(not(feature = "npm"), allow(dead_code))]
pub fn validate_create_connection_with(
    provider: &Value,
    options: &Value,
    env: &Environment,
    extra: &[&str],
) -> Result<CreateCall, Error> {
    let provider = Provider::parse(provider)?;
    let entries = rules::entries(options, "options")?;
    rules::reject_unknown(
        entries,
        &[CLIENT_OPTIONS, CREATE_PARAMS, &["signal"], extra],
    )?;
    let client = parse_client(options, env)?;
    let body = parse_create_params(options, env.urls)?;
    let mut request = parse_request(options)?;
    // timeout and maxRetries are client options here; the request keeps only the signal.
    request.timeout_ms = None;
    request.max_retries = None;
    finish(provider, client, body, request, env)
}

/// Validates `client.connections.create(provider, params, requestOptions)`.
#[cfg_attr(not(feature = "npm"), allow(dead_code))]
pub fn validate_connections_create(
    client_options: &Value,
    provider: &Value,
    params: &Value,
    request_options: &Value,
    env: &Environment,
) -> Result<CreateCall, Error> {
    let provider = Provider::parse(provider)?;
    let client = validate_client(client_options, env)?;
    rules::reject_unknown(rules::entries(params, "params")?, &[CREATE_PARAMS])?;
    let body = parse_create_params(params, env.urls)?;
    let request = validate_request_options(request_options)?;
    finish(provider, client, body, request, env)
}

/// Validates the create parameters of a checked client's call (the Rust API's path).
pub fn validate_create_params(
    provider: Provider,
    client: ClientConfig,
    params: &Value,
    request: RequestConfig,
    env: &Environment,
) -> Result<CreateCall, Error> {
    rules::reject_unknown(rules::entries(params, "params")?, &[CREATE_PARAMS])?;
    let body = parse_create_params(params, env.urls)?;
    finish(provider, client, body, request, env)
}

/// The last rule, the provider's own metadata, then the checked call.
fn finish(
    provider: Provider,
    client: ClientConfig,
    body: CreateBody,
    request: RequestConfig,
    env: &Environment,
) -> Result<CreateCall, Error> {
    check_provider_metadata(provider, &body, env.urls)?;
    Ok(CreateCall {
        provider,
        client,
        body,
        request,
    })
}

/// Validates the options a `Supermemory` client was made with.
pub fn validate_client(options: &Value, env: &Environment) -> Result<ClientConfig, Error> {
    rules::reject_unknown(rules::entries(options, "options")?, &[CLIENT_OPTIONS])?;
    parse_client(options, env)
}

/// Validates the `RequestOptions` every method takes last.
pub fn validate_request_options(options: &Value) -> Result<RequestConfig, Error> {
    rules::reject_unknown(
        rules::entries(options, "requestOptions")?,
        &[REQUEST_OPTIONS],
    )?;
    parse_request(options)
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
