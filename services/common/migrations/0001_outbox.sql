-- Transactional outbox: a service writes its events here in the same
-- transaction as the change; the relay publishes them to Redis Streams and
-- sets published_at. Rows are kept for audit and pruned after a retention.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  event_id      uuid        NOT NULL UNIQUE,
  stream        text        NOT NULL,
  event_type    text        NOT NULL,
  aggregate_id  text        NOT NULL,
  envelope      bytea       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- De-duplication for consumers: one row per (consumer group, event) whose
-- effects were committed. Written in the handler's transaction.
CREATE TABLE processed_events (
  consumer      text        NOT NULL,
  event_id      uuid        NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
