//! Asking a feed's address for its file, politely: what it answered last goes back as
//! `If-None-Match` / `If-Modified-Since`, every request has a timeout, and a body is read in
//! pieces and given up on once it passes the cap.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use crate::store::Validators;

/// What an address answered.
#[derive(Debug)]
pub enum Fetched {
    /// A body, with what to send back next time.
    Body {
        bytes: Vec<u8>,
        /// The server called it HTML.
        html: bool,
        validators: Validators,
    },
    /// Unchanged since the validators sent (304).
    NotModified,
    /// Not there (404): a week not published yet.
    NotFound,
}

/// Why an address gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer within {} s", .timeout.as_secs())]
    Timeout { url: String, timeout: Duration },
    #[error("{url} sent more than {cap} bytes; the feed's limit is KPOP_FACTS_FEED_MAX_BYTES")]
    TooLarge { url: String, cap: u64 },
    #[error("{url}: {message}")]
    Other { url: String, message: String },
}

/// The HTTP side of every feed.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    max_bytes: u64,
}

impl Fetcher {
    pub fn new(timeout: Duration, max_bytes: u64) -> anyhow::Result<Fetcher> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("kpop-facts/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .build()?;
        Ok(Fetcher {
            client,
            timeout,
            max_bytes,
        })
    }

    /// The most a body may hold.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Asks `url` for its file, sending back what it answered last.
    pub async fn get(&self, url: &str, last: &Validators) -> Result<Fetched, FetchError> {
        let failed = |e: reqwest::Error| self.error(url, e);
        let mut request = self.client.get(url);
        if let Some(etag) = &last.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &last.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(failed)?;
        match response.status() {
            StatusCode::NOT_MODIFIED => return Ok(Fetched::NotModified),
            StatusCode::NOT_FOUND => return Ok(Fetched::NotFound),
            s if !s.is_success() => {
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status: s.as_u16(),
                });
            }
            _ => {}
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let html = header(CONTENT_TYPE).is_some_and(|t| t.contains("html"));
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            cap: self.max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if (bytes.len() + chunk.len()) as u64 > self.max_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            bytes,
            html,
            validators,
        })
    }

    fn error(&self, url: &str, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout {
                url: url.to_string(),
                timeout: self.timeout,
            }
        } else {
            // reqwest's chain says what went wrong (refused, reset, DNS) without the URL twice.
            let e = e.without_url();
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            FetchError::Other {
                url: url.to_string(),
                message,
            }
        }
    }
}
