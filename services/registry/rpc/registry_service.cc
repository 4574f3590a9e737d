#include "registry/rpc/registry_service.h"

#include <ctime>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/pg/idempotency.h"
#include "common/server/skeleton_service.h"
#include "common/status/error.h"
#include "registry/domain/school_access.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {
namespace {

using google::protobuf::Message;

const std::vector<std::string>& UpdatableSchoolPaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "region_code", "township_code", "urban_rural_category", "school_type_code", "address",
      "contacts"};
  return *kPaths;
}

gongtong::common::v1::Role ProtoRole(auth::Role role) {
  switch (role) {
    case auth::Role::kProvinceAdmin: return gongtong::common::v1::ROLE_PROVINCE_ADMIN;
    case auth::Role::kCountyBureau: return gongtong::common::v1::ROLE_COUNTY_BUREAU;
    case auth::Role::kSchoolAdmin: return gongtong::common::v1::ROLE_SCHOOL_ADMIN;
    case auth::Role::kTeacher: return gongtong::common::v1::ROLE_TEACHER;
    case auth::Role::kService: return gongtong::common::v1::ROLE_SERVICE;
    case auth::Role::kTownshipHead: return gongtong::common::v1::ROLE_TOWNSHIP_HEAD;
  }
  return gongtong::common::v1::ROLE_UNSPECIFIED;
}

// The write context of a call: who, which idempotency key, which request.
WriteContext Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const Message& request) {
  WriteContext w;
  w.actor.set_subject(call.principal.subject);
  w.actor.set_role(ProtoRole(call.principal.role));
  if (!call.principal.school_code.empty()) w.actor.set_school(SchoolName(call.principal.school_code));
  w.method = method;
  w.request_id = request_id;
  std::string bytes;
  google::protobuf::io::StringOutputStream out(&bytes);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.SetSerializationDeterministic(true);
  request.SerializeToCodedStream(&coded);
  coded.Trim();
  w.fingerprint = pg::Fingerprint(bytes);
  w.correlation_id = call.correlation_id;
  w.deadline = call.deadline;
  return w;
}

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

// Change-feed tokens do not expire after a day like page tokens: a platform
// may sync weekly. Format: web-safe base64 of "<sequence>:<fingerprint>".
std::string ChangeToken(int64_t sequence, uint64_t fingerprint) {
  std::string out;
  absl::WebSafeBase64Escape(absl::StrCat(sequence, ":", fingerprint), &out);
  return out;
}

absl::StatusOr<int64_t> ParseChangeToken(const std::string& token, uint64_t fingerprint) {
  std::string raw;
  std::vector<std::string> parts;
  int64_t sequence = 0;
  uint64_t fp = 0;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, ':');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &sequence) || !absl::SimpleAtoi(parts[1], &fp) ||
      sequence < 0) {
    return InvalidField("page_token", "is not a change-feed token", "变更令牌无效");
  }
  if (fp != fingerprint) {
    return InvalidField("page_token", "was issued for a different filter", "变更令牌与筛选条件不匹配");
  }
  return sequence;
}

}  // namespace

std::string SchoolCacheKey(const std::string& code) { return "gongtong:registry:school:" + code; }

RegistryServiceImpl::RegistryServiceImpl(RpcEdge* edge, SchoolStore* schools, ChangeFeed* changes,
                                         cache::ReadThroughCache* cache)
    : edge_(edge), schools_(schools), changes_(changes), cache_(cache) {
  RouteAllMethodsToEdge(
      rv1::RegistryService::service_full_name(), edge,
      [this](int i, grpc::internal::MethodHandler* h) { MarkMethodRawCallback(i, h); },
      {"GetSchool", "ListSchools", "CreateSchool", "UpdateSchool", "DeleteSchool", "UndeleteSchool",
       "ListChanges"});
}

absl::StatusOr<rv1::School> RegistryServiceImpl::ReadSchool(const std::string& code, pg::Deadline deadline) {
  GT_ASSIGN_OR_RETURN(std::string bytes, cache_->Get(SchoolCacheKey(code), [&]() -> absl::StatusOr<std::string> {
    GT_ASSIGN_OR_RETURN(rv1::School school, schools_->Get(code, deadline));
    return school.SerializeAsString();
  }));
  rv1::School school;
  if (!school.ParseFromString(bytes)) return absl::InternalError("cached school does not parse");
  return school;
}

