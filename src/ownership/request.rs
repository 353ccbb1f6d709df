//! One request of a customer token: the records it names, and after the
//! Worker's look-ups whether it goes ahead and exactly what is sent.

use super::{fold_email, Customer, Identity, Kind, Owner};
use crate::error::{codes, envelope, PeekerError, Problem};
use crate::json::object;
use crate::request::{Endpoint, HttpRequest};
use crate::validate::names::normalize_domain;
use serde_json::{Map, Value};

/// What a reference must be for the request to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Must {
    /// The customer's own record: an unknown one is refused too.
    BeOwn,
    /// Not another customer's (a name to buy or import may be unknown).
    NotBeOthers,
}

/// A record a request names, and the field that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: Kind,
    pub id: String,
    pub field: String,
    pub must: Must,
}

/// A request the proxy refuses: the HTTP status and the API's envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub envelope: Value,
}

impl Refusal {
    fn new(status: u16, code: &str, field: &str, message: &str) -> Refusal {
        Refusal {
            status,
            envelope: envelope(&[Problem::new(code, field, message)]),
        }
    }

    fn not_found(reference: &Reference) -> Refusal {
        let what = match reference.kind {
            Kind::User => "user",
            Kind::Order => "order",
            Kind::Domain => "domain",
            Kind::Import => "import",
            Kind::Forwarding => "forwarding job",
            Kind::Swap => "swap",
        };
        Refusal::new(
            404,
            codes::NOT_FOUND,
            &reference.field,
            &format!("no such {what} among this customer's records"),
        )
    }

    /// 400 with the error's problems (a validation error), or the error itself as one.
    pub fn invalid(e: PeekerError) -> Refusal {
        let problems = if e.problems.is_empty() {
            vec![Problem::new(
                &e.code,
                e.field.clone().unwrap_or_default(),
                e.message,
            )]
        } else {
            e.problems
        };
        Refusal {
            status: 400,
            envelope: envelope(&problems),
        }
    }
}

/// What the proxy does after the look-ups.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Send this request upstream.
    Send(HttpRequest),
    /// Answer this (200) without asking upstream: a list forced to a
    /// customer the table cannot name in the form the filter takes (an
    /// email token listing swaps before any of its orders was seen) is empty.
    Answer(Value),
}

/// One request of a customer token, checked and reduced to the references
/// the Worker must look up.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRequest {
    pub endpoint: Endpoint,
    pub customer: Customer,
    /// The records it names.
    pub references: Vec<Reference>,
    id: Option<String>,
    /// The body, or the query as the query parsers read it.
    arg: Value,
    /// The canonical body as JSON (names normalised), when there is one.
    body: Option<Value>,
}

/// The list filter forced to the customer, by endpoint: the parameter that
/// takes a user id, the one that takes an email, and whether one parameter
/// takes either (`orders.pending`'s `user`).
fn forced_filter(endpoint: Endpoint) -> Option<(Option<&'static str>, Option<&'static str>)> {
    use Endpoint::*;
    match endpoint {
        ListOrders | ListDomains => Some((Some("user_id"), Some("user_email"))),
        ListPending => Some((Some("user"), Some("user"))),
        ListSwaps => Some((Some("user_id"), None)),
        ListUsers => Some((None, Some("email"))),
        _ => None,
    }
}

impl CustomerRequest {
    /// Checks a request of the customer `sub` to `endpoint` (already matched
    /// and in the token's scope): `id` the path's id, `query` the raw query
    /// string (without `?`), `body` the parsed JSON body (`null` for none).
    /// Refused: 401 a `sub` that is not canonical, 400 what the request
    /// builder refuses, 403 a create for someone else or an email change.
    pub fn new(
        endpoint: Endpoint,
        id: Option<&str>,
        query: &str,
        body: &Value,
        sub: &str,
    ) -> Result<CustomerRequest, Refusal> {
        let customer = Customer::from_sub(sub).map_err(|why| {
            Refusal::new(
                401,
                codes::UNAUTHORIZED,
                "",
                &format!("the browser token's sub is not a customer: {why}"),
            )
        })?;
        let arg = if endpoint.query_schema().is_some() {
            crate::route::query_args(endpoint, query).map_err(|p| Refusal {
                status: 400,
                envelope: envelope(&[p]),
            })?
        } else {
            body.clone()
        };
        let built = endpoint.build(id, &arg).map_err(Refusal::invalid)?;
        let body = built
            .body
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(crate::json::parse);
        let mut request = CustomerRequest {
            endpoint,
            customer,
            references: Vec::new(),
            id: id.map(str::to_owned),
            arg,
            body,
        };
        request.check_shape()?;
        request.collect_references();
        Ok(request)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.body.as_ref()?.get(key)?.as_str()
    }

    /// The body rules that need no look-up.
    fn check_shape(&self) -> Result<(), Refusal> {
        let forbidden =
            |field: &str, message: &str| Err(Refusal::new(403, codes::FORBIDDEN, field, message));
        match self.endpoint {
            Endpoint::CreateUser => match &self.customer {
                Customer::Email(email)
                    if self.text("email").is_some_and(|e| fold_email(e) == *email) =>
                {
                    Ok(())
                }
                _ => forbidden("email", "email must be the token's own customer (sub)"),
            },
            Endpoint::UpdateUser
                if self.body.as_ref().is_some_and(|b| b.get("email").is_some()) =>
            {
                forbidden(
                    "email",
                    "a customer token cannot change a user's email; the partner's backend can",
                )
            }
            _ => Ok(()),
        }
    }

