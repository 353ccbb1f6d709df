//! The commands that need no server: verify's verdicts and exit codes,
//! usage errors, completions and help.

use peeker_partner::webhook;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_peeker");
const SECRET: &str = "whsec_commands_test_secret_42";
const BODY: &str = r#"{"id":"evt_1","type":"order.completed","created_at":"2025-01-01T00:00:00Z","data":{"id":"ord_1"}}"#;
const TS: i64 = 1_750_000_000;

fn peeker(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn capture(body: &str) -> Vec<u8> {
    let sig = webhook::sign(SECRET.as_bytes(), &TS.to_string(), BODY.as_bytes());
    format!(
        "POST /webhooks/peeker HTTP/1.1\r\nContent-Type: application/json\r\nPeeker-Event-Id: evt_1\r\nPeeker-Timestamp: {TS}\r\nPeeker-Signature: {sig}\r\n\r\n{body}"
    )
    .into_bytes()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn verify_says_verified_or_why_not_and_never_the_secret() {
    let at = TS.to_string();
    let ok = peeker(&["verify", "--secret", SECRET, "--at", &at], &capture(BODY));
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("verified"));

    let pretty = BODY.replace(",", ", ").replace(":", ": ");
    let bad = peeker(
        &["verify", "--secret", SECRET, "--at", &at],
        &capture(&pretty),
    );
    assert_eq!(bad.status.code(), Some(3));
    assert!(text(&bad).contains("re-serialised"), "{}", text(&bad));

    let late = (TS + 3600).to_string();
    let skew = peeker(
        &[
            "verify",
            "--secret",
            " whsec_decoy ",
            "--secret",
            SECRET,
            "--at",
            &late,
        ],
        &capture(BODY),
    );
    assert_eq!(skew.status.code(), Some(3));
    assert!(
        text(&skew).contains("3600 s in the past"),
        "{}",
        text(&skew)
    );
    for o in [&ok, &bad, &skew] {
        assert!(!text(o).contains(SECRET) && !text(o).contains("decoy"));
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = peeker(&["verify", "--secret", "x"], b"no blank line");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = peeker(&["trigger", "order.done"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("trigger --list"));
    let o = peeker(
        &["listen", "--forward-to", "http://x", "--events", "nope"],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    let o = peeker(&["sandbox", "--time-scale", "0"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = peeker(&["frobnicate"], b"");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn trigger_lists_all_event_types() {
    let o = peeker(&["trigger", "--list"], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    for kind in peeker_partner::model::EventType::KNOWN {
        assert!(out.lines().any(|l| l.starts_with(kind)), "{kind}: {out}");
    }
    assert_eq!(out.lines().count(), 18);
}

#[test]
fn completions_and_help_with_examples() {
    for shell in ["bash", "zsh", "fish"] {
        let o = peeker(&["completions", shell], b"");
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("peeker"));
    }
    for cmd in ["sandbox", "listen", "trigger", "verify", "completions"] {
        let o = peeker(&[cmd, "--help"], b"");
        assert!(text(&o).contains("Examples:"), "{cmd}");
    }
    let o = peeker(&["token", "mint", "--help"], b"");
    assert!(text(&o).contains("Examples:"));
    let o = peeker(&["--help"], b"");
    assert!(text(&o).contains("Exit codes:"));
}

#[test]
fn token_mint_verifies_with_the_core() {
    let secret = "0123456789abcdef0123456789abcdef";
    let o = peeker(
        &[
            "token",
            "mint",
            "--secret",
            secret,
            "--sub",
            "usr_1",
            "--scope",
            "orders.create",
        ],
        b"",
    );
    assert!(o.status.success(), "{}", text(&o));
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = peeker_partner::token::verify(&token, &[secret.as_bytes()], now).unwrap();
    assert_eq!(claims["scope"], "orders.create");
    let o = peeker(
        &[
            "token", "mint", "--secret", secret, "--sub", "usr_1", "--scope", "me",
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "an account scope needs --account-scopes"
    );
}
