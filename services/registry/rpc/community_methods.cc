// RegistryService: communities and pairings (Get, List, Create, Update,
// Delete, Undelete). Each method listed in CommunityMethodNames() is
// implemented in this file; the others of the family (Party organisations,
// joint buildings, secretary studios) still answer UNIMPLEMENTED through the
// edge.
#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "registry/domain/community_access.h"
#include "registry/domain/community_rules.h"
#include "registry/domain/school_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {
namespace {

using auth::Role;

const std::vector<std::string>& UpdatableCommunityPaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "type",   "region_code", "core_school", "members",    "teacher_members",
      "agreement",    "leading_group", "period", "description"};
  return *kPaths;
}

const std::vector<std::string>& UpdatablePairingPaths() {
  static const auto* kPaths =
      new std::vector<std::string>{"subjects", "core_contact", "member_contact", "period"};
  return *kPaths;
}

// A county bureau or school admin cannot tell whether a community outside
// its reach exists: NOT_FOUND becomes PERMISSION_DENIED for them.
absl::Status HideExistence(const auth::Principal& p, const absl::Status& status) {
  if (status.code() == absl::StatusCode::kNotFound && (p.role == Role::kCountyBureau || p.role == Role::kSchoolAdmin)) {
    return CanReadCommunity(p, CommunityReach{});
  }
  return status;
}

// Checks of a community after a change (create, update, undelete).
absl::Status CheckCommunityReferences(const Community& after, const CommunityFacts& facts) {
  GT_RETURN_IF_ERROR(CommunitySchoolsLive(after, facts.schools, "community"));
  return FusedExclusive(after, facts.fused_elsewhere, "community");
}

absl::Status CommunityLiveForPairing(const Community& c, const std::string& field) {
  if (!c.audit().has_delete_time()) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "COMMUNITY_DELETED")
      .Message(c.name() + " is deleted")
      .Zh("共同体已删除：" + c.display_name())
      .Field(field, "the community is deleted");
}

// A server wired without a CommunityStore (e.g. a schools-only test) answers
// as before the family was built.
absl::Status Wired(const CommunityStore* store) {
  if (store != nullptr) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kUnimplemented, "NOT_WIRED")
      .Message("communities are not served by this instance")
      .Zh("此实例未提供共同体服务");
}

}  // namespace

const std::set<std::string>& CommunityMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetCommunity", "ListCommunities", "CreateCommunity", "UpdateCommunity", "DeleteCommunity", "UndeleteCommunity",
      "GetPairing",   "ListPairings",    "CreatePairing",   "UpdatePairing",   "DeletePairing",   "UndeletePairing"};
  return *kNames;
}

