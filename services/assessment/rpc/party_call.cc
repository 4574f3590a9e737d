#include "assessment/rpc/party_call.h"

#include <cstdio>
#include <random>

#include "assessment/domain/party_rules.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

bool IsId(const std::string& id) { return !TeacherIdOf("teachers/" + id).empty(); }

}  // namespace

absl::StatusOr<std::string> ParseCheckpointRecordName(const std::string& name, const std::string& field) {
  const std::string prefix = "checkpointRecords/";
  if (name.rfind(prefix, 0) == 0 && IsId(name.substr(prefix.size()))) return name.substr(prefix.size());
  return InvalidField(field, "must be \"checkpointRecords/{id}\"", "闯关记录名称格式无效", "NAME_INVALID");
}

absl::StatusOr<std::string> PartyIdOrGenerated(const std::string& id, const char* field, const char* prefix) {
  if (id.empty()) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
    return std::string(prefix) + "-" + buf;
  }
  if (!IsId(id)) {
    return InvalidField(field, "must match ^[a-z0-9][a-z0-9-]{0,39}$", "编号须为小写字母、数字或连字符，不超过40个字符");
  }
  return id;
}

absl::Status CheckOrganizationName(const std::string& name, const std::string& field) {
  const std::string prefix = "partyOrganizations/";
  if (name.rfind(prefix, 0) == 0 && IsId(name.substr(prefix.size()))) return absl::OkStatus();
  return InvalidField(field, "must be \"partyOrganizations/{id}\"", "党组织名称格式无效", "NAME_INVALID");
}

}  // namespace gongtong::assessment
