// RosterStore: teachers (classes and classrooms: roster_store.cc). A
// teacher's row carries her current school; the history of schools is in
// the stored body (school_stints). A move publishes TeacherMoved besides
// TeacherChanged.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/events/event.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/storage/change_log.h"
#include "registry/storage/party_store.h"
#include "registry/storage/roster_batch.h"
#include "registry/storage/roster_filters.h"
#include "registry/storage/roster_store.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
namespace ev1 = gongtong::events::v1;
using roster::CodeOf;
using roster::Column;
using roster::Resource;
using roster::TableSpec;

const TableSpec kTeachers{"teachers", {"teacher_id"}};

template <typename Repeated, typename F>
std::string SmallintArray(const Repeated& items, F value) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(std::to_string(static_cast<int>(value(i))));
  return "{" + absl::StrJoin(out, ",") + "}";
}

void RecordMove(pqxx::transaction_base& tx, const Teacher& before, const Teacher& after, const WriteContext& ctx) {
  ev1::TeacherMoved moved;
  moved.set_teacher(after.name());
  moved.set_staff_number(after.staff_number());
  moved.set_from_school(before.school());
  moved.set_to_school(after.school());
  const auto& stint = *after.school_stints().rbegin();
  *moved.mutable_effective_date() = stint.start_date();
  moved.set_reason(stint.reason());
  *moved.mutable_actor() = ctx.actor;
  events::AppendToOutbox(tx, kRegistryStream,
                         events::MakeEvent("registry", "teacher", after.name(), roster::VersionOf(after.etag()), moved,
                                           ctx.correlation_id));
}

const Resource<Teacher, TeacherFacts>& Teachers() {
  static const auto* r = [] {
    auto* r = new Resource<Teacher, TeacherFacts>;
    r->table = &kTeachers;
    r->what_zh = "教师";
    r->not_found_reason = "TEACHER_NOT_FOUND";
    r->id_field = "teacher_id";
    r->school_field = "teacher.school";
    r->name_of = [](const std::vector<std::string>& k) {
      return TeacherName(k[0]);
    };
    r->from_row = [](const pqxx::row& row) {
      Teacher t;
      roster::Decode(kTeachers, row, &t);
      t.set_name(TeacherName(row[0].as<std::string>()));
      return t;
    };
    r->school_of = [](const Teacher& t) {
      return CodeOf(t.school());
    };
    r->columns = [](const Teacher& t) {
      return std::vector<Column>{
          {"staff_number", t.staff_number(), ""},
          {"school_code", CodeOf(t.school()), ""},
          {"display_name", t.display_name(), ""},
          {"title", std::to_string(t.title()), "::smallint"},
          {"subjects", SmallintArray(t.subjects(), [](const auto& s) { return s.code(); }), "::smallint[]"},
          {"honours", SmallintArray(t.honours(), [](const auto& h) { return h.kind(); }), "::smallint[]"},
          {"party_status", std::to_string(t.party_membership().status()), "::smallint"},
          {"party_organization", t.party_membership().organization(), ""},
          {"employment_status", std::to_string(t.employment_status()), "::smallint"}};
    };
    r->body = [](const Teacher& t) {
      return StoredBody(t);
    };
    r->facts = [](pqxx::transaction_base& tx, const Teacher& before, const Teacher& after,
                  const SchoolState& before_school, const SchoolState& after_school) {
      TeacherFacts facts{after_school, before.name().empty() ? after_school : before_school, {}, {}};
      auto organization = ParsePartyOrganizationName(after.party_membership().organization(), "");
      if (organization.ok()) facts.party_organization = LockPartyOrganization(tx, *organization);
      if (!after.name().empty()) {
        for (const auto& row :
             tx.exec_params("SELECT school_code, class_id FROM school_classes WHERE homeroom_teacher_id = $1 "
                            "AND deleted_at IS NULL ORDER BY school_code, class_id",
                            after.name().substr(std::string("teachers/").size()))) {
          facts.homeroom_of.push_back(SchoolClassName(row[0].as<std::string>(), row[1].as<std::string>()));
        }
      }
      return facts;
    };
    r->unique = [](pqxx::transaction_base& tx, const std::vector<std::string>& k, const Teacher& t,
                   roster::ChangeKind kind) -> absl::Status {
      auto rows = tx.exec_params("SELECT teacher_id FROM teachers WHERE staff_number = $1 AND teacher_id <> $2",
                                 t.staff_number(), k[0]);
      if (rows.empty()) return absl::OkStatus();
      return roster::KeyTaken(kind, TeacherName(rows[0][0].as<std::string>()), "teacher.staff_number",
                              "教师编号已被使用：" + t.staff_number());
    };
    r->record = [](pqxx::transaction_base& tx, roster::ChangeKind kind, const Teacher& before, const Teacher& t,
                   const std::vector<std::string>& paths, const SchoolState& school, const WriteContext& ctx) {
      v1::Change change;
      change.set_kind(kind);
      change.set_resource_type(v1::RESOURCE_TYPE_TEACHER);
      change.mutable_natural_key()->set_staff_number(t.staff_number());
      change.mutable_natural_key()->set_school_code(CodeOf(t.school()));
      for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
      roster::RecordRosterChange<Teacher, ev1::TeacherChanged, ev1::TeacherDeleted>(
          tx, change, t, &v1::Change::mutable_teacher, &ev1::TeacherChanged::mutable_teacher, school.region,
          CodeOf(t.school()), ctx);
      if (!before.name().empty() && before.school() != t.school()) RecordMove(tx, before, t, ctx);
    };
    return r;
  }();
  return *r;
}

}  // namespace

