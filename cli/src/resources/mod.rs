//! `peeker <resource> <action>`: one command per endpoint of the endpoint
//! table (`peeker_partner::request::Endpoint::ALL`) and per client helper
//! (`imports wait`), made at run time, never listed by hand. `orders.create`
//! is `peeker orders create`, `imports.createJob` `peeker imports create-job`,
//! `me` `peeker me`. Each runs through the native client, so a write is
//! validated (every problem, with its field) before anything is sent.

mod input;
mod print;
mod run;

use clap::{Arg, ArgAction, ArgMatches, Command};
use peeker_partner::options::DEFAULT_BASE_URL;
use peeker_partner::request::{Args, Endpoint, HelperKind, CLIENT_HELPERS};

pub use run::run;

/// What a resource command calls.
#[derive(Clone, Copy)]
pub enum Target {
    /// One endpoint of the table (`domains.availability` through the
    /// client's chunking helper of the same name).
    Endpoint(Endpoint),
    /// A helper that is no endpoint: a wait, which polls by id.
    Wait(&'static str, &'static str),
}

/// One resource command.
#[derive(Clone, Copy)]
pub struct Action {
    /// The client method's name (`orders.create`, `imports.waitJob`).
    pub client_name: &'static str,
    pub target: Target,
}

impl Action {
    /// `(resource, action)`: `("orders", Some("create"))`, `("me", None)`.
    pub fn words(self) -> (&'static str, Option<String>) {
        match self.client_name.split_once('.') {
            Some((resource, action)) => (resource, Some(kebab(action))),
            None => (self.client_name, None),
        }
    }

    /// What it takes besides the common flags.
    pub fn args(self) -> Args {
        match self.target {
            Target::Endpoint(e) => e.args(),
            Target::Wait(..) => Args::Id,
        }
    }

    /// Whether the answer is a list page (`--all` walks them).
    pub fn paginated(self) -> bool {
        matches!(self.target, Target::Endpoint(e) if e.paginated())
    }

    /// Whether positional names make the availability body.
    pub fn takes_names(self) -> bool {
        CLIENT_HELPERS
            .iter()
            .any(|h| h.client == self.client_name && h.kind == HelperKind::Availability)
    }

    /// The command line as typed (`peeker orders create`).
    pub fn invocation(self) -> String {
        match self.words() {
            (resource, Some(action)) => format!("peeker {resource} {action}"),
            (resource, None) => format!("peeker {resource}"),
        }
    }
}

/// Every resource command: the table's endpoints, then the helpers that add
/// a method (the waits).
pub fn actions() -> Vec<Action> {
    let endpoints = Endpoint::ALL.iter().map(|&e| Action {
        client_name: e.client_name(),
        target: Target::Endpoint(e),
    });
    let waits = CLIENT_HELPERS.iter().filter_map(|h| match h.kind {
        HelperKind::Wait(poll) if Endpoint::from_client_name(h.client).is_none() => Some(Action {
            client_name: h.client,
            target: Target::Wait(h.summary, poll.endpoint().path_template()),
        }),
        _ => None,
    });
    endpoints.chain(waits).collect()
}

/// `createJob` and `user_names` as `create-job` and `user-names`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// The derive commands with a subcommand per resource added.
pub fn augment(mut cli: Command) -> Command {
    let actions = actions();
    let mut resources: Vec<&'static str> = Vec::new();
    for a in &actions {
        let (resource, _) = a.words();
        if !resources.contains(&resource) {
            resources.push(resource);
        }
    }
    for resource in resources {
        let mine = actions.iter().filter(|a| a.words().0 == resource);
        let leaves: Vec<(Option<String>, Command)> =
            mine.map(|&a| (a.words().1, leaf(a))).collect::<Vec<_>>();
        cli = match leaves.as_slice() {
            [(None, only)] => cli.subcommand(only.clone()),
            _ => cli.subcommand(
                leaves.into_iter().fold(
                    Command::new(resource)
                        .about(format!(
                            "The API's {resource}: one subcommand per endpoint."
                        ))
                        .subcommand_required(true)
                        .arg_required_else_help(true),
                    |res, (_, c)| res.subcommand(c),
                ),
            ),
        };
    }
    cli
}

/// The resource command `matches` chose, with its own matches.
pub fn chosen(matches: &ArgMatches) -> Option<(Action, &ArgMatches)> {
    let (first, sub) = matches.subcommand()?;
    let (action, m) = match sub.subcommand() {
        Some((second, m)) => (Some(second.to_owned()), m),
        None => (None, sub),
    };
    let found = actions()
        .into_iter()
        .find(|a| a.words() == (first, action.clone()))?;
    Some((found, m))
}

