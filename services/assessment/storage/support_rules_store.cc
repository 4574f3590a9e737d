// SupportStore: the county's rules (SupportRules) and the units' quotas
// (SupportQuota, R-SUP-1).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "assessment/domain/support_year.h"
#include "assessment/storage/support_rows.h"
#include "common/status/error.h"

namespace gongtong::assessment {

namespace {

av1::SupportRules DefaultRules() {
  av1::SupportRules r;
  r.set_quota_extra(2);
  r.mutable_hours_per_lesson()->set_value("1");
  r.mutable_hours_per_research_half_day()->set_value("3");
  r.mutable_min_year_hours()->set_value("80");
  r.set_min_year_lessons_taught(60);
  r.set_min_term_lessons_taught(30);
  r.set_require_county_receipt(false);
  r.set_record_grace_days(30);
  return r;
}

// Domain values of `r`; INVALID_ARGUMENT naming the field when out of range.
absl::StatusOr<EffectiveRules> ToEffective(const av1::SupportRules& r) {
  EffectiveRules e;
  e.proto = r;
  GT_ASSIGN_OR_RETURN(e.factors.per_lesson,
                      ParseCentiHours(r.hours_per_lesson().value(), "support_rules.hours_per_lesson"));
  GT_ASSIGN_OR_RETURN(e.factors.per_research_half_day, ParseCentiHours(r.hours_per_research_half_day().value(),
                                                                       "support_rules.hours_per_research_half_day"));
  GT_ASSIGN_OR_RETURN(e.min_year_hours, ParseCentiHours(r.min_year_hours().value(), "support_rules.min_year_hours"));
  if (e.factors.per_lesson <= 0) {
    return InvalidField("support_rules.hours_per_lesson", "must be positive", "须为正数");
  }
  if (e.factors.per_research_half_day <= 0) {
    return InvalidField("support_rules.hours_per_research_half_day", "must be positive", "须为正数");
  }
  if (r.quota_extra() < 0 || r.quota_extra() > 20) {
    return InvalidField("support_rules.quota_extra", "must be 0..20", "须在0到20之间");
  }
  if (r.min_year_lessons_taught() < 0 || r.min_term_lessons_taught() < 0) {
    return InvalidField(r.min_year_lessons_taught() < 0 ? "support_rules.min_year_lessons_taught"
                                                        : "support_rules.min_term_lessons_taught",
                        "must not be negative", "不能为负数");
  }
  if (r.record_grace_days() < 0 || r.record_grace_days() > 366) {
    return InvalidField("support_rules.record_grace_days", "must be 0..366", "须在0到366之间");
  }
  e.min_year_lessons = r.min_year_lessons_taught();
  e.min_term_lessons = r.min_term_lessons_taught();
  e.quota_extra = r.quota_extra();
  e.require_county_receipt = r.require_county_receipt();
  return e;
}

std::string RulesName(const std::string& region, int year) {
  return "regions/" + region + "/supportRules/" + std::to_string(year);
}

std::string QuotaName(const std::string& school, int year) {
  return "schools/" + school + "/supportQuotas/" + std::to_string(year);
}

int UsedPlaces(pqxx::transaction_base& tx, const std::string& school, int year) {
  return tx
      .exec_params1(
          "SELECT count(*) FROM support_assignments WHERE sending_school = $1 AND school_year = $2 "
          "AND deleted_at IS NULL AND NOT withdrawn",
          school, year)[0]
      .as<int>();
}

}  // namespace

absl::StatusOr<EffectiveRules> SupportStore::RulesTx(pqxx::transaction_base& tx, const std::string& region, int year) {
  auto rows = tx.exec_params(
      "SELECT region_code, body, version FROM support_rules WHERE school_year = $2 "
      "AND $1 LIKE region_code || '%' ORDER BY length(region_code) DESC LIMIT 1",
      region, year);
  av1::SupportRules r = DefaultRules();
  std::string source = "default";
  if (!rows.empty()) {
    r = ParseBody<av1::SupportRules>(rows[0][1]);
    source = rows[0][0].as<std::string>();
    r.set_etag(source == region ? rows[0][2].as<std::string>() : "");
  }
  r.set_name(RulesName(region, year));
  r.set_source(source);
  return ToEffective(r);
}

absl::StatusOr<EffectiveRules> SupportStore::GetRules(const std::string& region, int year, pg::Deadline deadline) {
  EffectiveRules out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(out, RulesTx(tx, region, year));
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<av1::SupportRules> SupportStore::UpdateRules(const std::string& region, int year,
                                                            const av1::SupportRules& patch,
                                                            const std::vector<std::string>& paths,
                                                            const SupportWrite& w) {
  av1::SupportRules out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::SupportRules>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(EffectiveRules current, RulesTx(tx, region, year));
        auto own = tx.exec_params(
            "SELECT version FROM support_rules WHERE region_code = $1 AND school_year = $2 "
            "FOR UPDATE",
            region, year);
        int64_t version = own.empty() ? 0 : own[0][0].as<int64_t>();
        GT_RETURN_IF_ERROR(CheckEtag(patch.etag(), version, "support_rules.etag"));
        av1::SupportRules next = current.proto;
        const auto* desc = next.GetDescriptor();
        const auto* refl = next.GetReflection();
        for (const auto& p : paths) {
          const auto* field = desc->FindFieldByName(p);
          if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
            refl->MutableMessage(&next, field)->CopyFrom(refl->GetMessage(patch, field));
          } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
            refl->SetBool(&next, field, refl->GetBool(patch, field));
          } else {
            refl->SetInt32(&next, field, refl->GetInt32(patch, field));
          }
        }
        GT_ASSIGN_OR_RETURN(EffectiveRules checked, ToEffective(next));
        av1::SupportRules stored = checked.proto;
        stored.clear_name();
        stored.clear_source();
        stored.clear_etag();
        auto now = NowTimestamp();
        if (version == 0) {
          *stored.mutable_audit()->mutable_create_time() = now;
          *stored.mutable_audit()->mutable_creator() = w.actor;
        }
        *stored.mutable_audit()->mutable_update_time() = now;
        *stored.mutable_audit()->mutable_updater() = w.actor;
        const std::string body = stored.SerializeAsString();
        auto row = tx.exec_params1(
            "INSERT INTO support_rules (region_code, school_year, body) VALUES ($1, $2, $3) "
            "ON CONFLICT (region_code, school_year) DO UPDATE SET body = EXCLUDED.body, "
            "version = support_rules.version + 1, updated_at = now() RETURNING version",
            region, year, pqxx::binarystring(body.data(), body.size()));
        out = stored;
        out.set_name(RulesName(region, year));
        out.set_source(region);
        out.set_etag(row[0].as<std::string>());
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::SupportQuota> SupportStore::GetQuota(const std::string& school, int year, pg::Deadline deadline,
                                                         std::string* region) {
  av1::SupportQuota out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params(
            "SELECT body, version, region_code FROM support_quotas WHERE school_code = $1 AND school_year = $2", school,
            year);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "QUOTA_NOT_SET")
              .Message(QuotaName(school, year) + " is not entered")
              .Zh("该单位本学年的支教名额尚未录入");
        }
        out = ParseBody<av1::SupportQuota>(rows[0][0]);
        std::string r = rows[0][2].as<std::string>();
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, r, year));
        out.set_name(QuotaName(school, year));
        out.set_cap(out.prior_year_associate_senior_places() + rules.quota_extra);
        out.set_used(UsedPlaces(tx, school, year));
        out.set_etag(rows[0][1].as<std::string>());
        if (region) *region = r;
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<av1::SupportQuota> SupportStore::UpdateQuota(
    const std::string& school, int year, const av1::SupportQuota& patch, const std::vector<std::string>& paths,
    const std::string& region, const std::function<bool(const std::string&)>& allowed, const SupportWrite& w) {
  av1::SupportQuota out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::SupportQuota>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        auto rows = tx.exec_params(
            "SELECT body, version, region_code FROM support_quotas WHERE school_code = $1 AND school_year = $2 "
            "FOR UPDATE",
            school, year);
        av1::SupportQuota next;
        int64_t version = 0;
        std::string stored_region = region;
        if (!rows.empty()) {
          next = ParseBody<av1::SupportQuota>(rows[0][0]);
          version = rows[0][1].as<int64_t>();
          stored_region = rows[0][2].as<std::string>();
          if (!allowed(stored_region)) {
            return ErrorBuilder(absl::StatusCode::kPermissionDenied, "OUTSIDE_SCOPE")
                .Message("the quota was entered by another region")
                .Zh("该名额由其他地区录入，无权修改");
          }
        }
        GT_RETURN_IF_ERROR(CheckEtag(patch.etag(), version, "support_quota.etag"));
        for (const auto& p : paths) {
          if (p == "prior_year_associate_senior_places") {
            next.set_prior_year_associate_senior_places(patch.prior_year_associate_senior_places());
          } else if (p == "note") {
            next.set_note(patch.note());
          }
        }
        int places = next.prior_year_associate_senior_places();
        if (places < 0 || places > 500) {
          return InvalidField("support_quota.prior_year_associate_senior_places", "must be 0..500",
                              "上年副高职称名额须在0到500之间");
        }
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, stored_region, year));
        int used = UsedPlaces(tx, school, year);
        int cap = places + rules.quota_extra;
        if (cap < used) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "QUOTA_BELOW_USED")
              .Message("the cap " + std::to_string(cap) + " would be below the " + std::to_string(used) +
                       " places used")
              .Zh("名额上限 " + std::to_string(cap) + " 低于已派出的 " + std::to_string(used) + " 人")
              .Field("support_quota.prior_year_associate_senior_places", "cap below places used");
        }
        auto now = NowTimestamp();
        if (version == 0) {
          *next.mutable_audit()->mutable_create_time() = now;
          *next.mutable_audit()->mutable_creator() = w.actor;
        }
        *next.mutable_audit()->mutable_update_time() = now;
        *next.mutable_audit()->mutable_updater() = w.actor;
        next.clear_name();
        next.clear_cap();
        next.clear_used();
        next.clear_etag();
        const std::string body = next.SerializeAsString();
        auto row = tx.exec_params1(
            "INSERT INTO support_quotas (school_code, school_year, region_code, places, body) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (school_code, school_year) DO UPDATE SET "
            "places = EXCLUDED.places, body = EXCLUDED.body, version = support_quotas.version + 1, "
            "updated_at = now() RETURNING version",
            school, year, stored_region, places, pqxx::binarystring(body.data(), body.size()));
        out = next;
        out.set_name(QuotaName(school, year));
        out.set_cap(cap);
        out.set_used(used);
        out.set_etag(row[0].as<std::string>());
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

}  // namespace gongtong::assessment