// ---- communities --------------------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetCommunity(grpc::CallbackServerContext* ctx,
                                                            const rv1::GetCommunityRequest* req, rv1::Community* resp) {
  return edge_->Unary(ctx, "GetCommunity", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_ASSIGN_OR_RETURN(std::string id, ParseCommunityName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CommunityReadScope(call.principal).status());
    auto record = stores_.communities->Get(id, call.deadline);
    if (!record.ok()) return HideExistence(call.principal, record.status());
    GT_RETURN_IF_ERROR(CanReadCommunity(call.principal, ReachOf(record->community, record->schools)));
    *resp = std::move(record->community);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListCommunities(grpc::CallbackServerContext* ctx,
                                                               const rv1::ListCommunitiesRequest* req,
                                                               rv1::ListCommunitiesResponse* resp) {
  return edge_->Unary(ctx, "ListCommunities", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    CommunityListQuery q;
    GT_ASSIGN_OR_RETURN(q.scope, CommunityReadScope(call.principal));
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), CommunityFilterFields()));
    GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req->order_by(), CommunityOrderFields(), {{"display_name", false}}));
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint = api::RequestFingerprint({req->filter(), req->order_by(),
                                                          req->show_deleted() ? "1" : "0", q.scope.region_prefix,
                                                          q.scope.school_code});
    const int64_t now = NowUnix();
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    GT_ASSIGN_OR_RETURN(CommunityPage page, stores_.communities->List(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& c : page.communities) *resp->add_communities() = std::move(c);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateCommunity(grpc::CallbackServerContext* ctx,
                                                               const rv1::CreateCommunityRequest* req,
                                                               rv1::Community* resp) {
  return edge_->Unary(ctx, "CreateCommunity", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    if (!req->has_community()) return InvalidField("community", "is required", "缺少共同体信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->community_id(), "community_id", "c"));
    rv1::Community c = req->community();
    // Output-only fields are ignored.
    c.clear_name();
    c.clear_etag();
    c.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(CommunityViolations(c, "community"), "COMMUNITY_INVALID"));
    auto check = [&](const Community&, const Community& after, const CommunityFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(after, facts.schools)));
      return CheckCommunityReferences(after, facts);
    };
    std::vector<std::string> schools_changed;
    GT_ASSIGN_OR_RETURN(*resp,
                        stores_.communities->Create(id, c, check, Writing(call, "CreateCommunity", req->request_id(), *req),
                                                    &schools_changed));
    for (const auto& code : schools_changed) Forget(code);  // their communities / fused_into changed
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateCommunity(grpc::CallbackServerContext* ctx,
                                                               const rv1::UpdateCommunityRequest* req,
                                                               rv1::Community* resp) {
  return edge_->Unary(ctx, "UpdateCommunity", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseCommunityName(req->community().name(), "community.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths, api::CheckUpdateMask(requested, UpdatableCommunityPaths(), {}));
    const rv1::Community& patch = req->community();
    bool was_deleted = false;
    auto mutate = [&](rv1::Community& c, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      for (const auto& p : paths) {
        if (p == "display_name") c.set_display_name(patch.display_name());
        else if (p == "type") c.set_type(patch.type());
        else if (p == "region_code") c.set_region_code(patch.region_code());
        else if (p == "core_school") c.set_core_school(patch.core_school());
        else if (p == "members") *c.mutable_members() = patch.members();
        else if (p == "teacher_members") *c.mutable_teacher_members() = patch.teacher_members();
        else if (p == "agreement") *c.mutable_agreement() = patch.agreement();
        else if (p == "leading_group") *c.mutable_leading_group() = patch.leading_group();
        else if (p == "period") *c.mutable_period() = patch.period();
        else if (p == "description") c.set_description(patch.description());
      }
      return absl::OkStatus();
    };
    auto check = [&](const Community& before, const Community& after, const CommunityFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(before, facts.schools)));
      if (was_deleted) return Deleted("COMMUNITY_DELETED", before.name(), "该共同体已删除，请先恢复");
      GT_RETURN_IF_ERROR(ToStatus(CommunityViolations(after, "community"), "COMMUNITY_INVALID"));
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(after, facts.schools)));
      GT_RETURN_IF_ERROR(CheckCommunityReferences(after, facts));
      GT_RETURN_IF_ERROR(KeepsPairedSchools(before, after, facts.paired_members, "community"));
      return LeaderOnceInForce(after, Today(), "community");
    };
    std::vector<std::string> schools_changed;
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->Mutate(id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate,
                                                           check,
                                                           Writing(call, "UpdateCommunity", req->request_id(), *req),
                                                           &schools_changed));
    for (const auto& code : schools_changed) Forget(code);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteCommunity(grpc::CallbackServerContext* ctx,
                                                               const rv1::DeleteCommunityRequest* req,
                                                               rv1::Community* resp) {
  return edge_->Unary(ctx, "DeleteCommunity", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseCommunityName(req->name(), "name"));
    bool was_deleted = false;
    auto mutate = [&](rv1::Community&, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      deleted = true;
      return absl::OkStatus();
    };
    auto check = [&](const Community& before, const Community&, const CommunityFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(before, facts.schools)));
      if (was_deleted) return AlreadyDeleted("COMMUNITY_NOT_FOUND", before.name(), "该共同体已删除");
      if (!facts.paired_members.empty()) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "COMMUNITY_HAS_PAIRINGS")
            .Message(before.name() + " has live pairings; delete them first")
            .Zh("共同体尚有结对，请先删除结对")
            .Field("name", "has live pairings");
      }
      return absl::OkStatus();
    };
    std::vector<std::string> schools_changed;
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->Mutate(id, req->etag(), rv1::CHANGE_KIND_DELETED, {}, mutate,
                                                           check,
                                                           Writing(call, "DeleteCommunity", req->request_id(), *req),
                                                           &schools_changed));
    for (const auto& code : schools_changed) Forget(code);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteCommunity(grpc::CallbackServerContext* ctx,
                                                                 const rv1::UndeleteCommunityRequest* req,
                                                                 rv1::Community* resp) {
  return edge_->Unary(ctx, "UndeleteCommunity", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseCommunityName(req->name(), "name"));
    bool was_deleted = false;
    auto mutate = [&](rv1::Community&, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      deleted = false;
      return absl::OkStatus();
    };
    auto check = [&](const Community& before, const Community& after, const CommunityFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(before, facts.schools)));
      if (!was_deleted) return NotDeleted("COMMUNITY_NOT_DELETED", before.name(), "该共同体未被删除");
      return CheckCommunityReferences(after, facts);
    };
    std::vector<std::string> schools_changed;
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->Mutate(id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {}, mutate,
                                                           check,
                                                           Writing(call, "UndeleteCommunity", req->request_id(), *req),
                                                           &schools_changed));
    for (const auto& code : schools_changed) Forget(code);
    return absl::OkStatus();
  });
}

