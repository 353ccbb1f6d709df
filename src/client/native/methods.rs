//! The typed methods: one per row of the endpoint table, in the resource
//! namespaces of the JS client (`client.orders().create(&body)`), and the
//! helpers that are several requests (availability, the waits).

use super::convert::{arg, decode, to_model_json};
use super::error::Error;
use super::pages::Pages;
use super::PeekerClient;
use crate::client::Failure;
use crate::model::*;
use crate::request::{Endpoint, Poll};
use serde_json::Value;

/// The resource namespaces, as the JS client's (`client.orders`). Their
/// methods come from the endpoint table.
macro_rules! namespaces {
    ($($(#[doc = $doc:literal])* $ns:ident: $ty:ident;)+) => {
        impl PeekerClient {
            $(
                $(#[doc = $doc])*
                pub fn $ns(&self) -> $ty<'_> {
                    $ty { client: self }
                }
            )+
        }
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty<'a> {
                client: &'a PeekerClient,
            }

            impl $ty<'_> {
                fn api(&self) -> &PeekerClient {
                    self.client
                }
            }
        )+
    };
}

namespaces! {
    /// Bundles: saved order sizes.
    bundles: Bundles;
    /// End customers.
    users: Users;
    /// Domains: availability, the inventory.
    domains: Domains;
    /// Nameserver imports of domains the customer owns.
    imports: Imports;
    /// Forwarding of live domains.
    forwarding: Forwarding;
    /// Orders and their pending actions.
    orders: Orders;
    /// Domain and user-name swaps.
    swaps: Swaps;
}

/// The type of a namespace (`orders` → `Orders`).
macro_rules! namespace_type {
    (bundles) => { Bundles<'_> };
    (users) => { Users<'_> };
    (domains) => { Domains<'_> };
    (imports) => { Imports<'_> };
    (forwarding) => { Forwarding<'_> };
    (orders) => { Orders<'_> };
    (swaps) => { Swaps<'_> };
}

/// One method per row of the endpoint table: its name and namespace from
/// the row's client name, its arguments from the row's builder, its answer
/// from the row's response.
macro_rules! native_methods {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $method:ident $path:literal as $first:ident $(. $second:ident)? $(= $client:literal)? {
            build: $f:ident($($sig:tt)*),
            response: $status:literal $shape:ident $resp:ty,
            $($rest:tt)*
        }
    )+) => {
        /// An answer of `endpoint` read into the model's type, as JSON.
        pub(super) fn as_model(endpoint: Endpoint, body: &str) -> Result<Value, Failure> {
            match endpoint {
                $(Endpoint::$name => native_methods!(@model [$shape $resp] body),)+
            }
        }

        $(native_methods!(@row
            [$(#[doc = $doc])* #[doc = concat!("\n\n`", stringify!($method), " ", $path, "`")]]
            $name $first $($second)? [$shape $resp] $($sig)*);)+
    };

    (@model [One $resp:ty] $body:ident) => {
        to_model_json(decode::<DataEnvelope<$resp>>($body)?)
    };
    (@model [Page $resp:ty] $body:ident) => {
        to_model_json(decode::<List<$resp>>($body)?)
    };

    // Replaced by the helper of the same name: any number of names, 50 a call.
    (@row [$($d:tt)*] $name:ident domains availability $($rest:tt)*) => {};
    // `me`: on the client itself.
    (@row [$($d:tt)*] $name:ident $m:ident [$($r:tt)*] $($sig:tt)*) => {
        impl PeekerClient {
            native_methods!(@fn [$($d)*] $name $m [$($r)*] $($sig)*);
        }
    };
    (@row [$($d:tt)*] $name:ident $ns:ident $m:ident [$($r:tt)*] $($sig:tt)*) => {
        impl namespace_type!($ns) {
            native_methods!(@fn [$($d)*] $name $m [$($r)*] $($sig)*);
        }
    };

    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty]) => {
        $($d)*
        pub async fn $m(&self) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, Ok(Value::Null)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id) => {
        $($d)*
        pub async fn $m(&self, id: &str) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, Some(id), Ok(Value::Null)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] body: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, body: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, arg(body)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id, body: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, id: &str, body: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, Some(id), arg(body)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id, body?: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, id: &str, body: Option<&$t>) -> Result<DataEnvelope<$resp>, Error> {
            let body = body.map_or(Ok(Value::Null), arg);
            self.api().one(Endpoint::$name, Some(id), body).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] query: $t:ty) => {
        $($d)*
        pub async fn $m(&self, query: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, arg(query)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [Page $resp:ty] query?: $t:ty) => {
        $($d)*
        pub fn $m(&self, query: Option<&$t>) -> Pages<$resp> {
            self.api().pages(Endpoint::$name, query.map_or(Ok(Value::Null), arg))
        }
    };
}

crate::request::endpoint_table!(native_methods);

impl PeekerClient {
    fn api(&self) -> &PeekerClient {
        self
    }
}

// The helpers: more than one request each (`CLIENT_HELPERS`).
impl Domains<'_> {
    /// Any number of names, sent 50 a call within the rate limit; rows in
    /// input order. A name the core refuses gets a `reason: invalid` row in
    /// place and is not sent; a name repeated anywhere in the list is a
    /// validation error before anything is sent.
    ///
    /// `POST /domains/availability`
    pub async fn availability<S: AsRef<str>>(
        &self,
        names: &[S],
    ) -> Result<Vec<AvailabilityRow>, Error> {
        let names = names.iter().map(|n| Value::from(n.as_ref())).collect();
        self.client.availability_of(names).await
    }
}

impl Imports<'_> {
    /// Polls `GET /domains/import/{id}` until `completed` or `failed`
    /// ([`CallOptions::poll_interval`](super::CallOptions::poll_interval),
    /// [`CallOptions::max_wait`](super::CallOptions::max_wait)).
    pub async fn wait(&self, id: &str) -> Result<DataEnvelope<DomainImport>, Error> {
        self.client.wait_for("imports.wait", Poll::Import, id).await
    }

    /// Polls `GET /domains/import/jobs/{id}` until `completed` or `failed`.
    pub async fn wait_job(&self, id: &str) -> Result<DataEnvelope<DomainImport>, Error> {
        self.client
            .wait_for("imports.waitJob", Poll::ImportJob, id)
            .await
    }
}

impl Forwarding<'_> {
    /// Polls `GET /domains/forwarding/{id}` until `completed`,
    /// `partial_success` or `failed`.
    pub async fn wait(&self, id: &str) -> Result<DataEnvelope<ForwardingJob>, Error> {
        self.client
            .wait_for("forwarding.wait", Poll::Forwarding, id)
            .await
    }
}
