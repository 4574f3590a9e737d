#include "assessment/storage/support_term_state.h"

#include <cstdio>

#include "assessment/domain/support_year.h"
#include "assessment/storage/support_rows.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {

namespace {

Signoff SignoffOf(const av1::TermSummary& s) {
  Signoff out;
  out.state = s.state() == av1::SUMMARY_STATE_UNSPECIFIED ? av1::SUMMARY_STATE_DRAFT : s.state();
  for (const auto& sig : s.signatures()) {
    switch (sig.step()) {
      case av1::SIGNATURE_STEP_RECEIVING_SCHOOL:
        out.confirmed_schools.insert(sig.unit());
        break;
      case av1::SIGNATURE_STEP_TOWNSHIP_HEAD:
        out.signed_townships.insert(sig.unit());
        break;
      case av1::SIGNATURE_STEP_COUNTY_OFFICE:
        out.county = sig.unit();
        break;
      default:
        break;
    }
  }
  return out;
}

LocalDate ParseIso(const std::string& s) {
  LocalDate d;
  std::sscanf(s.c_str(), "%d-%d-%d", &d.year, &d.month, &d.day);
  return d;
}

}  // namespace

absl::StatusOr<SummaryRow> LoadSummaryTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                                         bool for_update) {
  auto rows = tx.exec_params(std::string("SELECT body, version FROM support_term_summaries WHERE assignment_id = $1 "
                                         "AND term = $2") +
                                 (for_update ? " FOR UPDATE" : ""),
                             assignment_id, static_cast<int>(term));
  if (rows.empty()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SUMMARY_NOT_FOUND")
        .Message(SummaryName(assignment_id, term) + " does not exist")
        .Zh("学期总结不存在");
  }
  SummaryRow out;
  out.body = ParseBody<av1::TermSummary>(rows[0][0]);
  out.version = rows[0][1].as<int64_t>();
  out.signoff = SignoffOf(out.body);
  return out;
}

std::vector<RecordLine> TermLinesTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term) {
  std::vector<RecordLine> lines;
  for (const auto& row : tx.exec_params(
           "SELECT record_id, record_date::text, start_minute, seq, kind, quantity, centi_hours, receiving_school, "
           "evidence_title, source FROM support_activity_records WHERE assignment_id = $1 AND term = $2 "
           "AND deleted_at IS NULL",
           assignment_id, static_cast<int>(term))) {
    RecordLine l;
    l.record_id = row[0].as<std::string>();
    l.date = ParseIso(row[1].as<std::string>());
    l.start_minute = row[2].as<int>();
    l.created_seq = row[3].as<int64_t>();
    l.kind = static_cast<av1::ActivityRecordKind>(row[4].as<int>());
    l.quantity = row[5].as<int>();
    l.hours = row[6].as<int64_t>();
    l.receiving_school = row[7].as<std::string>();
    l.evidence_title = row[8].as<std::string>();
    l.manual = row[9].as<int>() == av1::RECORD_SOURCE_MANUAL;
    lines.push_back(std::move(l));
  }
  SortInTeachingOrder(lines);
  return lines;
}

av1::TermSummary Render(const std::string& assignment_id, const SummaryRow& row, const std::vector<RecordLine>& lines,
                        const EffectiveRules& rules) {
  av1::TermSummary s = row.body;
  s.clear_lines();
  Totals t = Sum(lines);
  auto* totals = s.mutable_totals();
  totals->set_lessons_taught(t.lessons_taught);
  totals->set_lessons_observed(t.lessons_observed);
  totals->set_lesson_talks(t.lesson_talks);
  totals->set_research_half_days(t.research_half_days);
  totals->mutable_class_hours()->set_value(FormatCentiHours(t.hours));
  for (const auto& l : lines) {
    auto* line = s.add_lines();
    line->set_record(RecordName(assignment_id, l.record_id));
    *line->mutable_date() = ToProto(l.date);
    line->set_kind(l.kind);
    line->set_quantity(l.quantity);
    line->mutable_class_hours()->set_value(FormatCentiHours(l.hours));
    line->set_evidence_title(l.evidence_title);
  }
  // What a signer signs: lines, totals and narrative.
  av1::TermSummary signed_part;
  *signed_part.mutable_lines() = s.lines();
  *signed_part.mutable_totals() = s.totals();
  signed_part.set_narrative(s.narrative());
  s.set_content_digest(Sha256Hex(Deterministic(signed_part)));
  s.set_name(SummaryName(assignment_id, s.term().term()));
  s.set_counts(TermCounts(row.signoff.state, rules.require_county_receipt));
  s.set_etag(std::to_string(row.version));
  return s;
}

int64_t SaveSummaryTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                      const av1::TermSummary& body) {
  av1::TermSummary stored = body;
  stored.clear_name();
  stored.clear_etag();
  stored.clear_lines();
  stored.clear_totals();
  stored.clear_content_digest();
  stored.clear_counts();
  const std::string bytes = stored.SerializeAsString();
  return tx
      .exec_params1(
          "UPDATE support_term_summaries SET body = $3, state = $4, version = version + 1, "
          "updated_at = now() WHERE assignment_id = $1 AND term = $2 RETURNING version",
          assignment_id, static_cast<int>(term), pqxx::binarystring(bytes.data(), bytes.size()),
          static_cast<int>(stored.state()))[0]
      .as<int64_t>();
}

absl::Status VoidOnChangeTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                            const std::string& cause, const gongtong::common::v1::Actor& actor,
                            const std::string& correlation_id) {
  GT_ASSIGN_OR_RETURN(SummaryRow row, LoadSummaryTx(tx, assignment_id, term, true));
  GT_ASSIGN_OR_RETURN(Signoff voided, VoidOnChange(row.signoff));
  (void)voided;
  if (!HasSignatures(row.signoff)) return absl::OkStatus();
  gongtong::events::v1::TermSummaryVoided event;
  *event.mutable_voided_signatures() = row.body.signatures();
  row.body.clear_signatures();
  row.body.set_state(av1::SUMMARY_STATE_DRAFT);
  *row.body.mutable_last_void_time() = NowTimestamp();
  row.body.set_last_void_cause(cause);
  *row.body.mutable_audit()->mutable_update_time() = row.body.last_void_time();
  *row.body.mutable_audit()->mutable_updater() = actor;
  int64_t version = SaveSummaryTx(tx, assignment_id, term, row.body);
  *event.mutable_term_summary() = row.body;
  event.mutable_term_summary()->set_name(SummaryName(assignment_id, term));
  event.set_cause(cause);
  *event.mutable_actor() = actor;
  Publish(tx, "term_summary", SummaryName(assignment_id, term), version, event, correlation_id);
  return absl::OkStatus();
}

}  // namespace gongtong::assessment
