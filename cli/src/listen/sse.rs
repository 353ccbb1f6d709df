//! Server-Sent Events, as the Worker's /events/stream writes them: fields
//! `id`, `event`, `data` (one line each, data lines joined by `\n`), a
//! blank line ends a frame, lines starting with `:` are comments.

/// One frame.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Frame {
    /// `id:` (the Worker's `seq`).
    pub id: Option<String>,
    /// `event:` (the event type).
    pub event: Option<String>,
    /// The `data:` lines joined by `\n`.
    pub data: String,
}

/// Reads frames out of chunks as they arrive.
#[derive(Default)]
pub struct Parser {
    pending: Vec<u8>,
    frame: Frame,
    has_data: bool,
}

impl Parser {
    /// Takes a chunk and returns the frames it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Frame> {
        self.pending.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if self.has_data {
                    out.push(std::mem::take(&mut self.frame));
                }
                self.frame = Frame::default();
                self.has_data = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => self.frame.id = Some(value.to_owned()),
                "event" => self.frame.event = Some(value.to_owned()),
                "data" => {
                    if self.has_data {
                        self.frame.data.push('\n');
                    }
                    self.frame.data.push_str(value);
                    self.has_data = true;
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_across_chunks_with_comments() {
        let mut p = Parser::default();
        assert!(p
            .push(b": stream open\n\nid: 4\nevent: order.completed\nda")
            .is_empty());
        let frames = p.push(b"ta: {\"a\":\ndata: 1}\n\n: keep-alive\n\n");
        assert_eq!(
            frames,
            vec![Frame {
                id: Some("4".into()),
                event: Some("order.completed".into()),
                data: "{\"a\":\n1}".into()
            }]
        );
    }
}