// ---- pairings -------------------------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPairing(grpc::CallbackServerContext* ctx,
                                                          const rv1::GetPairingRequest* req, rv1::Pairing* resp) {
  return edge_->Unary(ctx, "GetPairing", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_ASSIGN_OR_RETURN(PairingKey key, ParsePairingName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CommunityReadScope(call.principal).status());
    auto record = stores_.communities->GetPairing(key.community_id, key.pairing_id, call.deadline);
    if (!record.ok()) return HideExistence(call.principal, record.status());
    GT_RETURN_IF_ERROR(CanReadCommunity(call.principal, ReachOf(record->community, record->schools)));
    *resp = std::move(record->pairing);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPairings(grpc::CallbackServerContext* ctx,
                                                            const rv1::ListPairingsRequest* req,
                                                            rv1::ListPairingsResponse* resp) {
  return edge_->Unary(ctx, "ListPairings", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    PairingListQuery q;
    GT_ASSIGN_OR_RETURN(q.scope, CommunityReadScope(call.principal));
    GT_ASSIGN_OR_RETURN(q.community_id, ParsePairingParent(req->parent(), "parent"));
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), PairingFilterFields()));
    GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req->order_by(), PairingOrderFields(), {{"member_school", false}}));
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint =
        api::RequestFingerprint({req->parent(), req->filter(), req->order_by(), req->show_deleted() ? "1" : "0",
                                 q.scope.region_prefix, q.scope.school_code});
    const int64_t now = NowUnix();
    GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(req->page_token(), fingerprint, now));
    q.after = std::move(start.after);
    q.count_total = start.count_total;
    int64_t total = start.total;
    GT_ASSIGN_OR_RETURN(PairingPage page, stores_.communities->ListPairings(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& p : page.pairings) *resp->add_pairings() = std::move(p);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(page.more, page.last_key, total, fingerprint, now));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreatePairing(grpc::CallbackServerContext* ctx,
                                                             const rv1::CreatePairingRequest* req, rv1::Pairing* resp) {
  return edge_->Unary(ctx, "CreatePairing", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(std::string cid, ParseCommunityName(req->parent(), "parent"));
    if (!req->has_pairing()) return InvalidField("pairing", "is required", "缺少结对信息");
    GT_ASSIGN_OR_RETURN(std::string pid, IdOrGenerated(req->pairing_id(), "pairing_id", "p"));
    rv1::Pairing p = req->pairing();
    p.clear_name();
    p.clear_community();
    p.clear_etag();
    p.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(PairingViolations(p, "pairing"), "PAIRING_INVALID"));
    auto check = [&](const Pairing&, const Pairing& after, bool, const CommunityRecord& rec) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(rec.community, rec.schools)));
      GT_RETURN_IF_ERROR(CommunityLiveForPairing(rec.community, "parent"));
      GT_RETURN_IF_ERROR(PairingFitsCommunity(after, rec.community, "pairing"));
      return PairingSchoolsLive(after, rec.schools, "pairing");
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->CreatePairing(
                                   cid, pid, p, check, Writing(call, "CreatePairing", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdatePairing(grpc::CallbackServerContext* ctx,
                                                             const rv1::UpdatePairingRequest* req, rv1::Pairing* resp) {
  return edge_->Unary(ctx, "UpdatePairing", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(PairingKey key, ParsePairingName(req->pairing().name(), "pairing.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatablePairingPaths(), {"core_school", "member_school"}));
    const rv1::Pairing& patch = req->pairing();
    bool was_deleted = false;
    auto mutate = [&](rv1::Pairing& p, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      for (const auto& path : paths) {
        if (path == "subjects") *p.mutable_subjects() = patch.subjects();
        else if (path == "core_contact") *p.mutable_core_contact() = patch.core_contact();
        else if (path == "member_contact") *p.mutable_member_contact() = patch.member_contact();
        else if (path == "period") *p.mutable_period() = patch.period();
      }
      return absl::OkStatus();
    };
    auto check = [&](const Pairing& before, const Pairing& after, bool, const CommunityRecord& rec) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(rec.community, rec.schools)));
      if (was_deleted) return Deleted("PAIRING_DELETED", before.name(), "该结对已删除，请先恢复");
      GT_RETURN_IF_ERROR(ToStatus(PairingViolations(after, "pairing"), "PAIRING_INVALID"));
      GT_RETURN_IF_ERROR(CommunityLiveForPairing(rec.community, "pairing.name"));
      return PairingFitsCommunity(after, rec.community, "pairing");
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->MutatePairing(
                                   key.community_id, key.pairing_id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths,
                                   mutate, check, Writing(call, "UpdatePairing", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeletePairing(grpc::CallbackServerContext* ctx,
                                                             const rv1::DeletePairingRequest* req, rv1::Pairing* resp) {
  return edge_->Unary(ctx, "DeletePairing", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(PairingKey key, ParsePairingName(req->name(), "name"));
    bool was_deleted = false;
    auto mutate = [&](rv1::Pairing&, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      deleted = true;
      return absl::OkStatus();
    };
    auto check = [&](const Pairing& before, const Pairing&, bool, const CommunityRecord& rec) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(rec.community, rec.schools)));
      if (was_deleted) return AlreadyDeleted("PAIRING_NOT_FOUND", before.name(), "该结对已删除");
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->MutatePairing(
                                   key.community_id, key.pairing_id, req->etag(), rv1::CHANGE_KIND_DELETED, {},
                                   mutate, check, Writing(call, "DeletePairing", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeletePairing(grpc::CallbackServerContext* ctx,
                                                               const rv1::UndeletePairingRequest* req,
                                                               rv1::Pairing* resp) {
  return edge_->Unary(ctx, "UndeletePairing", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(Wired(stores_.communities));
    GT_RETURN_IF_ERROR(MayWriteCommunities(call.principal));
    GT_ASSIGN_OR_RETURN(PairingKey key, ParsePairingName(req->name(), "name"));
    bool was_deleted = false;
    auto mutate = [&](rv1::Pairing&, bool& deleted) -> absl::Status {
      was_deleted = deleted;
      deleted = false;
      return absl::OkStatus();
    };
    auto check = [&](const Pairing& before, const Pairing& after, bool, const CommunityRecord& rec) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteCommunity(call.principal, ReachOf(rec.community, rec.schools)));
      if (!was_deleted) return NotDeleted("PAIRING_NOT_DELETED", before.name(), "该结对未被删除");
      GT_RETURN_IF_ERROR(CommunityLiveForPairing(rec.community, "name"));
      GT_RETURN_IF_ERROR(PairingFitsCommunity(after, rec.community, "pairing"));
      return PairingSchoolsLive(after, rec.schools, "pairing");
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.communities->MutatePairing(
                                   key.community_id, key.pairing_id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                   mutate, check, Writing(call, "UndeletePairing", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
