-- School calendars (校历): one per region and school year, the most specific
-- region's calendar applying to a school as a whole. Soft-deleted, never
-- removed. `body` holds the whole SchoolCalendar message.
CREATE TABLE school_calendars (
  region_code  text        NOT NULL,
  school_year  integer     NOT NULL,
  body         bytea       NOT NULL,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  PRIMARY KEY (region_code, school_year)
);
CREATE INDEX school_calendars_year ON school_calendars (school_year, region_code);

-- Bell schedules (作息时间) of a school. Columns hold what lists filter and
-- sort on: the season's annual bounds as month*100+day (0 for ALL_YEAR) and
-- the effective range, for "in force on a date" filters. The school's region
-- is read from `schools` (a school may move), never copied here.
CREATE TABLE bell_schedules (
  school_code      text        NOT NULL REFERENCES schools (school_code),
  schedule_id      text        NOT NULL,
  display_name     text        NOT NULL,
  season           smallint    NOT NULL,
  annual_start_md  smallint    NOT NULL DEFAULT 0,
  annual_end_md    smallint    NOT NULL DEFAULT 0,
  effective_start  date        NOT NULL,
  effective_end    date,
  body             bytea       NOT NULL,
  version          bigint      NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  PRIMARY KEY (school_code, schedule_id)
);
CREATE INDEX bell_schedules_name ON bell_schedules (display_name, school_code, schedule_id);
