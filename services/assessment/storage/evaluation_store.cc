#include "assessment/storage/evaluation_store.h"

#include "assessment/domain/evaluation_indicators.h"
#include "assessment/storage/evaluation_rows.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <pqxx/binarystring>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"
#include "common/strings.h"

namespace gongtong::assessment {
namespace {

using gongtong::registry::v1::CommunityType;

pqxx::binarystring Bytes(const std::string& s) { return pqxx::binarystring(s.data(), s.size()); }

absl::Status NotFound(const char* reason, const std::string& what, const std::string& zh,
                      const std::string& field = "name") {
  return ErrorBuilder(absl::StatusCode::kNotFound, reason).Message(what + " not found").Zh(zh).Field(field, "not found");
}

absl::Status IdTaken(const std::string& field, const std::string& id) {
  return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ID_TAKEN")
      .Message(id + " exists (ids are never reused)")
      .Zh("编号已存在：" + id)
      .Field(field, "already exists");
}

std::string IdOf(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "";
}

// ---- schemes ------------------------------------------------------------------

constexpr char kSchemeColumns[] = "scheme_id, scheme_version, state, body, version FROM eval_schemes";

SchemeRow SchemeFrom(const pqxx::row& row) {
  SchemeRow out;
  out.id = row[0].as<std::string>();
  out.scheme = ParseBody<av1::EvaluationScheme>(row[3]);
  out.scheme.set_name("evaluationSchemes/" + out.id);
  out.scheme.set_version(row[1].as<int>());
  out.scheme.set_state(static_cast<av1::SchemeState>(row[2].as<int>()));
  out.scheme.set_etag(std::to_string(row[4].as<int64_t>()));
  return out;
}

std::string StoredScheme(av1::EvaluationScheme s) {
  s.clear_name();
  s.clear_etag();
  s.clear_version();
  s.clear_state();
  return s.SerializeAsString();
}

absl::StatusOr<SchemeRow> LoadScheme(pqxx::transaction_base& tx, const std::string& id, bool for_update,
                                     const std::string& field) {
  if (std::string(kDefaultSchemeName) == "evaluationSchemes/" + id) {
    SchemeRow row;
    row.id = id;
    row.scheme = DefaultScheme();
    row.scheme.set_etag("1");
    row.built_in = true;
    return row;
  }
  auto rows = tx.exec_params(std::string("SELECT ") + kSchemeColumns + " WHERE scheme_id = $1" +
                                 (for_update ? " FOR UPDATE" : ""),
                             id);
  if (rows.empty()) return NotFound("SCHEME_NOT_FOUND", "evaluationSchemes/" + id, "未找到考核评价方案：" + id, field);
  return SchemeFrom(rows[0]);
}

// A published scheme for inputs (FAILED_PRECONDITION otherwise).
absl::StatusOr<SchemeRow> PublishedScheme(pqxx::transaction_base& tx, const std::string& name,
                                          const std::string& field) {
  const std::string id = IdOf(name, "evaluationSchemes/");
  GT_ASSIGN_OR_RETURN(SchemeRow row, LoadScheme(tx, id, false, field));
  if (row.scheme.state() != av1::SCHEME_STATE_PUBLISHED) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHEME_NOT_PUBLISHED")
        .Message(name + " is not published")
        .Zh("考核评价方案尚未发布，不能使用")
        .Field(field, "not published");
  }
  return row;
}

// ---- communities --------------------------------------------------------------

absl::StatusOr<CommunityFact> LoadCommunity(pqxx::transaction_base& tx, const std::string& id,
                                            const std::string& field) {
  auto rows = tx.exec_params(std::string("SELECT ") + kCommunityFactColumns + " WHERE community_id = $1", id);
  if (rows.empty() || rows[0][5].as<bool>()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "COMMUNITY_UNKNOWN")
        .Message("communities/" + id + " is not a live community")
        .Zh("共同体不存在或已删除：" + id)
        .Field(field, "unknown community");
  }
  return CommunityFactFrom(rows[0]);
}

absl::Status SchoolInCommunity(const CommunityFact& c, const std::string& school, const std::string& field) {
  if (c.Has(school)) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_NOT_IN_COMMUNITY")
      .Message("schools/" + school + " is not in communities/" + c.community_id)
      .Zh("该学校不属于此共同体")
      .Field(field, "not in the community");
}

google::protobuf::Timestamp NowTimestamp() {
  google::protobuf::Timestamp t;
  t.set_seconds(static_cast<int64_t>(std::time(nullptr)));
  return t;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  char buf[3];
  for (unsigned char c : digest) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    hex += buf;
  }
  return hex;
}

