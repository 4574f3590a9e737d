-- ImportRows' request_id (import.proto: "A re-sent stream with the same key
-- within 24 h replays the first run's results"): the results of each applied
-- batch, keyed by the caller, the request_id and the batch's ordinal in the
-- stream (1, 2, …; 0 = the results of the stream's end, Finish), with a
-- fingerprint of the batch (header entity, format, columns and the rows).
-- Written in the batch's own transaction, so a stream cut short leaves
-- exactly its committed batches here and a re-sent stream resumes after them.
-- Rows older than 24 h are ignored and swept (storage/import_replay.cc).
CREATE TABLE import_batches (
  subject      text        NOT NULL,
  request_id   text        NOT NULL,
  ordinal      integer     NOT NULL,
  fingerprint  text        NOT NULL,
  results      bytea       NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, request_id, ordinal)
);
CREATE INDEX import_batches_created ON import_batches (created_at);
