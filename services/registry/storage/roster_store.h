#pragma once
// PostgreSQL adapter for classes, classrooms and teachers. Like SchoolStore:
// every write runs in one transaction with its idempotency claim
// (request_id), its change-feed row and its outbox event (aggregate types
// "school_class", "classroom", "teacher"); reads return the resource with
// etag (its version) and audit times filled, and the region of its school
// for the caller's access check. Decisions that need the database's facts
// (the school's stages, the homeroom teacher's school, which classes name a
// classroom or teacher) are made by the caller's check, run inside the write
// transaction with the facts loaded under lock; refusing writes nothing.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"
#include "registry/domain/roster_rules.h"
#include "registry/domain/party_rules.h"
#include "registry/storage/roster_table.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

using roster::SchoolState;

// What the database knows around a write.
struct ClassFacts {
  SchoolState school;
  RosterRef homeroom;        // the class's homeroom teacher after the change
  RosterRef home_classroom;  // its home classroom after the change
};
struct ClassroomFacts {
  SchoolState school;
  std::vector<std::string> home_of;  // live classes with this home classroom
};
struct TeacherFacts {
  SchoolState school;                    // the teacher's school after the change
  SchoolState previous_school;           // … and before it (differs on a move)
  std::vector<std::string> homeroom_of;  // live classes she is homeroom teacher of
  PartyOrgState party_organization;      // her party_membership.organization after the change
};

// A resource read with the region of its school.
template <typename M>
struct RosterRecord {
  M resource;
  std::string school_region;
};

template <typename M>
struct RosterPage {
  std::vector<M> items;
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

struct RosterListQuery {
  std::string school_code;              // "" = every school
  std::vector<api::FilterTerm> filter;  // <Resource>FilterFields()
  std::vector<api::OrderField> order;   // <Resource>OrderFields(), one direction
  std::vector<std::string> after;       // sort-key values of the last item seen
  int limit = 50;
  bool show_deleted = false;
  std::string region_scope;  // only schools whose region has this prefix
  bool count_total = false;
};

const std::vector<api::FilterField>& SchoolClassFilterFields();
const std::vector<std::string>& SchoolClassOrderFields();
const std::vector<api::FilterField>& ClassroomFilterFields();
const std::vector<std::string>& ClassroomOrderFields();
const std::vector<api::FilterField>& TeacherFilterFields();
const std::vector<std::string>& TeacherOrderFields();

// Decides on a write: `before` is empty on create; `was_deleted` tells
// whether the stored resource was deleted before the mutation.
template <typename M, typename Facts>
using RosterCheck = std::function<absl::Status(const M& before, const M& after, bool was_deleted, const Facts& facts)>;
// Changes the resource (and its deleted flag) in place; an error refuses.
template <typename M>
using RosterMutation = std::function<absl::Status(M& resource, bool& deleted)>;

class RosterStore {
 public:
  explicit RosterStore(pg::Pool* pool) : pool_(pool) {}

  // ---- classes ----
  // NOT_FOUND when none (deleted ones are returned).
  absl::StatusOr<RosterRecord<SchoolClass>> GetClass(const std::string& school_code, const std::string& id,
                                                     pg::Deadline deadline);
  absl::StatusOr<RosterPage<SchoolClass>> ListClasses(const RosterListQuery& q, pg::Deadline deadline);
  // NOT_FOUND when the school does not exist, FAILED_PRECONDITION when it
  // is deleted; ALREADY_EXISTS when the id is taken (also by a deleted
  // class) or a live class has the same grade and number.
  absl::StatusOr<SchoolClass> CreateClass(const std::string& school_code, const std::string& id, const SchoolClass& c,
                                          const RosterCheck<SchoolClass, ClassFacts>& check, const WriteContext& ctx);
  // Applies `mutate` under a row lock, then `check`; `expected_etag` (when
  // not empty) must match (ABORTED otherwise). A live result that takes a
  // live class's grade and number is ALREADY_EXISTS (FAILED_PRECONDITION
  // for an undelete).
  absl::StatusOr<SchoolClass> MutateClass(const std::string& school_code, const std::string& id,
                                          const std::string& expected_etag, gongtong::registry::v1::ChangeKind kind,
                                          const std::vector<std::string>& changed_paths,
                                          const RosterMutation<SchoolClass>& mutate,
                                          const RosterCheck<SchoolClass, ClassFacts>& check, const WriteContext& ctx);

  // ---- classrooms ----
  absl::StatusOr<RosterRecord<Classroom>> GetClassroom(const std::string& school_code, const std::string& id,
                                                       pg::Deadline deadline);
  absl::StatusOr<RosterPage<Classroom>> ListClassrooms(const RosterListQuery& q, pg::Deadline deadline);
  absl::StatusOr<Classroom> CreateClassroom(const std::string& school_code, const std::string& id,
                                            const Classroom& room, const RosterCheck<Classroom, ClassroomFacts>& check,
                                            const WriteContext& ctx);
  absl::StatusOr<Classroom> MutateClassroom(const std::string& school_code, const std::string& id,
                                            const std::string& expected_etag, gongtong::registry::v1::ChangeKind kind,
                                            const std::vector<std::string>& changed_paths,
                                            const RosterMutation<Classroom>& mutate,
                                            const RosterCheck<Classroom, ClassroomFacts>& check,
                                            const WriteContext& ctx);

