//! REST under `/api/v10`: parsing and recording every request, the auth check, and routing.

mod channels;
mod commands;
mod interactions;
mod misc;

use std::sync::Arc;
use tokio::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::FakeConfig;
use super::errors::ApiError;
use super::multipart;
use super::objects;
use super::records::{RecordedBody, RecordedFile, RecordedRequest};
use super::state::{Inner, Shared, StoredFile};

/// Bodies above this are cut off; Discord's own upload limit is far lower.
const MAX_BODY: usize = 64 << 20;

pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let req = Request::parse(&parts, &bytes);
    let (reply, ticket) = shared.update(|inner| {
        let ctx = Ctx {
            cfg: &shared.config,
            base_url: &shared.base_url,
            gateway_url: &shared.gateway_url,
            now: req.at,
        };
        let reply = route(inner, &ctx, &req).unwrap_or_else(Reply::from);
        inner.requests.push(req.into_record(&reply));
        let ticket = reply.held.then(|| {
            inner.held_replies += 1;
            inner.held_replies
        });
        (reply, ticket)
    });
    if let Some(ticket) = ticket {
        let released = || shared.read(|inner| inner.released_replies >= ticket);
        let _ = shared.wait_until(HOLD_LIMIT, released).await;
        shared.update(|inner| inner.sent_held_replies += 1);
    }
    reply.into_response()
}

/// A held answer goes out after this even if the test never lets it go.
const HOLD_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

pub(super) struct Ctx<'a> {
    pub cfg: &'a FakeConfig,
    pub base_url: &'a str,
    pub gateway_url: &'a str,
    pub now: Instant,
}

type Handled = Result<Reply, ApiError>;

fn route(inner: &mut Inner, ctx: &Ctx<'_>, req: &Request) -> Handled {
    let Some(api) = req.path.strip_prefix("/api/v10/") else {
        return match req.path.strip_prefix("/attachments/") {
            Some(rest) if req.method == "GET" => misc::attachment(inner, rest),
            _ => Err(ApiError::not_found()),
        };
    };
    let segments: Vec<&str> = api.trim_end_matches('/').split('/').collect();
    // Discord checks neither interaction callbacks nor webhooks (the token is in the path) nor
    // GET /gateway for a bot token.
    let exempt = matches!(
        segments[..],
        ["interactions", ..] | ["webhooks", ..] | ["gateway"]
    );
    if !exempt && req.authorization.as_deref() != Some(format!("Bot {}", ctx.cfg.token).as_str()) {
        return Err(ApiError::unauthorized());
    }
    let method = req.method.as_str();
    match (method, &segments[..]) {
        ("GET", ["gateway"]) => Ok(misc::gateway(ctx)),
        ("GET", ["gateway", "bot"]) => Ok(misc::gateway_bot(inner, ctx)),
        ("GET", ["users", "@me"]) => Ok(Reply::ok(objects::current_user(ctx.cfg))),
        ("GET", ["oauth2", "applications", "@me"]) => Ok(Reply::ok(objects::application(ctx.cfg))),
        ("GET", ["channels", channel]) => misc::channel(inner, ctx, id(channel)?),
        ("POST", ["channels", channel, "messages"]) => {
            channels::create_message(inner, ctx, req, id(channel)?)
        }
        ("GET", ["channels", channel, "messages"]) => {
            channels::list_messages(inner, req, id(channel)?)
        }
        ("GET", ["channels", channel, "messages", message]) => {
            channels::get_message(inner, id(channel)?, id(message)?)
        }
        (_, ["applications", app, "commands"]) => {
            commands::collection(inner, ctx, req, id(app)?, None)
        }
        (_, ["applications", app, "commands", command]) => {
            commands::single(inner, ctx, req, id(app)?, None, id(command)?)
        }
        (_, ["applications", app, "guilds", guild, "commands"]) => {
            commands::collection(inner, ctx, req, id(app)?, Some(id(guild)?))
        }
        (_, ["applications", app, "guilds", guild, "commands", command]) => {
            commands::single(inner, ctx, req, id(app)?, Some(id(guild)?), id(command)?)
        }
        ("POST", ["interactions", interaction, token, "callback"]) => {
            interactions::callback(inner, ctx, req, id(interaction)?, token)
        }
        ("POST", ["webhooks", app, token]) => {
            interactions::followup(inner, ctx, req, id(app)?, token)
        }
        (_, ["webhooks", app, token, "messages", message]) => {
            interactions::webhook_message(inner, ctx, req, id(app)?, token, message)
        }
        _ => Err(ApiError::not_found()),
    }
}