// The scheme a run uses: the one named, or the one in force.
absl::StatusOr<SchemeRow> RunScheme(pqxx::transaction_base& tx, const av1::EvaluationRun& input) {
  if (!input.scheme().empty()) return PublishedScheme(tx, input.scheme(), "evaluation_run.scheme");
  std::vector<av1::EvaluationScheme> stored;
  for (const auto& row : tx.exec_params(std::string("SELECT ") + kSchemeColumns +
                                            " WHERE state = 2 AND $1 LIKE region_code || '%'",
                                        input.region_code())) {
    stored.push_back(SchemeFrom(row).scheme);
  }
  const av1::EvaluationScheme* chosen = SelectScheme(stored, input.region_code(), input.school_year());
  SchemeRow out;
  out.scheme = *chosen;
  out.id = IdOf(chosen->name(), "evaluationSchemes/");
  out.built_in = chosen->name() == kDefaultSchemeName;
  return out;
}

// Every input of a region's communities for a run, read with one query per
// kind (a county's year is thousands of rows: per-school queries would cost
// a round trip each). Keyed by "{community}/{school}"; `digest` per key holds
// what was read, in a deterministic order.
struct CountyInputs {
  std::map<std::string, SchoolFacts> facts;
  std::map<std::string, std::string> digest;
};

CountyInputs LoadCountyInputs(pqxx::transaction_base& tx, const av1::EvaluationScheme& scheme,
                              const std::string& scheme_id, const std::string& region, int year) {
  CountyInputs in;
  const std::string live =
      " JOIN eval_community_facts c USING (community_id) WHERE c.region_code = $1 AND NOT c.deleted AND "
      "x.school_year = $2";
  auto key = [](const pqxx::row& row) { return row[0].as<std::string>() + "/" + row[1].as<std::string>(); };
  for (const auto& row : tx.exec_params(
           "SELECT x.community_id, x.school_code, x.declaration_id, x.kind FROM eval_declarations x" + live +
               " AND x.filed AND x.deleted_at IS NULL ORDER BY 1, 2, 3",
           region, year)) {
    const int kind = row[3].as<int>();
    in.facts[key(row)].declared.insert(kind == av1::DECLARATION_KIND_FEATURE ? av1::COMPONENT_KIND_FEATURE
                                                                             : av1::COMPONENT_KIND_PROJECT);
    in.digest[key(row)] += "D" + row[2].as<std::string>() + ":" + std::to_string(kind) + ";";
  }
  for (const auto& row : tx.exec_params(
           "SELECT x.community_id, x.school_code, x.review_score_id, x.component_id, x.total FROM eval_review_scores x" +
               live + " AND x.scheme_id = $3 AND x.deleted_at IS NULL ORDER BY 1, 2, 4",
           region, year, scheme_id)) {
    const auto* comp = FindComponent(scheme, row[3].as<std::string>());
    if (comp == nullptr || comp->score_basis() == av1::SCORE_BASIS_SELF_ASSESSMENT) continue;
    in.facts[key(row)].scores[comp->component_id()] =
        ScoreInput{Dec(row[4].as<std::string>()), "reviewScores/" + row[2].as<std::string>()};
    in.digest[key(row)] += "R" + row[2].as<std::string>() + ":" + row[4].as<std::string>() + ";";
  }
  for (const auto& row : tx.exec_params(
           "SELECT x.community_id, x.school_code, x.self_assessment_id, x.component_id, x.total, x.late FROM "
           "eval_self_assessments x" +
               live + " AND x.scheme_id = $3 AND x.filed ORDER BY 1, 2, 4",
           region, year, scheme_id)) {
    const std::string component = row[3].as<std::string>();
    const bool late = row[5].as<bool>();
    SchoolFacts& f = in.facts[key(row)];
    f.self_assessments[component] = late ? SelfAssessmentFiling::kLate : SelfAssessmentFiling::kOnTime;
    const auto* comp = FindComponent(scheme, component);
    if (comp != nullptr && comp->score_basis() == av1::SCORE_BASIS_SELF_ASSESSMENT) {
      f.scores[component] = ScoreInput{Dec(row[4].as<std::string>()), "selfAssessments/" + row[2].as<std::string>()};
    }
    in.digest[key(row)] += "S" + row[2].as<std::string>() + ":" + row[4].as<std::string>() + (late ? "L;" : ";");
  }
  return in;
}

// Computed metrics of the year: per school the sessions delivered of each of
// its pairings (R-SYNC-5, subjects "schools/{code}|{pairing}"), per community
// the joint activities over the year's terms (R-ACT-1).
struct CountyMetrics {
  std::map<std::string, std::vector<std::pair<std::string, int64_t>>> per_school;  // code → (pairing, count)
  std::map<std::string, int64_t> per_community;                                     // id → count
};

