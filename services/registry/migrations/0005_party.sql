-- Party organisations (党组织), joint-building relations (党建结对共建) and
-- secretary studios (书记工作室) (DOMAIN §2; registry/v1/party.proto).
-- Columns hold what lists filter, sort and check on; `body` holds the whole
-- message without output-only fields. Rows are soft-deleted, never removed;
-- ids are never reused.
CREATE TABLE party_organizations (
  organization_id  text        PRIMARY KEY,
  display_name     text        NOT NULL,
  kind             smallint    NOT NULL,
  superior_id      text        NOT NULL DEFAULT '',  -- a registered superior, '' when none
  body             bytea       NOT NULL,
  version          bigint      NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);
CREATE INDEX party_organizations_superior ON party_organizations (superior_id) WHERE superior_id <> '';

-- The schools an organisation spans (kept in step with `schools` in body).
CREATE TABLE party_organization_schools (
  organization_id  text NOT NULL REFERENCES party_organizations (organization_id),
  school_code      text NOT NULL,
  PRIMARY KEY (organization_id, school_code)
);
CREATE INDEX party_organization_schools_school ON party_organization_schools (school_code);

CREATE TABLE party_joint_buildings (
  joint_building_id        text        PRIMARY KEY,
  display_name             text        NOT NULL,
  organization_id          text        NOT NULL,
  partner_organization_id  text        NOT NULL DEFAULT '',
  partner_kind             smallint    NOT NULL DEFAULT 0,   -- ExternalUnitKind of an external partner
  partner_key              text        NOT NULL,             -- the pair's partner for "one live relation per pair"
  region_code              text        NOT NULL DEFAULT '',
  start_date               date,
  end_date                 date,
  body                     bytea       NOT NULL,
  version                  bigint      NOT NULL DEFAULT 1,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  deleted_at               timestamptz
);
CREATE UNIQUE INDEX party_joint_buildings_live_pair ON party_joint_buildings (organization_id, partner_key)
  WHERE deleted_at IS NULL;

CREATE TABLE secretary_studios (
  studio_id     text        PRIMARY KEY,
  display_name  text        NOT NULL,
  region_code   text        NOT NULL,
  stage         smallint    NOT NULL,
  host_school   text        NOT NULL DEFAULT '',
  members       text[]      NOT NULL DEFAULT '{}',  -- "teachers/{id}" of registered members
  start_date    date,
  end_date      date,
  body          bytea       NOT NULL,
  version       bigint      NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