    fn push(&mut self, kind: Kind, id: &str, field: String, must: Must) {
        self.references.push(Reference {
            kind,
            id: id.to_owned(),
            field,
            must,
        });
    }

    /// A domain reference of a body: a `dom_…` id must be the customer's;
    /// a name must be the customer's (`BeOwn`) or at least not another's.
    fn push_domain(&mut self, reference: &str, field: String, names_must: Must) {
        let must = if reference.starts_with("dom_") {
            Must::BeOwn
        } else {
            names_must
        };
        self.push(Kind::Domain, reference, field, must);
    }

    fn collect_references(&mut self) {
        use Endpoint::*;
        let path_kind = super::rules::path_record(self.endpoint);
        if let (Some(kind), Some(id)) = (path_kind, self.id.clone()) {
            // A customer's own user id needs no look-up.
            if !(kind == Kind::User && self.customer == Customer::Id(id.clone())) {
                self.push(kind, &id, "id".to_owned(), Must::BeOwn);
            }
        }
        let list = |body: &Option<Value>, key: &str| -> Vec<String> {
            body.as_ref()
                .and_then(|b| b.get(key))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|d| d.as_str().or_else(|| d.get("domain")?.as_str()))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (names, must) = match self.endpoint {
            CreateOrder | ImportDomains | CreateImportJob => {
                (list(&self.body, "domains"), Must::NotBeOthers)
            }
            CancelOrder | CreateForwarding => (list(&self.body, "domains"), Must::BeOwn),
            LookupImports => (list(&Some(self.arg.clone()), "domains"), Must::BeOwn),
            _ => (Vec::new(), Must::BeOwn),
        };
        for (i, name) in names.iter().enumerate() {
            // The lookup's names are sent as given: compare them normalised.
            let name = normalize_domain(name).unwrap_or_else(|_| name.clone());
            self.push_domain(&name, format!("domains[{i}]"), must);
        }
        if let (CreateSwap | SwapUserNames, Some(domain)) =
            (self.endpoint, self.text("domain_id").map(str::to_owned))
        {
            self.push_domain(&domain, "domain_id".to_owned(), Must::BeOwn);
        }
        if let (CreateSwap, Some(name)) = (
            self.endpoint,
            self.text("replacement_domain").map(str::to_owned),
        ) {
            self.push_domain(&name, "replacement_domain".to_owned(), Must::NotBeOthers);
        }
    }

    /// With the customer's identity and the owners the table holds for
    /// [`references`](Self::references) (`(kind, id, owner)`, unknown ones
    /// left out): what to send, or why not (404 for a record that is not the
    /// customer's, as if it did not exist).
    pub fn decide(
        &self,
        identity: &Identity,
        owners: &[(Kind, String, Owner)],
    ) -> Result<Decision, Refusal> {
        if self.endpoint == Endpoint::CreateOrder
            && !self.text("user").is_some_and(|u| identity.is(u))
        {
            return Err(Refusal::new(
                403,
                codes::FORBIDDEN,
                "user",
                "user must be the token's own customer (sub)",
            ));
        }
        for reference in &self.references {
            let owner = owners
                .iter()
                .find(|(k, id, _)| *k == reference.kind && *id == reference.id)
                .map(|(_, _, o)| o)
                .filter(|o| o.is_known());
            let allowed = match (reference.must, owner) {
                (_, Some(owner)) => identity.owns(owner),
                (Must::BeOwn, None) => false,
                (Must::NotBeOthers, None) => true,
            };
            if !allowed {
                return Err(Refusal::not_found(reference));
            }
        }
        let Some((by_id, by_email)) = forced_filter(self.endpoint) else {
            return self.build(&self.arg).map(Decision::Send);
        };
        let mut query = match &self.arg {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        for key in [by_id, by_email].into_iter().flatten() {
            query.remove(key);
        }
        let forced = match (&self.customer, by_id, by_email) {
            (Customer::Id(id), Some(key), _) => Some((key, id.clone())),
            (Customer::Email(email), _, Some(key)) => Some((key, email.clone())),
            (Customer::Id(_), None, Some(key)) => identity.emails.first().map(|e| (key, e.clone())),
            (Customer::Email(_), Some(key), None) => {
                identity.user_ids.first().map(|id| (key, id.clone()))
            }
            _ => None,
        };
        let Some((key, value)) = forced else {
            return self
                .build(&Value::Object(query))
                .map(|r| Decision::Answer(empty_page(&r)));
        };
        query.insert(key.to_owned(), value.into());
        self.build(&Value::Object(query)).map(Decision::Send)
    }

    fn build(&self, arg: &Value) -> Result<HttpRequest, Refusal> {
        self.endpoint
            .build(self.id.as_deref(), arg)
            .map_err(Refusal::invalid)
    }
}

/// An empty list page for `request` (links relative to the base URL).
fn empty_page(request: &HttpRequest) -> Value {
    let per_page = request
        .query
        .iter()
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(25);
    object(vec![
        ("data", Value::Array(Vec::new())),
        (
            "links",
            object(vec![
                ("first", request.path_and_query().into()),
                ("next", Value::Null),
            ]),
        ),
        (
            "meta",
            object(vec![
                ("path", request.path.clone().into()),
                ("per_page", per_page.into()),
                ("returned", 0.into()),
            ]),
        ),
    ])
}
