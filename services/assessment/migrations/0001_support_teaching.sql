-- Support teaching (支教, DOMAIN §4, R-SUP-1 … R-SUP-5), in the service's own
-- schema (search_path). Each table keeps the columns that rules, lists and
-- uniqueness need; `body` holds the whole message as last answered.

-- A region's own support rules for a school year (SupportRules); regions
-- without a row inherit the nearest ancestor's, then the built-in defaults.
CREATE TABLE support_rules (
  region_code  text        NOT NULL,
  school_year  integer     NOT NULL,
  body         bytea       NOT NULL,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (region_code, school_year)
);

-- A unit's quota for a year (R-SUP-1): N entered by the county. region_code
-- is the county that entered it ('' = the province).
CREATE TABLE support_quotas (
  school_code  text        NOT NULL,
  school_year  integer     NOT NULL,
  region_code  text        NOT NULL DEFAULT '',
  places       integer     NOT NULL CHECK (places BETWEEN 0 AND 500),
  body         bytea       NOT NULL,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_code, school_year)
);

-- Assignments. One live (not deleted, not withdrawn) assignment per teacher
-- and school year; `region_code` is the sending school's county as given by
-- the county bureau that created it.
CREATE TABLE support_assignments (
  assignment_id      text        PRIMARY KEY,
  teacher_id         text        NOT NULL,
  sending_school     text        NOT NULL,
  receiving_schools  text[]      NOT NULL,
  school_year        integer     NOT NULL,
  region_code        text        NOT NULL DEFAULT '',
  withdrawn          boolean     NOT NULL DEFAULT false,
  body               bytea       NOT NULL,
  version            bigint      NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);
CREATE UNIQUE INDEX support_assignments_live_teacher ON support_assignments (teacher_id, school_year)
  WHERE deleted_at IS NULL AND NOT withdrawn;
CREATE INDEX support_assignments_sending ON support_assignments (sending_school, school_year)
  WHERE deleted_at IS NULL AND NOT withdrawn;
CREATE INDEX support_assignments_region ON support_assignments (region_code text_pattern_ops, school_year);

-- Activity records (R-SUP-3) with the figures the summary needs. An
-- event-sourced record is unique per source (source_ref), so a redelivered
-- event records nothing new.
CREATE TABLE support_activity_records (
  assignment_id     text        NOT NULL REFERENCES support_assignments (assignment_id),
  record_id         text        NOT NULL,
  seq               bigserial   NOT NULL,
  term              smallint    NOT NULL,
  record_date       date        NOT NULL,
  start_minute      integer     NOT NULL DEFAULT -1,
  kind              smallint    NOT NULL,
  quantity          integer     NOT NULL,
  centi_hours       bigint      NOT NULL,  -- class hours × 100, exact
  receiving_school  text        NOT NULL,
  source            smallint    NOT NULL,
  source_ref        text        NOT NULL DEFAULT '',
  evidence_title    text        NOT NULL DEFAULT '',
  body              bytea       NOT NULL,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  PRIMARY KEY (assignment_id, record_id)
);
CREATE UNIQUE INDEX support_activity_records_source ON support_activity_records (assignment_id, source_ref)
  WHERE source_ref <> '';
CREATE INDEX support_activity_records_term ON support_activity_records (assignment_id, term)
  WHERE deleted_at IS NULL;

-- Term summaries (R-SUP-4): sign-off state and signatures; lines and totals
-- are recomputed from the records on every read.
CREATE TABLE support_term_summaries (
  assignment_id  text        NOT NULL REFERENCES support_assignments (assignment_id),
  term           smallint    NOT NULL,
  state          smallint    NOT NULL DEFAULT 1,
  body           bytea       NOT NULL,
  version        bigint      NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assignment_id, term)
);

-- The latest certification decision per assignment (R-SUP-5).
CREATE TABLE support_certifications (
  assignment_id  text        PRIMARY KEY REFERENCES support_assignments (assignment_id),
  granted        boolean     NOT NULL,
  body           bytea       NOT NULL,
  version        bigint      NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
