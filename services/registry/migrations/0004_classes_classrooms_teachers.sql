-- Classes (班级), classrooms (教室) and teachers (教师): the rosters the booking
-- service reads. Columns hold what lists filter, sort and check on; `body`
-- holds the whole message without output-only fields. Rows are soft-deleted,
-- never removed; ids are never reused.
CREATE TABLE school_classes (
  school_code          text        NOT NULL,
  class_id             text        NOT NULL,
  grade                smallint    NOT NULL,
  class_number         integer     NOT NULL,
  display_name         text        NOT NULL,
  homeroom_teacher_id  text        NOT NULL DEFAULT '',
  home_classroom_id    text        NOT NULL DEFAULT '',
  body                 bytea       NOT NULL,
  version              bigint      NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  PRIMARY KEY (school_code, class_id)
);
-- Natural key: grade + number, unique among a school's live classes.
CREATE UNIQUE INDEX school_classes_live_number ON school_classes (school_code, grade, class_number)
  WHERE deleted_at IS NULL;
CREATE INDEX school_classes_homeroom ON school_classes (homeroom_teacher_id)
  WHERE deleted_at IS NULL AND homeroom_teacher_id <> '';

CREATE TABLE classrooms (
  school_code    text        NOT NULL,
  classroom_id   text        NOT NULL,
  display_name   text        NOT NULL,
  kind           smallint    NOT NULL,
  capacity       integer     NOT NULL,
  ai_analysis    boolean     NOT NULL,
  body           bytea       NOT NULL,
  version        bigint      NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  PRIMARY KEY (school_code, classroom_id)
);

-- A teacher's current school is a column (it changes with MoveTeacher); the
-- history of schools (school_stints) lives in `body`.
CREATE TABLE teachers (
  teacher_id          text        PRIMARY KEY,
  staff_number        text        NOT NULL UNIQUE,  -- live or deleted: never reused
  school_code         text        NOT NULL,
  display_name        text        NOT NULL,
  title               smallint    NOT NULL,
  subjects            smallint[]  NOT NULL,
  honours             smallint[]  NOT NULL,
  party_status        smallint    NOT NULL,
  party_organization  text        NOT NULL DEFAULT '',
  employment_status   smallint    NOT NULL,
  body                bytea       NOT NULL,
  version             bigint      NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE INDEX teachers_school ON teachers (school_code, display_name);
CREATE INDEX teachers_name_trgm ON teachers USING gin (display_name gin_trgm_ops);