/// One action's command: its arguments, and help naming the endpoint with
/// an example.
fn leaf(a: Action) -> Command {
    let (resource, action) = a.words();
    let name = action.unwrap_or_else(|| resource.to_owned());
    let (summary, endpoint_line) = match a.target {
        Target::Endpoint(e) => (
            e.summary(),
            format!("{} {}", e.method().as_str(), e.path_template()),
        ),
        Target::Wait(summary, path) => (summary, format!("GET {path}, until it ends")),
    };
    let about = if summary.is_empty() {
        endpoint_line.clone()
    } else {
        summary.replace('`', "")
    };
    let mut help = format!("Endpoint: {endpoint_line}\n");
    if let Some(params) = input::query_params(a) {
        let names: Vec<String> = params.iter().map(|p| p.describe()).collect();
        help += &format!("Query parameters (--query k=v): {}\n", names.join(", "));
    }
    help += &format!("\nExample:\n  {}\n\n{}", example(a), print::EXIT_CODES);
    let mut cmd = Command::new(name)
        .about(about)
        .after_help(help)
        .args(common_args());
    let id = Arg::new("id").value_name("ID").help("The record's id.");
    let data = Arg::new("data")
        .long("data")
        .value_name("JSON|@FILE|-")
        .help("The request body: JSON, @file to read it from a file, - for standard input.");
    cmd = match a.args() {
        Args::None => cmd,
        Args::Id => cmd.arg(id.required(true)),
        Args::Body if a.takes_names() => cmd
            .arg(
                Arg::new("names")
                    .value_name("NAME")
                    .num_args(1..)
                    .help("Domain names to check, any number (sent 50 a call)."),
            )
            .arg(
                data.conflicts_with("names")
                    .required_unless_present("names"),
            ),
        Args::Body => cmd.arg(data.required(true)),
        Args::IdBody => cmd.arg(id.required(true)).arg(data.required(true)),
        Args::IdOptionalBody => cmd.arg(id.required(true)).arg(data),
        Args::Query | Args::OptionalQuery => cmd.arg(
            Arg::new("query")
                .long("query")
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .required(a.args() == Args::Query)
                .help("A query parameter; repeat for several. A list's items are comma-separated."),
        ),
    };
    if a.paginated() {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Every page, not only the first."),
        );
    }
    cmd
}

/// The flags every resource command takes.
fn common_args() -> [Arg; 3] {
    [
        Arg::new("api_key")
            .long("api-key")
            .env("PEEKER_API_KEY")
            .hide_env_values(true)
            .value_name("KEY")
            .help("The API key (pk_test_… or pk_live_…). Never printed."),
        Arg::new("base_url")
            .long("base-url")
            .env("PEEKER_BASE_URL")
            .value_name("URL")
            .help(format!(
                "Where the API is [default: {DEFAULT_BASE_URL}]; the sandbox's is http://127.0.0.1:8787/partner/v1."
            )),
        Arg::new("json")
            .long("json")
            .action(ArgAction::SetTrue)
            .help("Print the answer as JSON, as the API sent it (one page a line)."),
    ]
}

/// An example command line.
fn example(a: Action) -> String {
    let (resource, _) = a.words();
    let mut line = a.invocation();
    match a.args() {
        Args::Id | Args::IdOptionalBody => line += " ID",
        Args::IdBody => line += &format!(" ID --data @{}.json", singular(resource)),
        Args::Body if a.takes_names() => line += " acme.com team-acme.com",
        Args::Body => line += &format!(" --data @{}.json", singular(resource)),
        Args::Query | Args::OptionalQuery => {
            let required = input::query_params(a)
                .unwrap_or_default()
                .into_iter()
                .find(|p| p.required);
            if let Some(p) = required {
                line += &format!(" --query {}={}", p.name, p.sample());
            }
        }
        Args::None => {}
    }
    if a.paginated() {
        line += " --all";
    }
    line
}

/// `orders` → `order` (for example file names).
fn singular(resource: &str) -> &str {
    resource.strip_suffix('s').unwrap_or(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case() {
        assert_eq!(kebab("createJob"), "create-job");
        assert_eq!(kebab("user_names"), "user-names");
        assert_eq!(kebab("list"), "list");
    }

    #[test]
    fn every_endpoint_has_one_command() {
        let actions = actions();
        for &e in Endpoint::ALL {
            let n = actions
                .iter()
                .filter(|a| matches!(a.target, Target::Endpoint(x) if x == e))
                .count();
            assert_eq!(n, 1, "{e:?}");
        }
        let cli = augment(Command::new("peeker"));
        cli.debug_assert();
    }
}
