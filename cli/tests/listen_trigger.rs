//! End to end: `peeker sandbox` on a free port, a receiver that verifies
//! with the core's verifier, `peeker listen --forward-to` it, and `peeker
//! trigger` of every event type. Each event arrives once and verifies; the
//! listen output has a line per delivery. Every process is bounded in time
//! and killed by its PID at the end (and on a panic, when dropped).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use peeker_partner::model::EventType;
use peeker_partner::webhook::{self, WebhookHeaders};
use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::{sleep, timeout, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_peeker");

/// What the receiver got: per event id, its type and whether it verified.
#[derive(Default)]
struct Received {
    secret: Option<String>,
    events: Vec<(String, String, bool)>,
}

type Shared = Arc<Mutex<Received>>;

async fn receive(State(got): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let pairs = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap_or("")));
    let h = WebhookHeaders::from_pairs(pairs);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut got = got.lock().unwrap();
    let secret = got.secret.clone().unwrap_or_default();
    let verdict = webhook::verify(&body, &h, &[secret.as_bytes()], 300, now);
    let (id, kind) = match &verdict {
        Ok(e) => (e.id.clone(), e.event_type.as_str().to_owned()),
        Err(_) => (h.event_id.clone().unwrap_or_default(), String::new()),
    };
    got.events.push((id, kind, verdict.is_ok()));
    if verdict.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

/// A child process with its output lines collected as they come.
struct Running {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BIN)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("peeker starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for stream in [
            Box::new(out) as Box<dyn tokio::io::AsyncRead + Unpin + Send>,
            Box::new(err),
        ] {
            let lines = lines.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream).lines();
                while let Ok(Some(line)) = reader.next_line().await {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Running { child, lines }
    }

    fn output(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits (bounded) for a line containing `needle`; that line.
    async fn line_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(l) = self.output().iter().find(|l| l.contains(needle)) {
                return l.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} in {:#?}",
                self.output()
            );
            sleep(Duration::from_millis(20)).await;
        }
    }

    /// Ctrl-C by PID, then waits for the exit (bounded), killing it if late.
    async fn interrupt(&mut self) -> Option<i32> {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
        }
        match timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(status) => status.ok().and_then(|s| s.code()),
            Err(_) => {
                let _ = self.child.kill().await;
                None
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_type_is_forwarded_once_and_verifies() {
    let got: Shared = Arc::default();
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", receiver.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(got.clone());
    let server = tokio::spawn(async move { axum::serve(receiver, app).await });

    let mut sandbox =
        Running::start(&["sandbox", "--port", "0", "--time-scale", "0.01", "--quiet"]);
    let ready = sandbox.line_with("listening on ").await;
    let api = ready.split_whitespace().last().unwrap();
    let url = api.trim_end_matches("/partner/v1").to_owned();

    let mut listen = Running::start(&["listen", "--forward-to", &hook, "--sandbox-url", &url]);
    let line = listen.line_with("signing secret is ").await;
    let secret = line
        .split_whitespace()
        .find(|w| w.starts_with("whsec_"))
        .expect("the secret is printed")
        .to_owned();
    assert_eq!(secret.len(), "whsec_".len() + 64);
    got.lock().unwrap().secret = Some(secret);
    listen.line_with("Ready!").await;

    for kind in EventType::KNOWN {
        let run = Command::new(BIN)
            .args(["trigger", kind, "--sandbox-url", &url, "--timeout", "60"])
            .env("NO_COLOR", "1")
            .kill_on_drop(true)
            .output();
        let out = timeout(Duration::from_secs(90), run)
            .await
            .unwrap_or_else(|_| panic!("trigger {kind} timed out"))
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "trigger {kind}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("✓ triggered {kind} evt_")),
            "{stdout}"
        );
        assert!(stdout.contains("· created "), "{stdout}");
    }

    // Every event the sandbox recorded (all since listen started) arrives.
    let http = reqwest::Client::new();
    let recorded: Vec<(String, String)> = loop {
        let rows: serde_json::Value = http
            .get(format!("{url}/_sandbox/deliveries"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<(String, String)> = rows["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().into(),
                    r["type"].as_str().unwrap().into(),
                )
            })
            .collect();
        let received = got.lock().unwrap().events.len();
        if received >= ids.len() {
            // A moment more: anything sent twice would show now.
            sleep(Duration::from_millis(600)).await;
            break ids;
        }
        sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        listen.interrupt().await,
        Some(0),
        "listen stops cleanly on Ctrl-C"
    );
    let _ = sandbox.interrupt().await;
    server.abort();

    let events = got.lock().unwrap().events.clone();
    assert!(
        events.iter().all(|(_, _, ok)| *ok),
        "all verify: {events:?}"
    );
    let mut times: HashMap<&str, usize> = HashMap::new();
    for (id, _, _) in &events {
        *times.entry(id.as_str()).or_default() += 1;
    }
    for (id, kind) in &recorded {
        assert_eq!(
            times.get(id.as_str()),
            Some(&1),
            "{kind} {id} arrives exactly once"
        );
    }
    assert_eq!(events.len(), recorded.len());
    for kind in EventType::KNOWN {
        assert!(
            events.iter().any(|(_, k, _)| k == kind),
            "{kind} was forwarded"
        );
    }
    // One line per delivery: time, type, event id, the status and latency.
    let output = listen.output();
    for (id, kind) in &recorded {
        let line = output
            .iter()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("no line for {id}: {output:#?}"));
        assert!(line.contains(kind.as_str()), "{line}");
        assert!(line.contains(&format!("--> POST {hook} [200] ")), "{line}");
        assert!(line.ends_with(" ms"), "{line}");
        assert_eq!(
            line.as_bytes().get(2),
            Some(&b':'),
            "starts with the time: {line}"
        );
    }
    let stopped = format!("Stopped: {} delivered, 0 failed.", recorded.len());
    assert!(output.contains(&stopped), "{output:#?}");
}
