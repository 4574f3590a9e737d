-- Party points (DOMAIN §6, R-PARTY-1 New Long March, R-PARTY-2
-- demonstration posts), in the service's own schema (search_path).

-- What the registry tells us about teachers' Party membership (from its
-- TeacherChanged events): who is a member, of which organisation, serving or
-- not. A checkpoint or post is only for a row here with membership 2
-- (probationary) or 3 (full).
CREATE TABLE party_members (
  teacher_id          text        PRIMARY KEY,
  display_name        text        NOT NULL,
  school_code         text        NOT NULL,
  region_code         text        NOT NULL,
  party_organization  text        NOT NULL DEFAULT '',
  membership          smallint    NOT NULL,
  serving             boolean     NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX party_members_org ON party_members (party_organization);
CREATE INDEX party_members_school ON party_members (school_code);

-- Checkpoint records: the same checkpoint never twice for a member in a
-- campaign (the unique index holds it under concurrent requests too).
CREATE TABLE party_checkpoint_records (
  record_id           text        PRIMARY KEY,
  teacher_id          text        NOT NULL,
  party_organization  text        NOT NULL,
  school_code         text        NOT NULL,
  campaign_year       integer     NOT NULL,
  ordinal             smallint    NOT NULL CHECK (ordinal BETWEEN 1 AND 12),
  body                bytea       NOT NULL,
  version             bigint      NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE UNIQUE INDEX party_checkpoint_once ON party_checkpoint_records (teacher_id, campaign_year, ordinal)
  WHERE deleted_at IS NULL;
CREATE INDEX party_checkpoint_org ON party_checkpoint_records (party_organization, campaign_year);

CREATE TABLE party_demonstration_posts (
  school_code         text        NOT NULL,
  post_id             text        NOT NULL,
  party_organization  text        NOT NULL,
  max_holders         integer     NOT NULL DEFAULT 0,
  body                bytea       NOT NULL,
  version             bigint      NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  PRIMARY KEY (school_code, post_id)
);

-- Every serving member holds one active post at a time (R-PARTY-2).
CREATE TABLE party_post_assignments (
  school_code    text        NOT NULL,
  post_id        text        NOT NULL,
  assignment_id  text        NOT NULL,
  teacher_id     text        NOT NULL,
  start_date     date        NOT NULL,
  end_date       date,
  body           bytea       NOT NULL,
  version        bigint      NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_code, post_id, assignment_id),
  FOREIGN KEY (school_code, post_id) REFERENCES party_demonstration_posts (school_code, post_id)
);
CREATE UNIQUE INDEX party_post_one_active ON party_post_assignments (teacher_id) WHERE end_date IS NULL;
