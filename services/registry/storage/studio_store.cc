#include "registry/storage/studio_store.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"
#include "gongtong/events/v1/registry_events.pb.h"
#include "registry/storage/community_store.h"
#include "registry/storage/body_table.h"
#include "registry/storage/roster_write.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::Change;
using gongtong::registry::v1::ChangeKind;

StudioFacts LoadFacts(pqxx::transaction_base& tx, const SecretaryStudio& before, const SecretaryStudio& after) {
  StudioFacts facts;
  const std::string code = StudioHostSchoolCode(after);
  if (!code.empty()) facts.schools = LoadSchoolFacts(tx, {code}, /*lock=*/true);
  for (const auto* s : {&before, &after}) {
    if (!s->region_code().empty()) facts.regions.push_back(s->region_code());
  }
  return facts;
}

void Record(pqxx::transaction_base& tx, ChangeKind kind, const SecretaryStudio& s,
            const std::vector<std::string>& paths, const StudioFacts& /*facts*/, const WriteContext& ctx) {
  Change change;
  change.set_kind(kind);
  change.set_resource_type(gongtong::registry::v1::RESOURCE_TYPE_SECRETARY_STUDIO);
  change.mutable_natural_key()->set_resource_id(s.name().substr(std::string("secretaryStudios/").size()));
  change.mutable_natural_key()->set_region_code(s.region_code());
  for (const auto& p : paths) change.mutable_changed_fields()->add_paths(p);
  roster::RecordRosterChange<SecretaryStudio, gongtong::events::v1::SecretaryStudioChanged,
                             gongtong::events::v1::SecretaryStudioDeleted>(
      tx, change, s, &Change::mutable_secretary_studio,
      &gongtong::events::v1::SecretaryStudioChanged::mutable_secretary_studio, s.region_code(),
      StudioHostSchoolCode(s), ctx);
}

// A text[] literal of the registered members, "teachers/{id}" (resource ids
// and '/' only, so no quoting is needed).
std::string MemberArray(const SecretaryStudio& s) {
  std::vector<std::string> teachers;
  for (const auto& m : s.members()) {
    if (!m.person().teacher().empty()) teachers.push_back(m.person().teacher());
  }
  return "{" + absl::StrJoin(teachers, ",") + "}";
}

// The values of the derived columns $2…$8 (after the id, before the body).
std::vector<std::string> Columns(const SecretaryStudio& s) {
  return {s.display_name(),
          s.region_code(),
          std::to_string(static_cast<int>(s.stage())),
          StudioHostSchoolCode(s),
          MemberArray(s),
          s.cycle().has_start_date() ? IsoDate(s.cycle().start_date()) : "",
          s.cycle().has_end_date() ? IsoDate(s.cycle().end_date()) : ""};
}

absl::Status AddFilter(const std::vector<api::FilterTerm>& terms, roster::SqlBuilder* b) {
  for (const auto& t : terms) {
    if (t.field == "region_code") {
      b->where.push_back(t.op == ":" ? "s.region_code LIKE " + b->Param(roster::LikePrefix(t.value))
                                     : "s.region_code = " + b->Param(t.value));
    } else if (t.field == "stage") {
      gongtong::common::v1::SchoolStage stage;
      if (!gongtong::common::v1::SchoolStage_Parse(t.value, &stage)) {
        return InvalidField("filter", "stage must be a SchoolStage name", "学段筛选值无效");
      }
      b->where.push_back(absl::StrCat("s.stage = ", b->Param(std::to_string(stage)), "::smallint"));
    } else if (t.field == "member") {
      if (t.value.rfind("teachers/", 0) != 0 || !IsResourceId(std::string_view(t.value).substr(9))) {
        return InvalidField("filter", "member must be teachers/{id}", "成员筛选值应为 teachers/{id}");
      }
      b->where.push_back(absl::StrCat(b->Param(t.value), " = ANY(s.members)"));
    } else if (t.field == "active_on") {
      google::type::Date d;
      if (!ParseIsoDate(t.value, &d)) return InvalidField("filter", "active_on must be a date YYYY-MM-DD", "日期筛选值应为 YYYY-MM-DD");
      const std::string ref = b->Param(IsoDate(d));
      b->where.push_back(absl::StrCat("s.start_date <= ", ref, "::date AND s.end_date >= ", ref, "::date"));
    }
  }
  return absl::OkStatus();
}

absl::Status Insert(pqxx::transaction_base& tx, const std::string& id, const SecretaryStudio& s,
                    const StudioFacts& /*facts*/) {
  const std::string body = StoredBody(s);
  const std::vector<std::string> c = Columns(s);
  auto inserted = tx.exec_params(
      "INSERT INTO secretary_studios (studio_id, display_name, region_code, stage, host_school, members, "
      "start_date, end_date, body) VALUES ($1, $2, $3, $4::smallint, $5, $6::text[], NULLIF($7, '')::date, "
      "NULLIF($8, '')::date, $9) ON CONFLICT DO NOTHING",
      id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], pqxx::binarystring(body.data(), body.size()));
  if (inserted.affected_rows() == 0) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ID_TAKEN")
        .Message(s.name() + " exists (ids are not reused, also after deletion)")
        .Zh("书记工作室编号已存在：" + id)
        .Field("secretary_studio_id", "already exists");
  }
  return absl::OkStatus();
}

absl::Status Update(pqxx::transaction_base& tx, const std::string& id, ChangeKind /*kind*/, const SecretaryStudio& s,
                    bool deleted, const StudioFacts& /*facts*/) {
  const std::string body = StoredBody(s);
  const std::vector<std::string> c = Columns(s);
  tx.exec_params(
      "UPDATE secretary_studios SET display_name = $2, region_code = $3, stage = $4::smallint, host_school = $5, "
      "members = $6::text[], start_date = NULLIF($7, '')::date, end_date = NULLIF($8, '')::date, body = $9, "
      "version = version + 1, updated_at = now(), "
      "deleted_at = CASE WHEN $10 THEN coalesce(deleted_at, now()) ELSE NULL END WHERE studio_id = $1",
      id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], pqxx::binarystring(body.data(), body.size()), deleted);
  return absl::OkStatus();
}

const BodyResource<SecretaryStudio, StudioFacts>& Resource() {
  static const auto* kResource = new BodyResource<SecretaryStudio, StudioFacts>{
      {"secretary_studios", "s", "studio_id", [](std::string_view id) { return SecretaryStudioName(id); }},
      "书记工作室",
      "SECRETARY_STUDIO_NOT_FOUND",
      AddFilter,
      LoadFacts,
      Insert,
      Update,
      Record};
  return *kResource;
}

}  // namespace

const std::vector<api::FilterField>& SecretaryStudioFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"region_code", {"=", ":"}}, {"stage", {"="}}, {"member", {"="}}, {"active_on", {"="}}};
  return *kFields;
}

const std::vector<std::string>& SecretaryStudioOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"display_name"};
  return *kFields;
}

template class BodyStore<SecretaryStudio, StudioFacts>;

StudioStore::StudioStore(pg::Pool* pool) : BodyStore(pool, &Resource()) {}

}  // namespace gongtong::registry