absl::StatusOr<RosterRecord<Teacher>> RosterStore::GetTeacher(const std::string& id, pg::Deadline deadline) {
  return roster::GetRow(*pool_, Teachers(), {id}, deadline);
}

absl::StatusOr<RosterPage<Teacher>> RosterStore::ListTeachers(const RosterListQuery& q, pg::Deadline deadline) {
  return roster::ListResource(*pool_, kTeachers, Teachers().from_row, q, roster::AddTeacherFilter,
                              roster::TeacherSort(q.order), deadline);
}

absl::StatusOr<Teacher> RosterStore::CreateTeacher(const std::string& id, const Teacher& input,
                                                   const RosterCheck<Teacher, TeacherFacts>& check,
                                                   const WriteContext& ctx) {
  Teacher t = input;
  t.set_name(TeacherName(id));
  return roster::CreateRow(*pool_, Teachers(), {id}, t, check, ctx);
}

absl::StatusOr<Teacher> RosterStore::MutateTeacher(const std::string& id, const std::string& expected_etag,
                                                   v1::ChangeKind kind, const std::vector<std::string>& paths,
                                                   const RosterMutation<Teacher>& mutate,
                                                   const RosterCheck<Teacher, TeacherFacts>& check,
                                                   const WriteContext& ctx) {
  return roster::MutateRow(*pool_, Teachers(), {id}, expected_etag, kind, paths, mutate, check, ctx);
}

absl::StatusOr<Teacher> RosterStore::CreateTeacherIn(pqxx::transaction_base& tx, const std::string& id,
                                                     const Teacher& input,
                                                     const RosterCheck<Teacher, TeacherFacts>& check,
                                                     const WriteContext& ctx) {
  Teacher t = input;
  t.set_name(TeacherName(id));
  return roster::CreateRowIn(tx, Teachers(), {id}, t, check, ctx);
}

absl::StatusOr<Teacher> RosterStore::MutateTeacherIn(pqxx::transaction_base& tx, const std::string& id,
                                                     const std::vector<std::string>& paths,
                                                     const RosterMutation<Teacher>& mutate,
                                                     const RosterCheck<Teacher, TeacherFacts>& check,
                                                     const WriteContext& ctx) {
  return roster::MutateRowIn(tx, Teachers(), {id}, "", v1::CHANGE_KIND_UPDATED, paths, mutate, check, ctx);
}

std::optional<RosterRecord<Teacher>> RosterStore::LockTeacherByStaffNumber(pqxx::transaction_base& tx,
                                                                           const std::string& staff_number) {
  auto rows = tx.exec_params(roster::Select(kTeachers) + " WHERE x.staff_number = $1 FOR UPDATE OF x", staff_number);
  if (rows.empty()) return std::nullopt;
  return RosterRecord<Teacher>{Teachers().from_row(rows[0]), rows[0][roster::RegionAt(kTeachers)].as<std::string>()};
}

std::vector<RosterRecord<Teacher>> RosterStore::LockTeachersByStaffNumbers(pqxx::transaction_base& tx,
                                                                           const std::set<std::string>& staff_numbers) {
  std::vector<std::vector<std::string>> tuples;
  for (const auto& s : staff_numbers) tuples.push_back({s});
  std::vector<std::string> params;
  const std::string in = roster::TuplesIn({"x.staff_number"}, {""}, tuples, &params);
  std::vector<RosterRecord<Teacher>> out;
  for (const auto& row : tx.exec_params(roster::Select(kTeachers) + " WHERE " + in + " ORDER BY x.teacher_id FOR UPDATE OF x",
                                        pqxx::prepare::make_dynamic_params(params))) {
    out.push_back({Teachers().from_row(row), row[roster::RegionAt(kTeachers)].as<std::string>()});
  }
  return out;
}

std::vector<absl::StatusOr<Teacher>> RosterStore::CreateTeachersIn(pqxx::transaction_base& tx,
                                                                   const std::vector<NewTeacher>& rows,
                                                                   const WriteContext& ctx) {
  std::vector<roster::NewRow<Teacher, TeacherFacts>> batch;
  for (const auto& row : rows) {
    Teacher t = row.resource;
    t.set_name(TeacherName(row.id));
    batch.push_back({{row.id}, std::move(t), row.facts, row.check});
  }
  return roster::CreateRowsIn(tx, Teachers(), batch, ctx);
}

}  // namespace gongtong::registry
