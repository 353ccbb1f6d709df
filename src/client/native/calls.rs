//! Running a call: its settings and secrets, the request (one, or the
//! helpers' several), the answer read into its type, a failure shown as an
//! [`Error`] scrubbed of the call's secrets.

use super::convert::{decode, mismatch};
use super::error::Error;
use super::{millis, whole, PeekerClient};
use crate::client::Failure;
use crate::error::PeekerError;
use crate::model::AvailabilityRow;
use crate::options::{MAX_WAIT_MS, POLL_INTERVAL_MS};
use crate::request::{Endpoint, Poll};
use crate::scrub::credentials;
use serde::de::DeserializeOwned;
use serde_json::Value;

impl PeekerClient {
    /// One request of `endpoint`, its answer decoded as `R`.
    pub(super) async fn one<R: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        id: Option<&str>,
        arg: Result<Value, PeekerError>,
    ) -> Result<R, Error> {
        self.one_as(endpoint, id, arg, |_, body| decode(body)).await
    }

    /// One request of `endpoint`, its answer decoded by `decode`.
    pub(super) async fn one_as<R>(
        &self,
        endpoint: Endpoint,
        id: Option<&str>,
        arg: Result<Value, PeekerError>,
        decode: fn(Endpoint, &str) -> Result<R, Failure>,
    ) -> Result<R, Error> {
        let mut found = Vec::new();
        if let Ok(v) = &arg {
            credentials(v, &mut found);
        }
        let (secrets, settings) = self.settings(found);
        let result = async {
            let settings = settings?;
            let request = endpoint.build(id, &arg?)?;
            let answer = self.inner.send(&request, &settings).await?;
            decode(endpoint, &answer.body)
        }
        .await;
        result.map_err(|f| Error::from_failure(endpoint.client_name(), f, &secrets))
    }

    /// `domains().availability`: any number of names, 50 a call.
    pub(super) async fn availability_of(
        &self,
        names: Vec<Value>,
    ) -> Result<Vec<AvailabilityRow>, Error> {
        let (secrets, settings) = self.settings(Vec::new());
        let progress = self.call.on_progress.clone();
        let on_progress = move |done: usize, total: usize| {
            if let Some(p) = &progress {
                p(done, total);
            }
        };
        let result = async {
            let settings = settings?;
            let rows = self
                .inner
                .availability(&names, &settings, &on_progress)
                .await?;
            serde_json::from_value(rows).map_err(|e| mismatch(&e))
        }
        .await;
        result.map_err(|f| Error::from_failure("domains.availability", f, &secrets))
    }

    /// The waits: polls `poll` for `id` until a terminal status.
    pub(super) async fn wait_for<R: DeserializeOwned>(
        &self,
        name: &str,
        poll: Poll,
        id: &str,
    ) -> Result<R, Error> {
        let (secrets, settings) = self.settings(Vec::new());
        let c = &self.call;
        let result = async {
            let settings = settings?;
            let first = match c.poll_interval {
                Some(d) => whole(&POLL_INTERVAL_MS, "poll_interval", millis(d))?,
                None => POLL_INTERVAL_MS.default,
            };
            let max_wait = match c.max_wait {
                Some(d) => whole(&MAX_WAIT_MS, "max_wait", millis(d))?,
                None => MAX_WAIT_MS.default,
            };
            let answer = self
                .inner
                .wait(poll, id, &settings, u64::from(first), f64::from(max_wait))
                .await?;
            serde_json::from_value(answer).map_err(|e| mismatch(&e))
        }
        .await;
        result.map_err(|f| Error::from_failure(name, f, &secrets))
    }
}