void RegistryServiceImpl::Forget(const std::string& code) {
  // Best effort: the cache consumer of the registry stream invalidates too.
  if (auto s = cache_->Invalidate(SchoolCacheKey(code)); !s.ok()) {
    log::Warn("cache invalidation deferred to the event consumer", {{"school", code}, {"error", s.ToString()}});
  }
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSchool(grpc::CallbackServerContext* ctx,
                                                         const rv1::GetSchoolRequest* req, rv1::School* resp) {
  return edge_->Unary(ctx, "GetSchool", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->name(), "name"));
    auto school = ReadSchool(code, call.deadline);
    if (!school.ok()) {
      // A county bureau cannot tell whether a school outside its region exists.
      if (school.status().code() == absl::StatusCode::kNotFound && call.principal.role == auth::Role::kCountyBureau) {
        return CanReadSchool(call.principal, "");
      }
      return school.status();
    }
    GT_RETURN_IF_ERROR(CanReadSchool(call.principal, school->region_code()));
    *resp = std::move(*school);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSchools(grpc::CallbackServerContext* ctx,
                                                           const rv1::ListSchoolsRequest* req,
                                                           rv1::ListSchoolsResponse* resp) {
  return edge_->Unary(ctx, "ListSchools", [=](const CallContext& call) -> absl::Status {
    SchoolListQuery q;
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), SchoolFilterFields()));
    GT_ASSIGN_OR_RETURN(q.order, api::ParseOrderBy(req->order_by(), SchoolOrderFields(), {{"school_code", false}}));
    GT_ASSIGN_OR_RETURN(q.region_scope, ListScope(call.principal, /*change_feed=*/false));
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint = api::RequestFingerprint(
        {req->filter(), req->order_by(), req->show_deleted() ? "1" : "0", q.region_scope});
    int64_t total = -1;
    if (!req->page_token().empty()) {
      GT_ASSIGN_OR_RETURN(api::PageCursor cursor, api::DecodePageToken(req->page_token(), fingerprint, NowUnix()));
      q.after = cursor.after;
      total = cursor.total_size;
    } else {
      q.count_total = true;
    }
    GT_ASSIGN_OR_RETURN(SchoolPage page, schools_->List(q, call.deadline));
    if (page.total >= 0) total = page.total;
    for (auto& s : page.schools) *resp->add_schools() = std::move(s);
    resp->set_total_size(static_cast<int32_t>(total));
    if (page.more) {
      resp->set_next_page_token(api::EncodePageToken({page.last_key, total, NowUnix(), fingerprint}));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSchool(grpc::CallbackServerContext* ctx,
                                                            const rv1::CreateSchoolRequest* req, rv1::School* resp) {
  return edge_->Unary(ctx, "CreateSchool", [=](const CallContext& call) -> absl::Status {
    if (!req->has_school()) return InvalidField("school", "is required", "缺少学校信息");
    rv1::School school = req->school();
    GT_RETURN_IF_ERROR(ToStatus(SchoolViolations(school, "school"), "SCHOOL_INVALID"));
    GT_RETURN_IF_ERROR(CanCreateOrDeleteSchool(call.principal, school.region_code()));
    // Output-only fields are ignored.
    school.clear_name();
    school.clear_former_names();
    school.clear_fused_into();
    school.clear_communities();
    school.clear_etag();
    school.clear_audit();
    GT_ASSIGN_OR_RETURN(*resp, schools_->Create(school, Writing(call, "CreateSchool", req->request_id(), *req)));
    Forget(school.school_code());  // a NOT_FOUND is never cached, but a deleted twin may be
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateSchool(grpc::CallbackServerContext* ctx,
                                                            const rv1::UpdateSchoolRequest* req, rv1::School* resp) {
  return edge_->Unary(ctx, "UpdateSchool", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->school().name(), "school.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatableSchoolPaths(), {"school_code"}));
    const rv1::School& patch = req->school();
    auto mutate = [&](rv1::School& s, bool& deleted) -> absl::Status {
      if (deleted) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_DELETED")
            .Message("schools/" + code + " is deleted; undelete it first")
            .Zh("该学校已删除，请先恢复");
      }
      const std::string old_region = s.region_code();
      for (const auto& p : paths) {
        if (p == "display_name" && patch.display_name() != s.display_name()) {
          s.add_former_names(s.display_name());  // a code keeps through a rename
          s.set_display_name(patch.display_name());
        } else if (p == "region_code") {
          s.set_region_code(patch.region_code());
        } else if (p == "township_code") {
          s.set_township_code(patch.township_code());
        } else if (p == "urban_rural_category") {
          s.set_urban_rural_category(patch.urban_rural_category());
        } else if (p == "school_type_code") {
          s.set_school_type_code(patch.school_type_code());
        } else if (p == "address") {
          *s.mutable_address() = patch.address();
        } else if (p == "contacts") {
          *s.mutable_contacts() = patch.contacts();
        }
      }
      GT_RETURN_IF_ERROR(CanUpdateSchool(call.principal, code, old_region, s.region_code(), paths));
      return ToStatus(SchoolViolations(s, "school"), "SCHOOL_INVALID");
    };
    GT_ASSIGN_OR_RETURN(*resp, schools_->Mutate(code, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate,
                                                Writing(call, "UpdateSchool", req->request_id(), *req)));
    Forget(code);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteSchool(grpc::CallbackServerContext* ctx,
                                                            const rv1::DeleteSchoolRequest* req, rv1::School* resp) {
  return edge_->Unary(ctx, "DeleteSchool", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->name(), "name"));
    auto mutate = [&](rv1::School& s, bool& deleted) -> absl::Status {
      GT_RETURN_IF_ERROR(CanCreateOrDeleteSchool(call.principal, s.region_code()));
      if (deleted) {
        return ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
            .Message("schools/" + code + " is already deleted")
            .Zh("该学校已删除");
      }
      deleted = true;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, schools_->Mutate(code, req->etag(), rv1::CHANGE_KIND_DELETED, {}, mutate,
                                                Writing(call, "DeleteSchool", req->request_id(), *req)));
    Forget(code);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteSchool(grpc::CallbackServerContext* ctx,
                                                              const rv1::UndeleteSchoolRequest* req,
                                                              rv1::School* resp) {
  return edge_->Unary(ctx, "UndeleteSchool", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->name(), "name"));
    auto mutate = [&](rv1::School& s, bool& deleted) -> absl::Status {
      GT_RETURN_IF_ERROR(CanCreateOrDeleteSchool(call.principal, s.region_code()));
      if (!deleted) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_NOT_DELETED")
            .Message("schools/" + code + " is not deleted")
            .Zh("该学校未被删除");
      }
      deleted = false;
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, schools_->Mutate(code, req->etag(), rv1::CHANGE_KIND_UNDELETED, {}, mutate,
                                                Writing(call, "UndeleteSchool", req->request_id(), *req)));
    Forget(code);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListChanges(grpc::CallbackServerContext* ctx,
                                                           const rv1::ListChangesRequest* req,
                                                           rv1::ListChangesResponse* resp) {
  return edge_->Unary(ctx, "ListChanges", [=](const CallContext& call) -> absl::Status {
    ChangeQuery q;
    if (req->page_size() < 0) return InvalidField("page_size", "must not be negative", "每页数量不能为负数");
    q.limit = req->page_size() == 0 ? 100 : std::min(req->page_size(), 1000);
    GT_ASSIGN_OR_RETURN(q.filter, api::ParseFilter(req->filter(), ChangeFilterFields()));
    GT_ASSIGN_OR_RETURN(q.region_scope, ListScope(call.principal, /*change_feed=*/true));
    const uint64_t fingerprint = api::RequestFingerprint({req->filter(), q.region_scope});
    if (req->start_at_head()) {
      if (!req->page_token().empty()) {
        return InvalidField("start_at_head", "cannot be combined with page_token", "start_at_head 不能与 page_token 同时使用");
      }
      GT_ASSIGN_OR_RETURN(int64_t head, changes_->Head(call.deadline));
      resp->set_next_page_token(ChangeToken(head, fingerprint));
      resp->set_caught_up(true);
      return absl::OkStatus();
    }
    if (!req->page_token().empty()) {
      GT_ASSIGN_OR_RETURN(q.after_sequence, ParseChangeToken(req->page_token(), fingerprint));
    }
    GT_ASSIGN_OR_RETURN(ChangeBatch batch, changes_->Read(q, call.deadline));
    for (auto& c : batch.changes) *resp->add_changes() = std::move(c);
    resp->set_next_page_token(ChangeToken(batch.last_sequence, fingerprint));
    resp->set_caught_up(batch.caught_up);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
