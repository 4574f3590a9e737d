// RosterStore: classes and classrooms (teachers: roster_teachers.cc).
#include "registry/storage/roster_store.h"

#include "absl/strings/str_cat.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/storage/roster_batch.h"
#include "registry/storage/roster_filters.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
namespace ev1 = gongtong::events::v1;
using roster::CodeOf;
using roster::Column;
using roster::IdOf;
using roster::Resource;
using roster::TableSpec;

const TableSpec kClasses{"school_classes", {"school_code", "class_id"}};
const TableSpec kClassrooms{"classrooms", {"school_code", "classroom_id"}};

template <typename M>
std::string ChildBody(M m) {
  m.clear_school();
  return StoredBody(std::move(m));
}

RosterRef LockTeacherRef(pqxx::transaction_base& tx, const std::string& teacher_name) {
  RosterRef ref;
  if (teacher_name.empty()) return ref;
  auto rows = tx.exec_params("SELECT school_code, deleted_at IS NOT NULL FROM teachers WHERE teacher_id = $1 FOR SHARE",
                             IdOf(teacher_name));
  if (rows.empty()) return ref;
  return RosterRef{true, rows[0][1].as<bool>(), rows[0][0].as<std::string>()};
}

RosterRef LockClassroomRef(pqxx::transaction_base& tx, const std::string& code, const std::string& room_name) {
  RosterRef ref;
  if (room_name.empty()) return ref;
  auto rows = tx.exec_params(
      "SELECT deleted_at IS NOT NULL FROM classrooms WHERE school_code = $1 AND classroom_id = $2 FOR SHARE", code,
      IdOf(room_name));
  if (rows.empty()) return ref;
  return RosterRef{true, rows[0][0].as<bool>(), code};
}

const Resource<SchoolClass, ClassFacts>& Classes() {
  static const auto* r = [] {
    auto* r = new Resource<SchoolClass, ClassFacts>;
    r->table = &kClasses;
    r->what_zh = "班级";
    r->not_found_reason = "SCHOOL_CLASS_NOT_FOUND";
    r->id_field = "school_class_id";
    r->school_field = "parent";
    r->name_of = [](const std::vector<std::string>& k) {
      return SchoolClassName(k[0], k[1]);
    };
    r->from_row = [](const pqxx::row& row) {
      SchoolClass c;
      roster::Decode(kClasses, row, &c);
      const std::string code = row[0].as<std::string>();
      c.set_name(SchoolClassName(code, row[1].as<std::string>()));
      c.set_school(SchoolName(code));
      return c;
    };
    r->school_of = [](const SchoolClass& c) {
      return CodeOf(c.school());
    };
    r->columns = [](const SchoolClass& c) {
      return std::vector<Column>{
          {"grade", std::to_string(c.grade()), "::smallint"},
          {"class_number", std::to_string(c.class_number()), "::integer"},
          {"display_name", c.display_name(), ""},
          {"homeroom_teacher_id", c.homeroom_teacher().empty() ? "" : IdOf(c.homeroom_teacher()), ""},
          {"home_classroom_id", c.home_classroom().empty() ? "" : IdOf(c.home_classroom()), ""}};
    };
    r->body = [](const SchoolClass& c) {
      return ChildBody(c);
    };
    r->facts = [](pqxx::transaction_base& tx, const SchoolClass&, const SchoolClass& after, const SchoolState& school,
                  const SchoolState&) {
      return ClassFacts{school, LockTeacherRef(tx, after.homeroom_teacher()),
                        LockClassroomRef(tx, CodeOf(after.school()), after.home_classroom())};
    };
    r->unique = [](pqxx::transaction_base& tx, const std::vector<std::string>& k, const SchoolClass& c,
                   roster::ChangeKind kind) -> absl::Status {
      auto rows = tx.exec_params(
          "SELECT class_id FROM school_classes WHERE school_code = $1 AND grade = $2 AND class_number = $3 "
          "AND deleted_at IS NULL AND class_id <> $4",
          k[0], static_cast<int>(c.grade()), c.class_number(), k[1]);
      if (rows.empty()) return absl::OkStatus();
      return roster::KeyTaken(kind, SchoolClassName(k[0], rows[0][0].as<std::string>()),
                              kind == v1::CHANGE_KIND_UNDELETED ? "name" : "school_class.class_number",
                              "本校同年级已有相同班号的班级");
    };
    r->record = [](pqxx::transaction_base& tx, roster::ChangeKind kind, const SchoolClass&, const SchoolClass& c,
                   const std::vector<std::string>& paths, const SchoolState& school, const WriteContext& ctx) {
      v1::Change change;
      change.set_kind(kind);
      change.set_resource_type(v1::RESOURCE_TYPE_SCHOOL_CLASS);
      change.mutable_natural_key()->set_school_code(CodeOf(c.school()));
      change.mutable_natural_key()->set_grade(gongtong::common::v1::Grade_Name(c.grade()));
      change.mutable_natural_key()->set_class_number(c.class_number());
      for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
      roster::RecordRosterChange<SchoolClass, ev1::SchoolClassChanged, ev1::SchoolClassDeleted>(
          tx, change, c, &v1::Change::mutable_school_class, &ev1::SchoolClassChanged::mutable_school_class,
          school.region, CodeOf(c.school()), ctx);
    };
    return r;
  }();
  return *r;
}

