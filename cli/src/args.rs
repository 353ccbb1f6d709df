//! The command line: every command, its flags and its examples.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Where a running sandbox listens when no `--sandbox-url` is given.
pub const DEFAULT_SANDBOX_URL: &str = "http://127.0.0.1:8787";

const EXIT_CODES: &str = "\
Exit codes:
  0  done (verify: the delivery verifies)
  1  failed (a request, a wait or a file)
  2  usage: a flag or an argument is wrong, or a resource command's input
     did not validate (nothing was sent)
  3  verify: the delivery does not verify";

/// peeker: the Peeker Partner API from a terminal. A local sandbox of the
/// API, webhooks forwarded to your dev server, events on demand, why a
/// signature does not verify, and a command per endpoint
/// (`peeker orders create --data @order.json`).
#[derive(Parser)]
#[command(name = "peeker", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Every command: those below and one per endpoint (`crate::resources`).
pub fn command() -> clap::Command {
    crate::resources::augment(Cli::command())
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Runs the local sandbox of the Partner API (every flag of peeker-sandbox).
    #[command(after_help = "Examples:
  peeker sandbox
  peeker sandbox --port 8787 --time-scale 0.01
  peeker sandbox --db sandbox.sqlite --webhook-url http://127.0.0.1:3000/webhooks")]
    Sandbox(Box<peeker_sandbox::args::Args>),
    /// Forwards every webhook event to your dev server, signed afresh with a
    /// local secret, exactly as Peeker signs.
    #[command(after_help = "Examples:
  peeker listen --forward-to http://localhost:3000/webhooks/peeker
  peeker listen --forward-to http://localhost:3000/hooks --events order.completed,swap.*
  peeker listen --forward-to http://localhost:3000/hooks --worker https://hooks.example.com --token $TOKEN

Each delivery prints one line: time (UTC), type, event id, your server's status and latency.
A failure (no answer, 408, 429, 5xx) is retried with backoff; Ctrl-C stops.")]
    Listen(ListenArgs),
    /// Makes the sandbox emit an event: creates the order, import, forwarding
    /// job or swap it needs, and prints what it created.
    #[command(after_help = "Examples:
  peeker trigger --list
  peeker trigger order.completed
  peeker trigger swap.failed --sandbox-url http://127.0.0.1:9000")]
    Trigger(TriggerArgs),
    /// Says why a captured webhook delivery does (not) verify, in words.
    #[command(after_help = "Examples:
  peeker verify --secret whsec_... --file delivery.http
  pbpaste | peeker verify --secret \"$OLD\" --secret \"$NEW\"

The capture is raw HTTP: an optional request line, the headers, a blank line, the body.
The secrets are never printed. Exit code 3 when the delivery does not verify.")]
    Verify(VerifyArgs),
    /// Browser tokens for the Worker's proxy.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Prints a shell completion script.
    #[command(after_help = "Examples:
  peeker completions bash > /etc/bash_completion.d/peeker
  peeker completions zsh > \"${fpath[1]}/_peeker\"
  peeker completions fish > ~/.config/fish/completions/peeker.fish")]
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// Shells with completion scripts.
#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    /// GNU bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

/// Where a sandbox listens and how to reach its controls.
#[derive(clap::Args, Clone)]
pub struct SandboxTarget {
    /// The running sandbox (`peeker sandbox`).
    #[arg(long, default_value = DEFAULT_SANDBOX_URL, value_name = "URL")]
    pub sandbox_url: String,
    /// The sandbox's --admin-token, when it has one.
    #[arg(long, env = "PEEKER_SANDBOX_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

/// `peeker listen`.
#[derive(clap::Args)]
pub struct ListenArgs {
    /// Your dev server's webhook URL.
    #[arg(long, value_name = "URL")]
    pub forward_to: String,
    /// Only these event types (comma-separated; `order.*` for a group).
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub events: Vec<String>,
    /// The secret to sign with (default: a new one, printed at start).
    #[arg(long, env = "PEEKER_LISTEN_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// The sandbox to take events from.
    #[command(flatten)]
    pub sandbox: SandboxTarget,
    /// Take the events a deployed Worker stores instead of the sandbox's.
    #[arg(long, value_name = "URL", requires = "token")]
    pub worker: Option<String>,
    /// The Worker's browser token (scope events.readAll; events.read with --order).
    #[arg(long, env = "PEEKER_WORKER_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// With --worker: follow this order's live stream (/events/stream)
    /// instead of polling every stored event (/events).
    #[arg(long, value_name = "ORDER_ID", requires = "worker")]
    pub order: Option<String>,
    /// Attempts per delivery before it is given up.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_attempts: u32,
}

/// `peeker trigger`.
#[derive(clap::Args)]
pub struct TriggerArgs {
    /// The event type (see --list).
    #[arg(required_unless_present = "list", value_name = "EVENT_TYPE")]
    pub event_type: Option<String>,
    /// Lists the event types and what each trigger creates.
    #[arg(long)]
    pub list: bool,
    /// The sandbox to create things in.
    #[command(flatten)]
    pub sandbox: SandboxTarget,
    /// The sandbox API key to create them with.
    #[arg(long, default_value = "pk_test_peeker_cli", value_name = "KEY")]
    pub key: String,
    /// Seconds to wait for the event before giving up.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub timeout: u64,
}

/// `peeker verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// A candidate secret; repeat for several (rotation).
    #[arg(long, required = true, value_name = "SECRET")]
    pub secret: Vec<String>,
    /// The captured delivery (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Seconds a timestamp may be from now.
    #[arg(long, default_value_t = peeker_partner::webhook::DEFAULT_TOLERANCE_SECS, value_name = "SECS")]
    pub tolerance: u64,
    /// Check as if now were this Unix time (a delivery captured earlier).
    #[arg(long, value_name = "UNIX_SECS")]
    pub at: Option<i64>,
}

/// `peeker token …`.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Mints a browser token (HS256 JWT) for the Worker's proxy.
    #[command(after_help = "Examples:
  peeker token mint --secret \"$PROXY_TOKEN_SECRET\" --sub usr_123 --scope orders.create --scope events.read
  peeker token mint --secret \"$PROXY_TOKEN_SECRET\" --sub ops@acme.com --scope events.readAll --account-scopes --ttl 3600")]
    Mint(MintArgs),
}

/// `peeker token mint`.
#[derive(clap::Args)]
pub struct MintArgs {
    /// The Worker's PROXY_TOKEN_SECRET (at least 32 bytes).
    #[arg(long, env = "PROXY_TOKEN_SECRET", hide_env_values = true)]
    pub secret: String,
    /// The customer: a usr_… id or an email address.
    #[arg(long)]
    pub sub: String,
    /// What the token may call (`orders.create`, `events.read`…); repeat or space-separate.
    #[arg(long, required = true)]
    pub scope: Vec<String>,
    /// Lifetime in seconds (at most 3600).
    #[arg(long, default_value_t = peeker_partner::token::DEFAULT_LIFETIME_SECS)]
    pub ttl: i64,
    /// Allow account scopes (me, bundle writes, events.readAll, forwarding.admin).
    #[arg(long)]
    pub account_scopes: bool,
}
