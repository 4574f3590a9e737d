#include "assessment/storage/evaluation_registry_ingest.h"

#include "assessment/storage/evaluation_store.h"
#include "assessment/storage/party_store.h"
#include "gongtong/events/v1/registry_events.pb.h"

namespace gongtong::assessment {
namespace {

namespace ev1 = gongtong::events::v1;

std::string After(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

template <typename M>
bool Is(const ev1::EventEnvelope& e) {
  return e.event_type() == M::descriptor()->full_name();
}

}  // namespace

absl::Status ApplyRegistryEvent(pqxx::transaction_base& tx, const ev1::EventEnvelope& e) {
  if (Is<ev1::CommunityChanged>(e)) {
    ev1::CommunityChanged changed;
    if (!e.payload().UnpackTo(&changed)) return absl::InvalidArgumentError("CommunityChanged does not parse");
    const auto& c = changed.community();
    CommunityFact f;
    f.community_id = After(c.name(), "communities/");
    f.type = c.type();
    f.region_code = c.region_code();
    f.core_school_code = After(c.core_school(), "schools/");
    for (const auto& m : c.members()) f.member_school_codes.push_back(After(m.school(), "schools/"));
    f.deleted = c.audit().has_delete_time();
    UpsertCommunityFact(tx, f);
  } else if (Is<ev1::CommunityDeleted>(e)) {
    ev1::CommunityDeleted deleted;
    if (!e.payload().UnpackTo(&deleted)) return absl::InvalidArgumentError("CommunityDeleted does not parse");
    tx.exec_params("UPDATE eval_community_facts SET deleted = true, updated_at = now() WHERE community_id = $1",
                   After(deleted.name(), "communities/"));
  } else if (Is<ev1::TeacherChanged>(e)) {
    ev1::TeacherChanged changed;
    if (!e.payload().UnpackTo(&changed)) return absl::InvalidArgumentError("TeacherChanged does not parse");
    const auto& t = changed.teacher();
    PartyMember m;
    m.teacher_id = After(t.name(), "teachers/");
    m.display_name = t.display_name();
    m.school_code = After(t.school(), "schools/");
    auto region = tx.exec_params(
        "SELECT region_code FROM eval_community_facts WHERE NOT deleted AND (core_school_code = $1 OR $1 = "
        "ANY(member_school_codes)) ORDER BY community_id LIMIT 1",
        m.school_code);
    m.region_code = region.empty() ? "" : region[0][0].as<std::string>();
    m.party_organization = t.party_membership().organization();
    m.membership = t.party_membership().status();
    m.serving = !t.audit().has_delete_time() &&
                (t.employment_status() == gongtong::registry::v1::EMPLOYMENT_STATUS_ACTIVE ||
                 t.employment_status() == gongtong::registry::v1::EMPLOYMENT_STATUS_UNSPECIFIED);
    UpsertPartyMember(tx, m);
  } else if (Is<ev1::TeacherDeleted>(e)) {
    ev1::TeacherDeleted deleted;
    if (!e.payload().UnpackTo(&deleted)) return absl::InvalidArgumentError("TeacherDeleted does not parse");
    tx.exec_params("UPDATE party_members SET serving = false, updated_at = now() WHERE teacher_id = $1",
                   After(deleted.name(), "teachers/"));
  }
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
