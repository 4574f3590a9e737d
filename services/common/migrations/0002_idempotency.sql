-- Idempotency keys: the first successful answer to a request_id, stored in
-- the same transaction as the change, so a retry returns it without acting
-- again. Rows older than a day are pruned by the relay's housekeeping.
CREATE TABLE idempotency_keys (
  method       text        NOT NULL,
  request_id   text        NOT NULL,
  fingerprint  text        NOT NULL,
  response     bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (method, request_id)
);