CountyMetrics LoadCountyMetrics(pqxx::transaction_base& tx, const std::vector<CommunityFact>& communities, int year) {
  CountyMetrics m;
  std::set<std::string> schools, ids;
  for (const auto& c : communities) {
    ids.insert(c.community_id);
    schools.insert(c.core_school_code);
    schools.insert(c.member_school_codes.begin(), c.member_school_codes.end());
  }
  for (const auto& row : tx.exec_params(
           "SELECT subject, event_count FROM eval_indicator_counts WHERE metric = 1 AND school_year = $1 AND "
           "starts_with(subject, 'schools/') ORDER BY subject",
           year)) {
    const std::string subject = row[0].as<std::string>();
    const size_t bar = subject.find('|');
    if (bar == std::string::npos) continue;
    const std::string code = subject.substr(8, bar - 8);
    if (schools.count(code)) m.per_school[code].emplace_back(subject.substr(bar + 1), row[1].as<int64_t>());
  }
  for (const auto& row : tx.exec_params(
           "SELECT subject, sum(event_count)::bigint FROM eval_indicator_counts WHERE metric = 2 AND school_year = $1 "
           "AND starts_with(subject, 'communities/') GROUP BY subject",
           year)) {
    const std::string id = row[0].as<std::string>().substr(12);
    if (ids.count(id)) m.per_community[id] = row[1].as<int64_t>();
  }
  return m;
}

// One school's facts for a run from the county's inputs; appends what was
// read to `digest`.
SchoolFacts SchoolFactsOf(const CountyInputs& in, const CountyMetrics& m, const CommunityFact& c,
                          const std::string& school, int year, std::string& digest) {
  const std::string key = c.community_id + "/" + school;
  const auto it = in.facts.find(key);
  SchoolFacts f = it == in.facts.end() ? SchoolFacts{} : it->second;
  f.school_code = school;
  const auto d = in.digest.find(key);
  if (d != in.digest.end()) digest += d->second;
  const auto pairings = m.per_school.find(school);
  if (pairings != m.per_school.end()) {
    std::vector<int64_t> counts;
    for (const auto& [pairing, n] : pairings->second) {
      counts.push_back(n);
      digest += "M1" + school + "|" + pairing + ":" + std::to_string(n) + ";";
    }
    f.metrics[av1::COMPUTED_METRIC_SYNC_SESSIONS_DELIVERED] =
        MetricValue{MeanOfPairings(counts), "indicatorValues/SYNC_SESSIONS_DELIVERED/schools/" + school + "/" +
                                                std::to_string(year) + " (mean of " +
                                                std::to_string(counts.size()) + " pairings)"};
  }
  const auto joint = m.per_community.find(c.community_id);
  if (joint != m.per_community.end() && joint->second > 0) {
    f.metrics[av1::COMPUTED_METRIC_JOINT_ACTIVITIES_HELD] =
        MetricValue{Decimal::FromInt(joint->second),
                    "indicatorValues/JOINT_ACTIVITIES_HELD/communities/" + c.community_id + "/" + std::to_string(year)};
    digest += "M2:" + std::to_string(joint->second) + ";";
  }
  return f;
}

}  // namespace

CommunityFact CommunityFactFrom(const pqxx::row& row) {
  CommunityFact c;
  c.community_id = row[0].as<std::string>();
  c.type = static_cast<CommunityType>(row[1].as<int>());
  c.region_code = row[2].as<std::string>();
  c.core_school_code = row[3].as<std::string>();
  const std::string members = row[4].as<std::string>();
  if (!members.empty()) c.member_school_codes = absl::StrSplit(Absl(members), ',');
  c.deleted = row[5].as<bool>();
  return c;
}

const char kCommunityFactColumns[] =
    "community_id, type, region_code, core_school_code, array_to_string(member_school_codes, ','), deleted "
    "FROM eval_community_facts";

bool CommunityFact::Has(const std::string& school_code) const {
  return school_code == core_school_code ||
         std::find(member_school_codes.begin(), member_school_codes.end(), school_code) != member_school_codes.end();
}

EvaluationStore::EvaluationStore(pg::Pool* pool, TodayFn today) : pool_(pool), today_(std::move(today)) {}

void UpsertCommunityFact(pqxx::transaction_base& tx, const CommunityFact& c) {
  tx.exec_params(
      "INSERT INTO eval_community_facts (community_id, type, region_code, core_school_code, member_school_codes, "
      "deleted) VALUES ($1, $2, $3, $4, coalesce(string_to_array(NULLIF($5, ''), ','), '{}')::text[], $6) ON CONFLICT "
      "(community_id) DO UPDATE SET type = EXCLUDED.type, region_code = EXCLUDED.region_code, core_school_code = "
      "EXCLUDED.core_school_code, member_school_codes = EXCLUDED.member_school_codes, deleted = EXCLUDED.deleted, "
      "updated_at = now()",
      c.community_id, static_cast<int>(c.type), c.region_code, c.core_school_code,
      absl::StrJoin(c.member_school_codes, ","), c.deleted);
}

absl::Status EvaluationStore::UpsertCommunity(const CommunityFact& c, pg::Deadline deadline) {
  return pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    UpsertCommunityFact(tx, c);
    return absl::OkStatus();
  }, deadline);
}

