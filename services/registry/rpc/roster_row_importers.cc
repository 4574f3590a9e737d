// ImportRows for IMPORT_ENTITY_SCHOOL_CLASS and IMPORT_ENTITY_TEACHER: each
// row is parsed (domain/class_import.h, domain/teacher_import.h), matched by
// its natural key, compared with what is stored (UNCHANGED writes nothing),
// and created or updated through the RosterStore write paths with the
// unary methods' validation and checks (rpc/roster_checks.h), in its own
// savepoint (storage/import_rows.h).
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "common/log/log.h"
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

// What a row reads from the database: per row inside its savepoint, or for
// the whole batch up front (ClassBatch, TeacherBatch).
struct Lookups {
  std::function<SchoolState(const std::string& code)> school;
  std::function<std::optional<RosterRecord<Teacher>>(const std::string& staff_number)> teacher;
  std::function<std::optional<SchoolClass>(const std::string& code, Grade grade, int class_number)> school_class;
};

Lookups PerRow(pqxx::transaction_base& tx) {
  return Lookups{[&tx](const std::string& code) { return roster::LockSchool(tx, code); },
                 [&tx](const std::string& staff) { return RosterStore::LockTeacherByStaffNumber(tx, staff); },
                 [&tx](const std::string& code, Grade grade, int number) {
                   return RosterStore::LockClassByKey(tx, code, grade, number);
                 }};
}

// A class row decided as far as it can be without writing: `done` (REJECTED
// or UNCHANGED), or the class to create (`existing` empty) or update.
struct ClassPlan {
  std::optional<RowResult> done;
  SchoolState school;
  SchoolClass incoming;                   // the row's fields, homeroom resolved
  std::optional<RosterRecord<Teacher>> homeroom;  // by staff number
  std::optional<SchoolClass> existing;
};

ClassPlan PlanClassRow(const ImportSetup& s, const ParsedClassRow& row, const Lookups& look) {
  ClassPlan plan;
  const std::string& code = row.school_code;
  plan.school = look.school(code);
  if (auto denied = SchoolWritable(s.principal, plan.school, code); !denied.ok()) {
    plan.done = RejectedRow(row.row_number, denied, "school_code");
    return plan;
  }
  plan.incoming = row.school_class;
  if (!row.homeroom_staff_number.empty()) {
    plan.homeroom = look.teacher(row.homeroom_staff_number);
    if (!plan.homeroom) {
      plan.done = RejectedRow(row.row_number,
                              PreconditionOn("HOMEROOM_TEACHER_NOT_FOUND", "school_class.homeroom_teacher",
                                             "no teacher has staff number " + row.homeroom_staff_number,
                                             "找不到教师编号为 " + row.homeroom_staff_number + " 的教师"),
                              "homeroom_teacher");
      return plan;
    }
    plan.incoming.set_homeroom_teacher(plan.homeroom->resource.name());
  }
  plan.existing = look.school_class(code, plan.incoming.grade(), plan.incoming.class_number());
  if (!plan.existing) {
    SchoolClass c = plan.incoming;
    if (auto invalid = ToStatus(SchoolClassViolations(c, code, "school_class"), "SCHOOL_CLASS_INVALID"); !invalid.ok()) {
      plan.done = RejectedRow(row.row_number, invalid, "school_code");
      return plan;
    }
    NormalizeSchoolClass(c);
    plan.incoming = std::move(c);
    return plan;
  }
  SchoolClass next = *plan.existing;
  if (!ApplyClassFields(plan.incoming, row.paths, &next)) {
    plan.done = RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UNCHANGED, plan.existing->name());
  }
  return plan;
}

RowResult ApplyClassRow(const ImportSetup& s, pqxx::transaction_base& tx, const ParsedClassRow& row) {
  const std::string& code = row.school_code;
  const auto& p = s.principal;
  ClassPlan plan = PlanClassRow(s, row, PerRow(tx));
  if (plan.done) return *plan.done;
  if (!plan.existing) {
    auto created = RosterStore::CreateClassIn(tx, code, GenerateResourceId("class"), plan.incoming, ClassCreateCheck(p),
                                              s.ctx);
    if (!created.ok()) return RejectedRow(row.row_number, created.status(), "school_code");
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_CREATED, created->name());
  }
  const SchoolClass& existing = *plan.existing;
  auto mutate = [&](SchoolClass& c, bool&) -> absl::Status {
    ApplyClassFields(plan.incoming, row.paths, &c);
    return absl::OkStatus();
  };
  auto updated = RosterStore::MutateClassIn(tx, code, roster::IdOf(existing.name()), row.paths, mutate,
                                            ClassUpdateCheck(p, code), s.ctx);
  if (!updated.ok()) return RejectedRow(row.row_number, updated.status(), "school_code", existing.name());
  return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UPDATED, updated->name());
}

