-- Trigram index support for "name contains" searches (a trusted extension:
-- the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Schools (学校). The school code (学校标识码) is the key: kept through
-- renames, never reused (rows are soft-deleted, never removed). Columns hold
-- what lists filter and sort on; `body` holds the whole School message.
CREATE TABLE schools (
  school_code       text        PRIMARY KEY,
  display_name      text        NOT NULL,
  region_code       text        NOT NULL,
  township_code     text        NOT NULL DEFAULT '',
  urban_rural       smallint    NOT NULL,
  school_type_code  text        NOT NULL,
  stages            smallint[]  NOT NULL,
  search_names      text        NOT NULL,  -- display name and former names, for ':' filters
  body              bytea       NOT NULL,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz
);
CREATE INDEX schools_region ON schools (region_code text_pattern_ops, school_code);
CREATE INDEX schools_live_region ON schools (region_code text_pattern_ops, school_code) WHERE deleted_at IS NULL;
CREATE INDEX schools_names_trgm ON schools USING gin (search_names gin_trgm_ops);

-- The change feed (ListChanges): one row per committed change, numbered in
-- commit order (writers take a transaction-scoped advisory lock before
-- inserting, so sequence order is commit order and a reader never skips a
-- change committed late).
CREATE TABLE changes (
  sequence       bigserial   PRIMARY KEY,
  commit_time    timestamptz NOT NULL DEFAULT now(),
  resource_type  smallint    NOT NULL,
  region_code    text        NOT NULL DEFAULT '',
  school_code    text        NOT NULL DEFAULT '',
  change         bytea       NOT NULL
);
CREATE INDEX changes_time ON changes (commit_time);
