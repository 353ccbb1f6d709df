//! The waits: poll an import or forwarding job until a terminal status.

use super::failure::Failure;
use super::settings::CallSettings;
use super::Client;
use crate::request::Poll;
use crate::retry;
use crate::transport::{Json, Transport};
use serde_json::Value;

impl<T: Transport> Client<T> {
    /// Polls an import or forwarding job with backoff until a terminal status.
    pub async fn wait(
        &self,
        poll: Poll,
        id: &str,
        opts: &CallSettings<T::Signal>,
        first_ms: u64,
        max_wait_ms: f64,
    ) -> Result<T::Json, Failure> {
        let request = poll.endpoint().build(Some(id), &Value::Null)?;
        let t = &self.transport;
        let start = t.now_ms();
        for n in 0.. {
            let answer = self.call(&request, opts).await?;
            let status = answer
                .get("data")
                .and_then(|d| d.get("status"))
                .and_then(|s| s.text())
                .unwrap_or_default();
            if poll.is_terminal(&status) {
                return Ok(answer);
            }
            let delay = retry::poll_delay(n, first_ms, 60_000);
            if t.now_ms() - start + delay as f64 > max_wait_ms {
                return Err(Failure::Timeout {
                    timeout_ms: max_wait_ms as u32,
                    retries: n,
                    unsafe_not_retried: false,
                });
            }
            if !t.sleep(delay, opts.signal.as_ref()).await {
                return Err(Failure::Aborted);
            }
        }
        Err(Failure::Aborted)
    }
}
