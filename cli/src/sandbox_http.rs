//! A small HTTP client for a running sandbox: its API under /partner/v1
//! with a sandbox key, and its /_sandbox controls.

use crate::args::SandboxTarget;
use serde_json::Value;
use std::time::Duration;

/// A running sandbox, as `listen` and `trigger` reach it.
#[derive(Clone)]
pub struct SandboxHttp {
    base: String,
    key: String,
    admin_token: Option<String>,
    http: reqwest::Client,
}

/// An answer: status and JSON body (`Null` when it is not JSON).
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The parsed body.
    pub body: Value,
}

impl SandboxHttp {
    /// A client for `target`, calling the API with `key`.
    pub fn new(target: &SandboxTarget, key: &str) -> Result<SandboxHttp, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("peeker-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(SandboxHttp {
            base: target.sandbox_url.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            admin_token: target.admin_token.clone(),
            http,
        })
    }

    /// The sandbox's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Calls the API: `path` is under /partner/v1.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        let url = format!("{}/partner/v1{path}", self.base);
        let token = self.key.clone();
        self.send(method, &url, body, Some(&token)).await
    }

    /// Calls a control: `path` starts with /_sandbox.
    pub async fn control(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        let url = format!("{}{path}", self.base);
        let token = self.admin_token.clone();
        self.send(method, &url, body, token.as_deref()).await
    }

    /// Every event the sandbox recorded (`GET /_sandbox/deliveries`), oldest first.
    pub async fn deliveries(&self) -> Result<Vec<Value>, String> {
        let a = self.control("GET", "/_sandbox/deliveries", None).await?;
        if a.status != 200 {
            return Err(format!(
                "GET /_sandbox/deliveries answered {}: {}",
                a.status, a.body
            ));
        }
        Ok(a.body["data"].as_array().cloned().unwrap_or_default())
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        bearer: Option<&str>,
    ) -> Result<Answer, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = self.http.request(method, url);
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.map_err(|e| {
            format!(
                "cannot reach the sandbox at {}: {}",
                self.base,
                root_cause(&e)
            )
        })?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        Ok(Answer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        })
    }
}

/// The innermost error's text (reqwest's outer ones say little).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}
