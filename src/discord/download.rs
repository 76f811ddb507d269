//! Files given to attachment options, fetched with the edge's one HTTP client: only from
//! Discord's attachment hosts (or the configured API origin, a proxy or a local fake), within
//! a time limit, and never more than [`MAX_FILE_BYTES`] however large the file says it is.

use std::time::Duration;

use serenity::all::CommandInteraction;
use url::Url;

use crate::commands::Command;
use crate::commands::command::Upload;
use crate::commands::invocation::InputFile;

/// Files larger than this are refused: an import of export figures or chart weeks is far
/// smaller.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// A download that takes longer than this is given up (the answer has been deferred by then).
const TIMEOUT: Duration = Duration::from_secs(10);
/// Where Discord serves attachments.
const DISCORD_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("the attachment is not on Discord's attachment hosts")]
    ForeignHost,
    #[error("the attachment is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    #[error("downloading the attachment failed")]
    Failed(#[from] reqwest::Error),
}

#[derive(Clone)]
pub struct Downloader {
    client: reqwest::Client,
    /// The configured API base URL's origin, which serves attachments too (a proxy, a fake).
    api_origin: Option<url::Origin>,
}

impl Downloader {
    pub fn new(client: reqwest::Client, api_base_url: Option<&str>) -> Downloader {
        Downloader {
            client,
            api_origin: api_base_url
                .and_then(|u| Url::parse(u).ok())
                .map(|u| u.origin()),
        }
    }

    fn allowed(&self, url: &Url) -> bool {
        let discord = url.scheme() == "https"
            && url.port().is_none()
            && url.host_str().is_some_and(|h| DISCORD_HOSTS.contains(&h));
        discord || self.api_origin.as_ref() == Some(&url.origin())
    }

    /// The bytes at `url`, read in chunks and given up past [`MAX_FILE_BYTES`].
    pub async fn fetch(&self, url: &str) -> Result<Vec<u8>, DownloadError> {
        let url = Url::parse(url).map_err(|_| DownloadError::ForeignHost)?;
        if !self.allowed(&url) {
            return Err(DownloadError::ForeignHost);
        }
        let mut response = self
            .client
            .get(url)
            .timeout(TIMEOUT)
            .send()
            .await?
            .error_for_status()?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_FILE_BYTES as u64)
        {
            return Err(DownloadError::TooLarge);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(DownloadError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Downloads the file given to the command's attachment option, if it has one.
    pub async fn fetch_files(
        &self,
        i: &CommandInteraction,
        command: &mut Command,
    ) -> Result<(), DownloadError> {
        let Some(upload) = command.upload_mut() else {
            return Ok(());
        };
        let &mut Upload::Attachment(id) = upload else {
            return Ok(());
        };
        let Some(a) = i
            .data
            .resolved
            .attachments
            .iter()
            .find_map(|(k, a)| (k.get() == id).then_some(a))
        else {
            return Ok(());
        };
        if a.size as usize > MAX_FILE_BYTES {
            return Err(DownloadError::TooLarge);
        }
        let bytes = self.fetch(&a.url).await?;
        *upload = Upload::File(InputFile {
            option: "file".to_string(),
            filename: a.filename.clone(),
            bytes,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_discords_hosts_and_the_api_origin_are_fetched_from() {
        let d = Downloader::new(reqwest::Client::new(), Some("http://127.0.0.1:8790"));
        let allowed = |u: &str| d.allowed(&Url::parse(u).unwrap());
        assert!(allowed(
            "https://cdn.discordapp.com/attachments/1/2/a.csv?ex=1"
        ));
        assert!(allowed(
            "https://media.discordapp.net/attachments/1/2/a.csv"
        ));
        assert!(allowed("http://127.0.0.1:8790/attachments/1/a.csv"));
        for foreign in [
            "http://cdn.discordapp.com/attachments/1/2/a.csv",
            "https://cdn.discordapp.com:8443/a.csv",
            "https://cdn.discordapp.com.evil.example/a.csv",
            "https://evil.example/cdn.discordapp.com/a.csv",
            "http://127.0.0.1:8791/attachments/1/a.csv",
            "http://localhost:8790/attachments/1/a.csv",
        ] {
            assert!(!allowed(foreign), "{foreign}");
        }
        let plain = Downloader::new(reqwest::Client::new(), None);
        assert!(!plain.allowed(&Url::parse("http://127.0.0.1:8790/a.csv").unwrap()));
    }
}
