//! Ownership at the Worker's proxy, for JS: every rule is the core's
//! ([`crate::ownership`]); this converts values, the Worker does the look-ups.

use super::{from_js, js_error, to_js, ErrorKind};
use crate::error::{codes, PeekerError};
use crate::json::object;
use crate::ownership::{
    event_record, Belongs, Customer, CustomerRequest as Core, Decision, Fact, Identity, Kind,
    Owner, Refusal,
};
use crate::request::Endpoint;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/** A kind of record the proxy's ownership table knows. */
export type OwnedKind = "user" | "order" | "domain" | "import" | "forwarding" | "swap";

/** Who a record belongs to (`email` ASCII-lower-cased); either may be null. */
export interface OwnerRow { user_id: string | null; email: string | null }

/** One row of the ownership table. */
export interface OwnershipRow extends OwnerRow { kind: OwnedKind; id: string }

/** What the table learns: a record belongs to an owner, or to the owner of another record. */
export type OwnershipFact =
  | (OwnershipRow & { same_as?: undefined })
  | { kind: OwnedKind; id: string; same_as: { kind: OwnedKind; id: string } };

/** An answer the proxy gives itself: the status and the JSON body. */
export interface ProxyAnswer { status: number; body: unknown }

/** What to send upstream: the path is relative to the API's base URL, with its query. */
export interface ProxySend { method: "GET" | "POST" | "PATCH" | "DELETE"; path: string; body: string | null }

/**
 * One request of a customer's browser token through the proxy (after the
 * route, scope and body checks): which records it names, and, once the
 * Worker looked their owners up, what is sent. Call `free()` when done.
 */
export class CustomerRequest {
  /**
   * `endpoint` as the client names it, `id` the path's id (or null), `query`
   * the raw query string without `?`, `body` the parsed JSON body (null for
   * none), `sub` the token's customer.
   */
  constructor(endpoint: string, id: string | null, query: string, body: unknown, sub: string);
  /** Why it is refused before any look-up (401 a sub that is not canonical, 400 invalid, 403), or undefined. */
  readonly refusal: ProxyAnswer | undefined;
  /** The customer's user rows to look up (by `user_id` or `email`) and the records whose owners are needed. */
  readonly lookup: { user: OwnerRow; records: { kind: OwnedKind; id: string }[] };
  /**
   * With the user rows of the customer (`kind: "user"` rows, newest first) and
   * the owners found for `lookup.records` (unknown ones left out): refused
   * (404 a record that is not the customer's), sent, or answered here.
   */
  decide(users: OwnerRow[], owners: OwnershipRow[]): { refusal: ProxyAnswer } | { send: ProxySend } | { answer: ProxyAnswer };
  /** What a success answer (its JSON) teaches the table; after `decide`. */
  learn(answer: unknown): OwnershipFact[];
  free(): void;
}

/**
 * A verified webhook event's place in the table: the record it is about (its
 * owner is the event's), its order, and the facts it carries.
 */
export function eventOwnership(event: unknown): {
  subject: { kind: OwnedKind; id: string } | null;
  order_id: string | null;
  facts: OwnershipFact[];
};

/**
 * Every form a token's customer is known under, for reading its events: its
 * own `sub` and what the `users` rows (the table's `kind: "user"` rows for
 * `customerKey(sub)`) link to it. Throws `PeekerError` `unauthorized` for a
 * sub that is not canonical.
 */
export function customerIdentity(sub: string, users: OwnerRow[]): { user_ids: string[]; emails: string[] };

/** The user rows to look up for `sub`: by `user_id` or by the folded `email`. */
export function customerKey(sub: string): OwnerRow;

/**
 * The proxy's size limits: the largest request body it forwards (the API's
 * own limit; past it, 413) and the largest answer it passes on (the client's
 * own cap; past it, 502).
 */
export function proxyLimits(): { maxBodyBytes: number; maxAnswerBytes: number };

/**
 * A JSON answer with every secret removed from its parsed values (keys and
 * strings at any depth, in every encoding `redactSecrets` knows), written
 * again as JSON; `undefined` when `text` is not JSON. A proxy passes this
 * on, never the bytes received: an escape such as `pk\u005ftest…` hides a
 * key from a text search but not from `JSON.parse`.
 */
