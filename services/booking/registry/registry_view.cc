#include "booking/registry/registry_view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/status/error.h"
#include "gongtong/events/v1/registry_events.pb.h"

namespace gongtong::booking {
namespace {

constexpr char kPrefix[] = "gongtong:booking:registry:";

// Registry calls are short reads: never wait longer than this, whatever the
// caller's own deadline.
constexpr auto kRegistryCallBudget = std::chrono::seconds(3);

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(s.error_code());
  if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
      code == absl::StatusCode::kUnauthenticated || code == absl::StatusCode::kPermissionDenied ||
      code == absl::StatusCode::kInternal || code == absl::StatusCode::kResourceExhausted) {
    // The registry could not answer for us: not the caller's fault.
    return ErrorBuilder(absl::StatusCode::kUnavailable, "REGISTRY_UNAVAILABLE")
        .Message(absl::StrCat("the registry did not answer: ", s.error_message()))
        .Zh("暂时无法读取学校登记信息，请稍后重试")
        .Build();
  }
  return absl::Status(code, s.error_message());
}

// The entries prefetched for the request this thread is serving.
thread_local std::map<std::string, std::string>* prefetched = nullptr;

std::string DateText(absl::CivilDay d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }

void SetDate(google::type::Date* out, absl::CivilDay d) {
  out->set_year(static_cast<int>(d.year()));
  out->set_month(d.month());
  out->set_day(d.day());
}

}  // namespace

std::string RegistryCacheKey(const std::string& what, const std::string& id) {
  return absl::StrCat(kPrefix, what, ":", id);
}

std::string SchoolDayCacheKey(const std::string& code, absl::CivilDay date) {
  return RegistryCacheKey("day", code + ":" + DateText(date));
}

RegistryView::RegistryView(std::shared_ptr<grpc::Channel> channel, std::function<std::string()> token,
                           cache::ReadThroughCache* cache, redis::ClientPool* redis)
    : stub_(rv1::RegistryService::NewStub(std::move(channel))),
      token_(std::move(token)),
      cache_(cache),
      redis_(redis) {}

std::unique_ptr<grpc::ClientContext> RegistryView::Context(pg::Deadline deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::min(deadline, std::chrono::system_clock::now() + kRegistryCallBudget));
  ctx->AddMetadata("authorization", "Bearer " + token_());
  return ctx;
}

template <typename Resp>
absl::StatusOr<Resp> RegistryView::Cached(const std::string& key,
                                          const std::function<grpc::Status(grpc::ClientContext*, Resp*)>& call,
                                          pg::Deadline deadline) {
  if (prefetched) {
    auto it = prefetched->find(key);
    if (it != prefetched->end()) {
      Resp resp;
      if (resp.ParseFromString(it->second)) return resp;
    }
  }
  auto bytes = cache_->Get(key, [&]() -> absl::StatusOr<std::string> {
    Resp resp;
    auto ctx = Context(deadline);
    GT_RETURN_IF_ERROR(FromGrpc(call(ctx.get(), &resp)));
    return resp.SerializeAsString();
  });
  if (!bytes.ok()) return bytes.status();
  Resp resp;
  if (!resp.ParseFromString(*bytes)) return absl::InternalError("unreadable cached registry entry " + key);
  return resp;
}

RegistryView::Prefetch::Prefetch(RegistryView* view, const std::vector<std::string>& keys) : previous_(prefetched) {
  auto values = view->cache_->Peek(keys);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (values[i]) entries_.emplace(keys[i], std::move(*values[i]));
  }
  prefetched = &entries_;
}

RegistryView::Prefetch::~Prefetch() { prefetched = previous_; }

absl::StatusOr<rv1::Teacher> RegistryView::Teacher(const std::string& name, pg::Deadline deadline) {
  rv1::GetTeacherRequest req;
  req.set_name(name);
  return Cached<rv1::Teacher>(
      RegistryCacheKey("teacher", name),
      [&](grpc::ClientContext* c, rv1::Teacher* r) { return stub_->GetTeacher(c, req, r); }, deadline);
}