const Resource<Classroom, ClassroomFacts>& Classrooms() {
  static const auto* r = [] {
    auto* r = new Resource<Classroom, ClassroomFacts>;
    r->table = &kClassrooms;
    r->what_zh = "教室";
    r->not_found_reason = "CLASSROOM_NOT_FOUND";
    r->id_field = "classroom_id";
    r->school_field = "parent";
    r->name_of = [](const std::vector<std::string>& k) {
      return ClassroomName(k[0], k[1]);
    };
    r->from_row = [](const pqxx::row& row) {
      Classroom c;
      roster::Decode(kClassrooms, row, &c);
      const std::string code = row[0].as<std::string>();
      c.set_name(ClassroomName(code, row[1].as<std::string>()));
      c.set_school(SchoolName(code));
      return c;
    };
    r->school_of = [](const Classroom& c) {
      return CodeOf(c.school());
    };
    r->columns = [](const Classroom& c) {
      return std::vector<Column>{{"display_name", c.display_name(), ""},
                                 {"kind", std::to_string(c.kind()), "::smallint"},
                                 {"capacity", std::to_string(c.capacity()), "::integer"},
                                 {"ai_analysis", c.ai_analysis() ? "true" : "false", "::boolean"}};
    };
    r->body = [](const Classroom& c) {
      return ChildBody(c);
    };
    r->facts = [](pqxx::transaction_base& tx, const Classroom&, const Classroom& after, const SchoolState& school,
                  const SchoolState&) {
      ClassroomFacts facts{school, {}};
      if (!after.name().empty()) {
        const std::string code = CodeOf(after.school());
        for (const auto& row :
             tx.exec_params("SELECT class_id FROM school_classes WHERE school_code = $1 AND home_classroom_id = $2 "
                            "AND deleted_at IS NULL ORDER BY class_id",
                            code, IdOf(after.name()))) {
          facts.home_of.push_back(SchoolClassName(code, row[0].as<std::string>()));
        }
      }
      return facts;
    };
    r->unique = [](pqxx::transaction_base&, const std::vector<std::string>&, const Classroom&, roster::ChangeKind) {
      return absl::OkStatus();
    };
    r->record = [](pqxx::transaction_base& tx, roster::ChangeKind kind, const Classroom&, const Classroom& c,
                   const std::vector<std::string>& paths, const SchoolState& school, const WriteContext& ctx) {
      v1::Change change;
      change.set_kind(kind);
      change.set_resource_type(v1::RESOURCE_TYPE_CLASSROOM);
      change.mutable_natural_key()->set_school_code(CodeOf(c.school()));
      change.mutable_natural_key()->set_resource_id(IdOf(c.name()));
      for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
      roster::RecordRosterChange<Classroom, ev1::ClassroomChanged, ev1::ClassroomDeleted>(
          tx, change, c, &v1::Change::mutable_classroom, &ev1::ClassroomChanged::mutable_classroom, school.region,
          CodeOf(c.school()), ctx);
    };
    return r;
  }();
  return *r;
}

}  // namespace

// ---- classes ----------------------------------------------------------------

absl::StatusOr<RosterRecord<SchoolClass>> RosterStore::GetClass(const std::string& code, const std::string& id,
                                                                pg::Deadline deadline) {
  return roster::GetRow(*pool_, Classes(), {code, id}, deadline);
}

absl::StatusOr<RosterPage<SchoolClass>> RosterStore::ListClasses(const RosterListQuery& q, pg::Deadline deadline) {
  return roster::ListResource(*pool_, kClasses, Classes().from_row, q, roster::AddClassFilter,
                              roster::ClassSort(q.order), deadline);
}

absl::StatusOr<SchoolClass> RosterStore::CreateClass(const std::string& code, const std::string& id,
                                                     const SchoolClass& input,
                                                     const RosterCheck<SchoolClass, ClassFacts>& check,
                                                     const WriteContext& ctx) {
  SchoolClass c = input;
  c.set_name(SchoolClassName(code, id));
  c.set_school(SchoolName(code));
  return roster::CreateRow(*pool_, Classes(), {code, id}, c, check, ctx);
}

absl::StatusOr<SchoolClass> RosterStore::MutateClass(const std::string& code, const std::string& id,
                                                     const std::string& expected_etag, v1::ChangeKind kind,
                                                     const std::vector<std::string>& paths,
                                                     const RosterMutation<SchoolClass>& mutate,
                                                     const RosterCheck<SchoolClass, ClassFacts>& check,
                                                     const WriteContext& ctx) {
  return roster::MutateRow(*pool_, Classes(), {code, id}, expected_etag, kind, paths, mutate, check, ctx);
}