/// Path snowflakes; anything else is an unknown route.
fn id(segment: &str) -> Result<u64, ApiError> {
    segment.parse().map_err(|_| ApiError::not_found())
}

/// An incoming request with its body parsed.
pub(super) struct Request {
    pub method: String,
    pub path: String,
    query: Option<String>,
    authorization: Option<String>,
    audit_log_reason: Option<String>,
    content_type: Option<String>,
    pub body: RecordedBody,
    /// The body did not parse as its content type claims.
    malformed: bool,
    pub at: Instant,
}

impl Request {
    fn parse(parts: &Parts, bytes: &[u8]) -> Self {
        // The request arrived now; parsing its body is the fake's time, not the bot's.
        let at = Instant::now();
        let content_type = header_text(&parts.headers, header::CONTENT_TYPE.as_str());
        let (body, malformed) = parse_body(content_type.as_deref().unwrap_or_default(), bytes);
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            authorization: header_text(&parts.headers, header::AUTHORIZATION.as_str()),
            audit_log_reason: header_text(&parts.headers, "x-audit-log-reason")
                .map(|r| percent_decode(&r)),
            content_type,
            body,
            malformed,
            at,
        }
    }

    /// The JSON body (or multipart `payload_json`); a missing or broken one is Discord's 50109.
    pub fn json(&self) -> Result<&Value, ApiError> {
        self.body
            .json()
            .filter(|_| !self.malformed)
            .ok_or_else(ApiError::invalid_json)
    }

    pub fn files(&self) -> &[RecordedFile] {
        self.body.files()
    }

    /// Names an embed may reference as `attachment://name`: uploaded file names and the
    /// `filename`s given in the body's `attachments` metadata.
    pub fn upload_names(&self, body: &Value) -> Vec<String> {
        let metadata = body["attachments"].as_array().into_iter().flatten();
        let renamed = metadata.filter_map(|a| a["filename"].as_str().map(str::to_owned));
        self.files()
            .iter()
            .map(|f| f.filename.clone())
            .chain(renamed)
            .collect()
    }

    fn into_record(self, reply: &Reply) -> RecordedRequest {
        RecordedRequest {
            method: self.method,
            path: self.path,
            query: self.query,
            authorization: self.authorization,
            audit_log_reason: self.audit_log_reason,
            content_type: self.content_type,
            body: self.body,
            status: reply.status,
            response: match &reply.body {
                ReplyBody::Json(value) => Some(value.clone()),
                _ => None,
            },
            at: self.at,
        }
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn parse_body(content_type: &str, bytes: &[u8]) -> (RecordedBody, bool) {
    if bytes.is_empty() {
        return (RecordedBody::Empty, false);
    }
    if content_type.starts_with("application/json") {
        return match serde_json::from_slice(bytes) {
            Ok(value) => (RecordedBody::Json(value), false),
            Err(_) => (RecordedBody::Raw(bytes.to_vec()), true),
        };
    }
    if content_type.starts_with("multipart/form-data") {
        let Some(parts) = multipart::parse(content_type, bytes) else {
            return (RecordedBody::Raw(bytes.to_vec()), true);
        };
        let mut payload_json = None;
        let mut malformed = false;
        let mut files = Vec::new();
        let mut fields = Vec::new();
        for part in parts {
            match part.filename {
                Some(filename) => files.push(RecordedFile {
                    field: part.name,
                    filename,
                    content_type: part.content_type,
                    bytes: part.data,
                }),
                None if part.name == "payload_json" => match serde_json::from_slice(&part.data) {
                    Ok(value) => payload_json = Some(value),
                    Err(_) => malformed = true,
                },
                None => fields.push((part.name, String::from_utf8_lossy(&part.data).into_owned())),
            }
        }
        return (
            RecordedBody::Multipart {
                payload_json,
                files,
                fields,
            },
            malformed,
        );
    }
    (RecordedBody::Raw(bytes.to_vec()), true)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Stores uploaded files so their URLs resolve, and returns the attachment objects for the
/// message. `files[n]` takes its name from `attachments[{id: n, filename}]` when given.
pub(super) fn store_uploads(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    req: &Request,
    body: &Value,
) -> Vec<Value> {
    let metadata = body["attachments"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    req.files()
        .iter()
        .map(|file| {
            let index = file
                .field
                .trim_start_matches("files[")
                .trim_end_matches(']');
            let renamed = metadata
                .iter()
                .find(|a| objects::id_text(&a["id"]) == index);
            let filename = renamed
                .and_then(|a| a["filename"].as_str())
                .unwrap_or(&file.filename);
            let id = objects::snowflake();
            let stored = StoredFile {
                filename: filename.to_owned(),
                content_type: file.content_type.clone(),
                bytes: file.bytes.clone(),
                streamed: false,
            };
            let attachment = objects::attachment(
                ctx.base_url,
                id,
                filename,
                stored.content_type.as_deref(),
                stored.bytes.len(),
            );
            inner.files.insert(id, stored);
            attachment
        })
        .collect()
}

pub(super) struct Reply {
    status: u16,
    body: ReplyBody,
    headers: Vec<(&'static str, String)>,
    /// Sent only once the test releases it ([`super::Failure::HoldAfterStore`]).
    held: bool,
}

enum ReplyBody {
    Empty,
    Json(Value),
    Bytes {
        content_type: String,
        bytes: Vec<u8>,
    },
    /// Sent in chunks, without a `Content-Length`.
    Stream {
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl Reply {
    pub fn json(status: u16, value: Value) -> Self {
        Self {
            status,
            body: ReplyBody::Json(value),
            headers: Vec::new(),
            held: false,
        }
    }

    pub fn ok(value: Value) -> Self {
        Self::json(200, value)
    }

    pub fn no_content() -> Self {
        Self {
            status: 204,
            body: ReplyBody::Empty,
            headers: Vec::new(),
            held: false,
        }
    }

    pub fn bytes(status: u16, content_type: &str, bytes: Vec<u8>) -> Self {
        Self {
            status,
            body: ReplyBody::Bytes {
                content_type: content_type.to_owned(),
                bytes,
            },
            headers: Vec::new(),
            held: false,
        }
    }

    /// Like [`Self::bytes`], but chunked, with no `Content-Length` header.
    pub fn stream(status: u16, content_type: &str, bytes: Vec<u8>) -> Self {
        Self {
            status,
            body: ReplyBody::Stream {
                content_type: content_type.to_owned(),
                bytes,
            },
            headers: Vec::new(),
            held: false,
        }
    }

    pub fn held(mut self) -> Self {
        self.held = true;
        self
    }

    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Self {
        Self::json(error.status, error.body)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = Response::builder().status(status);
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        let built = match self.body {
            ReplyBody::Empty => builder.body(Body::empty()),
            ReplyBody::Json(value) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(value.to_string())),
            ReplyBody::Bytes {
                content_type,
                bytes,
            } => builder
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(bytes)),
            ReplyBody::Stream {
                content_type,
                bytes,
            } => {
                let chunks: Vec<Result<Vec<u8>, std::convert::Infallible>> =
                    bytes.chunks(64 << 10).map(|c| Ok(c.to_vec())).collect();
                builder
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from_stream(futures_util::stream::iter(chunks)))
            }
        };
        built.expect("valid response parts")
    }
}