absl::StatusOr<rv1::Classroom> RegistryView::Classroom(const std::string& name, pg::Deadline deadline) {
  rv1::GetClassroomRequest req;
  req.set_name(name);
  return Cached<rv1::Classroom>(
      RegistryCacheKey("classroom", name),
      [&](grpc::ClientContext* c, rv1::Classroom* r) { return stub_->GetClassroom(c, req, r); }, deadline);
}

absl::StatusOr<rv1::SchoolClass> RegistryView::SchoolClass(const std::string& name, pg::Deadline deadline) {
  rv1::GetSchoolClassRequest req;
  req.set_name(name);
  return Cached<rv1::SchoolClass>(
      RegistryCacheKey("class", name),
      [&](grpc::ClientContext* c, rv1::SchoolClass* r) { return stub_->GetSchoolClass(c, req, r); }, deadline);
}

absl::StatusOr<rv1::Community> RegistryView::Community(const std::string& name, pg::Deadline deadline) {
  rv1::GetCommunityRequest req;
  req.set_name(name);
  return Cached<rv1::Community>(
      RegistryCacheKey("community", name),
      [&](grpc::ClientContext* c, rv1::Community* r) { return stub_->GetCommunity(c, req, r); }, deadline);
}

absl::StatusOr<rv1::School> RegistryView::School(const std::string& code, pg::Deadline deadline) {
  rv1::GetSchoolRequest req;
  req.set_name("schools/" + code);
  return Cached<rv1::School>(
      RegistryCacheKey("school", code),
      [&](grpc::ClientContext* c, rv1::School* r) { return stub_->GetSchool(c, req, r); }, deadline);
}

absl::StatusOr<std::vector<rv1::Pairing>> RegistryView::Pairings(const std::string& core_code,
                                                                 const std::string& member_code,
                                                                 pg::Deadline deadline) {
  rv1::ListPairingsRequest req;
  req.set_parent("communities/-");
  req.set_page_size(100);
  req.set_filter(absl::StrCat("core_school = \"schools/", core_code, "\" AND member_school = \"schools/",
                              member_code, "\""));
  GT_ASSIGN_OR_RETURN(
      auto resp, Cached<rv1::ListPairingsResponse>(
                     RegistryCacheKey("pairings", core_code + ":" + member_code),
                     [&](grpc::ClientContext* c, rv1::ListPairingsResponse* r) { return stub_->ListPairings(c, req, r); },
                     deadline));
  return std::vector<rv1::Pairing>(resp.pairings().begin(), resp.pairings().end());
}

absl::StatusOr<rv1::SchoolDay> RegistryView::SchoolDay(const std::string& code, absl::CivilDay date,
                                                       pg::Deadline deadline) {
  // One entry per day; a miss reads the whole month in one registry call and
  // fills every day of it, so booking day after day costs one registry call
  // per school-month while a hit stays one small entry.
  const std::string key = SchoolDayCacheKey(code, date);
  rv1::ResolveSchoolDaysResponse entry;
  bool have = false;
  if (prefetched) {
    auto it = prefetched->find(key);
    have = it != prefetched->end() && entry.ParseFromString(it->second);
  }
  if (!have) {
    const absl::CivilDay first(date.year(), date.month(), 1);
    const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(date) + 1) - 1;
    std::vector<std::string> group;
    for (absl::CivilDay d = first; d <= last; ++d) group.push_back(SchoolDayCacheKey(code, d));
    auto bytes = cache_->GetGroup(key, group, [&]() -> absl::StatusOr<std::vector<std::string>> {
      rv1::ResolveSchoolDaysRequest req;
      req.set_school("schools/" + code);
      SetDate(req.mutable_dates()->mutable_start_date(), first);
      SetDate(req.mutable_dates()->mutable_end_date(), last);
      rv1::ResolveSchoolDaysResponse month;
      auto ctx = Context(deadline);
      GT_RETURN_IF_ERROR(FromGrpc(stub_->ResolveSchoolDays(ctx.get(), req, &month)));
      if (month.days_size() != static_cast<int>(group.size())) {
        return absl::InternalError("registry answered " + std::to_string(month.days_size()) + " days for a month");
      }
      std::vector<std::string> values;
      for (const auto& day : month.days()) {
        rv1::ResolveSchoolDaysResponse one;
        *one.add_days() = day;
        values.push_back(one.SerializeAsString());
      }
      return values;
    });
    if (!bytes.ok()) return bytes.status();
    if (!entry.ParseFromString(*bytes)) return absl::InternalError("unreadable cached registry entry " + key);
  }
  if (entry.days_size() != 1) return absl::InternalError("registry answered no day for " + DateText(date));
  return entry.days(0);
}

