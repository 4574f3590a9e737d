// SupportStore: term summaries and their sign-off (R-SUP-4).
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_term_state.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {

absl::StatusOr<av1::TermSummary> SupportStore::GetSummary(const std::string& assignment_id, TermKind term,
                                                          pg::Deadline deadline) {
  av1::TermSummary out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, a.scope.region, a.assignment.school_year()));
        GT_ASSIGN_OR_RETURN(SummaryRow row, LoadSummaryTx(tx, assignment_id, term, false));
        out = Render(assignment_id, row, TermLinesTx(tx, assignment_id, term), rules);
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<av1::TermSummary> SupportStore::Sign(const std::string& assignment_id, TermKind term,
                                                    av1::SignatureStep step, const std::string& digest,
                                                    const std::string& etag, const SupportWrite& w) {
  av1::TermSummary out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::TermSummary>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, a.scope.region, a.assignment.school_year()));
        GT_ASSIGN_OR_RETURN(SummaryRow row, LoadSummaryTx(tx, assignment_id, term, true));
        std::vector<RecordLine> lines = TermLinesTx(tx, assignment_id, term);
        av1::TermSummary current = Render(assignment_id, row, lines, rules);
        SignoffContext ctx;
        for (const auto& l : lines) ctx.schools_with_records.insert(l.receiving_school);
        for (const auto& code : a.scope.receiving_schools) ctx.receiving_schools.insert("schools/" + code);
        ctx.assignment_region = a.scope.region;
        ctx.records = static_cast<int>(lines.size());
        ctx.records_missing_evidence = static_cast<int>(RecordsMissingEvidence(lines).size());
        std::string unit;
        // Role and unit first (nobody signs for another unit), then order.
        GT_ASSIGN_OR_RETURN(Signoff next, ApplySignature(row.signoff, step, w.principal, ctx, &unit));
        GT_RETURN_IF_ERROR(CheckEtag(etag, row.version));
        if (digest != current.content_digest()) {
          return ErrorBuilder(absl::StatusCode::kAborted, "SUMMARY_CHANGED")
              .Message("the summary changed since it was read; read it again and sign what you see")
              .Zh("学期总结已变化，请重新查看后再签字")
              .Field("content_digest", "not the current content_digest");
        }
        av1::SummaryState previous = row.signoff.state;
        av1::Signature sig;
        sig.set_step(step);
        sig.set_unit(unit);
        *sig.mutable_signer() = w.actor;
        *sig.mutable_sign_time() = NowTimestamp();
        sig.set_content_digest(current.content_digest());
        *row.body.add_signatures() = sig;
        row.body.set_state(next.state);
        *row.body.mutable_audit()->mutable_update_time() = sig.sign_time();
        *row.body.mutable_audit()->mutable_updater() = w.actor;
        row.version = SaveSummaryTx(tx, assignment_id, term, row.body);
        row.signoff = next;
        out = Render(assignment_id, row, lines, rules);
        gongtong::events::v1::TermSummarySigned event;
        *event.mutable_term_summary() = out;
        *event.mutable_signature() = sig;
        event.set_previous_state(previous);
        Publish(tx, "term_summary", out.name(), row.version, event, w.correlation_id);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::TermSummary> SupportStore::UpdateSummary(const std::string& assignment_id, TermKind term,
                                                             const av1::TermSummary& patch,
                                                             const std::vector<std::string>& paths,
                                                             const SupportWrite& w) {
  av1::TermSummary out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::TermSummary>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, a.scope.region, a.assignment.school_year()));
        GT_ASSIGN_OR_RETURN(SummaryRow before, LoadSummaryTx(tx, assignment_id, term, true));
        GT_RETURN_IF_ERROR(CheckEtag(patch.etag(), before.version, "term_summary.etag"));
        GT_RETURN_IF_ERROR(VoidOnChangeTx(tx, assignment_id, term, "termSummaries/" + TermSegment(term) + " changed",
                                          w.actor, w.correlation_id));
        GT_ASSIGN_OR_RETURN(SummaryRow row, LoadSummaryTx(tx, assignment_id, term, true));
        for (const auto& p : paths) {
          if (p == "narrative") row.body.set_narrative(patch.narrative());
          if (p == "signed_document") *row.body.mutable_signed_document() = patch.signed_document();
        }
        *row.body.mutable_audit()->mutable_update_time() = NowTimestamp();
        *row.body.mutable_audit()->mutable_updater() = w.actor;
        row.version = SaveSummaryTx(tx, assignment_id, term, row.body);
        out = Render(assignment_id, row, TermLinesTx(tx, assignment_id, term), rules);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

}  // namespace gongtong::assessment
