//! Receives Peeker webhooks in an axum handler, verifying each delivery on
//! its raw body (the bytes as sent: re-serialised JSON would not verify).
//!
//! ```sh
//! PEEKER_WEBHOOK_SECRET=whsec_… cargo run --example axum_webhook
//! # then point the sandbox at it: peeker-sandbox --webhook-url http://127.0.0.1:3000/webhooks/peeker
//! ```

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use peeker_partner::webhook::{self, WebhookHeaders};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The signing secrets: more than one while a secret is being rotated.
struct Secrets(Vec<String>);

async fn receive(
    axum::extract::State(secrets): axum::extract::State<Arc<Secrets>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let pairs = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
    let headers = WebhookHeaders::from_pairs(pairs);
    let keys: Vec<&[u8]> = secrets.0.iter().map(|s| s.as_bytes()).collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    match webhook::verify(&body, &headers, &keys, webhook::DEFAULT_TOLERANCE_SECS, now) {
        Ok(event) => {
            // Deliveries may repeat: handle each event id once.
            println!("{} {:?}", event.id, event.event_type);
            StatusCode::NO_CONTENT
        }
        Err(e) => {
            // Never a secret or a signature in the error.
            eprintln!("refused a delivery: {e}");
            StatusCode::BAD_REQUEST
        }
    }
}

fn app(secrets: Vec<String>) -> Router {
    Router::new()
        .route("/webhooks/peeker", post(receive))
        .with_state(Arc::new(Secrets(secrets)))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let secret = std::env::var("PEEKER_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_example".into());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!(
        "listening on http://{}/webhooks/peeker",
        listener.local_addr()?
    );
    axum::serve(listener, app(vec![secret])).await
}
