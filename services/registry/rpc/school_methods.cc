// RegistryService: schools (Get, List, Create, Update, Delete, Undelete).
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/byte_buffer.h"
#include "common/log/log.h"
#include "common/status/error.h"
#include "registry/domain/school_access.h"
#include "registry/domain/school_import.h"
#include "registry/domain/school_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {
namespace {

const std::vector<std::string>& UpdatableSchoolPaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "region_code", "township_code", "urban_rural_category", "school_type_code", "address",
      "contacts"};
  return *kPaths;
}

// region_code (field 5) of a serialized School, without parsing the rest.
std::string RegionCodeOf(const std::string& school_bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(school_bytes.data()),
                                           static_cast<int>(school_bytes.size()));
  std::string region;
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    if (tag == ((rv1::School::kRegionCodeFieldNumber << 3) | 2)) {  // length-delimited
      uint32_t length = 0;
      if (!in.ReadVarint32(&length) || !in.ReadString(&region, static_cast<int>(length))) return "";
    } else if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      return "";
    }
  }
  return region;
}

bool ParseFromByteBuffer(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return message->ParseFromString(bytes);
}

grpc::ByteBuffer BytesToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

const std::set<std::string>& SchoolMethodNames() {
  static const auto* kNames = new std::set<std::string>{"GetSchool",    "ListSchools",  "CreateSchool",
                                                        "UpdateSchool", "DeleteSchool", "UndeleteSchool"};
  return *kNames;
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSchoolRaw(grpc::CallbackServerContext* ctx,
                                                            const grpc::ByteBuffer* req, grpc::ByteBuffer* resp) {
  return edge_->Unary(ctx, "GetSchool", [=](const CallContext& call) -> absl::Status {
    rv1::GetSchoolRequest request;
    if (!ParseFromByteBuffer(*req, &request)) return InvalidField("name", "the request does not parse", "请求格式错误");
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(request.name(), "name"));
    auto bytes = ReadSchoolBytes(code, call.deadline);
    if (!bytes.ok()) {
      // A county bureau cannot tell whether a school outside its region exists.
      if (bytes.status().code() == absl::StatusCode::kNotFound && call.principal.role == auth::Role::kCountyBureau) {
        return CanReadSchool(call.principal, "");
      }
      return bytes.status();
    }
    GT_RETURN_IF_ERROR(CanReadSchool(call.principal, RegionCodeOf(*bytes)));
    *resp = BytesToByteBuffer(*bytes);
    return absl::OkStatus();
  });
}

absl::StatusOr<CachedSchoolPage> RegistryServiceImpl::ReadSchoolPage(const SchoolListQuery& q,
                                                                   const std::string& query, pg::Deadline deadline) {
  // Redis's page cache, else PostgreSQL (stored back under the generation
  // seen before reading).
  auto shared = [&]() -> absl::StatusOr<CachedSchoolPage> {
    std::string generation;
    if (std::optional<CachedSchoolPage> hit = school_lists_->Lookup(query, &generation)) return std::move(*hit);
    GT_ASSIGN_OR_RETURN(SchoolPage fetched, schools_->List(q, deadline));
    rv1::ListSchoolsResponse schools;
    for (auto& s : fetched.schools) *schools.add_schools() = std::move(s);
    CachedSchoolPage page;
    schools.SerializeToString(&page.schools_wire);
    page.last_key = std::move(fetched.last_key);
    page.more = fetched.more;
    page.total = fetched.total;
    school_lists_->Store(query, generation, page);
    return page;
  };
  if (near_school_lists_ == nullptr) return shared();
  // This replica's copy holds the page in the cache's entry encoding.
  GT_ASSIGN_OR_RETURN(std::string entry, near_school_lists_->GetOrLoad(query, [&]() -> absl::StatusOr<std::string> {
    GT_ASSIGN_OR_RETURN(CachedSchoolPage page, shared());
    return EncodeCachedSchoolPage(query, page);
  }));
  std::optional<CachedSchoolPage> page = DecodeCachedSchoolPage(query, entry);
  if (!page) return absl::InternalError("undecodable near-cache school page");
  return std::move(*page);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSchoolsRaw(grpc::CallbackServerContext* ctx,
                                                              const grpc::ByteBuffer* raw_req, grpc::ByteBuffer* resp) {
  return edge_->Unary(ctx, "ListSchools", [=](const CallContext& call) -> absl::Status {
    rv1::ListSchoolsRequest request;
    if (!ParseFromByteBuffer(*raw_req, &request)) {
      return InvalidField("filter", "the request does not parse", "请求格式错误");
    }
    const rv1::ListSchoolsRequest* req = &request;
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
    // Everything the page depends on (the caller's scope included), as the
    // cache's query text.
    const std::string query = absl::StrJoin(
        {req->filter(), req->order_by(), std::string(req->show_deleted() ? "1" : "0"), q.region_scope,
         std::to_string(q.limit), std::string(q.count_total ? "1" : "0"), absl::StrJoin(q.after, "\x1e")},
        "\x1f");
    GT_ASSIGN_OR_RETURN(CachedSchoolPage page, ReadSchoolPage(q, query, call.deadline));
    if (page.total >= 0) total = page.total;
    // The page's schools as cached, then the token and total of this call
    // (fields 2 and 3 appended to the wire bytes: a message is the merge of
    // its parts).
    rv1::ListSchoolsResponse tail;
    tail.set_total_size(static_cast<int32_t>(total));
    if (page.more) tail.set_next_page_token(api::EncodePageToken({page.last_key, total, NowUnix(), fingerprint}));
    std::string wire = std::move(page.schools_wire);
    tail.AppendToString(&wire);
    *resp = BytesToByteBuffer(wire);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSchools(grpc::CallbackServerContext* ctx,
                                                           const rv1::ListSchoolsRequest*,
                                                           rv1::ListSchoolsResponse*) {
  // Never reached: the method is registered raw (ListSchoolsRaw).
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "ListSchools is served raw"));
  return reactor;
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
      ApplySchoolFields(patch, paths, &s);  // a rename keeps the code, the old name goes to former_names
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
      if (stores_.communities != nullptr) {  // the school row is locked: no community can take it as core now
        GT_ASSIGN_OR_RETURN(auto cores, stores_.communities->LiveCommunitiesWithCore(code, call.deadline));
        if (!cores.empty()) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_IS_COMMUNITY_CORE")
              .Message("schools/" + code + " is the core of live community " + cores.front())
              .Zh("该学校是共同体的核心校，不能删除：" + cores.front())
              .Field("name", "is the core of " + cores.front());
        }
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

}  // namespace gongtong::registry
