//! Discord's error bodies: `{"message", "code"}` and the nested `errors` object of 50035.

use serde_json::{Map, Value, json};

/// A non-2xx answer with Discord's JSON error body.
#[derive(Debug)]
pub(super) struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    pub fn new(status: u16, code: u64, message: &str) -> Self {
        Self {
            status,
            body: json!({"message": message, "code": code}),
        }
    }

    pub fn not_found() -> Self {
        Self::new(404, 0, "404: Not Found")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(405, 0, "405: Method Not Allowed")
    }

    pub fn unauthorized() -> Self {
        Self::new(401, 0, "401: Unauthorized")
    }

    pub fn missing_access() -> Self {
        Self::new(403, 50001, "Missing Access")
    }

    pub fn invalid_json() -> Self {
        Self::new(400, 50109, "The request body contains invalid JSON.")
    }

    pub fn empty_message() -> Self {
        Self::new(400, 50006, "Cannot send an empty message")
    }

    pub fn unknown_interaction() -> Self {
        Self::new(404, 10062, "Unknown interaction")
    }

    pub fn unknown_webhook() -> Self {
        Self::new(404, 10015, "Unknown Webhook")
    }

    pub fn invalid_webhook_token() -> Self {
        Self::new(401, 50027, "Invalid Webhook Token")
    }

    pub fn unknown_message() -> Self {
        Self::new(404, 10008, "Unknown Message")
    }
}

/// Field errors collected while validating a body; paths are dot-separated (`embeds.0.title`).
#[derive(Debug, Default)]
pub(super) struct FieldErrors {
    errors: Vec<(String, &'static str, String)>,
}

impl FieldErrors {
    pub fn push(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.errors.push((path.to_owned(), code, message.into()));
    }

    pub fn required(&mut self, path: &str) {
        self.push(path, "BASE_TYPE_REQUIRED", "This field is required");
    }

    /// Discord counts Unicode scalar values, not bytes.
    pub fn max_chars(&mut self, path: &str, text: &str, max: usize) {
        if text.chars().count() > max {
            self.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    pub fn chars_between(&mut self, path: &str, text: &str, min: usize, max: usize) {
        let len = text.chars().count();
        if len < min || len > max {
            self.push(
                path,
                "BASE_TYPE_BAD_LENGTH",
                format!("Must be between {min} and {max} in length."),
            );
        }
    }

    /// Array length limits use the same code as strings on Discord.
    pub fn max_items(&mut self, path: &str, items: &[Value], max: usize) {
        if items.len() > max {
            self.push(
                path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let mut tree = Map::new();
        for (path, code, message) in self.errors {
            let mut node = &mut tree;
            for key in path.split('.').filter(|k| !k.is_empty()) {
                node = node
                    .entry(key)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .expect("error tree nodes are objects");
            }
            node.entry("_errors")
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
                .expect("_errors is an array")
                .push(json!({"code": code, "message": message}));
        }
        Err(ApiError {
            status: 400,
            body: json!({"message": "Invalid Form Body", "code": 50035, "errors": tree}),
        })
    }
}

/// `prefix.key`, or `key` alone at the top level.
pub(super) fn join(prefix: &str, key: impl std::fmt::Display) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}
