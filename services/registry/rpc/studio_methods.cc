// RegistryService: secretary studios (书记工作室) (Get, List, Create, Update,
// Delete, Undelete). Listed in PartyMethodNames() (rpc/party_methods.cc).
// Access (party.proto SecretaryStudio): read by every role; written by the
// province, services and the county bureau of the studio's region_code.
#include "common/status/error.h"
#include "registry/domain/party_access.h"
#include "registry/domain/studio_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"
#include "registry/rpc/roster_paging.h"

namespace gongtong::registry {
namespace {

constexpr char kPrefix[] = "secretary_studio";

const std::vector<std::string>& UpdatablePaths() {
  static const auto* kPaths = new std::vector<std::string>{"display_name", "region_code", "stage",
                                                           "host_school",  "members",     "cycle"};
  return *kPaths;
}

absl::Status Wired(const StudioStore* store) {
  if (store != nullptr) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_WIRED")
      .Message("secretary studios are not served by this instance")
      .Zh("此实例未提供书记工作室服务");
}

// R-STUDIO-1…4 after a change (create, update, undelete).
absl::Status CheckStudio(const SecretaryStudio& after, const StudioFacts& facts) {
  GT_RETURN_IF_ERROR(ToStatus(SecretaryStudioViolations(after, kPrefix), "SECRETARY_STUDIO_INVALID"));
  return StudioHostSchoolLive(after, facts.schools, kPrefix);
}

}  // namespace

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSecretaryStudio(grpc::CallbackServerContext* ctx,
                                                                  const rv1::GetSecretaryStudioRequest* req,
                                                                  rv1::SecretaryStudio* resp) {
  return edge_->Unary(ctx, "GetSecretaryStudio", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_ASSIGN_OR_RETURN(std::string id, ParseSecretaryStudioName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    GT_ASSIGN_OR_RETURN(*resp, stores_.studios->Get(id, call.deadline));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSecretaryStudios(grpc::CallbackServerContext* ctx,
                                                                    const rv1::ListSecretaryStudiosRequest* req,
                                                                    rv1::ListSecretaryStudiosResponse* resp) {
  return edge_->Unary(ctx, "ListSecretaryStudios", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_RETURN_IF_ERROR(CanReadParty(call.principal));
    int32_t total = 0;
    const RosterListRequest list{"", req->page_size(), req->page_token(), req->filter(), req->order_by(),
                                 req->show_deleted()};
    const RosterListShape shape{&SecretaryStudioFilterFields(), &SecretaryStudioOrderFields(),
                                {{"display_name", false}}};
    GT_ASSIGN_OR_RETURN(auto page, ListRoster<SecretaryStudio>(
                                       call, list, shape, {},
                                       [&](const RosterListQuery& q) { return stores_.studios->List(q, call.deadline); },
                                       resp->mutable_next_page_token(), &total));
    for (auto& s : page.items) *resp->add_secretary_studios() = std::move(s);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSecretaryStudio(grpc::CallbackServerContext* ctx,
                                                                     const rv1::CreateSecretaryStudioRequest* req,
                                                                     rv1::SecretaryStudio* resp) {
  return edge_->Unary(ctx, "CreateSecretaryStudio", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_RETURN_IF_ERROR(MayWriteStudio(call.principal));
    if (!req->has_secretary_studio()) return InvalidField(kPrefix, "is required", "缺少书记工作室信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->secretary_studio_id(), "secretary_studio_id", "st"));
    rv1::SecretaryStudio s = req->secretary_studio();
    s.clear_name();
    s.clear_etag();
    s.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(SecretaryStudioViolations(s, kPrefix), "SECRETARY_STUDIO_INVALID"));
    auto check = [&](const SecretaryStudio&, const SecretaryStudio& after, bool,
                     const StudioFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteStudio(call.principal, facts.regions));
      return CheckStudio(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.studios->Create(id, s, check,
                                                       Writing(call, "CreateSecretaryStudio", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateSecretaryStudio(grpc::CallbackServerContext* ctx,
                                                                     const rv1::UpdateSecretaryStudioRequest* req,
                                                                     rv1::SecretaryStudio* resp) {
  return edge_->Unary(ctx, "UpdateSecretaryStudio", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_RETURN_IF_ERROR(MayWriteStudio(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id,
                        ParseSecretaryStudioName(req->secretary_studio().name(), "secretary_studio.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths, api::CheckUpdateMask(requested, UpdatablePaths(), {}));
    const rv1::SecretaryStudio& patch = req->secretary_studio();
    auto mutate = [&](rv1::SecretaryStudio& s, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "display_name") s.set_display_name(patch.display_name());
        else if (p == "region_code") s.set_region_code(patch.region_code());
        else if (p == "stage") s.set_stage(patch.stage());
        else if (p == "host_school") s.set_host_school(patch.host_school());
        else if (p == "members") *s.mutable_members() = patch.members();
        else if (p == "cycle") *s.mutable_cycle() = patch.cycle();
      }
      return absl::OkStatus();
    };
    auto check = [&](const SecretaryStudio& before, const SecretaryStudio& after, bool was_deleted,
                     const StudioFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteStudio(call.principal, facts.regions));
      if (was_deleted) return Deleted("SECRETARY_STUDIO_DELETED", before.name(), "该书记工作室已删除，请先恢复");
      return CheckStudio(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.studios->Mutate(id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate,
                                                       check,
                                                       Writing(call, "UpdateSecretaryStudio", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteSecretaryStudio(grpc::CallbackServerContext* ctx,
                                                                     const rv1::DeleteSecretaryStudioRequest* req,
                                                                     rv1::SecretaryStudio* resp) {
  return edge_->Unary(ctx, "DeleteSecretaryStudio", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_RETURN_IF_ERROR(MayWriteStudio(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseSecretaryStudioName(req->name(), "name"));
    auto check = [&](const SecretaryStudio& before, const SecretaryStudio&, bool was_deleted,
                     const StudioFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteStudio(call.principal, facts.regions));
      if (was_deleted) return AlreadyDeleted("SECRETARY_STUDIO_NOT_FOUND", before.name(), "该书记工作室已删除");
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.studios->Mutate(id, req->etag(), rv1::CHANGE_KIND_DELETED, {},
                                                       SetDeleted<SecretaryStudio>(true), check,
                                                       Writing(call, "DeleteSecretaryStudio", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteSecretaryStudio(grpc::CallbackServerContext* ctx,
                                                                       const rv1::UndeleteSecretaryStudioRequest* req,
                                                                       rv1::SecretaryStudio* resp) {
  return edge_->Unary(ctx, "UndeleteSecretaryStudio", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.studios));
    GT_RETURN_IF_ERROR(MayWriteStudio(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseSecretaryStudioName(req->name(), "name"));
    auto check = [&](const SecretaryStudio& before, const SecretaryStudio& after, bool was_deleted,
                     const StudioFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteStudio(call.principal, facts.regions));
      if (!was_deleted) return NotDeleted("SECRETARY_STUDIO_NOT_DELETED", before.name(), "该书记工作室未被删除");
      return CheckStudio(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp,
                        stores_.studios->Mutate(id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                                SetDeleted<SecretaryStudio>(false), check,
                                                Writing(call, "UndeleteSecretaryStudio", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
