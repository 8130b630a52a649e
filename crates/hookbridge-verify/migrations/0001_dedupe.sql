-- hookbridge-verify: the table of PostgresDedupeStore (at-least-once dedupe of webhook deliveries).
--
-- The store applies this file itself on first use, inside a transaction holding a transaction-level
-- advisory lock, so several processes starting at once apply it one after the other. Every statement
-- is idempotent: applying it to a database that already has the table changes nothing.
--
-- One row per replay key:
--   state      'reserved' while a receiver handles the delivery (token = the holder's lease token),
--              'completed' once the application handled it (token is NULL);
--   expires_at end of the lease (reserved) or of the retention (completed), in server time (now()).
-- A row whose expires_at has passed counts as absent: reserve takes it over; purge_expired() (or
-- `DELETE FROM hookbridge_dedupe WHERE expires_at <= now()`) removes such rows for good.

CREATE TABLE IF NOT EXISTS hookbridge_dedupe (
    key        text        PRIMARY KEY,
    state      text        NOT NULL CHECK (state IN ('reserved', 'completed')),
    token      text,
    expires_at timestamptz NOT NULL,
    CHECK ((state = 'reserved') = (token IS NOT NULL))
);

CREATE INDEX IF NOT EXISTS hookbridge_dedupe_expires_at ON hookbridge_dedupe (expires_at);
