#include "registry/rpc/registry_service.h"

#include <ctime>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/pg/idempotency.h"
#include "common/server/skeleton_service.h"
#include "google/protobuf/descriptor.h"
#include "common/status/error.h"
#include "registry/domain/school_access.h"
#include "registry/domain/school_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/near_caches.h"

namespace gongtong::registry {
namespace {


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

std::string SchoolCacheKey(const std::string& schema, const std::string& code) {
  return "gongtong:registry:" + schema + ":school:" + code;
}

RegistryServiceImpl::RegistryServiceImpl(RpcEdge* edge, RegistryStores stores)
    : edge_(edge),
      schools_(stores.schools),
      changes_(stores.changes),
      cache_(stores.cache),
      near_cache_(stores.near_cache),
      near_school_lists_(stores.near_school_lists),
      school_lists_(std::make_unique<SchoolListCache>(stores.cache->redis(), stores.cache->ttl(), stores.pool->schema())),
      stores_(stores) {
  std::set<std::string> implemented = {"ListChanges"};
  for (const auto* family : {&SchoolMethodNames(), &ImportMethodNames(), &CommunityMethodNames(),
                             &CalendarMethodNames(), &RosterMethodNames(), &PartyMethodNames()}) {
    implemented.insert(family->begin(), family->end());
  }
  RouteAllMethodsToEdge(
      rv1::RegistryService::service_full_name(), edge,
      [this](int i, grpc::internal::MethodHandler* h) { MarkMethodRawCallback(i, h); }, implemented);
  const auto* get_school = google::protobuf::DescriptorPool::generated_pool()
                               ->FindServiceByName(rv1::RegistryService::service_full_name())
                               ->FindMethodByName("GetSchool");
  MarkMethodRawCallback(get_school->index(),
                        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                            [this](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) { return GetSchoolRaw(ctx, req, resp); }));
  MarkMethodRawCallback(get_school->service()->FindMethodByName("ListSchools")->index(),
                        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                            [this](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                   grpc::ByteBuffer* resp) { return ListSchoolsRaw(ctx, req, resp); }));
}

absl::StatusOr<std::string> RegistryServiceImpl::ReadSchoolBytes(const std::string& code, pg::Deadline deadline) {
  const std::string key = SchoolCacheKey(stores_.pool->schema(), code);
  auto shared = [&]() -> absl::StatusOr<std::string> {
    return cache_->Get(key, [&]() -> absl::StatusOr<std::string> {
      GT_ASSIGN_OR_RETURN(rv1::School school, schools_->Get(code, deadline));
      return school.SerializeAsString();
    });
  };
  return near_cache_ != nullptr ? near_cache_->GetOrLoad(key, shared) : shared();
}

void RegistryServiceImpl::Forget(const std::string& code) {
  // Redis first, so this replica's next miss cannot copy the old value back
  // from Redis; best effort: the events invalidate Redis too. This replica
  // reads its own write at once, the others' near caches hear of it by
  // event (RegistryNearCaches).
  if (auto s = ForgetSchoolInRedis(*cache_, stores_.pool->schema(), code); !s.ok()) {
    log::Warn("cache invalidation deferred to the events", {{"school", code}, {"error", s.ToString()}});
  }
  if (near_cache_ != nullptr) near_cache_->Invalidate(SchoolCacheKey(stores_.pool->schema(), code));
  if (near_school_lists_ != nullptr) near_school_lists_->InvalidateAll();
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
