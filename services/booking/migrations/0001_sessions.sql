-- Booking schema 0001: sessions, the occupancy that makes double-booking
-- impossible (R-SYNC-2), series, delivery records, policies and capacities.
--
-- Every resource is stored as its protobuf (`body`, output-only fields
-- filled) plus the columns that are filtered, joined or constrained on.
-- Times: `during` is the half-open window [start, end) as instants, so a
-- lesson ending 08:40 never overlaps one starting 08:40.

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE TABLE sessions (
  id               text PRIMARY KEY,
  host_school      text NOT NULL,          -- school code (10 digits)
  host_region      text NOT NULL,          -- the host school's region code (6 digits)
  host_teacher     text NOT NULL,          -- teachers/{id}
  host_classroom   text NOT NULL,          -- schools/{code}/classrooms/{id}
  community        text NOT NULL,          -- communities/{id}
  series_id        text,                   -- series/{id} it belongs to, if any
  subject          text NOT NULL,          -- SubjectCode name
  mode             smallint NOT NULL,
  local_date       date NOT NULL,
  during           tstzrange NOT NULL CHECK (NOT isempty(during)),
  state            smallint NOT NULL,      -- SessionState
  short_notice     boolean NOT NULL,
  flagged          boolean NOT NULL DEFAULT false,
  hold_expire_time timestamptz,
  version          bigint NOT NULL DEFAULT 1,
  body             bytea NOT NULL,
  create_time      timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now()
);
-- Capacity (R-SYNC-7): live sessions of a region overlapping a window.
CREATE INDEX sessions_region_live ON sessions USING gist (host_region, during) WHERE state IN (1, 2, 3);
CREATE INDEX sessions_region_date ON sessions (host_region, local_date, id);
CREATE INDEX sessions_community_date ON sessions (community, local_date);
CREATE INDEX sessions_series ON sessions (series_id, local_date) WHERE series_id IS NOT NULL;
CREATE INDEX sessions_holds ON sessions (hold_expire_time) WHERE state = 1;
CREATE INDEX sessions_update_time ON sessions (update_time, id);

-- One row per (session, resource it occupies): the host teacher, classroom and
-- class, and every receiving class. `live` is true while the session is HELD,
-- PENDING_CONFIRMATION or CONFIRMED (and the receiver has not declined). The
-- exclusion constraint is THE guarantee of R-SYNC-2: no two live rows of the
-- same resource overlap, whatever the concurrency.
CREATE TABLE occupancy (
  session_id  text NOT NULL REFERENCES sessions (id),
  resource    text NOT NULL,
  role        smallint NOT NULL,     -- 1 host teacher, 2 host classroom, 3 host class, 4 receiving class
  school      text NOT NULL,         -- school code of the resource
  region      text NOT NULL,         -- region code of that school (county scopes)
  pairing     text NOT NULL DEFAULT '',  -- for receiving classes: communities/{id}/pairings/{id}
  local_date  date NOT NULL,
  during      tstzrange NOT NULL,
  live        boolean NOT NULL,
  PRIMARY KEY (session_id, resource),
  CONSTRAINT no_double_booking EXCLUDE USING gist (resource WITH =, during WITH &&) WHERE (live)
);
CREATE INDEX occupancy_resource_date ON occupancy (resource, local_date);
CREATE INDEX occupancy_school_date ON occupancy (school, local_date);
CREATE INDEX occupancy_region_date ON occupancy (region, local_date);
CREATE INDEX occupancy_pairing ON occupancy (pairing) WHERE pairing <> '';

CREATE TABLE delivery_records (
  session_id  text PRIMARY KEY REFERENCES sessions (id),
  version     bigint NOT NULL DEFAULT 1,
  body        bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE series (
  id           text PRIMARY KEY,
  host_school  text NOT NULL,
  host_region  text NOT NULL,
  host_teacher text NOT NULL,
  community    text NOT NULL,
  state        smallint NOT NULL,
  first_date   date NOT NULL,
  version      bigint NOT NULL DEFAULT 1,
  body         bytea NOT NULL,
  create_time  timestamptz NOT NULL DEFAULT now(),
  update_time  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_host_school ON series (host_school, create_time);

-- A community's booking policy (R-SYNC-4); absent means the defaults.
CREATE TABLE booking_policies (
  community   text PRIMARY KEY,
  version     bigint NOT NULL DEFAULT 1,
  body        bytea NOT NULL,
  update_time timestamptz NOT NULL DEFAULT now()
);

-- A region's own live-session cap (R-SYNC-7); absent means inherited.
CREATE TABLE region_capacities (
  region_code text PRIMARY KEY,
  max_concurrent_sessions int NOT NULL CHECK (max_concurrent_sessions BETWEEN 1 AND 100000),
  version     bigint NOT NULL DEFAULT 1,
  body        bytea NOT NULL,
  update_time timestamptz NOT NULL DEFAULT now()
);
