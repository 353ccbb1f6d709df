//! Validation, domain split, plan and bundle preview, for JS. Validators return
//! every problem (an empty array when the body is valid); they never throw for
//! bad input, only for input that is not data at all (a cycle, a BigInt).

use super::{from_js, js_error, to_js, ErrorKind};
use crate::error::{PeekerError, Problem};
use crate::model::AvailabilityRow;
use crate::split::{check_domain_split, Split};
use crate::validate::read;
use crate::{plan, sizing, validate};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type JsResult = Result<JsValue, JsValue>;

fn problems(body: &JsValue, check: fn(&Value) -> Vec<Problem>) -> JsResult {
    match from_js(body, "") {
        Ok(value) => to_js(&check(&value)),
        // Too deep: the problem itself, returned like any other.
        Err(e) if !e.problems.is_empty() => to_js(&e.problems),
        Err(e) => Err(js_error(ErrorKind::Peeker, &e)),
    }
}

/// Every problem with a `POST /orders` body (newest shape).
#[wasm_bindgen(js_name = validateOrder, unchecked_return_type = "Problem[]")]
pub fn validate_order(#[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue) -> JsResult {
    problems(&body, validate::validate_create_order)
}

/// Every problem with a `POST /bundles` body.
#[wasm_bindgen(js_name = validateBundle, unchecked_return_type = "Problem[]")]
pub fn validate_bundle(
    #[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue,
) -> JsResult {
    problems(&body, validate::validate_create_bundle)
}

/// Every problem with a `POST /domains/availability` body (at most 50 names).
#[wasm_bindgen(js_name = validateAvailabilityRequest, unchecked_return_type = "Problem[]")]
pub fn validate_availability_request(
    #[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue,
) -> JsResult {
    problems(&body, validate::validate_availability)
}

#[wasm_bindgen(typescript_custom_section)]
const VALIDATE_IMPORT_TS: &str = r#"
/**
 * Every problem with an import body: `POST /domains/import` (at most 25 root
 * domains) or, with `{job: true}`, `POST /domains/import/jobs` (at most 500).
 */