absl::StatusOr<SchoolClass> RosterStore::CreateClassIn(pqxx::transaction_base& tx, const std::string& code,
                                                       const std::string& id, const SchoolClass& input,
                                                       const RosterCheck<SchoolClass, ClassFacts>& check,
                                                       const WriteContext& ctx) {
  SchoolClass c = input;
  c.set_name(SchoolClassName(code, id));
  c.set_school(SchoolName(code));
  return roster::CreateRowIn(tx, Classes(), {code, id}, c, check, ctx);
}

absl::StatusOr<SchoolClass> RosterStore::MutateClassIn(pqxx::transaction_base& tx, const std::string& code,
                                                       const std::string& id, const std::vector<std::string>& paths,
                                                       const RosterMutation<SchoolClass>& mutate,
                                                       const RosterCheck<SchoolClass, ClassFacts>& check,
                                                       const WriteContext& ctx) {
  return roster::MutateRowIn(tx, Classes(), {code, id}, "", v1::CHANGE_KIND_UPDATED, paths, mutate, check, ctx);
}

std::optional<SchoolClass> RosterStore::LockClassByKey(pqxx::transaction_base& tx, const std::string& code,
                                                       Grade grade, int class_number) {
  auto rows = tx.exec_params(absl::StrCat(roster::Select(kClasses),
                                          " WHERE x.school_code = $1 AND x.grade = $2 AND x.class_number = $3 "
                                          "AND x.deleted_at IS NULL FOR UPDATE OF x"),
                             code, static_cast<int>(grade), class_number);
  if (rows.empty()) return std::nullopt;
  return Classes().from_row(rows[0]);
}

std::vector<SchoolClass> RosterStore::LockClassesByKeys(pqxx::transaction_base& tx, const std::vector<ClassKey>& keys) {
  std::vector<std::vector<std::string>> tuples;
  for (const auto& k : keys) {
    tuples.push_back({k.school_code, std::to_string(static_cast<int>(k.grade)), std::to_string(k.class_number)});
  }
  std::vector<std::string> params;
  const std::string in =
      roster::TuplesIn({"x.school_code", "x.grade", "x.class_number"}, {"", "::smallint", "::integer"}, tuples, &params);
  std::vector<SchoolClass> out;
  for (const auto& row :
       tx.exec_params(absl::StrCat(roster::Select(kClasses), " WHERE ", in,
                                   " AND x.deleted_at IS NULL ORDER BY x.school_code, x.class_id FOR UPDATE OF x"),
                      pqxx::prepare::make_dynamic_params(params))) {
    out.push_back(Classes().from_row(row));
  }
  return out;
}

std::vector<absl::StatusOr<SchoolClass>> RosterStore::CreateClassesIn(pqxx::transaction_base& tx,
                                                                      const std::vector<NewClass>& rows,
                                                                      const WriteContext& ctx) {
  std::vector<roster::NewRow<SchoolClass, ClassFacts>> batch;
  for (const auto& row : rows) {
    SchoolClass c = row.resource;
    c.set_name(SchoolClassName(row.school_code, row.id));
    c.set_school(SchoolName(row.school_code));
    batch.push_back({{row.school_code, row.id}, std::move(c), row.facts, row.check});
  }
  return roster::CreateRowsIn(tx, Classes(), batch, ctx);
}

// ---- classrooms ---------------------------------------------------------------

absl::StatusOr<RosterRecord<Classroom>> RosterStore::GetClassroom(const std::string& code, const std::string& id,
                                                                  pg::Deadline deadline) {
  return roster::GetRow(*pool_, Classrooms(), {code, id}, deadline);
}

absl::StatusOr<RosterPage<Classroom>> RosterStore::ListClassrooms(const RosterListQuery& q, pg::Deadline deadline) {
  return roster::ListResource(*pool_, kClassrooms, Classrooms().from_row, q, roster::AddClassroomFilter,
                              roster::ClassroomSort(q.order), deadline);
}

absl::StatusOr<Classroom> RosterStore::CreateClassroom(const std::string& code, const std::string& id,
                                                       const Classroom& input,
                                                       const RosterCheck<Classroom, ClassroomFacts>& check,
                                                       const WriteContext& ctx) {
  Classroom c = input;
  c.set_name(ClassroomName(code, id));
  c.set_school(SchoolName(code));
  return roster::CreateRow(*pool_, Classrooms(), {code, id}, c, check, ctx);
}

absl::StatusOr<Classroom> RosterStore::MutateClassroom(const std::string& code, const std::string& id,
                                                       const std::string& expected_etag, v1::ChangeKind kind,
                                                       const std::vector<std::string>& paths,
                                                       const RosterMutation<Classroom>& mutate,
                                                       const RosterCheck<Classroom, ClassroomFacts>& check,
                                                       const WriteContext& ctx) {
  return roster::MutateRow(*pool_, Classrooms(), {code, id}, expected_etag, kind, paths, mutate, check, ctx);
}

}  // namespace gongtong::registry
