// Pieces of hostile upstream servers shared by the client's and the Worker's
// boundary tests.

/** Answers `megabytes` MB of spaces in 1 MB chunks, honouring backpressure; a reader that hangs up early is fine. */
export function sendHugeBody(res, megabytes) {
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const more = () => {
    while (sent < megabytes) {
      sent++;
      if (!res.write(chunk)) return res.once("drain", more);
    }
    res.end();
  };
  res.on("error", () => {});
  more();
}
