//! [`Pages`]: a list call's pages, one request each, following `links.next`.

use super::convert::decode;
use super::error::Error;
use super::PeekerClient;
use crate::client::Failure;
use crate::error::PeekerError;
use crate::model::List;
use crate::request::Endpoint;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

impl PeekerClient {
    /// A list endpoint's pages, from `query` (`null` for none).
    pub(super) fn pages<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        query: Result<Value, PeekerError>,
    ) -> Pages<T> {
        Pages {
            client: self.clone(),
            endpoint,
            query,
            seen: HashSet::new(),
            done: false,
            decode: |_, body| decode(body),
        }
    }
}

/// The pages of a list call (`client.orders().list(None)`), fetched one at
/// a time as asked: [`Pages::next_page`], or every item with
/// [`Pages::all`]. Follows `links.next` (its opaque `page_token`) until
/// the last page.
pub struct Pages<T> {
    client: PeekerClient,
    endpoint: Endpoint,
    pub(super) query: Result<Value, PeekerError>,
    seen: HashSet<String>,
    done: bool,
    pub(super) decode: fn(Endpoint, &str) -> Result<List<T>, Failure>,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("endpoint", &self.endpoint)
            .field("done", &self.done)
            .finish()
    }
}

impl<T> Pages<T> {
    /// The next page, `None` after the last (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<List<T>, Error>> {
        if self.done {
            return None;
        }
        let query = match &self.query {
            Ok(q) => Ok(q.clone()),
            Err(e) => Err(e.clone()),
        };
        let page = (self.client)
            .one_as(self.endpoint, None, query, self.decode)
            .await;
        let token = match &page {
            Ok(p) => p.next_page().and_then(page_token),
            Err(_) => None,
        };
        match (token, &mut self.query) {
            (Some(token), Ok(query)) if self.seen.insert(token.clone()) => {
                if query.is_null() {
                    *query = Value::Object(Default::default());
                }
                if let Some(map) = query.as_object_mut() {
                    map.insert("page_token".into(), token.into());
                }
            }
            _ => self.done = true,
        }
        Some(page)
    }

    /// Every item of every page.
    pub async fn all(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.data);
        }
        Ok(items)
    }
}

/// The `page_token` of a `links.next` URL (opaque: copied, never built).
fn page_token(next: &str) -> Option<String> {
    let query = next.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == "page_token")
            .then(|| percent_decode(v))
            .filter(|t| !t.is_empty())
    })
}

/// `application/x-www-form-urlencoded` decoding, as `URLSearchParams`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = s
            .get(i + 1..i + 3)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