absl::StatusOr<CommunityFact> EvaluationStore::GetCommunity(const std::string& community_id, const std::string& field,
                                                            pg::Deadline deadline) {
  CommunityFact out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(out, LoadCommunity(tx, community_id, field));
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<SchemeRow> EvaluationStore::GetScheme(const std::string& scheme_id, pg::Deadline deadline) {
  SchemeRow out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(out, LoadScheme(tx, scheme_id, false, "name"));
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<av1::EvaluationScheme> EvaluationStore::CreateScheme(const std::string& scheme_id,
                                                                    const av1::EvaluationScheme& input,
                                                                    const pg::WriteContext& w) {
  av1::EvaluationScheme created;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationScheme>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    if ("evaluationSchemes/" + scheme_id == kDefaultSchemeName) return IdTaken("evaluation_scheme_id", scheme_id);
    // Versions are numbered per region and year under an advisory lock.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('eval_scheme:' || $1 || ':' || $2::text))",
                   input.region_code(), input.school_year());
    const int version = tx.exec_params1("SELECT coalesce(max(scheme_version), 0) + 1 FROM eval_schemes WHERE "
                                        "region_code = $1 AND school_year = $2",
                                        input.region_code(), input.school_year())[0]
                            .as<int>();
    av1::EvaluationScheme s = input;
    *s.mutable_audit()->mutable_creator() = w.actor;
    *s.mutable_audit()->mutable_updater() = w.actor;
    auto inserted = tx.exec_params(
        "INSERT INTO eval_schemes (scheme_id, region_code, school_year, scheme_version, state, body) VALUES ($1, $2, "
        "$3, $4, 1, $5) ON CONFLICT (scheme_id) DO NOTHING",
        scheme_id, s.region_code(), s.school_year(), version, Bytes(StoredScheme(s)));
    if (inserted.affected_rows() == 0) return IdTaken("evaluation_scheme_id", scheme_id);
    GT_ASSIGN_OR_RETURN(SchemeRow row, LoadScheme(tx, scheme_id, false, "name"));
    created = row.scheme;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return created;
}

absl::StatusOr<av1::EvaluationScheme> EvaluationStore::PublishScheme(
    const std::string& scheme_id, const std::string& etag,
    const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w) {
  av1::EvaluationScheme published;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationScheme>(tx, w));
    if (replay) {
      published = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(SchemeRow row, LoadScheme(tx, scheme_id, true, "name"));
    GT_RETURN_IF_ERROR(check(row.scheme));
    const bool deleted = !row.built_in && row.scheme.audit().has_delete_time();
    if (row.built_in || deleted || row.scheme.state() != av1::SCHEME_STATE_DRAFT) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHEME_NOT_DRAFT")
          .Message(row.scheme.name() + " is not a draft")
          .Zh("只有草稿状态的方案可以发布")
          .Field("name", "not a draft");
    }
    if (!etag.empty() && etag != row.scheme.etag()) return StaleEtag(etag, row.scheme.etag());
    tx.exec_params("UPDATE eval_schemes SET state = 3, version = version + 1, updated_at = now() WHERE "
                   "region_code = $1 AND school_year = $2 AND state = 2",
                   row.scheme.region_code(), row.scheme.school_year());
    tx.exec_params("UPDATE eval_schemes SET state = 2, version = version + 1, updated_at = now() WHERE scheme_id = $1",
                   scheme_id);
    GT_ASSIGN_OR_RETURN(SchemeRow after, LoadScheme(tx, scheme_id, false, "name"));
    published = after.scheme;
    pg::RecordResponse(tx, w.method, w.request_id, published.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return published;
}

absl::StatusOr<av1::Declaration> EvaluationStore::CreateDeclaration(const std::string& id,
                                                                    const av1::Declaration& input,
                                                                    const pg::WriteContext& w) {
  av1::Declaration created;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::Declaration>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    const std::string community_id = IdOf(input.community(), "communities/");
    const std::string school = IdOf(input.school(), "schools/");
    GT_ASSIGN_OR_RETURN(CommunityFact c, LoadCommunity(tx, community_id, "declaration.community"));
    GT_RETURN_IF_ERROR(SchoolInCommunity(c, school, "declaration.school"));
    if (input.kind() == av1::DECLARATION_KIND_FEATURE) {
      std::vector<av1::EvaluationScheme> none;
      const auto* scheme = SelectScheme(none, c.region_code, input.school_year());
      const auto* rule = RuleForType(*scheme, c.type);
      if (c.IsCore(school) || (rule != nullptr && IsExcluded(*rule, av1::COMPONENT_KIND_FEATURE))) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "FEATURE_NOT_ALLOWED")
            .Message("a feature direction is declared by member schools of types that assess it")
            .Zh("特色发展方向只能由成员校申报，且该类型共同体须考核特色发展")
            .Field("declaration.kind", "feature not allowed here");
      }
    }
    av1::Declaration d = input;
    d.set_name("declarations/" + id);
    d.set_state(av1::FILING_STATE_DRAFT);
    d.set_etag("1");
    *d.mutable_audit()->mutable_creator() = w.actor;
    auto inserted = tx.exec_params(
        "INSERT INTO eval_declarations (declaration_id, kind, community_id, school_code, school_year, body) VALUES "
        "($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        id, static_cast<int>(d.kind()), community_id, school, d.school_year(), Bytes(d.SerializeAsString()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "DECLARATION_EXISTS")
          .Message("a declaration of this kind exists for the school, community and year (or the id is taken)")
          .Zh("该校本学年已有同类申报")
          .Field("declaration", "already exists");
    }
    created = d;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return created;
}