export function redactAnswer(text: string, secrets: string[]): string | undefined;
"#;

type JsResult = Result<JsValue, JsValue>;

fn fail(e: &PeekerError) -> JsValue {
    js_error(ErrorKind::Peeker, e)
}

fn owner_json(owner: &Owner) -> Vec<(&'static str, Value)> {
    vec![
        (
            "user_id",
            owner.user_id.clone().map_or(Value::Null, Into::into),
        ),
        ("email", owner.email.clone().map_or(Value::Null, Into::into)),
    ]
}

/// `{user_id, email}` rows read by hand (no serde typed decoding in the wasm).
fn owner_of(row: &Value) -> Owner {
    let field = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    Owner {
        user_id: field("user_id"),
        email: field("email"),
    }
}

fn rows(value: &Value) -> Vec<&Value> {
    value
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn refusal_json(r: &Refusal) -> Value {
    object(vec![
        ("status", r.status.into()),
        ("body", r.envelope.clone()),
    ])
}

fn fact_json(fact: &Fact) -> Value {
    let mut pairs = vec![
        ("kind", fact.kind.as_str().into()),
        ("id", fact.id.as_str().into()),
    ];
    match &fact.belongs {
        Belongs::To(owner) => pairs.extend(owner_json(owner)),
        Belongs::SameAs(kind, id) => pairs.push((
            "same_as",
            object(vec![
                ("kind", kind.as_str().into()),
                ("id", id.as_str().into()),
            ]),
        )),
    }
    object(pairs)
}

fn customer(sub: &JsValue) -> Result<Customer, JsValue> {
    Customer::from_sub(&sub.as_string().unwrap_or_default()).map_err(|why| {
        fail(
            &PeekerError::new(codes::UNAUTHORIZED, format!("sub is not a customer: {why}"))
                .with_field("sub"),
        )
    })
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = CustomerRequest, skip_typescript)]
pub struct CustomerRequestHandle {
    request: Result<Core, Refusal>,
    identity: Identity,
}

#[wasm_bindgen(js_class = CustomerRequest)]
impl CustomerRequestHandle {
    #[wasm_bindgen(constructor)]
    pub fn new(
        endpoint: JsValue,
        id: JsValue,
        query: JsValue,
        body: JsValue,
        sub: JsValue,
    ) -> Result<CustomerRequestHandle, JsValue> {
        let name = endpoint.as_string().unwrap_or_default();
        let endpoint = Endpoint::from_client_name(&name).ok_or_else(|| {
            fail(
                &PeekerError::new(codes::INVALID_REQUEST, "no endpoint has this name")
                    .with_field("endpoint"),
            )
        })?;
        // A body that is not JSON data (too deep) is the caller's problem: 400.
        let request = from_js(&body, "")
            .map_err(Refusal::invalid)
            .and_then(|body| {
                Core::new(
                    endpoint,
                    id.as_string().as_deref(),
                    &query.as_string().unwrap_or_default(),
                    &body,
                    &sub.as_string().unwrap_or_default(),
                )
            });
        Ok(CustomerRequestHandle {
            request,
            identity: Identity::default(),
        })
    }

    #[wasm_bindgen(getter)]
    pub fn refusal(&self) -> JsResult {
        match &self.request {
            Err(r) => to_js(&refusal_json(r)),
            Ok(_) => Ok(JsValue::UNDEFINED),
        }
    }

    #[wasm_bindgen(getter)]
    pub fn lookup(&self) -> JsResult {
        let Ok(request) = &self.request else {
            return Ok(JsValue::UNDEFINED);
        };
        let records = request
            .references
            .iter()
            .map(|r| {
                object(vec![
                    ("kind", r.kind.as_str().into()),
                    ("id", r.id.as_str().into()),
                ])
            })
            .collect();
        to_js(&object(vec![
            ("user", object(owner_json(&request.customer.key()))),
            ("records", Value::Array(records)),
        ]))
    }

