// RegistryService: Party joint-building relations (Get, List, Create,
// Update, Delete, Undelete). Listed in PartyMethodNames()
// (rpc/party_methods.cc). Access as for Party organisations: read by every
// role; written by the province and the county bureau of the school side's
// schools.
#include "common/status/error.h"
#include "registry/domain/party_access.h"
#include "registry/domain/party_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"
#include "registry/rpc/roster_paging.h"

namespace gongtong::registry {
namespace {

constexpr char kPrefix[] = "party_joint_building";

const std::vector<std::string>& UpdatablePaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "organization", "partner_organization", "partner_unit", "agreement", "liaisons",
      "leading_group", "period"};
  return *kPaths;
}

absl::Status Wired(const JointBuildingStore* store) {
  if (store != nullptr) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_WIRED")
      .Message("Party joint-building relations are not served by this instance")
      .Zh("此实例未提供党建结对共建服务");
}

// R-PARTY-JB-1, 2 after a change (create, update, undelete).
absl::Status CheckRelation(const PartyJointBuilding& after, const JointBuildingFacts& facts) {
  GT_RETURN_IF_ERROR(ToStatus(PartyJointBuildingViolations(after, kPrefix), "PARTY_JOINT_BUILDING_INVALID"));
  GT_RETURN_IF_ERROR(PartyOrganizationLive(after.organization(), facts.orgs, std::string(kPrefix) + ".organization"));
  return PartyOrganizationLive(after.partner_organization(), facts.orgs,
                               std::string(kPrefix) + ".partner_organization");
}

}  // namespace

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPartyJointBuilding(grpc::CallbackServerContext* ctx,
                                                                     const rv1::GetPartyJointBuildingRequest* req,
                                                                     rv1::PartyJointBuilding* resp) {
  return edge_->Unary(ctx, "GetPartyJointBuilding", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyJointBuildingName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    GT_ASSIGN_OR_RETURN(*resp, stores_.joint_buildings->Get(id, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPartyJointBuildings(grpc::CallbackServerContext* ctx,
                                                                       const rv1::ListPartyJointBuildingsRequest* req,
                                                                       rv1::ListPartyJointBuildingsResponse* resp) {
  return edge_->Unary(ctx, "ListPartyJointBuildings", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    int32_t total = 0;
    const RosterListRequest list{"", req->page_size(), req->page_token(), req->filter(), req->order_by(),
                                 req->show_deleted()};
    const RosterListShape shape{&PartyJointBuildingFilterFields(), &PartyJointBuildingOrderFields(),
                                {{"display_name", false}}};
    GT_ASSIGN_OR_RETURN(
        auto page, ListRoster<PartyJointBuilding>(
                       call, list, shape, {},
                       [&](const RosterListQuery& q) { return stores_.joint_buildings->List(q, call.deadline); },
                       resp->mutable_next_page_token(), &total));
    for (auto& j : page.items) *resp->add_party_joint_buildings() = std::move(j);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreatePartyJointBuilding(
    grpc::CallbackServerContext* ctx, const rv1::CreatePartyJointBuildingRequest* req, rv1::PartyJointBuilding* resp) {
  return edge_->Unary(ctx, "CreatePartyJointBuilding", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    if (!req->has_party_joint_building()) return InvalidField(kPrefix, "is required", "缺少结对共建信息");
    GT_ASSIGN_OR_RETURN(std::string id,
                        IdOrGenerated(req->party_joint_building_id(), "party_joint_building_id", "jb"));
    rv1::PartyJointBuilding j = req->party_joint_building();
    j.clear_name();
    j.clear_etag();
    j.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(PartyJointBuildingViolations(j, kPrefix), "PARTY_JOINT_BUILDING_INVALID"));
    auto check = [&](const PartyJointBuilding&, const PartyJointBuilding& after, bool,
                     const JointBuildingFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CheckRelation(after, facts));
      return CanWriteParty(call.principal, facts.reach);
    };
    GT_ASSIGN_OR_RETURN(*resp,
                        stores_.joint_buildings->Create(
                            id, j, check, Writing(call, "CreatePartyJointBuilding", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdatePartyJointBuilding(
    grpc::CallbackServerContext* ctx, const rv1::UpdatePartyJointBuildingRequest* req, rv1::PartyJointBuilding* resp) {
  return edge_->Unary(ctx, "UpdatePartyJointBuilding", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParsePartyJointBuildingName(req->party_joint_building().name(), "party_joint_building.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths, api::CheckUpdateMask(requested, UpdatablePaths(), {}));
    const rv1::PartyJointBuilding& patch = req->party_joint_building();
    auto mutate = [&](rv1::PartyJointBuilding& j, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "display_name") j.set_display_name(patch.display_name());
        else if (p == "organization") j.set_organization(patch.organization());
        else if (p == "partner_organization" && patch.has_partner_organization())
          j.set_partner_organization(patch.partner_organization());
        else if (p == "partner_unit" && patch.has_partner_unit()) *j.mutable_partner_unit() = patch.partner_unit();
        else if (p == "agreement") *j.mutable_agreement() = patch.agreement();
        else if (p == "liaisons") *j.mutable_liaisons() = patch.liaisons();
        else if (p == "leading_group") *j.mutable_leading_group() = patch.leading_group();
        else if (p == "period") *j.mutable_period() = patch.period();
      }
      return absl::OkStatus();
    };
    auto check = [&](const PartyJointBuilding& before, const PartyJointBuilding& after, bool was_deleted,
                     const JointBuildingFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteParty(call.principal, facts.reach));
      if (was_deleted) return Deleted("PARTY_JOINT_BUILDING_DELETED", before.name(), "该结对共建关系已删除，请先恢复");
      return CheckRelation(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.joint_buildings->Mutate(
                                   id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate, check,
                                   Writing(call, "UpdatePartyJointBuilding", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeletePartyJointBuilding(
    grpc::CallbackServerContext* ctx, const rv1::DeletePartyJointBuildingRequest* req, rv1::PartyJointBuilding* resp) {
  return edge_->Unary(ctx, "DeletePartyJointBuilding", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyJointBuildingName(req->name(), "name"));
    auto check = [&](const PartyJointBuilding& before, const PartyJointBuilding&, bool was_deleted,
                     const JointBuildingFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteParty(call.principal, facts.reach));
      if (was_deleted) return AlreadyDeleted("PARTY_JOINT_BUILDING_NOT_FOUND", before.name(), "该结对共建关系已删除");
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.joint_buildings->Mutate(
                                   id, req->etag(), rv1::CHANGE_KIND_DELETED, {}, SetDeleted<PartyJointBuilding>(true),
                                   check, Writing(call, "DeletePartyJointBuilding", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeletePartyJointBuilding(
    grpc::CallbackServerContext* ctx, const rv1::UndeletePartyJointBuildingRequest* req,
    rv1::PartyJointBuilding* resp) {
  return edge_->Unary(ctx, "UndeletePartyJointBuilding", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.joint_buildings));
    GT_RETURN_IF_ERROR(MayWriteParty(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParsePartyJointBuildingName(req->name(), "name"));
    auto check = [&](const PartyJointBuilding& before, const PartyJointBuilding& after, bool was_deleted,
                     const JointBuildingFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteParty(call.principal, facts.reach));
      if (!was_deleted) return NotDeleted("PARTY_JOINT_BUILDING_NOT_DELETED", before.name(), "该结对共建关系未被删除");
      return CheckRelation(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.joint_buildings->Mutate(
                                   id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                   SetDeleted<PartyJointBuilding>(false), check,
                                   Writing(call, "UndeletePartyJointBuilding", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