// ---- teachers ---------------------------------------------------------------

// As ClassPlan: `done`, or the teacher to create (`existing` empty, `created`
// validated and normalised) or the existing one to update.
struct TeacherPlan {
  std::optional<RowResult> done;
  SchoolState school;
  Teacher created;
  std::optional<RosterRecord<Teacher>> existing;
};

TeacherPlan PlanTeacherRow(const ImportSetup& s, const ParsedTeacherRow& row, const Lookups& look) {
  TeacherPlan plan;
  const auto& p = s.principal;
  plan.existing = look.teacher(row.teacher.staff_number());
  if (!plan.existing) {
    const std::string& code = row.school_code;
    if (code.empty()) {
      plan.done = RejectedRow(
          row.row_number, InvalidField("school_code", "is required to create a teacher", "新建教师须填写学校标识码"),
          "school_code");
      return plan;
    }
    plan.school = look.school(code);
    if (auto denied = SchoolWritable(p, plan.school, code); !denied.ok()) {
      plan.done = RejectedRow(row.row_number, denied, "school_code");
      return plan;
    }
    Teacher t = row.teacher;
    t.set_school(SchoolName(code));
    if (auto invalid = ToStatus(TeacherViolations(t, /*creating=*/true, "teacher"), "TEACHER_INVALID"); !invalid.ok()) {
      plan.done = RejectedRow(row.row_number, invalid, "staff_number");
      return plan;
    }
    NormalizeTeacher(t);
    StartFirstStint(t, Today());
    plan.created = std::move(t);
    return plan;
  }
  const Teacher& stored = plan.existing->resource;
  const std::string current = roster::CodeOf(stored.school());
  if (auto denied = CanWriteRoster(p, current, plan.existing->school_region); !denied.ok()) {
    plan.done = RejectedRow(row.row_number, denied, "staff_number");
  } else if (stored.audit().has_delete_time()) {
    plan.done = RejectedRow(row.row_number, Deleted("TEACHER_DELETED", stored.name(), "该教师已删除，请先恢复"),
                            "staff_number", stored.name());
  } else if (!row.school_code.empty() && row.school_code != current) {
    plan.done = RejectedRow(row.row_number,
                            PreconditionOn("TEACHER_IN_OTHER_SCHOOL", "school_code",
                                           "the teacher belongs to " + current + "; moves are made with MoveTeacher",
                                           "该教师目前属于学校 " + current + "，调动请使用教师调动"),
                            "school_code", stored.name());
  } else {
    Teacher next = stored;
    if (!ApplyTeacherFields(row.teacher, row.paths, &next)) {
      plan.done = RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UNCHANGED, stored.name());
    }
  }
  return plan;
}

RowResult ApplyTeacherRow(const ImportSetup& s, pqxx::transaction_base& tx, const ParsedTeacherRow& row) {
  const auto& p = s.principal;
  TeacherPlan plan = PlanTeacherRow(s, row, PerRow(tx));
  if (plan.done) return *plan.done;
  if (!plan.existing) {
    auto created = RosterStore::CreateTeacherIn(tx, GenerateResourceId("t"), plan.created,
                                                TeacherCreateCheck(p, row.school_code), s.ctx);
    if (!created.ok()) return RejectedRow(row.row_number, created.status(), "staff_number");
    return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_CREATED, created->name());
  }
  const Teacher& stored = plan.existing->resource;
  auto mutate = [&](Teacher& t, bool&) -> absl::Status {
    ApplyTeacherFields(row.teacher, row.paths, &t);
    return absl::OkStatus();
  };
  auto updated =
      RosterStore::MutateTeacherIn(tx, roster::IdOf(stored.name()), row.paths, mutate, TeacherUpdateCheck(p), s.ctx);
  if (!updated.ok()) return RejectedRow(row.row_number, updated.status(), "staff_number", stored.name());
  return RowOutcomeOf(row.row_number, v1::ROW_OUTCOME_UPDATED, updated->name());
}

