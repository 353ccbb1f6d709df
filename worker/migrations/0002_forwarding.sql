-- Forwarding through the Queue (src/forward.js).
-- Set once the event's forwarding message is on FORWARD_QUEUE.
ALTER TABLE events ADD COLUMN forward_queued INTEGER NOT NULL DEFAULT 0;

-- Events whose forwarding to FORWARD_URL failed after the queue's last retry
-- (written by the dead-letter queue's consumer); removed once a retry delivers.
CREATE TABLE forward_failures (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id  TEXT NOT NULL UNIQUE,
  failed_at TEXT NOT NULL   -- when the dead-letter queue handed it over
);
