-- Communities (共同体) and pairings (结对). Columns hold what lists filter,
-- sort and check on; `body` holds the whole message without output-only
-- fields. Rows are soft-deleted, never removed; ids are never reused.
CREATE TABLE communities (
  community_id      text        PRIMARY KEY,
  display_name      text        NOT NULL,
  type              smallint    NOT NULL,
  region_code       text        NOT NULL,
  core_school_code  text        NOT NULL,
  start_date        date,
  end_date          date,
  body              bytea       NOT NULL,
  version           bigint      NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz
);
CREATE INDEX communities_region ON communities (region_code text_pattern_ops);
CREATE INDEX communities_core ON communities (core_school_code) WHERE deleted_at IS NULL;
CREATE INDEX communities_name_trgm ON communities USING gin (display_name gin_trgm_ops);

-- The schools of each community, core and members, for "communities of a
-- school" (filters, access scopes, the fused-community rule, DeleteSchool).
CREATE TABLE community_schools (
  community_id  text    NOT NULL REFERENCES communities (community_id),
  school_code   text    NOT NULL,
  is_core       boolean NOT NULL,
  PRIMARY KEY (community_id, school_code)
);
CREATE INDEX community_schools_school ON community_schools (school_code);

CREATE TABLE pairings (
  community_id        text        NOT NULL REFERENCES communities (community_id),
  pairing_id          text        NOT NULL,
  core_school_code    text        NOT NULL,
  member_school_code  text        NOT NULL,
  subjects            smallint[]  NOT NULL,
  start_date          date,
  end_date            date,
  body                bytea       NOT NULL,
  version             bigint      NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  PRIMARY KEY (community_id, pairing_id)
);
-- One live pairing per (community, member school).
CREATE UNIQUE INDEX pairings_live_member ON pairings (community_id, member_school_code) WHERE deleted_at IS NULL;
CREATE INDEX pairings_member ON pairings (member_school_code);
CREATE INDEX pairings_core ON pairings (core_school_code);
