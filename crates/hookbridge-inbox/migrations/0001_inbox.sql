-- hookbridge-inbox schema, version 1. Idempotent: applied by every process that opens the
-- inbox, inside a transaction holding the inbox's advisory lock.
CREATE TABLE IF NOT EXISTS hookbridge_inbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider         text NOT NULL,
    -- The pipeline's replay key: derived from signed data only.
    replay_key       text NOT NULL,
    -- The request headers exactly as received, in order, repeated names kept: names[i] = values[i].
    header_names     text[] NOT NULL,
    header_values    bytea[] NOT NULL,
    -- The raw body, byte for byte.
    body             bytea NOT NULL,
    event_type       text,
    subject_kind     text,
    subject_id       text,
    received_at      timestamptz NOT NULL DEFAULT now(),
    state            text NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    -- When the delivery is due: its next attempt, or (while processing) its lease expiry.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_expires_at timestamptz,
    last_error       text,
    completed_at     timestamptz,
    CONSTRAINT hookbridge_inbox_replay_key UNIQUE (provider, replay_key),
    CONSTRAINT hookbridge_inbox_state CHECK (state IN ('pending', 'processing', 'done', 'failed', 'dead')),
    CONSTRAINT hookbridge_inbox_attempts CHECK (attempts >= 0),
    CONSTRAINT hookbridge_inbox_headers CHECK (cardinality(header_names) = cardinality(header_values)),
    CONSTRAINT hookbridge_inbox_last_error CHECK (last_error IS NULL OR length(last_error) <= 1024)
);
-- Claims: the due deliveries, oldest first.
CREATE INDEX IF NOT EXISTS hookbridge_inbox_due ON hookbridge_inbox (next_attempt_at)
    WHERE state IN ('pending', 'failed', 'processing');
-- Monitoring and `inbox retry --dead`.
CREATE INDEX IF NOT EXISTS hookbridge_inbox_dead ON hookbridge_inbox (id) WHERE state = 'dead';
-- Purging.
CREATE INDEX IF NOT EXISTS hookbridge_inbox_done ON hookbridge_inbox (completed_at) WHERE state = 'done';
