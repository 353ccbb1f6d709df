//! `peeker <resource> <action>` against a real sandbox on 127.0.0.1: reads,
//! writes from a file, the availability shorthand, pages, a write refused
//! before sending, and the key never printed. Also that every endpoint of
//! the table has a command whose `--help` names it.

use peeker_partner::request::Endpoint;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_peeker");
const KEY: &str = "pk_test_rescmd_never_printed_7f3a91";

/// `peeker sandbox` on a free port, killed (by its PID) when dropped.
struct Sandbox {
    child: Child,
    api: String,
}

impl Sandbox {
    fn start() -> Sandbox {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("peeker sandbox starts");
        // Drained to the end, so the sandbox never writes to a closed pipe.
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if line.contains("listening on ") {
                    let _ = tx.send(line);
                }
            }
        });
        let api = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .ok()
            .and_then(|l| l.split_whitespace().last().map(str::to_owned))
            .expect("the sandbox says where it listens");
        Sandbox { child, api }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `peeker args…` with the key in the environment and the sandbox's
/// base URL; every output is kept to check the key never shows.
struct Peeker<'a> {
    api: &'a str,
    outputs: Vec<String>,
}

impl Peeker<'_> {
    fn run(&mut self, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .args(args)
            .env("PEEKER_API_KEY", KEY)
            .env("PEEKER_BASE_URL", self.api)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        self.outputs.push(text(&out));
        out
    }

    /// Runs and expects success; standard output.
    fn ok(&mut self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn resource_commands_against_the_sandbox() {
    let sandbox = Sandbox::start();
    let mut peeker = Peeker {
        api: &sandbox.api,
        outputs: Vec::new(),
    };

    // me
    let me = peeker.ok(&["me"]);
    assert!(me.contains("\"partner\""), "{me}");
    let raw: Value = serde_json::from_str(&peeker.ok(&["me", "--json"])).unwrap();
    assert_eq!(raw["data"]["api_key"]["environment"], "test");

    // A write from a file, then the list as JSON.
    let dir = std::env::temp_dir().join(format!("peeker-rescmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bundle.json");
    std::fs::write(
        &file,
        r#"{"name":"From a file","monthly_sending_volume":3000}"#,
    )
    .unwrap();
    let created = peeker.ok(&[
        "bundles",
        "create",
        "--data",
        &format!("@{}", file.display()),
    ]);
    assert!(created.contains("From a file"), "{created}");
    let listed: Value = serde_json::from_str(&peeker.ok(&["bundles", "list", "--json"])).unwrap();
    let rows = listed["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["name"], "From a file");
    let id = rows[0]["id"].as_str().unwrap().to_owned();
    let one = peeker.ok(&["bundles", "retrieve", &id]);
    assert!(one.contains(&id), "{one}");

    // The availability shorthand: one row per name.
    let rows = peeker.ok(&["domains", "availability", "acme.com", "team-acme.com"]);
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 2, "{rows}");
    assert!(lines[0].contains("domain=acme.com"), "{rows}");
    assert!(lines[1].contains("domain=team-acme.com"), "{rows}");

    // Pages: the first only, or every one with --all.
    for n in 2..=3 {
        let body = format!(r#"{{"name":"Bundle {n}","monthly_sending_volume":3000}}"#);
        peeker.ok(&["bundles", "create", "--data", &body]);
    }
    let first = peeker.run(&["bundles", "list", "--query", "per_page=2"]);
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(String::from_utf8_lossy(&first.stdout).lines().count(), 2);
    assert!(String::from_utf8_lossy(&first.stderr).contains("--all"));
    let all = peeker.ok(&["bundles", "list", "--query", "per_page=2", "--all"]);
    assert_eq!(all.lines().count(), 3, "{all}");
    assert!(all.contains("name=Bundle 3"), "{all}");
    let pages = peeker.ok(&[
        "bundles",
        "list",
        "--query",
        "per_page=2",
        "--all",
        "--json",
    ]);
    assert_eq!(pages.lines().count(), 2, "one page a line: {pages}");

    // An API error: class, status, code and request id.
    let missing = peeker.run(&["bundles", "retrieve", "bun_missing"]);
    assert_eq!(missing.status.code(), Some(1));
    let said = text(&missing);
    for part in [
        "NotFoundError",
        "status: 404",
        "code: not_found",
        "request id: req_",
    ] {
        assert!(said.contains(part), "{part} in {said}");
    }

    // An invalid order: every problem with its field, exit 2, nothing sent
    // (to a listener that would see any connection).
    let orders_before = peeker.ok(&["orders", "list", "--json"]);
    let trap = TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let trap_url = format!("http://{}/partner/v1", trap.local_addr().unwrap());
    let bad = r#"{"user":"not-an-email","google_licenses":-1,"domains":["x"]}"#;
    for base in [sandbox.api.as_str(), &trap_url] {
        let refused = peeker.run(&["orders", "create", "--base-url", base, "--data", bad]);
        assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
        let said = String::from_utf8_lossy(&refused.stderr).into_owned();
        for field in [
            "user: ",
            "google_licenses: ",
            "domains[0]: ",
            "sequencer: ",
            "personas: ",
        ] {
            assert!(said.contains(&format!("\n  {field}")), "{field} in {said}");
        }
        assert!(said.contains("Nothing was sent."), "{said}");
        assert!(!said.contains("request id"), "{said}");
    }
    assert!(
        trap.accept().is_err(),
        "the invalid order reached the network"
    );
    assert_eq!(peeker.ok(&["orders", "list", "--json"]), orders_before);

    // A bad --query is refused the same way.
    let query = peeker.run(&["users", "list", "--query", "status=bogus"]);
    assert_eq!(query.status.code(), Some(2), "{}", text(&query));
    assert!(text(&query).contains("status: "), "{}", text(&query));

    // --help names the key's variable, never its value.
    peeker.ok(&["orders", "create", "--help"]);

    let _ = std::fs::remove_dir_all(&dir);
    for out in &peeker.outputs {
        assert!(!out.contains(KEY), "the key was printed: {out}");
        assert!(!out.contains("rescmd_never_printed"), "{out}");
    }
}

#[test]
fn every_endpoint_has_a_command_with_help() {
    for &e in Endpoint::ALL {
        let name = e.client_name();
        let (resource, action) = match name.split_once('.') {
            Some((r, a)) => (r, Some(a)),
            None => (name, None),
        };
        let mut args = vec![resource.to_owned()];
        if let Some(action) = action {
            let kebab: String = action
                .chars()
                .flat_map(|c| match c {
                    '_' => vec!['-'],
                    c if c.is_ascii_uppercase() => vec!['-', c.to_ascii_lowercase()],
                    c => vec![c],
                })
                .collect();
            args.push(kebab);
        }
        args.push("--help".into());
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        let help = String::from_utf8_lossy(&out.stdout);
        let endpoint = format!("Endpoint: {} {}", e.method().as_str(), e.path_template());
        assert!(help.contains(&endpoint), "{args:?}: {help}");
        assert!(help.contains("Example:\n  peeker "), "{args:?}: {help}");
        assert!(help.contains("Exit codes:"), "{args:?}: {help}");
    }
}
