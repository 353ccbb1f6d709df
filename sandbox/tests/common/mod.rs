//! Test helpers: a sandbox started in-process on 127.0.0.1:0 and a small
//! client over real HTTP.
#![allow(dead_code)]

use peeker_sandbox::clock::SystemClock;
use peeker_sandbox::{start, Config, Handle};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub const KEY: &str = "pk_test_full_key";

pub fn config() -> Config {
    Config {
        host: "127.0.0.1".into(),
        port: 0,
        time_scale: 0.01,
        log_requests: false,
        ..Config::default()
    }
}

pub struct Sandbox {
    pub handle: Handle,
    pub http: reqwest::Client,
    pub key: String,
}

pub struct Resp {
    pub status: u16,
    pub request_id: String,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
}

impl Sandbox {
    pub async fn start(cfg: Config) -> Sandbox {
        let handle = start(cfg, Arc::new(SystemClock::default()))
            .await
            .expect("sandbox starts");
        Sandbox {
            handle,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            key: KEY.into(),
        }
    }

    pub async fn default() -> Sandbox {
        Self::start(config()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    /// Sends raw bytes with the default key.
    pub async fn raw(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Resp {
        self.send(method, path, body, Some(&self.key.clone())).await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        key: Option<&str>,
    ) -> Resp {
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let full = if path.starts_with("/_sandbox") {
            self.url(path)
        } else {
            self.url(&format!("/partner/v1{path}"))
        };
        let mut req = self.http.request(m, full);
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let request_id = resp
            .headers()
            .get("peeker-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = resp.bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            request_id,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.raw("GET", path, None).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.raw("POST", path, Some(body.to_string().into_bytes()))
            .await
    }
    pub async fn patch(&self, path: &str, body: &Value) -> Resp {
        self.raw("PATCH", path, Some(body.to_string().into_bytes()))
            .await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.raw("DELETE", path, None).await
    }

    /// `GET /_sandbox/state`.
    pub async fn state(&self) -> Value {
        self.get("/_sandbox/state").await.body["data"].clone()
    }

    /// Polls `check` until it is true (bounded).
    pub async fn wait_for<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..400 {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}");
    }

    /// Events recorded so far (`GET /_sandbox/deliveries`).
    pub async fn deliveries(&self) -> Vec<Value> {
        self.get("/_sandbox/deliveries").await.body["data"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub async fn event_types(&self) -> Vec<String> {
        self.deliveries()
            .await
            .iter()
            .map(|d| d["type"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

pub fn sequencer() -> Value {
    json!({
        "provider": "smartlead",
        "client_id": 366903,
        "login_email": "ops@client.example.com",
        "login_password": "smartlead-password"
    })
}

/// A custom order: 2 Google licenses on 1 domain (2 inboxes) + 1 Microsoft.
pub fn custom_order(user: &str, domains: &[&str]) -> Value {
    json!({
        "user": user,
        "google_licenses": 2,
        "microsoft_licenses": 1,
        "google_inboxes_per_domain": 2,
        "sequencer": sequencer(),
        "domains": domains,
        "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": null }],
    })
}

pub fn resource(name: &str) -> Value {
    let path = format!("{}/../tests/resources/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect("json")
}

impl Sandbox {
    /// `POST /_sandbox/clock`: moves the sandbox clock on.
    pub async fn advance(&self, secs: i64) {
        let r = self
            .post("/_sandbox/clock", &json!({ "advance_seconds": secs }))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// The order's current status (from `GET /orders`).
    pub async fn order_status(&self, id: &str) -> String {
        let rows = self.get("/orders?per_page=100").await.body["data"].clone();
        rows.as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["status"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// Waits until the order has `status`.
    pub async fn wait_order(&self, id: &str, status: &str) {
        self.wait_for(&format!("order {status}"), || async {
            self.order_status(id).await == status
        })
        .await;
    }

    /// Waits until `GET path` answers `data.status == status`.
    pub async fn wait_status(&self, path: &str, status: &str) {
        self.wait_for(&format!("{path} {status}"), || async {
            self.get(path).await.data()["status"] == status
        })
        .await;
    }

    /// Places a custom order and waits until it is completed; its id.
    pub async fn completed_order(&self, user: &str, domains: &[&str]) -> String {
        let r = self.post("/orders", &custom_order(user, domains)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let id = r.data()["id"].as_str().unwrap().to_owned();
        self.wait_order(&id, "completed").await;
        id
    }

    /// The account's domain row named `name`.
    pub async fn domain(&self, name: &str) -> Value {
        let rows = self.get("/domains?per_page=100").await.body["data"].clone();
        rows.as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|d| d["domain"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The types of the events whose `data.id` is `id`, in order.
    pub async fn events_of(&self, id: &str) -> Vec<String> {
        self.deliveries()
            .await
            .iter()
            .filter(|d| d["event"]["data"]["id"] == id)
            .map(|d| d["type"].as_str().unwrap().to_owned())
            .collect()
    }
}
