// ImportRows for IMPORT_ENTITY_SCHOOL_CLASS and IMPORT_ENTITY_TEACHER: each
// row is parsed (domain/class_import.h, domain/teacher_import.h), matched by
// its natural key, compared with what is stored (UNCHANGED writes nothing),
// and created or updated through the RosterStore write paths with the
// unary methods' validation and checks (rpc/roster_checks.h), in its own
// savepoint (storage/import_rows.h).
#include "common/status/error.h"
#include "registry/domain/class_import.h"
#include "registry/domain/community_rules.h"
#include "registry/domain/roster_access.h"
#include "registry/domain/roster_rules.h"
#include "registry/domain/teacher_import.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/roster_checks.h"
#include "registry/rpc/row_importer.h"
#include "registry/storage/import_rows.h"
#include "registry/storage/roster_table.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using v1::RowResult;

// The school a row writes: NOT_FOUND when unknown, PERMISSION_DENIED
// outside the caller's scope.
absl::Status SchoolWritable(const auth::Principal& p, const SchoolState& school, const std::string& code) {
  if (!school.exists) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
        .Message("no school " + code)
        .Zh("学校不存在：" + code)
        .Field("school_code", "no such school");
  }
  return CanWriteRoster(p, code, school.region);
}

// ---- classes ----------------------------------------------------------------

RowResult ApplyClassRow(const ImportSetup& s, pqxx::transaction_base& tx, const ParsedClassRow& row) {
  const std::string& code = row.school_code;
  const auto& p = s.principal;
  const SchoolState school = roster::LockSchool(tx, code);
  if (auto denied = SchoolWritable(p, school, code); !denied.ok()) return RejectedRow(row.row_number, denied, "school_code");
  SchoolClass incoming = row.school_class;
  if (!row.homeroom_staff_number.empty()) {
    auto teacher = RosterStore::LockTeacherByStaffNumber(tx, row.homeroom_staff_number);
    if (!teacher) {
      return RejectedRow(row.row_number,
                         PreconditionOn("HOMEROOM_TEACHER_NOT_FOUND", "school_class.homeroom_teacher",
                                        "no teacher has staff number " + row.homeroom_staff_number,
                                        "找不到教师编号为 " + row.homeroom_staff_number + " 的教师"),
                         "homeroom_teacher");
    }
    incoming.set_homeroom_teacher(teacher->resource.name());
  }
  auto existing = RosterStore::LockClassByKey(tx, code, incoming.grade(), incoming.class_number());
  if (!existing) {
    SchoolClass c = incoming;
    if (auto invalid = ToStatus(SchoolClassViolations(c, code, "school_class"), "SCHOOL_CLASS_INVALID"); !invalid.ok()) {
      return RejectedRow(row.row_number, invalid, "school_code");
    }
    NormalizeSchoolClass(c);
    auto created =
        RosterStore::CreateClassIn(tx, code, GenerateResourceId("class"), c, ClassCreateCheck(p), s.ctx);
    if (!created.ok()) return RejectedRow(row.row_number, created.status(), "school_code");
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_CREATED, created->name());
  }
  SchoolClass next = *existing;
  if (!ApplyClassFields(incoming, row.paths, &next)) {
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UNCHANGED, existing->name());
  }
  auto mutate = [&](SchoolClass& c, bool&) -> absl::Status {
    ApplyClassFields(incoming, row.paths, &c);
    return absl::OkStatus();
  };
  auto updated = RosterStore::MutateClassIn(tx, code, roster::IdOf(existing->name()), row.paths, mutate,
                                            ClassUpdateCheck(p, code), s.ctx);
  if (!updated.ok()) return RejectedRow(row.row_number, updated.status(), "school_code", existing->name());
  return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UPDATED, updated->name());
}

// ---- teachers ---------------------------------------------------------------

