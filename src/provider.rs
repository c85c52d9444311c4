//! The eight providers a connection can be made to.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::value::Value;

/// A provider supermemory can sync documents from.
///
/// ```
/// use supermemory_connections::Provider;
///
/// let provider: Provider = "google-drive".parse()?;
/// assert_eq!(provider, Provider::GoogleDrive);
/// assert_eq!(provider.as_str(), "google-drive");
/// # Ok::<(), supermemory_connections::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Notion (OAuth).
    Notion,
    /// Google Drive (OAuth).
    GoogleDrive,
    /// Microsoft OneDrive (OAuth).
    OneDrive,
    /// Gmail (OAuth).
    Gmail,
    /// GitHub (OAuth).
    GitHub,
    /// A web crawler starting at `metadata.startUrl` (no OAuth).
    WebCrawler,
    /// An S3 bucket reached with the caller's keys (no OAuth).
    S3,
    /// Granola, reached with the caller's Granola API key (no OAuth).
    Granola,
}

/// Every provider, in the order the API documents them.
pub const ALL_PROVIDERS: [Provider; 8] = [
    Provider::Notion,
    Provider::GoogleDrive,
    Provider::OneDrive,
    Provider::Gmail,
    Provider::GitHub,
    Provider::WebCrawler,
    Provider::S3,
    Provider::Granola,
];

const PROVIDER_MESSAGE: &str = "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola";

impl Provider {
    /// The provider's name in the API's paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Notion => "notion",
            Provider::GoogleDrive => "google-drive",
            Provider::OneDrive => "onedrive",
            Provider::Gmail => "gmail",
            Provider::GitHub => "github",
            Provider::WebCrawler => "web-crawler",
            Provider::S3 => "s3",
            Provider::Granola => "granola",
        }
    }

    /// Whether connecting needs the user's consent on the provider's OAuth page.
    pub fn uses_oauth(self) -> bool {
        !matches!(
            self,
            Provider::WebCrawler | Provider::S3 | Provider::Granola
        )
    }

    /// The provider with this exact name, if any.
    #[doc(hidden)]
    pub fn from_name(name: &str) -> Option<Provider> {
        ALL_PROVIDERS.into_iter().find(|p| p.as_str() == name)
    }

    /// Reads the `provider` argument, with the list of valid names in the error.
    pub fn parse(value: &Value) -> Result<Provider, Error> {
        let found = match value {
            Value::String(name) => Provider::from_name(name),
            _ => None,
        };
        found.ok_or_else(|| Error::invalid("provider", PROVIDER_MESSAGE))
    }
}

impl core::str::FromStr for Provider {
    type Err = crate::api::Error;

    /// The provider named as the API names it (`notion`, `google-drive`, ...).
    ///
    /// # Errors
    ///
    /// `InvalidRequest` (field `provider`) for any other name, with the list of valid ones.
    fn from_str(name: &str) -> Result<Provider, Self::Err> {
        Provider::parse(&Value::String(name.into())).map_err(crate::api::Error::from)
    }
}

impl core::fmt::Display for Provider {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for provider in ALL_PROVIDERS {
            assert_eq!(Provider::from_name(provider.as_str()), Some(provider));
        }
    }

    #[test]
    fn only_three_providers_skip_oauth() {
        let without: Vec<_> = ALL_PROVIDERS
            .into_iter()
            .filter(|p| !p.uses_oauth())
            .map(Provider::as_str)
            .collect();
        assert_eq!(without, ["web-crawler", "s3", "granola"]);
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        for bad in ["dropbox", "Notion", " notion", "notion ", ""] {
            let error = Provider::parse(&Value::String(bad.into())).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("provider"));
            assert_eq!(
                error.message,
                "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola"
            );
        }
    }

    #[test]
    fn non_strings_are_refused() {
        for bad in [
            Value::Undefined,
            Value::Null,
            Value::Number(1.0),
            Value::Other("a symbol"),
        ] {
            let error = Provider::parse(&bad).unwrap_err();
            assert_eq!(
                error.message,
                "provider must be one of: notion, google-drive, onedrive, gmail, github, web-crawler, s3, granola"
            );
        }
    }
}
