// SupportStore: certification of a one-year support experience (R-SUP-5).
#include "assessment/domain/support_certification.h"
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_term_state.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {

namespace {

std::string CertificationName(const std::string& assignment_id) {
  return AssignmentName(assignment_id) + "/certification";
}

// The decision from the records and summaries of both terms.
CertificationDecision Decide(pqxx::transaction_base& tx, const std::string& id, const EffectiveRules& rules) {
  TermFigures figures[2];
  int i = 0;
  for (TermKind term : {gongtong::common::v1::TERM_KIND_AUTUMN, gongtong::common::v1::TERM_KIND_SPRING}) {
    Totals t = Sum(TermLinesTx(tx, id, term));
    auto row = LoadSummaryTx(tx, id, term, false);
    figures[i].lessons_taught = t.lessons_taught;
    figures[i].hours = t.hours;
    figures[i].counts = row.ok() && TermCounts(row->signoff.state, rules.require_county_receipt);
    ++i;
  }
  return DecideCertification(figures[0], figures[1],
                             Thresholds{rules.min_year_hours, rules.min_year_lessons, rules.min_term_lessons});
}

void FillChecks(const CertificationDecision& d, av1::Certification* c) {
  c->set_granted(d.granted);
  c->clear_checks();
  for (const auto& r : d.checks) {
    auto* check = c->add_checks();
    check->set_rule_id(r.rule_id);
    check->set_description(r.description);
    check->set_scope(r.scope);
    check->mutable_required()->set_value(FormatCentiHours(r.required));
    check->mutable_reached()->set_value(FormatCentiHours(r.reached));
    check->mutable_reached_including_unsigned()->set_value(FormatCentiHours(r.reached_including_unsigned));
    check->set_met(r.met);
  }
}

}  // namespace

absl::StatusOr<av1::Certification> SupportStore::Certify(const std::string& assignment_id, bool validate_only,
                                                         const std::string& etag, const SupportWrite& w) {
  av1::Certification out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::Certification>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, true));
        GT_RETURN_IF_ERROR(CheckEtag(etag, std::stoll(a.assignment.etag())));
        if (a.withdrawn || a.deleted) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_NOT_ACTIVE")
              .Message(a.assignment.name() + " is withdrawn or deleted; no certification is possible")
              .Zh("支教任务已撤回或删除，不能认定");
        }
        const int year = a.assignment.school_year();
        if (!validate_only) {
          bool ended =
              tx.exec_params1("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date > $1::date", IsoDate(YearEnd(year)))[0]
                  .as<bool>();
          if (!ended) {
            return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_YEAR_NOT_ENDED")
                .Message("the school year " + std::to_string(year) + " ends on " + IsoDate(YearEnd(year)) +
                         "; use validate_only to see where the teacher stands")
                .Zh("学年尚未结束，暂不能认定（可用 validate_only 查看进度）");
          }
        }
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, a.scope.region, year));
        CertificationDecision d = Decide(tx, assignment_id, rules);
        auto prior = tx.exec_params("SELECT body FROM support_certifications WHERE assignment_id = $1 FOR UPDATE",
                                    assignment_id);
        av1::Certification c;
        if (!prior.empty()) c = ParseBody<av1::Certification>(prior[0][0]);
        c.set_name(CertificationName(assignment_id));
        c.set_teacher(a.assignment.teacher());
        c.set_school_year(year);
        c.set_rules(rules.proto.name());
        c.set_rules_etag(rules.proto.etag());
        FillChecks(d, &c);
        auto now = NowTimestamp();
        if (prior.empty()) {
          *c.mutable_audit()->mutable_create_time() = now;
          *c.mutable_audit()->mutable_creator() = w.actor;
        }
        *c.mutable_audit()->mutable_update_time() = now;
        *c.mutable_audit()->mutable_updater() = w.actor;
        if (validate_only) {
          out = c;
          return absl::OkStatus();  // nothing stored, no request_id remembered
        }
        c.clear_etag();
        const std::string body = c.SerializeAsString();
        auto version =
            tx.exec_params1(
                  "INSERT INTO support_certifications (assignment_id, granted, body) VALUES ($1, $2, $3) "
                  "ON CONFLICT (assignment_id) DO UPDATE SET granted = EXCLUDED.granted, body = EXCLUDED.body, "
                  "version = support_certifications.version + 1, updated_at = now() RETURNING version",
                  assignment_id, d.granted, pqxx::binarystring(body.data(), body.size()))[0]
                .as<int64_t>();
        c.set_etag(std::to_string(version));
        // The assignment points at its decision.
        av1::SupportAssignment stored = a.assignment;
        stored.clear_name();
        stored.clear_etag();
        stored.set_certification(c.name());
        const std::string abody = stored.SerializeAsString();
        tx.exec_params0(
            "UPDATE support_assignments SET body = $2, version = version + 1, updated_at = now() "
            "WHERE assignment_id = $1",
            assignment_id, pqxx::binarystring(abody.data(), abody.size()));
        gongtong::events::v1::CertificationDecided event;
        *event.mutable_certification() = c;
        event.set_sending_school(a.assignment.sending_school());
        *event.mutable_actor() = w.actor;
        Publish(tx, "certification", c.name(), version, event, w.correlation_id);
        out = c;
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::Certification> SupportStore::GetCertification(const std::string& assignment_id,
                                                                  pg::Deadline deadline) {
  av1::Certification out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows =
            tx.exec_params("SELECT body, version FROM support_certifications WHERE assignment_id = $1", assignment_id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "CERTIFICATION_NOT_FOUND")
              .Message(CertificationName(assignment_id) + " was never decided")
              .Zh("尚未作出一年支教经历认定");
        }
        out = ParseBody<av1::Certification>(rows[0][0]);
        out.set_etag(rows[0][1].as<std::string>());
        return absl::OkStatus();
      },
      deadline));
  return out;
}

}  // namespace gongtong::assessment
