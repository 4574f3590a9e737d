// RegistryService: Party organisations (Get, List, Create, Update, Delete,
// Undelete). PartyMethodNames() lists these and the joint-building methods
// (rpc/joint_building_methods.cc) and the secretary studios'
// (rpc/studio_methods.cc).
#include "common/status/error.h"
#include "registry/domain/party_access.h"
#include "registry/domain/party_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"
#include "registry/rpc/roster_paging.h"

namespace gongtong::registry {
namespace {

constexpr char kPrefix[] = "party_organization";

const std::vector<std::string>& UpdatablePaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "kind",      "schools",  "superior", "external_superior",
      "scope",        "secretary", "secretary_is_principal", "officers"};
  return *kPaths;
}

// A server wired without a PartyStore answers as before the family was built.
absl::Status Wired(const PartyStore* store) {
  if (store != nullptr) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_WIRED")
      .Message("Party organisations are not served by this instance")
      .Zh("此实例未提供党组织服务");
}

// Checks of an organisation after a change (create, update, undelete):
// its own fields, then the database's facts (R-PARTY-ORG-1…5).
absl::Status CheckOrganization(const std::string& id, const PartyOrganization& after, const PartyFacts& facts) {
  GT_RETURN_IF_ERROR(ToStatus(PartyOrganizationViolations(after, id, kPrefix), "PARTY_ORGANIZATION_INVALID"));
  GT_RETURN_IF_ERROR(PartySchoolsLive(after, facts.schools, kPrefix));
  return SuperiorAcyclic(id, after, facts.orgs, kPrefix);
}

// The write is within the caller's reach before and after the change.
absl::Status Reach(const auth::Principal& p, const PartyOrganization& before, const PartyOrganization& after,
                   const PartyFacts& facts) {
  GT_RETURN_IF_ERROR(CanWriteParty(p, PartyReachOf(before, facts.schools)));
  return CanWriteParty(p, PartyReachOf(after, facts.schools));
}

std::string IdOfName(const std::string& name) {
  auto id = ParsePartyOrganizationName(name, "");
  return id.ok() ? *id : "";
}

}  // namespace

