//! A feed's web server on 127.0.0.1: files put at paths and changed as a test goes, answered
//! with an `ETag` and 304 when it still matches, or with a fault (an error status, an HTML
//! page, a stall). Every request is recorded.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

/// What the server answers at one path.
#[derive(Clone, Debug)]
pub struct Served {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Sent as `ETag`; a request bringing it back gets 304.
    pub etag: Option<String>,
    /// Waits this long before answering.
    pub stall: Option<Duration>,
}

impl Served {
    /// A CSV file, with an `ETag` of its own.
    pub fn csv(body: impl Into<Vec<u8>>) -> Served {
        let body = body.into();
        let etag = format!("\"{:x}-{}\"", fnv(&body), body.len());
        Served {
            status: 200,
            content_type: "text/csv; charset=utf-8",
            body,
            etag: Some(etag),
            stall: None,
        }
    }

    pub fn status(status: u16, content_type: &'static str, body: &str) -> Served {
        Served {
            status,
            content_type,
            body: body.as_bytes().to_vec(),
            etag: None,
            stall: None,
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// One request, as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Served>,
    seen: Vec<Seen>,
}

pub struct FeedServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl FeedServer {
    pub async fn start() -> FeedServer {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let state = shared.clone();
            async move { answer(&state, uri, headers).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FeedServer { addr, state, task }
    }

    /// The address of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn put(&self, path: &str, served: Served) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_string(), served);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn forget_seen(&self) {
        self.state.lock().unwrap().seen.clear();
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(state: &Mutex<State>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_string();
    let if_none_match = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let served = state.lock().unwrap().files.get(&path).cloned();
    if let Some(stall) = served.as_ref().and_then(|s| s.stall) {
        tokio::time::sleep(stall).await;
    }
    let response = match served {
        None => reply(404, "text/plain", b"not found".to_vec(), None),
        Some(s) if s.etag.is_some() && s.etag == if_none_match => {
            reply(304, s.content_type, Vec::new(), s.etag)
        }
        Some(s) => reply(s.status, s.content_type, s.body, s.etag),
    };
    state.lock().unwrap().seen.push(Seen {
        path,
        if_none_match,
        status: response.status().as_u16(),
    });
    response
}

fn reply(status: u16, content_type: &str, body: Vec<u8>, etag: Option<String>) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", content_type);
    if let Some(etag) = etag {
        builder = builder.header("etag", etag);
    }
    builder.body(Body::from(body)).unwrap()
}
