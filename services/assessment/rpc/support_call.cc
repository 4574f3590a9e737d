#include "assessment/rpc/support_call.h"

#include "absl/strings/match.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_rows.h"
#include "common/pg/idempotency.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

gongtong::common::v1::Role ProtoRole(auth::Role role) {
  switch (role) {
    case auth::Role::kProvinceAdmin:
      return gongtong::common::v1::ROLE_PROVINCE_ADMIN;
    case auth::Role::kCountyBureau:
      return gongtong::common::v1::ROLE_COUNTY_BUREAU;
    case auth::Role::kSchoolAdmin:
      return gongtong::common::v1::ROLE_SCHOOL_ADMIN;
    case auth::Role::kTeacher:
      return gongtong::common::v1::ROLE_TEACHER;
    case auth::Role::kService:
      return gongtong::common::v1::ROLE_SERVICE;
    case auth::Role::kTownshipHead:
      return gongtong::common::v1::ROLE_TOWNSHIP_HEAD;
  }
  return gongtong::common::v1::ROLE_UNSPECIFIED;
}

constexpr char kAssignments[] = "supportAssignments/";

// Splits "supportAssignments/{a}/{collection}/{rest}".
absl::StatusOr<std::pair<std::string, std::string>> SplitChild(const std::string& name, const std::string& collection,
                                                               const std::string& field) {
  const std::string marker = "/" + collection + "/";
  size_t at = name.find(marker);
  if (at == std::string::npos) {
    return InvalidField(field, "must be \"supportAssignments/{id}/" + collection + "/{id}\"", "资源名格式无效",
                        "NAME_INVALID");
  }
  GT_ASSIGN_OR_RETURN(std::string a, ParseId(name.substr(0, at), kAssignments, field));
  return std::make_pair(a, name.substr(at + marker.size()));
}

}  // namespace

SupportWrite Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request) {
  SupportWrite w;
  w.principal = call.principal;
  w.actor.set_subject(call.principal.subject);
  w.actor.set_role(ProtoRole(call.principal.role));
  if (!call.principal.school_code.empty()) w.actor.set_school("schools/" + call.principal.school_code);
  if (!call.principal.region_prefix.empty()) w.actor.set_region_code(call.principal.region_prefix);
  w.method = method;
  w.request_id = request_id;
  w.fingerprint = pg::Fingerprint(Deterministic(request));
  w.correlation_id = call.correlation_id;
  w.deadline = call.deadline;
  return w;
}

absl::StatusOr<std::string> ParseAssignmentName(const std::string& name, const std::string& field) {
  return ParseId(name, kAssignments, field);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseRecordName(const std::string& name, const std::string& field) {
  GT_ASSIGN_OR_RETURN(auto parts, SplitChild(name, "activityRecords", field));
  if (!IsResourceId(parts.second)) return InvalidField(field, "malformed record id", "记录ID格式无效", "NAME_INVALID");
  return parts;
}

absl::StatusOr<std::pair<std::string, TermKind>> ParseSummaryName(const std::string& name, const std::string& field) {
  GT_ASSIGN_OR_RETURN(auto parts, SplitChild(name, "termSummaries", field));
  auto term = ParseTermSegment(parts.second);
  if (!term)
    return InvalidField(field, "the term must be autumn or spring", "学期须为 autumn 或 spring", "NAME_INVALID");
  return std::make_pair(parts.first, *term);
}

absl::StatusOr<std::string> ParseCertificationName(const std::string& name, const std::string& field) {
  const std::string suffix = "/certification";
  if (!absl::EndsWith(Absl(name), Absl(suffix))) {
    return InvalidField(field, "must be \"supportAssignments/{id}/certification\"", "资源名格式无效", "NAME_INVALID");
  }
  return ParseId(name.substr(0, name.size() - suffix.size()), kAssignments, field);
}

}  // namespace gongtong::assessment