absl::StatusOr<std::vector<rv1::SchoolDay>> RegistryView::SchoolDays(const std::string& code, absl::CivilDay first,
                                                                     absl::CivilDay last, pg::Deadline deadline) {
  rv1::ResolveSchoolDaysRequest req;
  req.set_school("schools/" + code);
  SetDate(req.mutable_dates()->mutable_start_date(), first);
  SetDate(req.mutable_dates()->mutable_end_date(), last);
  rv1::ResolveSchoolDaysResponse resp;
  auto ctx = Context(deadline);
  GT_RETURN_IF_ERROR(FromGrpc(stub_->ResolveSchoolDays(ctx.get(), req, &resp)));
  return std::vector<rv1::SchoolDay>(resp.days().begin(), resp.days().end());
}

absl::Status RegistryView::DropMatching(const std::string& pattern) {
  std::string cursor = "0";
  do {
    std::vector<std::string> keys;
    {
      auto client = redis_->Acquire();
      GT_ASSIGN_OR_RETURN(auto reply, client->Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}));
      if (reply.elements.size() != 2) return absl::InternalError("unexpected SCAN reply");
      cursor = reply.elements[0].str;
      for (const auto& k : reply.elements[1].elements) {
        if (!absl::EndsWith(k.str, ":gen")) keys.push_back(k.str);
      }
    }
    for (const auto& k : keys) GT_RETURN_IF_ERROR(cache_->Invalidate(k));
  } while (cursor != "0");
  return absl::OkStatus();
}

absl::Status RegistryView::Invalidate(const gongtong::events::v1::EventEnvelope& e) {
  const std::string& type = e.aggregate_type();
  const std::string& id = e.aggregate_id();
  if (type == "teacher") return cache_->Invalidate(RegistryCacheKey("teacher", id));
  if (type == "classroom") return cache_->Invalidate(RegistryCacheKey("classroom", id));
  if (type == "school_class") return cache_->Invalidate(RegistryCacheKey("class", id));
  if (type == "school" && absl::StartsWith(id, "schools/")) {
    return cache_->Invalidate(RegistryCacheKey("school", id.substr(8)));
  }
  if (type == "pairing") {
    gongtong::events::v1::PairingChanged changed;
    gongtong::events::v1::PairingDeleted deleted;
    std::string core, member;
    if (e.payload().UnpackTo(&changed)) {
      core = changed.natural_key().core_school_code();
      member = changed.natural_key().member_school_code();
    } else if (e.payload().UnpackTo(&deleted)) {
      core = deleted.natural_key().core_school_code();
      member = deleted.natural_key().member_school_code();
    }
    if (!core.empty()) return cache_->Invalidate(RegistryCacheKey("pairings", core + ":" + member));
    return DropMatching(RegistryCacheKey("pairings", "*"));
  }
  if (type == "community") {
    GT_RETURN_IF_ERROR(cache_->Invalidate(RegistryCacheKey("community", id)));
    return DropMatching(RegistryCacheKey("pairings", "*"));
  }
  if (type == "bell_schedule") {
    // aggregate_id "schools/{code}/bellSchedules/{id}"
    if (absl::StartsWith(id, "schools/") && id.size() > 18) {
      return DropMatching(RegistryCacheKey("day", id.substr(8, 10) + ":*"));
    }
    return DropMatching(RegistryCacheKey("day", "*"));
  }
  if (type == "school_calendar" || type == "calendar") return DropMatching(RegistryCacheKey("day", "*"));
  return absl::OkStatus();
}

}  // namespace gongtong::booking
