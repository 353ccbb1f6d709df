//! `diagnoseWebhook`: why a delivery does not verify, in words (the core's
//! [`diagnose`]), for the whole package; the verifier-only entry stays
//! without it (its wasm carries no JSON parser and no formatting). JS reads
//! the inputs as the verifier does (`diagnosisInput` in webhook-input.js).

use super::to_js;
use crate::diagnose::diagnose;
use crate::webhook::DEFAULT_TOLERANCE_SECS;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS: &str = r#"
/**
 * Why a delivery does not verify: runs `verifyWebhook`'s checks on it and
 * tries the usual accidents one by one (body re-serialised or re-encoded,
 * secret with whitespace or the wrong one of several, clock skew and by how
 * much, a header missing, repeated or folded by a proxy). Takes what
 * `verifyWebhook` takes; an empty or missing secret is a cause, not a throw.
 * For a server's logs: never answer a sender with it.
 */
export function diagnoseWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeadersInit,
  secret: string | string[],
  options?: VerifyWebhookOptions,
): WebhookDiagnosis;
"#;

#[wasm_bindgen(module = "/src/js/webhook-input.js")]
extern "C" {
    /// The inputs read, or the error to throw (a JS Error).
    type DiagnosisInput;
    #[wasm_bindgen(js_name = diagnosisInput)]
    fn diagnosis_input(
        payload: &JsValue,
        headers: &JsValue,
        secret: &JsValue,
        options: &JsValue,
    ) -> DiagnosisInput;
    #[wasm_bindgen(method, getter)]
    fn error(this: &DiagnosisInput) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn body(this: &DiagnosisInput) -> Vec<u8>;
    /// Every header's name and value in turn, repeats kept.
    #[wasm_bindgen(method, getter)]
    fn headers(this: &DiagnosisInput) -> Vec<String>;
    #[wasm_bindgen(method, getter)]
    fn secrets(this: &DiagnosisInput) -> Vec<String>;
    /// Seconds; below 0 for the default.
    #[wasm_bindgen(method, getter)]
    fn tolerance(this: &DiagnosisInput) -> f64;
    #[wasm_bindgen(method, getter)]
    fn now(this: &DiagnosisInput) -> f64;
}

#[wasm_bindgen(js_name = diagnoseWebhook, skip_typescript)]
pub fn diagnose_webhook(
    payload: JsValue,
    headers: JsValue,
    secret: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let input = diagnosis_input(&payload, &headers, &secret, &options);
    let error = input.error();
    if !error.is_undefined() {
        return Err(error);
    }
    let names_and_values = input.headers();
    let pairs: Vec<(&str, &str)> = names_and_values
        .chunks_exact(2)
        .map(|p| (p[0].as_str(), p[1].as_str()))
        .collect();
    let secrets = input.secrets();
    let secrets: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).collect();
    let tolerance = input.tolerance();
    let tolerance = if tolerance < 0.0 {
        DEFAULT_TOLERANCE_SECS
    } else {
        tolerance as u64
    };
    let found = diagnose(
        &input.body(),
        &pairs,
        &secrets,
        tolerance,
        input.now() as i64,
    );
    let causes: Vec<Value> = found
        .causes
        .iter()
        .map(|cause| {
            let mut fields = match serde_json::to_value(cause) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            fields.insert("message".into(), cause.to_string().into());
            Value::Object(fields)
        })
        .collect();
    let mut out = Map::new();
    out.insert("verified".into(), found.verified.into());
    if let Some(check) = found.failed_check {
        out.insert("failedCheck".into(), check.into());
    }
    if let Some(message) = found.message {
        out.insert("message".into(), message.into());
    }
    out.insert("causes".into(), Value::Array(causes));
    to_js(&Value::Object(out))
}
