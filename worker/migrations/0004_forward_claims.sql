-- A retry call claims its dead letter before sending (src/forward.js), so
-- concurrent calls send it once: the claim holds until this time (ms since
-- the epoch), and a claim left by a Worker that died mid-send expires.
ALTER TABLE forward_failures ADD COLUMN claimed_until INTEGER;
