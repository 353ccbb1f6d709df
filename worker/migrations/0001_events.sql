-- One row per Peeker event, whatever the number of deliveries.
-- seq is the arrival order (the /events cursor); AUTOINCREMENT so a sequence
-- number is never reused, even after the newest row is deleted.
CREATE TABLE events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,   -- evt_…, the dedupe key
  type        TEXT NOT NULL,
  order_id    TEXT,                   -- data.id for order.*, else data.order_id
  created_at  TEXT NOT NULL,          -- as Peeker sent it
  received_at TEXT NOT NULL,
  body        TEXT NOT NULL           -- the raw verified body, byte for byte
);
CREATE INDEX events_by_order ON events (order_id, seq);
