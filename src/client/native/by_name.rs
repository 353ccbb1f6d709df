//! The client's methods by name, with JSON (as the JS client and the client
//! suite name them): the same checks, bytes and retries as the typed ones.

use super::convert::mismatch;
use super::error::Error;
use super::methods::as_model;
use super::pages::Pages;
use super::PeekerClient;
use crate::client::bad_option;
use crate::request::{Endpoint, HelperKind};
use serde_json::Value;

impl PeekerClient {
    /// Calls a client method by its name, as the JS client and browser-token
    /// scopes name it (`"orders.create"`, `"imports.waitJob"`), with JSON
    /// arguments: `id` for the `{id}` segment, `arg` the body or query
    /// (`Value::Null` for none; the names for `domains.availability`). The
    /// same validation (every problem, with its field), bytes and retries as
    /// the typed methods; the answer is read into the model's type, then
    /// given back as JSON. A list method answers its first page: walk them
    /// with [`PeekerClient::list`].
    pub async fn call(&self, name: &str, id: Option<&str>, arg: Value) -> Result<Value, Error> {
        let id = id.unwrap_or_default();
        match crate::request::Helper::find(name).map(|h| h.kind) {
            Some(HelperKind::Availability) => {
                let names = match arg {
                    Value::Array(names) => names,
                    Value::Object(mut o) => match o.remove("domains") {
                        Some(Value::Array(names)) => names,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let rows = self.availability_of(names).await?;
                Ok(serde_json::to_value(rows).unwrap_or_default())
            }
            Some(HelperKind::Wait(poll)) => self.wait_for::<Value>(name, poll, id).await,
            None => match Endpoint::from_client_name(name) {
                Some(e) => self.one_as(e, Some(id), Ok(arg), as_model).await,
                None => Err(Error::invalid_option(bad_option(
                    "",
                    &format!("no client method is called {name:?}"),
                ))),
            },
        }
    }

    /// [`PeekerClient::call`] for one endpoint, answering the body exactly as
    /// the API sent it (what `peeker <resource> <action> --json` prints):
    /// the same validation, bytes and retries, no reading into the model.
    pub async fn call_raw(
        &self,
        name: &str,
        id: Option<&str>,
        arg: Value,
    ) -> Result<String, Error> {
        match Endpoint::from_client_name(name) {
            Some(e) => {
                let id = Some(id.unwrap_or_default());
                self.one_as(e, id, Ok(arg), |_, body| Ok(body.to_owned()))
                    .await
            }
            None => Err(Error::invalid_option(bad_option(
                "",
                &format!("no endpoint is called {name:?}"),
            ))),
        }
    }

    /// The pages of a list method by its name (`"orders.list"`), as JSON:
    /// each page read into the model's type first.
    pub fn list(&self, name: &str, query: Value) -> Pages<Value> {
        let endpoint = Endpoint::from_client_name(name).filter(|e| e.paginated());
        let mut pages = self.pages(endpoint.unwrap_or(Endpoint::ListBundles), Ok(query));
        pages.decode =
            |e, body| serde_json::from_value(as_model(e, body)?).map_err(|e| mismatch(&e));
        if endpoint.is_none() {
            pages.query = Err(bad_option(
                "",
                &format!("no list method is called {name:?}"),
            ));
        }
        pages
    }
}
