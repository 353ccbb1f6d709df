//! Runs one resource command through the native client.

use super::{input, print, Action, Target};
use crate::exit::Outcome;
use crate::term::Spinner;
use clap::ArgMatches;
use peeker_partner::client::{ClientOptions, PeekerClient};
use peeker_partner::request::{Args, Endpoint};

/// Calls the command's client method and prints the answer.
pub async fn run(a: Action, m: &ArgMatches) -> Outcome {
    let json = m.get_flag("json");
    let options = ClientOptions {
        api_key: given(m, "api_key"),
        base_url: given(m, "base_url"),
        ..ClientOptions::default()
    };
    let client = PeekerClient::new(options).map_err(|e| print::error(&e))?;
    if a.paginated() {
        let all = m.get_flag("all");
        let mut pages = client.list(a.client_name, input::query(a, m)?);
        while let Some(page) = pages.next_page().await {
            let page = page.map_err(|e| print::error(&e))?;
            print::page(&page, json);
            if !all {
                if page.next_page().is_some() && !json {
                    eprintln!("(more on the next pages: --all for every one)");
                }
                break;
            }
        }
        return Ok(());
    }
    let arg = match a.args() {
        Args::Query | Args::OptionalQuery => input::query(a, m)?,
        _ => input::body(m)?,
    };
    let _spinner = matches!(a.target, Target::Wait(..))
        .then(|| Spinner::start(&format!("waiting: {}", a.invocation())));
    let id = input::id(m);
    // `--json` prints the body as the API sent it; availability's several
    // calls and the waits' polls have no one body, so their rows are printed.
    let raw = json && matches!(a.target, Target::Endpoint(e) if e != Endpoint::CheckAvailability);
    if raw {
        let body = client
            .call_raw(a.client_name, id.as_deref(), arg)
            .await
            .map_err(|e| print::error(&e))?;
        println!("{body}");
        return Ok(());
    }
    let answer = client
        .call(a.client_name, id.as_deref(), arg)
        .await
        .map_err(|e| print::error(&e))?;
    drop(_spinner);
    print::answer(&answer, json);
    Ok(())
}

/// A flag's value; an empty one (`PEEKER_BASE_URL=`) is no value.
fn given(m: &ArgMatches, name: &str) -> Option<String> {
    m.get_one::<String>(name).filter(|v| !v.is_empty()).cloned()
}
