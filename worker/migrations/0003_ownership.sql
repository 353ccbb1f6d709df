-- Whose records a customer's browser token may reach (src/proxy.js; the
-- rules are the package's: CustomerRequest, eventOwnership). Learned from
-- the answers that pass through the proxy and from webhook payloads.
CREATE TABLE owners (
  kind    TEXT NOT NULL,   -- user, order, domain, import, forwarding, swap
  id      TEXT NOT NULL,   -- usr_…, ord_…, dom_… or a domain name, imp_…, fwj_…, swp_…
  user_id TEXT,            -- the customer's usr_ id, when known
  email   TEXT,            -- the customer's email, ASCII-lower-cased, when known
  learned INTEGER NOT NULL DEFAULT 0, -- when last learned (ms): the newest user rows first
  PRIMARY KEY (kind, id)
);
CREATE INDEX owners_by_user_email ON owners (kind, email);

-- The record each stored event is about: its owner is the event's owner
-- (joined when events are read, so an owner learned later still counts).
ALTER TABLE events ADD COLUMN subject_kind TEXT;
ALTER TABLE events ADD COLUMN subject_id TEXT;
CREATE INDEX events_by_subject ON events (subject_kind, subject_id);
