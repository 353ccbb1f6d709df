//! How a command ends: the exit codes `--help` documents, and the error
//! that carries one.

use std::fmt;

/// Done.
pub const OK: u8 = 0;
/// A request, a wait or a file failed.
pub const FAILED: u8 = 1;
/// A flag or an argument is wrong.
pub const USAGE: u8 = 2;
/// `verify`: the delivery does not verify.
pub const UNVERIFIED: u8 = 3;

/// Why a command stopped, with its exit code.
#[derive(Debug)]
pub struct Failure {
    /// One of the codes above.
    pub code: u8,
    /// What to tell the user (never a secret).
    pub message: String,
}

impl Failure {
    /// A failure with exit code [`FAILED`].
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: FAILED,
            message: message.into(),
        }
    }

    /// A usage error, exit code [`USAGE`].
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;