absl::StatusOr<av1::Declaration> EvaluationStore::FileDeclaration(
    const std::string& id, const std::string& etag, const std::function<absl::Status(const av1::Declaration&)>& check,
    const pg::WriteContext& w) {
  av1::Declaration filed;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::Declaration>(tx, w));
    if (replay) {
      filed = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params("SELECT body, version, filed FROM eval_declarations WHERE declaration_id = $1 AND "
                               "deleted_at IS NULL FOR UPDATE",
                               id);
    if (rows.empty()) return NotFound("DECLARATION_NOT_FOUND", "declarations/" + id, "未找到申报表：" + id);
    av1::Declaration d = ParseBody<av1::Declaration>(rows[0][0]);
    GT_RETURN_IF_ERROR(check(d));
    const std::string current = std::to_string(rows[0][1].as<int64_t>());
    if (!etag.empty() && etag != current) return StaleEtag(etag, current);
    if (rows[0][2].as<bool>()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ALREADY_FILED")
          .Message("declarations/" + id + " is already filed")
          .Zh("申报表已提交")
          .Field("name", "already filed");
    }
    d.set_state(av1::FILING_STATE_FILED);
    *d.mutable_filing()->mutable_file_time() = NowTimestamp();
    *d.mutable_filing()->mutable_filed_by() = w.actor;
    d.set_etag(std::to_string(rows[0][1].as<int64_t>() + 1));
    tx.exec_params("UPDATE eval_declarations SET filed = true, body = $2, version = version + 1, updated_at = now() "
                   "WHERE declaration_id = $1",
                   id, Bytes(d.SerializeAsString()));
    filed = d;
    pg::RecordResponse(tx, w.method, w.request_id, filed.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return filed;
}

absl::StatusOr<av1::SelfAssessment> EvaluationStore::CreateSelfAssessment(const std::string& id,
                                                                          const av1::SelfAssessment& input,
                                                                          const pg::WriteContext& w) {
  av1::SelfAssessment created;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::SelfAssessment>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(SchemeRow scheme, PublishedScheme(tx, input.scheme(), "self_assessment.scheme"));
    GT_ASSIGN_OR_RETURN(const av1::SchemeComponent* component,
                        ComponentForInput(scheme.scheme, input.component_id(), "self_assessment.component_id"));
    GT_ASSIGN_OR_RETURN(Decimal total, ScoreTotal(*component, input.scores(), "self_assessment.scores", false));
    const std::string community_id = IdOf(input.community(), "communities/");
    const std::string school = IdOf(input.school(), "schools/");
    GT_ASSIGN_OR_RETURN(CommunityFact c, LoadCommunity(tx, community_id, "self_assessment.community"));
    GT_RETURN_IF_ERROR(SchoolInCommunity(c, school, "self_assessment.school"));
    av1::SelfAssessment sa = input;
    sa.set_name("selfAssessments/" + id);
    sa.mutable_total()->set_value(total.ToString());
    sa.set_state(av1::FILING_STATE_DRAFT);
    sa.set_etag("1");
    *sa.mutable_audit()->mutable_creator() = w.actor;
    auto inserted = tx.exec_params(
        "INSERT INTO eval_self_assessments (self_assessment_id, scheme_id, component_id, school_code, community_id, "
        "school_year, total, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        id, scheme.id, sa.component_id(), school, community_id, sa.school_year(), total.ToString(),
        Bytes(sa.SerializeAsString()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "SELF_ASSESSMENT_EXISTS")
          .Message("a self-assessment for this school, community, scheme and component exists (or the id is taken)")
          .Zh("该校此项目已有自评")
          .Field("self_assessment.component_id", "already assessed");
    }
    created = sa;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return created;
}

absl::StatusOr<av1::SelfAssessment> EvaluationStore::SubmitSelfAssessment(
    const std::string& id, const std::string& etag,
    const std::function<absl::Status(const av1::SelfAssessment&)>& check, const pg::WriteContext& w) {
  av1::SelfAssessment submitted;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::SelfAssessment>(tx, w));
    if (replay) {
      submitted = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params(
        "SELECT body, version, filed FROM eval_self_assessments WHERE self_assessment_id = $1 FOR UPDATE", id);
    if (rows.empty()) return NotFound("SELF_ASSESSMENT_NOT_FOUND", "selfAssessments/" + id, "未找到自评：" + id);
    av1::SelfAssessment sa = ParseBody<av1::SelfAssessment>(rows[0][0]);
    GT_RETURN_IF_ERROR(check(sa));
    const std::string current = std::to_string(rows[0][1].as<int64_t>());
    if (!etag.empty() && etag != current) return StaleEtag(etag, current);
    if (rows[0][2].as<bool>()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ALREADY_FILED")
          .Message("selfAssessments/" + id + " is already submitted")
          .Zh("自评已提交")
          .Field("name", "already filed");
    }
    GT_ASSIGN_OR_RETURN(SchemeRow scheme, PublishedScheme(tx, sa.scheme(), "name"));
    GT_ASSIGN_OR_RETURN(const av1::SchemeComponent* component,
                        ComponentForInput(scheme.scheme, sa.component_id(), "name"));
    GT_RETURN_IF_ERROR(ScoreTotal(*component, sa.scores(), "scores", true).status());
    const google::type::Date deadline = DeadlineIn(component->self_assessment_deadline(), sa.school_year());
    const bool late = component->has_self_assessment_deadline() && IsLate(today_(), deadline);
    sa.set_state(av1::FILING_STATE_FILED);
    *sa.mutable_filing()->mutable_file_time() = NowTimestamp();
    *sa.mutable_filing()->mutable_filed_by() = w.actor;
    if (component->has_self_assessment_deadline()) *sa.mutable_filing()->mutable_deadline() = deadline;
    sa.mutable_filing()->set_late(late);
    sa.set_etag(std::to_string(rows[0][1].as<int64_t>() + 1));
    tx.exec_params("UPDATE eval_self_assessments SET filed = true, late = $2, body = $3, version = version + 1, "
                   "updated_at = now() WHERE self_assessment_id = $1",
                   id, late, Bytes(sa.SerializeAsString()));
    submitted = sa;
    pg::RecordResponse(tx, w.method, w.request_id, submitted.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return submitted;
}

absl::StatusOr<av1::ReviewScore> EvaluationStore::CreateReviewScore(const std::string& id,
                                                                    const av1::ReviewScore& input,
                                                                    const pg::WriteContext& w) {
  av1::ReviewScore created;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::ReviewScore>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(SchemeRow scheme, PublishedScheme(tx, input.scheme(), "review_score.scheme"));
    GT_ASSIGN_OR_RETURN(const av1::SchemeComponent* component,
                        ComponentForInput(scheme.scheme, input.component_id(), "review_score.component_id"));
    GT_ASSIGN_OR_RETURN(Decimal total, ScoreTotal(*component, input.scores(), "review_score.scores", true));
    const std::string community_id = IdOf(input.community(), "communities/");
    const std::string school = IdOf(input.school(), "schools/");
    GT_ASSIGN_OR_RETURN(CommunityFact c, LoadCommunity(tx, community_id, "review_score.community"));
    GT_RETURN_IF_ERROR(SchoolInCommunity(c, school, "review_score.school"));
    av1::ReviewScore rs = input;
    rs.set_name("reviewScores/" + id);
    rs.mutable_total()->set_value(total.ToString());
    rs.set_etag("1");
    *rs.mutable_audit()->mutable_creator() = w.actor;
    auto inserted = tx.exec_params(
        "INSERT INTO eval_review_scores (review_score_id, scheme_id, component_id, school_code, community_id, "
        "school_year, total, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        id, scheme.id, rs.component_id(), school, community_id, rs.school_year(), total.ToString(),
        Bytes(rs.SerializeAsString()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "REVIEW_SCORE_EXISTS")
          .Message("a review score for this school, community, scheme and component exists (or the id is taken)")
          .Zh("该校此项目已有评审得分")
          .Field("review_score.component_id", "already reviewed");
    }
    created = rs;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return created;
}

absl::StatusOr<std::vector<EvaluationStore::IndicatorRow>> EvaluationStore::ListIndicators(
    int school_year, int metric, const std::string& community_id, const std::string& region_prefix,
    pg::Deadline deadline) {
  std::vector<IndicatorRow> out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_params(
             "SELECT i.metric, i.subject, i.term, i.event_count, extract(epoch from i.last_event_at)::bigint FROM "
             "eval_indicator_counts i JOIN eval_community_facts c ON c.community_id = split_part(i.subject, '/', 2) "
             "WHERE starts_with(i.subject, 'communities/') AND i.school_year = $1 AND ($2 = 0 OR i.metric = $2) AND "
             "($3 = '' OR c.community_id = $3) AND starts_with(c.region_code, $4) ORDER BY i.subject, i.metric, i.term",
             school_year, metric, community_id, region_prefix)) {
      IndicatorRow r;
      r.key.metric = static_cast<av1::ComputedMetric>(row[0].as<int>());
      r.key.subject = row[1].as<std::string>();
      r.key.school_year = school_year;
      r.key.term = static_cast<gongtong::common::v1::TermKind>(row[2].as<int>());
      r.count = row[3].as<int64_t>();
      r.last_event_unix = row[4].as<int64_t>();
      out.push_back(std::move(r));
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<av1::EvaluationRun> EvaluationStore::CreateRun(const std::string& run_id,
                                                              const av1::EvaluationRun& input,
                                                              const pg::WriteContext& w) {
  av1::EvaluationRun created;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationRun>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(SchemeRow scheme, RunScheme(tx, input));
    const std::string run_name = "evaluationRuns/" + run_id;
    std::string digest = "scheme:" + scheme.scheme.name() + "@" + std::to_string(scheme.scheme.version()) + ";";
    std::vector<CommunityFact> communities;
    for (const auto& row : tx.exec_params(std::string("SELECT ") + kCommunityFactColumns +
                                              " WHERE NOT deleted AND region_code = $1 ORDER BY community_id",
                                          input.region_code())) {
      CommunityFact c = CommunityFactFrom(row);
      if (RuleForType(scheme.scheme, c.type) != nullptr) communities.push_back(std::move(c));  // else not evaluated
    }
    const CountyInputs inputs =
        LoadCountyInputs(tx, scheme.scheme, scheme.id, input.region_code(), input.school_year());
    const CountyMetrics metrics = LoadCountyMetrics(tx, communities, input.school_year());
    std::vector<CommunityEvaluation> evaluations;
    for (const auto& c : communities) {
      CommunityFacts facts;
      facts.community_id = c.community_id;
      facts.type = c.type;
      digest += "C" + c.community_id + ";";
      facts.core = SchoolFactsOf(inputs, metrics, c, c.core_school_code, input.school_year(), digest);
      for (const auto& m : c.member_school_codes) {
        facts.members.push_back(SchoolFactsOf(inputs, metrics, c, m, input.school_year(), digest));
      }
      GT_ASSIGN_OR_RETURN(CommunityEvaluation ev, EvaluateCommunity(scheme.scheme, facts, run_name));
      evaluations.push_back(std::move(ev));
    }
    std::vector<av1::CommunityResult*> ranked;
    for (auto& ev : evaluations) ranked.push_back(&ev.community);
    RankCommunities(ranked);
    av1::EvaluationRun run = input;
    run.set_name(run_name);
    run.set_scheme(scheme.scheme.name());
    run.set_scheme_version(scheme.scheme.version());
    run.set_state(av1::RUN_STATE_COMPUTED);
    run.set_inputs_digest(Sha256Hex(digest));
    run.set_community_count(static_cast<int>(evaluations.size()));
    int schools = 0, incomplete = 0;
    for (const auto& ev : evaluations) {
      schools += static_cast<int>(ev.schools.size());
      incomplete += ev.community.complete() ? 0 : 1;
    }
    run.set_school_count(schools);
    run.set_incomplete_count(incomplete);
    *run.mutable_audit()->mutable_creator() = w.actor;
    *run.mutable_audit()->mutable_create_time() = NowTimestamp();
    run.set_etag("1");
    auto inserted = tx.exec_params(
        "INSERT INTO eval_runs (run_id, region_code, school_year, scheme_id, scheme_version, state, inputs_digest, "
        "body) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT DO NOTHING",
        run_id, run.region_code(), run.school_year(), scheme.id, scheme.scheme.version(), run.inputs_digest(),
        Bytes(run.SerializeAsString()));
    if (inserted.affected_rows() == 0) return IdTaken("evaluation_run_id", run_id);
    for (const auto& ev : evaluations) {
      const auto& c = ev.community;
      tx.exec_params("INSERT INTO eval_community_results (run_id, community_id, rank, complete, total, body) VALUES "
                     "($1, $2, $3, $4, $5, $6)",
                     run_id, IdOf(c.community(), "communities/"), c.rank(), c.complete(), c.total().value(),
                     Bytes(c.SerializeAsString()));
      for (const auto& s : ev.schools) {
        tx.exec_params("INSERT INTO eval_school_results (run_id, school_code, community_id, body) VALUES ($1, $2, $3, "
                       "$4)",
                       run_id, IdOf(s.school(), "schools/"), IdOf(c.community(), "communities/"),
                       Bytes(s.SerializeAsString()));
      }
    }
    created = run;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return created;
}

absl::StatusOr<av1::EvaluationRun> EvaluationStore::FinaliseRun(
    const std::string& run_id, const std::string& etag,
    const std::function<absl::Status(const av1::EvaluationRun&)>& check, const pg::WriteContext& w) {
  av1::EvaluationRun finalised;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationRun>(tx, w));
    if (replay) {
      finalised = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params("SELECT body, state, version FROM eval_runs WHERE run_id = $1 FOR UPDATE", run_id);
    if (rows.empty()) return NotFound("RUN_NOT_FOUND", "evaluationRuns/" + run_id, "未找到考核评价：" + run_id);
    av1::EvaluationRun run = ParseBody<av1::EvaluationRun>(rows[0][0]);
    GT_RETURN_IF_ERROR(check(run));
    const std::string current = std::to_string(rows[0][2].as<int64_t>());
    if (!etag.empty() && etag != current) return StaleEtag(etag, current);
    if (rows[0][1].as<int>() != av1::RUN_STATE_COMPUTED) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "RUN_NOT_COMPUTED")
          .Message("evaluationRuns/" + run_id + " is already finalised or superseded")
          .Zh("该考核评价已定稿或已被替代")
          .Field("name", "not COMPUTED");
    }
    auto previous = tx.exec_params(
        "UPDATE eval_runs SET state = 3, version = version + 1, updated_at = now() WHERE region_code = $1 AND "
        "school_year = $2 AND state = 2 RETURNING run_id",
        run.region_code(), run.school_year());
    run.set_state(av1::RUN_STATE_FINALISED);
    *run.mutable_finalise_time() = NowTimestamp();
    run.set_etag(std::to_string(rows[0][2].as<int64_t>() + 1));
    tx.exec_params("UPDATE eval_runs SET state = 2, body = $2, version = version + 1, updated_at = now() WHERE "
                   "run_id = $1",
                   run_id, Bytes(run.SerializeAsString()));
    gongtong::events::v1::EvaluationRunFinalised event;
    *event.mutable_evaluation_run() = run;
    for (const auto& row : tx.exec_params(
             "SELECT community_id, total, rank, complete FROM eval_community_results WHERE run_id = $1 ORDER BY "
             "community_id",
             run_id)) {
      auto* score = event.add_community_scores();
      score->set_community("communities/" + row[0].as<std::string>());
      score->mutable_total()->set_value(row[1].as<std::string>());
      score->set_rank(row[2].as<int>());
      score->set_complete(row[3].as<bool>());
    }
    if (!previous.empty()) event.set_superseded_run("evaluationRuns/" + previous[0][0].as<std::string>());
    *event.mutable_actor() = w.actor;
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "evaluation_run", run.name(), rows[0][2].as<int64_t>() + 1,
                                             event, w.correlation_id));
    finalised = run;
    pg::RecordResponse(tx, w.method, w.request_id, finalised.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return finalised;
}

