//! The terminal: colours only on one (and never with NO_COLOR), and a
//! spinner on standard error while waiting.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Whether standard output gets colours.
pub fn colours() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Text colours, or nothing when colours are off.
#[derive(Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colours as [`colours`] decides.
    pub fn detect() -> Paint {
        Paint { on: colours() }
    }

    fn wrap(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Success.
    pub fn green(self, text: &str) -> String {
        self.wrap("32", text)
    }
    /// Failure.
    pub fn red(self, text: &str) -> String {
        self.wrap("31", text)
    }
    /// Warnings and retries.
    pub fn yellow(self, text: &str) -> String {
        self.wrap("33", text)
    }
    /// Secondary details.
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
    /// Names worth seeing at a glance.
    pub fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }
}

/// A spinner on standard error, drawn only when it is a terminal; stops
/// (and clears its line) when dropped.
pub struct Spinner {
    running: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    /// Starts spinning beside `message`.
    pub fn start(message: &str) -> Spinner {
        let running = Arc::new(AtomicBool::new(true));
        let thread = std::io::stderr().is_terminal().then(|| {
            let running = running.clone();
            let message = message.to_owned();
            std::thread::spawn(move || {
                let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
                let mut i = 0;
                while running.load(Ordering::Relaxed) {
                    let frame = frames.get(i % frames.len()).copied().unwrap_or('.');
                    eprint!("\r{frame} {message}");
                    let _ = std::io::stderr().flush();
                    i += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                eprint!("\r\x1b[2K");
                let _ = std::io::stderr().flush();
            })
        });
        Spinner { running, thread }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The time of day (UTC) as `HH:MM:SS`.
pub fn clock_time() -> String {
    let secs = unix_now() % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
