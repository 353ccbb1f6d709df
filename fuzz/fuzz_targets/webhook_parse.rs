//! Arbitrary bytes through the webhook verifier: it must never panic.
//!
//! Input: `flags \n timestamp \n signature \n event-id \n body`. Flag bit 0
//! replaces the signature with a valid one (so the envelope parser is reached),
//! bit 1 drops the event id, bit 2 sets `now` to the timestamp.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peeker_partner::webhook::{sign, verify, WebhookHeaders};

const SECRET: &[u8] = b"fuzz_secret";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(5, |b| *b == b'\n');
    let flags = parts.next().and_then(|f| f.first().copied()).unwrap_or(0);
    let mut text = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (ts, mut sig, id) = (text(), text(), text());
    let body = parts.next().unwrap_or_default();
    if flags & 1 != 0 {
        sig = format!("{sig},{}", sign(SECRET, &ts, body));
    }
    let mut pairs = vec![
        ("peeker-timestamp", ts.as_str()),
        ("PEEKER-SIGNATURE", sig.as_str()),
    ];
    if flags & 2 == 0 {
        pairs.push(("Peeker-Event-Id", id.as_str()));
    }
    let headers = WebhookHeaders::from_pairs(pairs);
    let now = if flags & 4 != 0 {
        ts.parse().unwrap_or(0)
    } else {
        1_778_241_600
    };
    let tolerance = u64::from(flags >> 3) * 100;
    let _ = verify(body, &headers, &[SECRET, b"other"], tolerance, now);
});
