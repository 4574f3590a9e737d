#include "assessment/rpc/evaluation_call.h"

#include <cstdio>
#include <random>
#include <vector>

#include "assessment/domain/party_rules.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

bool IsId(const std::string& id) { return !TeacherIdOf("teachers/" + id).empty(); }

}  // namespace

absl::StatusOr<std::string> ParseEvalName(const std::string& name, const std::string& collection,
                                          const std::string& field) {
  const std::string prefix = collection + "/";
  if (name.rfind(prefix, 0) == 0 && IsId(name.substr(prefix.size()))) return name.substr(prefix.size());
  return InvalidField(field, "must be \"" + collection + "/{id}\"", "资源名称格式无效：应为“" + collection + "/{编号}”",
                      "NAME_INVALID");
}

absl::StatusOr<std::pair<std::string, std::string>> ParseResultName(const std::string& name,
                                                                    const std::string& collection,
                                                                    const std::string& field) {
  const std::string marker = "/" + collection + "/";
  const size_t at = name.find(marker);
  if (at != std::string::npos) {
    auto run = ParseEvalName(name.substr(0, at), "evaluationRuns", field);
    const std::string key = name.substr(at + marker.size());
    if (run.ok() && !key.empty() && key.find('/') == std::string::npos) return std::make_pair(*run, key);
  }
  return InvalidField(field, "must be \"evaluationRuns/{run}/" + collection + "/{key}\"", "结果名称格式无效",
                      "NAME_INVALID");
}

absl::StatusOr<std::string> IdOrGenerated(const std::string& id, const char* field, const char* prefix) {
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

absl::StatusOr<std::string> ParseSchoolRef(const std::string& name, const std::string& field) {
  const std::string prefix = "schools/";
  const std::string code = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "";
  bool ok = code.size() == 10;
  for (char c : code) ok = ok && c >= '0' && c <= '9';
  if (ok) return code;
  return InvalidField(field, "must be \"schools/{10-digit school code}\"", "学校须写作“schools/{10位学校标识码}”",
                      "NAME_INVALID");
}

absl::Status CheckSchoolYear(int year, const std::string& field) {
  if (year >= 2000 && year <= 2100) return absl::OkStatus();
  return InvalidField(field, "required, 2000..2100", "学年必填，须在2000到2100之间");
}

// "schools/{code}[/demonstrationPosts/{post}[/assignments/{id}]]" with exactly
// `parts` levels (1..3).
absl::StatusOr<PostKey> ParsePostName(const std::string& name, int parts, const std::string& field) {
  PostKey k;
  std::vector<std::string> seg;
  size_t from = 0;
  while (true) {
    const size_t at = name.find('/', from);
    seg.push_back(name.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 1;
  }
  static const char* const kCollections[] = {"schools", "demonstrationPosts", "assignments"};
  bool ok = static_cast<int>(seg.size()) == 2 * parts;
  for (int i = 0; ok && i < parts; ++i) ok = seg[2 * i] == kCollections[i] && !seg[2 * i + 1].empty();
  if (ok) {
    k.school = seg[1];
    bool code = k.school.size() == 10;
    for (char c : k.school) code = code && c >= '0' && c <= '9';
    ok = code;
    if (parts >= 2) {
      k.post = seg[3];
      ok = ok && !TeacherIdOf("teachers/" + k.post).empty();
    }
    if (parts == 3) {
      k.assignment = seg[5];
      ok = ok && !TeacherIdOf("teachers/" + k.assignment).empty();
    }
  }
  if (ok) return k;
  static const char* const kShapes[] = {"schools/{code}", "schools/{code}/demonstrationPosts/{id}",
                                        "schools/{code}/demonstrationPosts/{id}/assignments/{id}"};
  return InvalidField(field, std::string("must be \"") + kShapes[parts - 1] + "\"", "资源名称格式无效", "NAME_INVALID");
}

}  // namespace gongtong::assessment