  // ---- teachers ----
  absl::StatusOr<RosterRecord<Teacher>> GetTeacher(const std::string& id, pg::Deadline deadline);
  absl::StatusOr<RosterPage<Teacher>> ListTeachers(const RosterListQuery& q, pg::Deadline deadline);
  // NOT_FOUND / FAILED_PRECONDITION for the school as for classes;
  // ALREADY_EXISTS when the id or the staff number is taken (also by a
  // deleted teacher).
  absl::StatusOr<Teacher> CreateTeacher(const std::string& id, const Teacher& t,
                                        const RosterCheck<Teacher, TeacherFacts>& check, const WriteContext& ctx);
  // As MutateClass; also MoveTeacher (the mutation changes the school).
  absl::StatusOr<Teacher> MutateTeacher(const std::string& id, const std::string& expected_etag,
                                        gongtong::registry::v1::ChangeKind kind,
                                        const std::vector<std::string>& changed_paths,
                                        const RosterMutation<Teacher>& mutate,
                                        const RosterCheck<Teacher, TeacherFacts>& check, const WriteContext& ctx);

  // ---- bulk import (ImportRows) ----
  // The same create and update paths (checks, uniqueness, change feed and
  // outbox) inside the caller's transaction, without the request_id claim:
  // each imported row runs them in its own savepoint.
  static absl::StatusOr<SchoolClass> CreateClassIn(pqxx::transaction_base& tx, const std::string& school_code,
                                                   const std::string& id, const SchoolClass& c,
                                                   const RosterCheck<SchoolClass, ClassFacts>& check,
                                                   const WriteContext& ctx);
  static absl::StatusOr<SchoolClass> MutateClassIn(pqxx::transaction_base& tx, const std::string& school_code,
                                                   const std::string& id, const std::vector<std::string>& changed_paths,
                                                   const RosterMutation<SchoolClass>& mutate,
                                                   const RosterCheck<SchoolClass, ClassFacts>& check,
                                                   const WriteContext& ctx);
  // The live class of the school with `grade` and `class_number` (the
  // natural key), locked; nullopt when none.
  static std::optional<SchoolClass> LockClassByKey(pqxx::transaction_base& tx, const std::string& school_code,
                                                   Grade grade, int class_number);
  static absl::StatusOr<Teacher> CreateTeacherIn(pqxx::transaction_base& tx, const std::string& id, const Teacher& t,
                                                 const RosterCheck<Teacher, TeacherFacts>& check,
                                                 const WriteContext& ctx);
  static absl::StatusOr<Teacher> MutateTeacherIn(pqxx::transaction_base& tx, const std::string& id,
                                                 const std::vector<std::string>& changed_paths,
                                                 const RosterMutation<Teacher>& mutate,
                                                 const RosterCheck<Teacher, TeacherFacts>& check,
                                                 const WriteContext& ctx);
  // The teacher (live or deleted) with `staff_number` and her school's
  // region, locked; nullopt when none.
  static std::optional<RosterRecord<Teacher>> LockTeacherByStaffNumber(pqxx::transaction_base& tx,
                                                                       const std::string& staff_number);

  // ---- bulk import, a batch at a time (storage/roster_batch.h) ----
  // The live classes with these natural keys (school code, grade, class
  // number), locked in one statement.
  struct ClassKey {
    std::string school_code;
    Grade grade;
    int class_number;
  };
  static std::vector<SchoolClass> LockClassesByKeys(pqxx::transaction_base& tx, const std::vector<ClassKey>& keys);
  // The teachers (live or deleted) with these staff numbers and their
  // schools' regions, locked in one statement.
  static std::vector<RosterRecord<Teacher>> LockTeachersByStaffNumbers(pqxx::transaction_base& tx,
                                                                       const std::set<std::string>& staff_numbers);
  // CreateClassIn / CreateTeacherIn for many new rows (ids generated, facts
  // loaded for the batch, no natural key taken): each row's check, one
  // INSERT for all, a change-feed row and event each (three statements).
  struct NewClass {
    std::string school_code, id;
    SchoolClass resource;
    ClassFacts facts;
    RosterCheck<SchoolClass, ClassFacts> check;
  };
  static std::vector<absl::StatusOr<SchoolClass>> CreateClassesIn(pqxx::transaction_base& tx,
                                                                  const std::vector<NewClass>& rows,
                                                                  const WriteContext& ctx);
  struct NewTeacher {
    std::string id;
    Teacher resource;
    TeacherFacts facts;
    RosterCheck<Teacher, TeacherFacts> check;
  };
  static std::vector<absl::StatusOr<Teacher>> CreateTeachersIn(pqxx::transaction_base& tx,
                                                               const std::vector<NewTeacher>& rows,
                                                               const WriteContext& ctx);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
