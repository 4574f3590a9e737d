#include "registry/rpc/call_support.h"

#include <ctime>

#include "common/pg/idempotency.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "common/status/error.h"
#include "registry/domain/community_rules.h"
#include "registry/domain/school_rules.h"

namespace gongtong::registry {

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
                     const google::protobuf::Message& request) {
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

google::type::Date Today() {
  const std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  google::type::Date d;
  d.set_year(tm.tm_year + 1900);
  d.set_month(tm.tm_mon + 1);
  d.set_day(tm.tm_mday);
  return d;
}

absl::StatusOr<std::string> IdOrGenerated(const std::string& id, const char* field, const char* prefix) {
  if (id.empty()) return GenerateResourceId(prefix);
  if (!IsResourceId(id)) {
    return InvalidField(field, "must match ^[a-z0-9][a-z0-9-]{0,39}$", "编号须为小写字母、数字或连字符，不超过40个字符");
  }
  return id;
}

absl::Status Deleted(const char* reason, const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, reason)
      .Message(what + " is deleted; undelete it first")
      .Zh(zh);
}

absl::Status AlreadyDeleted(const char* reason, const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kNotFound, reason).Message(what + " is already deleted").Zh(zh);
}

absl::Status NotDeleted(const char* reason, const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, reason).Message(what + " is not deleted").Zh(zh);
}

}  // namespace gongtong::registry