const std::set<std::string>& PartyMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetPartyOrganization",    "ListPartyOrganizations",    "CreatePartyOrganization",
      "UpdatePartyOrganization", "DeletePartyOrganization",   "UndeletePartyOrganization",
      "GetPartyJointBuilding",   "ListPartyJointBuildings",   "CreatePartyJointBuilding",
      "UpdatePartyJointBuilding", "DeletePartyJointBuilding", "UndeletePartyJointBuilding",
      "GetSecretaryStudio",      "ListSecretaryStudios",      "CreateSecretaryStudio",
      "UpdateSecretaryStudio",   "DeleteSecretaryStudio",     "UndeleteSecretaryStudio"};
  return *kNames;
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPartyOrganization(grpc::CallbackServerContext* ctx,
                                                                    const rv1::GetPartyOrganizationRequest* req,
                                                                    rv1::PartyOrganization* resp) {
  return edge_->Unary(ctx, "GetPartyOrganization", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyOrganizationName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    GT_ASSIGN_OR_RETURN(PartyRecord record, stores_.party->Get(id, call.deadline));
    *resp = std::move(record.organization);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPartyOrganizations(grpc::CallbackServerContext* ctx,
                                                                      const rv1::ListPartyOrganizationsRequest* req,
                                                                      rv1::ListPartyOrganizationsResponse* resp) {
  return edge_->Unary(ctx, "ListPartyOrganizations", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    int32_t total = 0;
    const RosterListRequest list{"", req->page_size(), req->page_token(), req->filter(), req->order_by(),
                                 req->show_deleted()};
    const RosterListShape shape{&PartyOrganizationFilterFields(), &PartyOrganizationOrderFields(),
                                {{"display_name", false}}};
    GT_ASSIGN_OR_RETURN(
        auto page, ListRoster<PartyOrganization>(
                       call, list, shape, {},
                       [&](const RosterListQuery& q) { return stores_.party->List(q, call.deadline); },
                       resp->mutable_next_page_token(), &total));
    for (auto& o : page.items) *resp->add_party_organizations() = std::move(o);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreatePartyOrganization(grpc::CallbackServerContext* ctx,
                                                                       const rv1::CreatePartyOrganizationRequest* req,
                                                                       rv1::PartyOrganization* resp) {
  return edge_->Unary(ctx, "CreatePartyOrganization", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    if (!req->has_party_organization()) return InvalidField(kPrefix, "is required", "缺少党组织信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->party_organization_id(), "party_organization_id", "po"));
    rv1::PartyOrganization o = req->party_organization();
    // Output-only fields are ignored.
    o.clear_name();
    o.clear_etag();
    o.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(PartyOrganizationViolations(o, id, kPrefix), "PARTY_ORGANIZATION_INVALID"));
    auto check = [&](const PartyOrganization& before, const PartyOrganization& after, bool,
                     const PartyFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(Reach(call.principal, before, after, facts));
      return CheckOrganization(id, after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.party->Create(id, o, check,
                                                     Writing(call, "CreatePartyOrganization", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdatePartyOrganization(grpc::CallbackServerContext* ctx,
                                                                       const rv1::UpdatePartyOrganizationRequest* req,
                                                                       rv1::PartyOrganization* resp) {
  return edge_->Unary(ctx, "UpdatePartyOrganization", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParsePartyOrganizationName(req->party_organization().name(), "party_organization.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths, api::CheckUpdateMask(requested, UpdatablePaths(), {}));
    GT_RETURN_IF_ERROR(MayUpdateParty(call.principal, paths));
    const rv1::PartyOrganization& patch = req->party_organization();
    auto mutate = [&](rv1::PartyOrganization& o, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "display_name") o.set_display_name(patch.display_name());
        else if (p == "kind") o.set_kind(patch.kind());
        else if (p == "schools") *o.mutable_schools() = patch.schools();
        else if (p == "superior") o.set_superior(patch.superior());
        else if (p == "external_superior") o.set_external_superior(patch.external_superior());
        else if (p == "scope") o.set_scope(patch.scope());
        else if (p == "secretary") *o.mutable_secretary() = patch.secretary();
        else if (p == "secretary_is_principal") o.set_secretary_is_principal(patch.secretary_is_principal());
        else if (p == "officers") *o.mutable_officers() = patch.officers();
      }
      return absl::OkStatus();
    };
    auto check = [&](const PartyOrganization& before, const PartyOrganization& after, bool was_deleted,
                     const PartyFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(Reach(call.principal, before, after, facts));
      if (was_deleted) return Deleted("PARTY_ORGANIZATION_DELETED", before.name(), "该党组织已删除，请先恢复");
      return CheckOrganization(id, after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.party->Mutate(id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate, check,
                                                     Writing(call, "UpdatePartyOrganization", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeletePartyOrganization(grpc::CallbackServerContext* ctx,
                                                                       const rv1::DeletePartyOrganizationRequest* req,
                                                                       rv1::PartyOrganization* resp) {
  return edge_->Unary(ctx, "DeletePartyOrganization", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyOrganizationName(req->name(), "name"));
    const auto mutate = SetDeleted<PartyOrganization>(true);
    auto check = [&](const PartyOrganization& before, const PartyOrganization& after, bool was_deleted,
                     const PartyFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(Reach(call.principal, before, after, facts));
      if (was_deleted) return AlreadyDeleted("PARTY_ORGANIZATION_NOT_FOUND", before.name(), "该党组织已删除");
      return PartyOrganizationUnreferenced(facts.members, facts.subordinates);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.party->Mutate(id, req->etag(), rv1::CHANGE_KIND_DELETED, {}, mutate, check,
                                                     Writing(call, "DeletePartyOrganization", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeletePartyOrganization(
    grpc::CallbackServerContext* ctx, const rv1::UndeletePartyOrganizationRequest* req, rv1::PartyOrganization* resp) {
  return edge_->Unary(ctx, "UndeletePartyOrganization", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.party));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyOrganizationName(req->name(), "name"));
    const auto mutate = SetDeleted<PartyOrganization>(false);
    auto check = [&](const PartyOrganization& before, const PartyOrganization& after, bool was_deleted,
                     const PartyFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(Reach(call.principal, before, after, facts));
      if (!was_deleted) return NotDeleted("PARTY_ORGANIZATION_NOT_DELETED", before.name(), "该党组织未被删除");
      // Its schools and superior must still be live (named in the error).
      GT_RETURN_IF_ERROR(PartySchoolsLive(after, facts.schools, kPrefix));
      return SuperiorAcyclic(IdOfName(after.name()), after, facts.orgs, kPrefix);
    };
    GT_ASSIGN_OR_RETURN(*resp,
                        stores_.party->Mutate(id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {}, mutate, check,
                                              Writing(call, "UndeletePartyOrganization", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