RowResult ApplyTeacherRow(const ImportSetup& s, pqxx::transaction_base& tx, const ParsedTeacherRow& row) {
  const auto& p = s.principal;
  const std::string& staff = row.teacher.staff_number();
  auto existing = RosterStore::LockTeacherByStaffNumber(tx, staff);
  if (!existing) {
    const std::string& code = row.school_code;
    if (code.empty()) {
      return RejectedRow(row.row_number,
                         InvalidField("school_code", "is required to create a teacher", "新建教师须填写学校标识码"),
                         "school_code");
    }
    const SchoolState school = roster::LockSchool(tx, code);
    if (auto denied = SchoolWritable(p, school, code); !denied.ok()) {
      return RejectedRow(row.row_number, denied, "school_code");
    }
    Teacher t = row.teacher;
    t.set_school(SchoolName(code));
    if (auto invalid = ToStatus(TeacherViolations(t, /*creating=*/true, "teacher"), "TEACHER_INVALID"); !invalid.ok()) {
      return RejectedRow(row.row_number, invalid, "staff_number");
    }
    NormalizeTeacher(t);
    StartFirstStint(t, Today());
    auto created = RosterStore::CreateTeacherIn(tx, GenerateResourceId("t"), t, TeacherCreateCheck(p, code), s.ctx);
    if (!created.ok()) return RejectedRow(row.row_number, created.status(), "staff_number");
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_CREATED, created->name());
  }
  const Teacher& stored = existing->resource;
  const std::string current = roster::CodeOf(stored.school());
  if (auto denied = CanWriteRoster(p, current, existing->school_region); !denied.ok()) {
    return RejectedRow(row.row_number, denied, "staff_number");
  }
  if (stored.audit().has_delete_time()) {
    return RejectedRow(row.row_number, Deleted("TEACHER_DELETED", stored.name(), "该教师已删除，请先恢复"),
                       "staff_number", stored.name());
  }
  if (!row.school_code.empty() && row.school_code != current) {
    return RejectedRow(row.row_number,
                       PreconditionOn("TEACHER_IN_OTHER_SCHOOL", "school_code",
                                      "the teacher belongs to " + current + "; moves are made with MoveTeacher",
                                      "该教师目前属于学校 " + current + "，调动请使用教师调动"),
                       "school_code", stored.name());
  }
  Teacher next = stored;
  if (!ApplyTeacherFields(row.teacher, row.paths, &next)) {
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UNCHANGED, stored.name());
  }
  auto mutate = [&](Teacher& t, bool&) -> absl::Status {
    ApplyTeacherFields(row.teacher, row.paths, &t);
    return absl::OkStatus();
  };
  auto updated =
      RosterStore::MutateTeacherIn(tx, roster::IdOf(stored.name()), row.paths, mutate, TeacherUpdateCheck(p), s.ctx);
  if (!updated.ok()) return RejectedRow(row.row_number, updated.status(), "staff_number", stored.name());
  return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UPDATED, updated->name());
}

// Classes and teachers import alike: parse each row of the batch, then
// apply each in its own savepoint; the role gate is the roster's.
template <typename Parsed>
class RosterImporter final : public RowImporter {
 public:
  using Columns = absl::Status (*)(const std::vector<std::string>&);
  using Parse = Parsed (*)(const v1::ImportRow&, v1::ImportFormat, const std::vector<std::string>&);
  using ApplyRow = RowResult (*)(const ImportSetup&, pqxx::transaction_base&, const Parsed&);

  RosterImporter(const ImportSetup& setup, Columns columns, Parse parse, ApplyRow apply, std::string key_field)
      : s_(setup), columns_(columns), parse_(parse), apply_(apply), key_field_(std::move(key_field)) {}

  absl::Status MayImport(const auth::Principal& p) const override { return MayWriteRoster(p, ""); }
  absl::Status CheckColumns(const std::vector<std::string>& columns) const override { return columns_(columns); }

  absl::StatusOr<std::vector<RowResult>> Apply(const v1::ImportBatch& batch) override {
    std::vector<Parsed> rows;
    rows.reserve(batch.rows_size());
    for (const auto& row : batch.rows()) rows.push_back(parse_(row, s_.header.format(), s_.columns));
    return ApplyInSavepoints(
        *s_.pool, rows.size(),
        [&](pqxx::transaction_base& tx, size_t i) {
          if (!rows[i].ok()) {
            return RejectedRow(rows[i].row_number, ProblemStatus(rows[i].problem), rows[i].problem.field);
          }
          return apply_(s_, tx, rows[i]);
        },
        [&](size_t i, const absl::Status& status) { return RejectedRow(rows[i].row_number, status, key_field_); },
        s_.ctx.deadline, s_.header.dry_run());
  }

 private:
  ImportSetup s_;
  Columns columns_;
  Parse parse_;
  ApplyRow apply_;
  std::string key_field_;
};

}  // namespace

std::unique_ptr<RowImporter> MakeClassImporter(const ImportSetup& setup) {
  return std::make_unique<RosterImporter<ParsedClassRow>>(setup, &CheckClassColumns, &ParseClassRow, &ApplyClassRow,
                                                         "school_code");
}

std::unique_ptr<RowImporter> MakeTeacherImporter(const ImportSetup& setup) {
  return std::make_unique<RosterImporter<ParsedTeacherRow>>(setup, &CheckTeacherColumns, &ParseTeacherRow,
                                                           &ApplyTeacherRow, "staff_number");
}

}  // namespace gongtong::registry
