//! A captured HTTP request as text: an optional request line, header lines
//! (continuation lines folded in), a blank line, then the body as raw bytes.

/// A parsed capture.
#[derive(Debug, PartialEq, Eq)]
pub struct Capture {
    /// `(name, value)` per header line, in order, repeats kept.
    pub headers: Vec<(String, String)>,
    /// Everything after the blank line, byte for byte.
    pub body: Vec<u8>,
}

/// Parses `raw`; the error says what is missing.
pub fn parse(raw: &[u8]) -> Result<Capture, String> {
    let (head, body) = split_head(raw).ok_or(
        "no blank line between the headers and the body: paste the request as captured (headers, an empty line, the body)",
    )?;
    let head = String::from_utf8_lossy(head);
    let mut headers: Vec<(String, String)> = Vec::new();
    for (i, line) in head.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // Obsolete line folding: the value goes on, joined by one space.
            let Some((_, value)) = headers.last_mut() else {
                return Err("the capture starts with a continuation line".into());
            };
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        if i == 0 && is_request_line(line) {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("line {} is not `Name: value`", i + 1));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(Capture {
        headers,
        body: body.to_vec(),
    })
}

/// `POST /path HTTP/1.1`: a method, a target, maybe a version.
fn is_request_line(line: &str) -> bool {
    let mut words = line.split(' ');
    let method = words.next().unwrap_or("");
    let target = words.next().unwrap_or("");
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && (target.starts_with('/') || target.starts_with("http"))
}

/// The head and the body, split at the first empty line (CRLF or LF).
fn split_head(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = find(raw, b"\r\n\r\n").map(|i| (i, 4));
    let lf = find(raw, b"\n\n").map(|i| (i, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (a, b) => a.or(b)?,
    };
    Some((raw.get(..at)?, raw.get(at + len..)?))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_line_headers_folding_and_raw_body() {
        let raw = b"POST /webhooks HTTP/1.1\r\nHost: x\r\nPeeker-Signature: v1=ab\r\n cd\r\n\r\n{\"a\": 1}\r\n";
        let c = parse(raw).unwrap();
        assert_eq!(
            c.headers,
            vec![
                ("Host".into(), "x".into()),
                ("Peeker-Signature".into(), "v1=ab cd".into())
            ]
        );
        assert_eq!(c.body, b"{\"a\": 1}\r\n");
    }

    #[test]
    fn lf_only_and_no_request_line() {
        let c = parse(b"Peeker-Timestamp: 1\n\nbody").unwrap();
        assert_eq!(c.headers, vec![("Peeker-Timestamp".into(), "1".into())]);
        assert_eq!(c.body, b"body");
        assert!(parse(b"Peeker-Timestamp: 1\n").is_err());
    }
}
