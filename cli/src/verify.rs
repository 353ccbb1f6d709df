//! `peeker verify`: a captured delivery through the core's `diagnose`.

use crate::args::VerifyArgs;
use crate::exit::{Failure, Outcome, UNVERIFIED};
use crate::term::Paint;
use peeker_partner::diagnose::diagnose;
use std::io::Read;

/// Prints the verdict and each cause; exit code 3 when it does not verify.
pub fn run(args: &VerifyArgs) -> Outcome {
    let raw = match &args.file {
        Some(path) => std::fs::read(path)
            .map_err(|e| Failure::failed(format!("cannot read {}: {e}", path.display())))?,
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Failure::failed(format!("cannot read standard input: {e}")))?;
            buf
        }
    };
    let capture = crate::raw_http::parse(&raw).map_err(Failure::usage)?;
    let headers: Vec<(&str, &str)> = capture
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let secrets: Vec<&[u8]> = args.secret.iter().map(|s| s.as_bytes()).collect();
    let now = args.at.unwrap_or_else(crate::term::unix_now);
    let d = diagnose(&capture.body, &headers, &secrets, args.tolerance, now);
    let paint = Paint::detect();
    match (d.failed_check, &d.message) {
        (Some(check), Some(message)) => {
            println!(
                "{} {}: {message}",
                paint.red("✗ refused:"),
                paint.bold(check)
            )
        }
        _ => println!("{}", paint.green("✓ verified")),
    }
    if !d.causes.is_empty() {
        println!("{}", if d.verified { "Note:" } else { "Likely cause:" });
    }
    for cause in &d.causes {
        println!("  - {cause} {}", paint.dim(&format!("[{}]", cause.code())));
    }
    if d.verified {
        Ok(())
    } else {
        Err(Failure {
            code: UNVERIFIED,
            message: String::new(),
        })
    }
}
