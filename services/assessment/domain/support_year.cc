#include "assessment/domain/support_year.h"

#include <cstdio>

#include "common/status/error.h"
#include "common/status/extra_detail.h"
#include "google/rpc/error_details.pb.h"

namespace gongtong::assessment {

LocalDate FromProto(const google::type::Date& d) { return {d.year(), d.month(), d.day()}; }

google::type::Date ToProto(const LocalDate& d) {
  google::type::Date out;
  out.set_year(d.year);
  out.set_month(d.month);
  out.set_day(d.day);
  return out;
}

std::string IsoDate(const LocalDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

bool IsValidDate(const LocalDate& d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1900 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  int max = kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
  return d.day <= max;
}

LocalDate YearStart(int school_year) { return {school_year, 9, 1}; }
LocalDate YearEnd(int school_year) { return {school_year + 1, 8, 31}; }

TermKind TermOf(int school_year, const LocalDate& date) {
  if (date < YearStart(school_year) || YearEnd(school_year) < date) return gongtong::common::v1::TERM_KIND_UNSPECIFIED;
  LocalDate spring_start{school_year + 1, 2, 1};
  return date < spring_start ? gongtong::common::v1::TERM_KIND_AUTUMN : gongtong::common::v1::TERM_KIND_SPRING;
}

std::string TermSegment(TermKind term) {
  switch (term) {
    case gongtong::common::v1::TERM_KIND_AUTUMN:
      return "autumn";
    case gongtong::common::v1::TERM_KIND_SPRING:
      return "spring";
    default:
      return "";
  }
}

std::optional<TermKind> ParseTermSegment(const std::string& segment) {
  if (segment == "autumn") return gongtong::common::v1::TERM_KIND_AUTUMN;
  if (segment == "spring") return gongtong::common::v1::TERM_KIND_SPRING;
  return std::nullopt;
}

absl::Status CheckActivityDate(const AssignmentSpan& span, const LocalDate& date, const std::string& field) {
  if (!IsValidDate(date)) {
    return InvalidField(field, "must be a valid date", "日期无效", "DATE_INVALID");
  }
  LocalDate first = YearStart(span.school_year), last = YearEnd(span.school_year);
  if (span.period_start && first < *span.period_start) first = *span.period_start;
  if (span.period_end && *span.period_end < last) last = *span.period_end;
  if (date < first || last < date) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ACTIVITY_OUTSIDE_ASSIGNMENT")
        .Message("the date " + IsoDate(date) + " is outside the assignment's period " + IsoDate(first) + " … " +
                 IsoDate(last))
        .Zh("活动日期 " + IsoDate(date) + " 不在支教任务期间（" + IsoDate(first) + " 至 " + IsoDate(last) + "）内")
        .Field(field, "outside the assignment's school year " + std::to_string(span.school_year) + " or period");
  }
  return absl::OkStatus();
}

absl::Status CheckAssignmentPeriod(const AssignmentSpan& span, const std::string& prefix) {
  auto bad = [&](const std::string& why, const std::string& zh) {
    return InvalidField(prefix + ".period", why, zh, "PERIOD_INVALID");
  };
  for (const auto* d : {&span.period_start, &span.period_end}) {
    if (!d->has_value()) continue;
    if (!IsValidDate(**d)) return bad("must hold valid dates", "日期无效");
    if (**d < YearStart(span.school_year) || YearEnd(span.school_year) < **d) {
      return bad("must lie inside the school year " + std::to_string(span.school_year),
                 "期间须在 " + std::to_string(span.school_year) + " 学年之内");
    }
  }
  if (span.period_start && span.period_end && *span.period_end < *span.period_start) {
    return bad("end_date before start_date", "结束日期早于开始日期");
  }
  return absl::OkStatus();
}

absl::Status CheckQuota(const std::string& quota_name, std::optional<int> places, int extra, int used) {
  if (!places) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "QUOTA_NOT_SET")
        .Message("the unit's support quota " + quota_name + " is not entered yet (R-SUP-1)")
        .Zh("该单位本学年的支教名额（上年副高职称名额 N）尚未录入")
        .Meta("quota", quota_name);
  }
  int cap = *places + extra;
  if (used + 1 > cap) {
    std::string cap_text = "N+" + std::to_string(extra) + " = " + std::to_string(*places) + "+" +
                           std::to_string(extra) + " = " + std::to_string(cap);
    google::rpc::QuotaFailure failure;
    auto* violation = failure.add_violations();
    violation->set_subject(quota_name);
    violation->set_description("cap " + std::to_string(cap) + " (N+" + std::to_string(extra) + "), already " +
                               std::to_string(used));
    return WithDetail(ErrorBuilder(absl::StatusCode::kResourceExhausted, "SUPPORT_QUOTA_EXHAUSTED")
                          .Message("support quota exhausted: cap " + cap_text + ", already " + std::to_string(used) +
                                   " assignments this year (R-SUP-1)")
                          .Zh("支教名额已满：上限 " + cap_text + " 人，本学年已派 " + std::to_string(used) + " 人")
                          .Meta("quota", quota_name)
                          .Meta("cap", std::to_string(cap))
                          .Meta("count", std::to_string(used)),
                      failure);
  }
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