absl::StatusOr<av1::EvaluationRun> EvaluationStore::GetRun(const std::string& run_id, pg::Deadline deadline) {
  av1::EvaluationRun out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params("SELECT body, state, version FROM eval_runs WHERE run_id = $1", run_id);
    if (rows.empty()) return NotFound("RUN_NOT_FOUND", "evaluationRuns/" + run_id, "未找到考核评价：" + run_id);
    out = ParseBody<av1::EvaluationRun>(rows[0][0]);
    out.set_state(static_cast<av1::RunState>(rows[0][1].as<int>()));
    out.set_etag(std::to_string(rows[0][2].as<int64_t>()));
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<av1::CommunityResult> EvaluationStore::GetCommunityResult(const std::string& run_id,
                                                                         const std::string& community_id,
                                                                         pg::Deadline deadline) {
  av1::CommunityResult out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params("SELECT body FROM eval_community_results WHERE run_id = $1 AND community_id = $2",
                               run_id, community_id);
    if (rows.empty()) return NotFound("RESULT_NOT_FOUND", "community result " + community_id, "未找到该共同体的考核结果");
    out = ParseBody<av1::CommunityResult>(rows[0][0]);
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<av1::SchoolResult> EvaluationStore::GetSchoolResult(const std::string& run_id,
                                                                   const std::string& school_code,
                                                                   pg::Deadline deadline) {
  av1::SchoolResult out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(
        "SELECT body FROM eval_school_results WHERE run_id = $1 AND school_code = $2 ORDER BY community_id LIMIT 1",
        run_id, school_code);
    if (rows.empty()) return NotFound("RESULT_NOT_FOUND", "school result " + school_code, "未找到该校的考核结果");
    out = ParseBody<av1::SchoolResult>(rows[0][0]);
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<EvaluationStore::RunResults> EvaluationStore::LoadResults(const std::string& run_id,
                                                                         pg::Deadline deadline) {
  RunResults out;
  GT_ASSIGN_OR_RETURN(out.run, GetRun(run_id, deadline));
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(SchemeRow scheme, LoadScheme(tx, IdOf(out.run.scheme(), "evaluationSchemes/"), false, "name"));
    out.scheme = scheme.scheme;
    for (const auto& row : tx.exec_params("SELECT body FROM eval_community_results WHERE run_id = $1 ORDER BY "
                                          "(rank = 0), rank, community_id",
                                          run_id)) {
      out.communities.push_back(ParseBody<av1::CommunityResult>(row[0]));
    }
    for (const auto& row : tx.exec_params("SELECT body FROM eval_school_results WHERE run_id = $1", run_id)) {
      auto s = ParseBody<av1::SchoolResult>(row[0]);
      out.schools[s.name()] = std::move(s);
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

}  // namespace gongtong::assessment
