//! `peeker token mint`: the core's `token::mint`, now.

use crate::args::MintArgs;
use crate::exit::{Failure, Outcome};
use peeker_partner::token::{self, AccountScopes};
use serde_json::json;

/// Prints the minted token alone on a line (to pipe into a variable).
pub fn mint(args: &MintArgs) -> Outcome {
    let now = crate::term::unix_now();
    let scope = args.scope.join(" ");
    let claims = json!({ "sub": args.sub, "scope": scope, "iat": now, "exp": now + args.ttl });
    let account = if args.account_scopes {
        AccountScopes::Allowed
    } else {
        AccountScopes::Refused
    };
    match token::mint(args.secret.as_bytes(), &claims, now, account) {
        Ok(t) => {
            println!("{t}");
            Ok(())
        }
        Err(e) => {
            let field = e
                .field
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            Err(Failure::usage(format!("{}{field}", e.message)))
        }
    }
}
