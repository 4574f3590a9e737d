-- Community evaluation (考核评价, DOMAIN §6, R-EVAL-1 … R-EVAL-4), in the
-- service's own schema (search_path). Columns hold what rules, lists and
-- uniqueness need; `body` holds the whole message as last answered; `version`
-- is the etag. Rows are soft-deleted where the API deletes, never removed.

-- Schemes as data, versioned per region ('' = the built-in default's level)
-- and school year (0 = any year). The built-in default is code, not a row.
CREATE TABLE eval_schemes (
  scheme_id       text        PRIMARY KEY,
  region_code     text        NOT NULL,
  school_year     integer     NOT NULL,
  scheme_version  integer     NOT NULL,
  state           smallint    NOT NULL,
  body            bytea       NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (region_code, school_year, scheme_version)
);
-- At most one PUBLISHED scheme per region and year: publishing supersedes.
CREATE UNIQUE INDEX eval_schemes_published ON eval_schemes (region_code, school_year) WHERE state = 2;

-- What the registry tells us about communities (from its events), so a run
-- reads its facts in the same transaction as the inputs.
CREATE TABLE eval_community_facts (
  community_id         text        PRIMARY KEY,
  type                 smallint    NOT NULL,
  region_code          text        NOT NULL,
  core_school_code     text        NOT NULL,
  member_school_codes  text[]      NOT NULL,
  deleted              boolean     NOT NULL DEFAULT false,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eval_community_facts_region ON eval_community_facts (region_code text_pattern_ops);

-- Declarations (申报表): project or feature, one live per school, community,
-- year and kind (R-EVAL-3 step 1).
CREATE TABLE eval_declarations (
  declaration_id  text        PRIMARY KEY,
  kind            smallint    NOT NULL,
  community_id    text        NOT NULL,
  school_code     text        NOT NULL,
  school_year     integer     NOT NULL,
  filed           boolean     NOT NULL DEFAULT false,
  late            boolean     NOT NULL DEFAULT false,
  body            bytea       NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE UNIQUE INDEX eval_declarations_live ON eval_declarations (school_code, community_id, school_year, kind)
  WHERE deleted_at IS NULL;
CREATE INDEX eval_declarations_community ON eval_declarations (community_id, school_year);

-- Self-assessments (自查自评) and review scores: one per school, community,
-- scheme and component. `total` is the exact decimal string; `late` the
-- R-EVAL-3 flag (accepted, never dropped).
CREATE TABLE eval_self_assessments (
  self_assessment_id  text        PRIMARY KEY,
  scheme_id           text        NOT NULL,
  component_id        text        NOT NULL,
  school_code         text        NOT NULL,
  community_id        text        NOT NULL,
  school_year         integer     NOT NULL,
  filed               boolean     NOT NULL DEFAULT false,
  late                boolean     NOT NULL DEFAULT false,
  total               text        NOT NULL DEFAULT '',
  body                bytea       NOT NULL,
  version             bigint      NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (school_code, community_id, scheme_id, component_id)
);
CREATE INDEX eval_self_assessments_year ON eval_self_assessments (community_id, school_year);

CREATE TABLE eval_review_scores (
  review_score_id  text        PRIMARY KEY,
  scheme_id        text        NOT NULL,
  component_id     text        NOT NULL,
  school_code      text        NOT NULL,
  community_id     text        NOT NULL,
  school_year      integer     NOT NULL,
  total            text        NOT NULL,
  body             bytea       NOT NULL,
  version          bigint      NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (school_code, community_id, scheme_id, component_id)
);
CREATE INDEX eval_review_scores_year ON eval_review_scores (community_id, school_year);

-- Indicators computed from events (R-SYNC-5, R-ACT-1). An event counts once:
-- its id is the primary key of eval_indicator_events, inserted in the same
-- transaction as the count, so replaying the stream changes nothing.
CREATE TABLE eval_indicator_events (
  event_id     text        PRIMARY KEY,
  metric       smallint    NOT NULL,
  subject      text        NOT NULL,
  school_year  integer     NOT NULL,
  term         smallint    NOT NULL,
  occurred_at  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE eval_indicator_counts (
  metric         smallint    NOT NULL,
  subject        text        NOT NULL,
  school_year    integer     NOT NULL,
  term           smallint    NOT NULL,
  event_count    bigint      NOT NULL,
  last_event_at  timestamptz NOT NULL,
  PRIMARY KEY (metric, subject, school_year, term)
);

-- Evaluation runs and their results (explanations inside `body`).
CREATE TABLE eval_runs (
  run_id          text        PRIMARY KEY,
  region_code     text        NOT NULL,
  school_year     integer     NOT NULL,
  scheme_id       text        NOT NULL,
  scheme_version  integer     NOT NULL,
  state           smallint    NOT NULL,
  inputs_digest   text        NOT NULL,
  body            bytea       NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eval_runs_region_year ON eval_runs (region_code, school_year);
-- One finalised run per region and year; finalising another supersedes it.
CREATE UNIQUE INDEX eval_runs_finalised ON eval_runs (region_code, school_year) WHERE state = 2;

CREATE TABLE eval_community_results (
  run_id        text     NOT NULL REFERENCES eval_runs (run_id),
  community_id  text     NOT NULL,
  rank          integer  NOT NULL,
  complete      boolean  NOT NULL,
  total         text     NOT NULL,
  body          bytea    NOT NULL,
  PRIMARY KEY (run_id, community_id)
);

CREATE TABLE eval_school_results (
  run_id        text  NOT NULL REFERENCES eval_runs (run_id),
  school_code   text  NOT NULL,
  community_id  text  NOT NULL,
  body          bytea NOT NULL,
  PRIMARY KEY (run_id, school_code, community_id)
);
CREATE INDEX eval_school_results_school ON eval_school_results (school_code);