    pub fn decide(&mut self, users: JsValue, owners: JsValue) -> JsResult {
        let users = from_js(&users, "users").map_err(|e| fail(&e))?;
        let owners = from_js(&owners, "owners").map_err(|e| fail(&e))?;
        let request = match &self.request {
            Ok(request) => request,
            Err(r) => return to_js(&object(vec![("refusal", refusal_json(r))])),
        };
        let users: Vec<Owner> = rows(&users).into_iter().map(owner_of).collect();
        self.identity = Identity::resolve(&request.customer, &users);
        let owners: Vec<(Kind, String, Owner)> = rows(&owners)
            .into_iter()
            .filter_map(|row| {
                let kind = Kind::parse(row.get("kind")?.as_str()?)?;
                Some((kind, row.get("id")?.as_str()?.to_owned(), owner_of(row)))
            })
            .collect();
        let out = match request.decide(&self.identity, &owners) {
            Err(r) => object(vec![("refusal", refusal_json(&r))]),
            Ok(Decision::Answer(body)) => object(vec![(
                "answer",
                object(vec![("status", 200.into()), ("body", body)]),
            )]),
            Ok(Decision::Send(http)) => {
                let body = http.body.as_deref().map_or(Value::Null, |b| {
                    String::from_utf8_lossy(b).into_owned().into()
                });
                object(vec![(
                    "send",
                    object(vec![
                        ("method", http.method.as_str().into()),
                        ("path", http.path_and_query().into()),
                        ("body", body),
                    ]),
                )])
            }
        };
        to_js(&out)
    }

    pub fn learn(&self, answer: JsValue) -> JsResult {
        let answer = from_js(&answer, "answer").map_err(|e| fail(&e))?;
        let facts = match &self.request {
            Ok(request) => request.learn(&self.identity, &answer),
            Err(_) => Vec::new(),
        };
        to_js(&Value::Array(facts.iter().map(fact_json).collect()))
    }
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = eventOwnership, skip_typescript)]
pub fn event_ownership(event: JsValue) -> JsResult {
    let event = from_js(&event, "event").map_err(|e| fail(&e))?;
    let record = event_record(&event);
    let subject = record.subject.as_ref().map_or(Value::Null, |(kind, id)| {
        object(vec![
            ("kind", kind.as_str().into()),
            ("id", id.as_str().into()),
        ])
    });
    to_js(&object(vec![
        ("subject", subject),
        ("order_id", record.order_id.map_or(Value::Null, Into::into)),
        (
            "facts",
            Value::Array(record.facts.iter().map(fact_json).collect()),
        ),
    ]))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = customerKey, skip_typescript)]
pub fn customer_key(sub: JsValue) -> JsResult {
    to_js(&object(owner_json(&customer(&sub)?.key())))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = customerIdentity, skip_typescript)]
pub fn customer_identity(sub: JsValue, users: JsValue) -> JsResult {
    let customer = customer(&sub)?;
    let users = from_js(&users, "users").map_err(|e| fail(&e))?;
    let users: Vec<Owner> = rows(&users).into_iter().map(owner_of).collect();
    let identity = Identity::resolve(&customer, &users);
    let list = |items: &[String]| Value::Array(items.iter().map(|s| s.as_str().into()).collect());
    to_js(&object(vec![
        ("user_ids", list(&identity.user_ids)),
        ("emails", list(&identity.emails)),
    ]))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = proxyLimits, skip_typescript)]
pub fn proxy_limits() -> JsResult {
    to_js(&object(vec![
        (
            "maxBodyBytes",
            crate::model::requests::MAX_BODY_BYTES.into(),
        ),
        ("maxAnswerBytes", crate::transport::MAX_ANSWER_BYTES.into()),
    ]))
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = redactAnswer, skip_typescript)]
pub fn redact_answer(text: JsValue, secrets: JsValue) -> Option<String> {
    let value = crate::json::parse(&text.as_string()?)?;
    let secrets: Vec<String> = match from_js(&secrets, "secrets").ok()? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => vec![s],
        _ => Vec::new(),
    };
    serde_json::to_string(&crate::scrub::Scrubber::new(&secrets).value(&value)).ok()
}
