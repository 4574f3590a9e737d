#include "assessment/domain/support_signoff.h"

#include "absl/strings/match.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

absl::Status NotYourUnit(const std::string& what, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "NOT_SIGNER_FOR_UNIT").Message(what).Zh(zh);
}

absl::Status OutOfOrder(av1::SummaryState state, const std::string& needed, const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SIGNOFF_OUT_OF_ORDER")
      .Message("this step needs " + needed + "; the summary is " + av1::SummaryState_Name(state))
      .Zh(zh)
      .Meta("state", av1::SummaryState_Name(state));
}

absl::Status Locked() {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "TERM_LOCKED")
      .Message("the county office has received this term summary; it is locked")
      .Zh("县共同体办公室已接收该学期总结，已锁定，不能再修改或签字");
}

}  // namespace

absl::StatusOr<Signoff> ApplySignature(const Signoff& current, av1::SignatureStep step, const auth::Principal& who,
                                       const SignoffContext& ctx, std::string* unit) {
  Signoff next = current;
  switch (step) {
    case av1::SIGNATURE_STEP_RECEIVING_SCHOOL: {
      if (who.role != auth::Role::kSchoolAdmin) {
        return NotYourUnit("only a receiving school's admin confirms (R-SUP-4)", "只有受教学校可以确认该学期总结");
      }
      std::string school = "schools/" + who.school_code;
      if (ctx.records == 0 && ctx.receiving_schools.count(school)) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "TERM_EMPTY")
            .Message("the term has no records to confirm")
            .Zh("该学期没有支教记录，无法确认");
      }
      if (!ctx.schools_with_records.count(school)) {
        return NotYourUnit("your school has no records in this term; nobody signs for another unit",
                           "本校在该学期没有支教记录，不能代其他单位确认");
      }
      if (current.state == av1::SUMMARY_STATE_COUNTY_RECEIVED) return Locked();
      if (current.state != av1::SUMMARY_STATE_DRAFT || current.confirmed_schools.count(school)) {
        return OutOfOrder(current.state, "a DRAFT summary not yet confirmed by this school",
                          "该学期总结已确认，顺序不符");
      }
      if (ctx.records_missing_evidence > 0) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "EVIDENCE_MISSING")
            .Message(std::to_string(ctx.records_missing_evidence) + " records lack their evidence")
            .Zh("有 " + std::to_string(ctx.records_missing_evidence) +
                " 条记录缺少佐证材料（教案、听课记录、说课稿或教研记录）");
      }
      next.confirmed_schools.insert(school);
      bool all = true;
      for (const auto& s : ctx.schools_with_records) all = all && next.confirmed_schools.count(s);
      if (all) next.state = av1::SUMMARY_STATE_RECEIVING_CONFIRMED;
      *unit = school;
      return next;
    }
    case av1::SIGNATURE_STEP_TOWNSHIP_HEAD: {
      if (who.role != auth::Role::kTownshipHead) {
        return NotYourUnit("only a township head signs (R-SUP-4)", "只有乡镇负责人可以签字");
      }
      const std::string& township = who.region_prefix;
      bool concerned = ctx.townships.empty() ? !ctx.assignment_region.empty() &&
                                                   absl::StartsWith(Absl(township), Absl(ctx.assignment_region))
                                             : ctx.townships.count(township) > 0;
      if (!concerned) {
        return NotYourUnit("no receiving school with records lies in your township; nobody signs for another unit",
                           "本乡镇没有该学期有记录的受教学校，不能代其他单位签字");
      }
      if (current.state == av1::SUMMARY_STATE_COUNTY_RECEIVED) return Locked();
      if (current.state != av1::SUMMARY_STATE_RECEIVING_CONFIRMED || current.signed_townships.count(township)) {
        return OutOfOrder(current.state, "RECEIVING_CONFIRMED", "须先由受教学校确认，再由乡镇负责人签字");
      }
      next.signed_townships.insert(township);
      bool all = true;
      for (const auto& t : ctx.townships) all = all && next.signed_townships.count(t);
      if (all) next.state = av1::SUMMARY_STATE_TOWNSHIP_SIGNED;
      *unit = township;
      return next;
    }
    case av1::SIGNATURE_STEP_COUNTY_OFFICE: {
      if (who.role != auth::Role::kCountyBureau || !who.CoversRegion(ctx.assignment_region) ||
          ctx.assignment_region.empty()) {
        return NotYourUnit("only the county bureau of the sending school's region receives (R-SUP-4)",
                           "只有派出学校所在县的教育局（共同体办公室）可以接收");
      }
      if (current.state == av1::SUMMARY_STATE_COUNTY_RECEIVED) return Locked();
      if (current.state != av1::SUMMARY_STATE_TOWNSHIP_SIGNED) {
        return OutOfOrder(current.state, "TOWNSHIP_SIGNED", "须先由乡镇负责人签字，县办公室才能接收");
      }
      next.state = av1::SUMMARY_STATE_COUNTY_RECEIVED;
      next.county = who.region_prefix;
      *unit = who.region_prefix;
      return next;
    }
    default:
      return InvalidField("step", "unknown sign-off step", "签字步骤无效");
  }
}

absl::StatusOr<Signoff> VoidOnChange(const Signoff& current) {
  if (current.state == av1::SUMMARY_STATE_COUNTY_RECEIVED) return Locked();
  return Signoff{};
}

bool HasSignatures(const Signoff& s) {
  return s.state != av1::SUMMARY_STATE_DRAFT || !s.confirmed_schools.empty() || !s.signed_townships.empty();
}

}  // namespace gongtong::assessment