export function validateImport(body: unknown, options?: { job?: boolean }): Problem[];
"#;

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = validateImport, skip_typescript)]
pub fn validate_import(body: JsValue, options: Option<js_sys::Object>) -> JsResult {
    let job = options
        .and_then(|o| js_sys::Reflect::get(&o, &JsValue::from_str("job")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if job {
        problems(&body, validate::validate_import_job)
    } else {
        problems(&body, validate::validate_import)
    }
}

/// Every problem with a `POST /domains/forwarding` body (at most 25 domains).
#[wasm_bindgen(js_name = validateForwarding, unchecked_return_type = "Problem[]")]
pub fn validate_forwarding(
    #[wasm_bindgen(unchecked_param_type = "unknown")] body: JsValue,
) -> JsResult {
    problems(&body, validate::validate_forwarding)
}

#[wasm_bindgen(typescript_custom_section)]
const DOMAIN_WARNING_TS: &str = r#"
/**
 * A warning about a domain name the SDK accepts: `mixed_script` when one
 * label mixes scripts the way look-alike (spoofed) names do (UTS #39's
 * Highly Restrictive level, as browsers' IDN spoof checkers: `аpple.com`
 * with a Cyrillic `а`). Browsers show such a label as punycode. Not a
 * refusal: show it next to the name and let the customer decide.
 */
export interface DomainWarning {
  code: "mixed_script";
  /** The domain name as sent (A-label). */
  domain: string;
  /** The label at fault, as people read it. */
  label: string;
  /** The scripts it mixes (Unicode names: "Latin", "Cyrillic", ...). */
  scripts: string[];
  message: string;
}
"#;

/// A domain name as people read it (UTS #46 ToUnicode, as browsers show it):
/// `displayDomain("xn--mnchen-3ya.de")` is `"münchen.de"`. Show this; send
/// the A-label (what the validators and `buildRequest` send). A name that is
/// not a valid domain name is returned as given.
#[wasm_bindgen(js_name = displayDomain)]
pub fn display_domain(name: &str) -> String {
    validate::display_domain(name)
}

/// The warnings for a domain name, `[]` when there are none, and for a name
/// the validators refuse (their problem says why).
#[wasm_bindgen(js_name = domainWarnings, unchecked_return_type = "DomainWarning[]")]
pub fn domain_warnings(name: &str) -> JsResult {
    to_js(&validate::domain_warnings(name))
}

/// Whether the picked domains fill the bundle's split: the
/// assignment, or exactly what is missing or surplus.
#[wasm_bindgen(js_name = checkDomainSplit, unchecked_return_type = "SplitOutcome")]
pub fn check_domain_split_js(
    #[wasm_bindgen(unchecked_param_type = "Split | RequiredDomains")] required: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AvailabilityRow[]")] rows: JsValue,
) -> JsResult {
    let (required, rows) = split_inputs(&required, &rows, "rows")?;
    to_js(&check_domain_split(required, &rows))
}

/// How far the picks so far fill the split: slots filled per provider and
/// the problems no further pick can fix (refuse a pick that makes these
/// non-empty, and the customer never reaches a dead end).
#[wasm_bindgen(js_name = meterDomainSplit, unchecked_return_type = "SplitMeter")]
pub fn meter_domain_split_js(
    #[wasm_bindgen(unchecked_param_type = "Split | RequiredDomains")] required: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AvailabilityRow[]")] rows: JsValue,
) -> JsResult {
    let (required, rows) = split_inputs(&required, &rows, "rows")?;
    to_js(&crate::split::split_meter(required, &rows))
}

/// The cheapest feasible pick from availability rows, ties by input order.
#[wasm_bindgen(js_name = planDomains, unchecked_return_type = "PlanOutcome")]
pub fn plan_domains_js(
    #[wasm_bindgen(unchecked_param_type = "Split | RequiredDomains")] required: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AvailabilityRow[]")] candidates: JsValue,
) -> JsResult {
    let (required, rows) = split_inputs(&required, &candidates, "candidates")?;
    to_js(&plan::plan_domains(required, &rows))
}

/// `required_domains` of a bundle body, for a preview before the
/// bundle exists. The server's numbers stay the truth. Throws a
/// `ValidationError` when the body is invalid.
#[wasm_bindgen(js_name = requiredDomains, unchecked_return_type = "RequiredDomains")]
pub fn required_domains(
    #[wasm_bindgen(unchecked_param_type = "CreateBundle | BundleSizing")] bundle: JsValue,
) -> JsResult {
    let value = from_js(&bundle, "").map_err(|e| js_error(ErrorKind::Validation, &e))?;
    let sizing = sizing_of(value).map_err(|e| js_error(ErrorKind::Validation, &e))?;
    let result = sizing::required_domains(&sizing)
        .map_err(|p| js_error(ErrorKind::Validation, &PeekerError::validation(vec![p])))?;
    to_js(&result)
}

/// The sizing of a bundle body, checked by the bundle validator (so every
/// problem is reported at once). A preview does not need a `name` yet.
fn sizing_of(mut body: Value) -> Result<sizing::BundleSizing, PeekerError> {
    if let Some(obj) = body.as_object_mut() {
        obj.entry("name").or_insert_with(|| Value::from("preview"));
    }
    validate::parse_create_bundle(&body)
        .map(|bundle| sizing::BundleSizing::from(&bundle))
        .map_err(PeekerError::validation)
}

/// The fields of an availability row that the split and the plan read.
/// An availability row read from JSON (the fields the split and the planner
/// use; the rest are not kept), or what is wrong with it. Read by hand, not
/// with serde's derive: its typed errors pull float formatting into the wasm.
fn row_of(item: &Value) -> Result<AvailabilityRow, String> {
    let Some(obj) = item.as_object() else {
        return Err(format!("is {}, not an object", read::type_name(item)));
    };
    // Absent and null are the same for the optional fields.
    let optional = |key: &str| obj.get(key).filter(|v| !v.is_null());
    let Some(Value::String(domain)) = obj.get("domain") else {
        return Err("domain must be a string".to_owned());
    };
    let Some(&Value::Bool(available)) = obj.get("available") else {
        return Err("available must be true or false".to_owned());
    };
    let price_cents = optional("price_cents")
        .map(|v| v.as_i64().ok_or("price_cents must be an integer"))
        .transpose()?;
    // Provider and UnavailableReason are open enums: any string parses.
    fn open<T: std::str::FromStr<Err = std::convert::Infallible>>(s: &str) -> T {
        s.parse().unwrap_or_else(|never| match never {})
    }
    let usable_for = optional("usable_for")
        .map(|v| {
            v.as_array()
                .and_then(|list| {
                    list.iter()
                        .map(|p| p.as_str().map(open))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("usable_for must be an array of provider names")
        })
        .transpose()?;
    let premium = optional("premium")
        .map(|v| v.as_bool().ok_or("premium must be true or false"))
        .transpose()?;
    let reason = optional("reason")
        .map(|v| v.as_str().map(open).ok_or("reason must be a string"))
        .transpose()?;
    Ok(AvailabilityRow {
        domain: domain.clone(),
        available,
        price_cents,
        renewal_price_cents: None,
        currency: None,
        usable_for,
        premium,
        reason,
        extra: Default::default(),
    })
}

fn split_inputs(
    required: &JsValue,
    rows: &JsValue,
    rows_field: &str,
) -> Result<(Split, Vec<AvailabilityRow>), JsValue> {
    let fail = |e: PeekerError| js_error(ErrorKind::Validation, &e);
    let required = from_js(required, "required").map_err(fail)?;
    let mut problems = Vec::new();
    let split = parse_split(&required, &mut problems);
    let rows = match packed_rows(rows) {
        Some(rows) => rows,
        // Not plain well-typed rows: the JSON path names every bad one.
        None => {
            let value = from_js(rows, rows_field).map_err(fail)?;
            parse_rows(&value, rows_field, &mut problems)
        }
    };
    if problems.is_empty() {
        Ok((split, rows))
    } else {
        Err(fail(PeekerError::validation(problems)))
    }
}

#[wasm_bindgen(module = "/src/js/rows.js")]
extern "C" {
    #[wasm_bindgen(js_name = packRows)]
    fn pack_rows(rows: &JsValue) -> JsValue;
}

/// Rows from `packRows` (see src/js/rows.js for the layout), or None.
fn packed_rows(rows: &JsValue) -> Option<Vec<AvailabilityRow>> {
    use crate::model::Provider;
    let packed = pack_rows(rows);
    if packed.is_undefined() {
        return None;
    }
    let packed: js_sys::Array = packed.unchecked_into();
    let names = packed.get(0).as_string()?;
    let reasons = packed.get(1).as_string()?;
    let numbers = js_sys::Float64Array::new(&packed.get(2)).to_vec();
    let count = numbers.len() / 2;
    let (mut names, mut reasons) = (names.split('\n'), reasons.split('\n'));
    let mut out = Vec::with_capacity(count);
    for pair in numbers.chunks_exact(2) {
        let (bits, price) = (pair[0] as u32, pair[1]);
        let usable_for = (bits & 4 != 0).then(|| {
            let mut list = Vec::with_capacity(2);
            if bits & 8 != 0 {
                list.push(Provider::Google);
            }
            if bits & 16 != 0 {
                list.push(Provider::Microsoft);
            }
            list
        });
        let reason = reasons.next().filter(|r| !r.is_empty());
        out.push(AvailabilityRow {
            domain: names.next()?.to_owned(),
            available: bits & 1 != 0,
            price_cents: (!price.is_nan()).then_some(price as i64),
            renewal_price_cents: None,
            currency: None,
            usable_for,
            premium: (bits & 2 != 0).then_some(true),
            reason: reason.map(|r| r.parse().unwrap_or_else(|never| match never {})),
            extra: Default::default(),
        });
    }
    Some(out)
}

fn parse_split(value: &Value, problems: &mut Vec<Problem>) -> Split {
    let mut count = |key: &str| -> u32 {
        match value.get(key).and_then(Value::as_u64).map(u32::try_from) {
            Some(Ok(n)) => n,
            _ => {
                problems.push(Problem::invalid(
                    format!("required.{key}"),
                    format!("required.{key} must be a non-negative integer (the bundle's required_domains.{key})"),
                ));
                0
            }
        }
    };
    Split {
        google: count("google"),
        microsoft: count("microsoft"),
    }
}

/// Every row that is not an availability row, with its index.
fn parse_rows(value: &Value, field: &str, problems: &mut Vec<Problem>) -> Vec<AvailabilityRow> {
    let Some(items) = value.as_array() else {
        problems.push(Problem::invalid(
            field,
            format!("{field} must be an array of availability rows"),
        ));
        return Vec::new();
    };
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match row_of(item) {
            Ok(row) => rows.push(row),
            // Bounded: one bad shape usually means all are; 20 problems say enough.
            Err(e) if problems.len() < 20 => problems.push(Problem::invalid(
                format!("{field}[{i}]"),
                format!("not an availability row: {e}; pass the rows POST /domains/availability returned"),
            )),
            Err(_) => {}
        }
    }
    rows
}