// ---- a batch at a time ------------------------------------------------------
//
// The batch's schools, teachers and classes are read (and locked as the row
// path locks them) with one statement each; each row is then planned in
// memory in order. UNCHANGED and refused rows write nothing. New rows whose
// facts are all known are queued and created together (RosterStore::
// Create*In: one INSERT, the feed rows and events with two more). Any other
// row — an update, a row whose natural key an earlier row of the batch
// touched, a create needing facts not loaded (a homeroom teacher by id, a
// home classroom, a Party organisation) — first flushes the queue, then runs
// the row path in its own savepoint, so later rows see earlier ones.

template <typename Key, typename New>
class BatchRun {
 public:
  using Flush = std::function<std::vector<absl::StatusOr<std::string>>(const std::vector<New>&)>;
  BatchRun(size_t n, Flush flush) : results_(n), flush_(std::move(flush)) {}

  bool Touched(const Key& key) const { return touched_.count(key) > 0; }
  void Done(size_t i, RowResult r) { results_[i] = std::move(r); }
  // Queues a create of row i (row number, key); its result comes with the flush.
  void Queue(size_t i, int64_t row, const Key& key, New item, const std::string& fallback_field) {
    touched_.insert(key);
    queued_.push_back({i, row, fallback_field});
    items_.push_back(std::move(item));
  }
  // Row i on the row path (after the queue is flushed).
  void RowPath(size_t i, const Key& key, const std::function<RowResult()>& apply) {
    FlushQueue();
    touched_.insert(key);
    results_[i] = apply();
  }
  RowResults Finish() {
    FlushQueue();
    return std::move(results_);
  }

 private:
  struct Queued {
    size_t index;
    int64_t row;
    std::string fallback_field;
  };
  void FlushQueue() {
    if (items_.empty()) return;
    auto created = flush_(items_);
    for (size_t j = 0; j < queued_.size(); ++j) {
      const Queued& q = queued_[j];
      results_[q.index] = created[j].ok() ? RowOutcomeOf(q.row, v1::ROW_OUTCOME_CREATED, *created[j])
                                          : RejectedRow(q.row, created[j].status(), q.fallback_field);
    }
    queued_.clear();
    items_.clear();
  }

  RowResults results_;
  Flush flush_;
  std::set<Key> touched_;
  std::vector<Queued> queued_;
  std::vector<New> items_;
};

template <typename M>
std::vector<absl::StatusOr<std::string>> NamesOf(std::vector<absl::StatusOr<M>> created) {
  std::vector<absl::StatusOr<std::string>> out;
  for (auto& c : created) out.push_back(c.ok() ? absl::StatusOr<std::string>(c->name()) : c.status());
  return out;
}

using ClassKeyTuple = std::tuple<std::string, int, int>;

std::map<std::string, RosterRecord<Teacher>> TeachersByStaffNumber(pqxx::transaction_base& tx,
                                                                   const std::set<std::string>& staff) {
  std::map<std::string, RosterRecord<Teacher>> out;
  for (auto& t : RosterStore::LockTeachersByStaffNumbers(tx, staff)) out.emplace(t.resource.staff_number(), t);
  return out;
}

// Lookups answered from what the batch loaded (`classes` null: no classes).
Lookups Loaded(const std::map<std::string, SchoolState>& schools,
               const std::map<std::string, RosterRecord<Teacher>>& teachers,
               const std::map<ClassKeyTuple, SchoolClass>* classes) {
  Lookups look{[&schools](const std::string& code) {
                 auto f = schools.find(code);
                 return f == schools.end() ? SchoolState() : f->second;
               },
               [&teachers](const std::string& number) -> std::optional<RosterRecord<Teacher>> {
                 auto f = teachers.find(number);
                 if (f == teachers.end()) return std::nullopt;
                 return f->second;
               },
               nullptr};
  if (classes != nullptr) {
    look.school_class = [classes](const std::string& code, Grade grade, int number) -> std::optional<SchoolClass> {
      auto f = classes->find(ClassKeyTuple{code, grade, number});
      if (f == classes->end()) return std::nullopt;
      return f->second;
    };
  }
  return look;
}

