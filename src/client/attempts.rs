//! One call's attempts: rate limit, send through the transport, and retry
//! as [`retry::decide`] says, telling the retry hook before each wait.

use super::failure::{api_error, not_json, Failure};
use super::settings::{CallSettings, Config, RetryInfo, Secrets};
use super::{lock, Client};
use crate::request::HttpRequest;
use crate::retry::{self, Decision, Outcome, TokenBucket};
use crate::transport::{Answer, Json, NoAnswer, Transport};
use std::sync::Mutex;

impl<T: Transport> Client<T> {
    pub fn new(config: Config, per_minute: u32, transport: T) -> Self {
        Client {
            config,
            bucket: Mutex::new(TokenBucket::new(per_minute)),
            transport,
        }
    }

    /// Sends `request` until it succeeds or [`retry::decide`] says stop.
    pub async fn send(
        &self,
        request: &HttpRequest,
        opts: &CallSettings<T::Signal>,
    ) -> Result<Answer, Failure> {
        let signal = opts.signal.as_ref();
        let t = &self.transport;
        let mut retries = 0;
        loop {
            let (wait, slot_end) = {
                let mut bucket = lock(&self.bucket);
                (bucket.reserve(t.now_ms()), bucket.last_slot_end())
            };
            if wait > 0 && !t.sleep(wait, signal).await {
                lock(&self.bucket).release(slot_end);
                return Err(Failure::Aborted);
            }
            let result = t
                .send(
                    &self.config.base_url,
                    self.config.authorization.as_deref(),
                    request,
                    signal,
                    opts.timeout_ms,
                )
                .await;
            let safe = request.retry_safe();
            let (failure, outcome_kind) = match result {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let error = api_error(answer.status, &answer.body);
                    let failure = Failure::Api {
                        status: answer.status,
                        error,
                        request_id: answer.request_id,
                        retries,
                    };
                    (failure, None)
                }
                Err(NoAnswer::Aborted) => return Err(Failure::Aborted),
                Err(NoAnswer::TooLarge) => return Err(Failure::TooLarge),
                Err(NoAnswer::TimedOut) => (
                    Failure::Timeout {
                        timeout_ms: opts.timeout_ms,
                        retries,
                        unsafe_not_retried: !safe,
                    },
                    Some(Outcome::Timeout),
                ),
                Err(NoAnswer::Connection {
                    message,
                    before_send,
                }) => (
                    Failure::Connection {
                        message,
                        retries,
                        unsafe_not_retried: !safe && !before_send,
                    },
                    Some(Outcome::Connection { before_send }),
                ),
            };
            let outcome = match (&failure, outcome_kind) {
                (_, Some(o)) => o,
                (Failure::Api { status, error, .. }, None) => Outcome::Status {
                    status: *status,
                    error: Some(error),
                },
                _ => Outcome::Connection { before_send: false },
            };
            match retry::decide(safe, outcome, retries, opts.max_retries, t.random()) {
                Decision::Stop => return Err(failure),
                Decision::Retry { delay_ms, reason } => {
                    let info = (retries + 1, delay_ms, reason.as_str());
                    self.notify_retry(request, &failure, info, &opts.secrets);
                    if !t.sleep(delay_ms, signal).await {
                        return Err(Failure::Aborted);
                    }
                    retries += 1;
                }
            }
        }
    }

    /// Sends and parses the JSON answer.
    pub async fn call(
        &self,
        request: &HttpRequest,
        opts: &CallSettings<T::Signal>,
    ) -> Result<T::Json, Failure> {
        let answer = self.send(request, opts).await?;
        T::Json::parse(&answer.body).ok_or_else(|| not_json(&answer.body))
    }

    /// The retry hook, shown nothing secret: no key, no body; the server's
    /// `code` and request id scrubbed of the call's secrets.
    fn notify_retry(
        &self,
        request: &HttpRequest,
        failure: &Failure,
        (attempt, delay_ms, reason): (u32, u64, &'static str),
        secrets: &Secrets,
    ) {
        let Some(hook) = &self.config.on_retry else {
            return;
        };
        let mut info = RetryInfo {
            attempt,
            delay_ms,
            reason,
            method: request.method.as_str(),
            path: request.path.clone(),
            status: None,
            code: None,
            request_id: None,
        };
        if let Failure::Api {
            status,
            error,
            request_id,
            ..
        } = failure
        {
            let scrub = secrets.scrubber();
            info.status = Some(*status);
            info.code = Some(scrub.text(&error.code));
            info.request_id = request_id.as_deref().map(|id| scrub.text(id));
        }
        hook(&info);
    }
}