RowResults ClassBatch(const ImportSetup& s, pqxx::dbtransaction& tx, const std::vector<ParsedClassRow>& rows,
                      const std::function<RowResult(pqxx::dbtransaction&, size_t)>& row_path) {
  std::set<std::string> codes, staff;
  std::vector<RosterStore::ClassKey> keys;
  for (const auto& row : rows) {
    if (!row.ok()) continue;
    codes.insert(row.school_code);
    if (!row.homeroom_staff_number.empty()) staff.insert(row.homeroom_staff_number);
    keys.push_back({row.school_code, row.school_class.grade(), row.school_class.class_number()});
  }
  const auto schools = roster::LockSchools(tx, codes);
  const auto teachers = TeachersByStaffNumber(tx, staff);
  std::map<ClassKeyTuple, SchoolClass> classes;
  for (auto& c : RosterStore::LockClassesByKeys(tx, keys)) {
    classes.emplace(ClassKeyTuple{roster::CodeOf(c.school()), c.grade(), c.class_number()}, c);
  }
  const Lookups loaded = Loaded(schools, teachers, &classes);
  const auto check = ClassCreateCheck(s.principal);
  BatchRun<ClassKeyTuple, RosterStore::NewClass> run(rows.size(), [&](const std::vector<RosterStore::NewClass>& items) {
    return NamesOf(RosterStore::CreateClassesIn(tx, items, s.ctx));
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    const ParsedClassRow& row = rows[i];
    if (!row.ok()) {
      run.Done(i, RejectedRow(row.row_number, ProblemStatus(row.problem), row.problem.field));
      continue;
    }
    const ClassKeyTuple key{row.school_code, row.school_class.grade(), row.school_class.class_number()};
    auto on_row_path = [&] { return row_path(tx, i); };
    if (run.Touched(key)) {
      run.RowPath(i, key, on_row_path);
      continue;
    }
    ClassPlan plan = PlanClassRow(s, row, loaded);
    if (plan.done) {
      run.Done(i, *plan.done);
    } else if (plan.existing || !plan.incoming.home_classroom().empty() ||
               (!plan.incoming.homeroom_teacher().empty() && !plan.homeroom)) {
      run.RowPath(i, key, on_row_path);
    } else {
      ClassFacts facts{plan.school, {}, {}};
      if (plan.homeroom) {
        const Teacher& t = plan.homeroom->resource;
        facts.homeroom = RosterRef{true, t.audit().has_delete_time(), roster::CodeOf(t.school())};
      }
      run.Queue(i, row.row_number, key,
                RosterStore::NewClass{row.school_code, GenerateResourceId("class"), plan.incoming, facts, check},
                "school_code");
    }
  }
  return run.Finish();
}

RowResults TeacherBatch(const ImportSetup& s, pqxx::dbtransaction& tx, const std::vector<ParsedTeacherRow>& rows,
                        const std::function<RowResult(pqxx::dbtransaction&, size_t)>& row_path) {
  std::set<std::string> codes, staff;
  for (const auto& row : rows) {
    if (!row.ok()) continue;
    staff.insert(row.teacher.staff_number());
    if (!row.school_code.empty()) codes.insert(row.school_code);
  }
  const auto teachers = TeachersByStaffNumber(tx, staff);
  const auto schools = roster::LockSchools(tx, codes);
  const Lookups loaded = Loaded(schools, teachers, nullptr);
  BatchRun<std::string, RosterStore::NewTeacher> run(rows.size(), [&](const std::vector<RosterStore::NewTeacher>& items) {
    return NamesOf(RosterStore::CreateTeachersIn(tx, items, s.ctx));
  });
  std::map<std::string, RosterCheck<Teacher, TeacherFacts>> checks;  // by school
  for (size_t i = 0; i < rows.size(); ++i) {
    const ParsedTeacherRow& row = rows[i];
    if (!row.ok()) {
      run.Done(i, RejectedRow(row.row_number, ProblemStatus(row.problem), row.problem.field));
      continue;
    }
    const std::string& key = row.teacher.staff_number();
    auto on_row_path = [&] { return row_path(tx, i); };
    if (run.Touched(key)) {
      run.RowPath(i, key, on_row_path);
      continue;
    }
    TeacherPlan plan = PlanTeacherRow(s, row, loaded);
    if (plan.done) {
      run.Done(i, *plan.done);
    } else if (plan.existing || !plan.created.party_membership().organization().empty()) {
      run.RowPath(i, key, on_row_path);
    } else {
      auto found = checks.find(row.school_code);
      if (found == checks.end()) {
        found = checks.emplace(row.school_code, TeacherCreateCheck(s.principal, row.school_code)).first;
      }
      const auto& check = found->second;
      run.Queue(i, row.row_number, key,
                RosterStore::NewTeacher{GenerateResourceId("t"), plan.created,
                                        TeacherFacts{plan.school, plan.school, {}, {}}, check},
                "staff_number");
    }
  }
  return run.Finish();
}

// GONGTONG_IMPORT_ROW_AT_A_TIME=1 (read once): every batch takes the row
// path, as before the batch path existed; for gongtong-registry-import-bench's
// comparison (--row-at-a-time), not for production.
bool RowAtATime() {
  static const bool on = [] {
    const char* v = std::getenv("GONGTONG_IMPORT_ROW_AT_A_TIME");
    return v != nullptr && std::string(v) == "1";
  }();
  return on;
}

// Classes and teachers import alike: parse each row of the batch, then
// apply the batch (above); should a statement of the batch path fail, the
// batch is applied again row by row, each row in its own savepoint.
template <typename Parsed>
class RosterImporter final : public RowImporter {
 public:
  using Columns = absl::Status (*)(const std::vector<std::string>&);
  using Parse = Parsed (*)(const v1::ImportRow&, v1::ImportFormat, const std::vector<std::string>&);
  using ApplyRow = RowResult (*)(const ImportSetup&, pqxx::transaction_base&, const Parsed&);
  using Batch = RowResults (*)(const ImportSetup&, pqxx::dbtransaction&, const std::vector<Parsed>&,
                               const std::function<RowResult(pqxx::dbtransaction&, size_t)>&);

  RosterImporter(const ImportSetup& setup, Columns columns, Parse parse, ApplyRow apply, Batch batch,
                 std::string key_field)
      : s_(setup), columns_(columns), parse_(parse), apply_(apply), batch_(batch), key_field_(std::move(key_field)) {}

  absl::Status MayImport(const auth::Principal& p) const override { return MayWriteRoster(p, ""); }
  absl::Status CheckColumns(const std::vector<std::string>& columns) const override { return columns_(columns); }

  absl::StatusOr<RowResults> Apply(const v1::ImportBatch& batch, const BatchHook& hook) override {
    std::vector<Parsed> rows;
    rows.reserve(batch.rows_size());
    for (const auto& row : batch.rows()) rows.push_back(parse_(row, s_.header.format(), s_.columns));
    auto apply = [&](pqxx::transaction_base& tx, size_t i) {
      if (!rows[i].ok()) return RejectedRow(rows[i].row_number, ProblemStatus(rows[i].problem), rows[i].problem.field);
      return apply_(s_, tx, rows[i]);
    };
    auto on_error = [&](size_t i, const absl::Status& status) {
      return RejectedRow(rows[i].row_number, status, key_field_);
    };
    if (RowAtATime()) {
      return ApplyInSavepoints(*s_.pool, rows.size(), apply, on_error, s_.ctx.deadline, s_.header.dry_run(), hook);
    }
    bool batch_failed = false;
    auto results = ApplyBatch(
        *s_.pool,
        [&](pqxx::dbtransaction& tx) {
          try {
            return batch_(s_, tx, rows, [&](pqxx::dbtransaction& t, size_t i) {
              return ApplyInSavepoint(
                  t, [&](pqxx::transaction_base& savepoint) { return apply(savepoint, i); },
                  [&](const absl::Status& status) { return on_error(i, status); });
            });
          } catch (const pqxx::broken_connection&) {
            throw;
          } catch (...) {
            batch_failed = true;
            throw;
          }
        },
        s_.ctx.deadline, s_.header.dry_run(), hook);
    if (results.ok() || !batch_failed) return results;
    log::Warn("import batch path failed; applying the batch row by row", {{"error", results.status().ToString()}});
    return ApplyInSavepoints(*s_.pool, rows.size(), apply, on_error, s_.ctx.deadline, s_.header.dry_run(), hook);
  }

 private:
  ImportSetup s_;
  Columns columns_;
  Parse parse_;
  ApplyRow apply_;
  Batch batch_;
  std::string key_field_;
};

}  // namespace

std::unique_ptr<RowImporter> MakeClassImporter(const ImportSetup& setup) {
  return std::make_unique<RosterImporter<ParsedClassRow>>(setup, &CheckClassColumns, &ParseClassRow, &ApplyClassRow,
                                                         &ClassBatch, "school_code");
}

std::unique_ptr<RowImporter> MakeTeacherImporter(const ImportSetup& setup) {
  return std::make_unique<RosterImporter<ParsedTeacherRow>>(setup, &CheckTeacherColumns, &ParseTeacherRow,
                                                           &ApplyTeacherRow, &TeacherBatch, "staff_number");
}

}  // namespace gongtong::registry
