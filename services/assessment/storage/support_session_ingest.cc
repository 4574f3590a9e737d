#include "assessment/storage/support_session_ingest.h"

#include <algorithm>
#include <vector>

#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_store.h"
#include "common/status/error.h"

namespace gongtong::assessment {

absl::StatusOr<int> IngestDeliveredSession(pqxx::transaction_base& tx,
                                           const gongtong::events::v1::SessionDelivered& event,
                                           const std::string& correlation_id) {
  const auto& session = event.session();
  auto teacher = ParseTeacher(session.host().teacher(), "");
  if (!teacher.ok() || !session.window().has_date()) return 0;
  std::vector<std::string> codes;  // receiving schools, in the session's order
  for (const auto& r : session.receivers()) {
    auto code = ParseSchool(r.school(), "");
    if (code.ok() && std::find(codes.begin(), codes.end(), *code) == codes.end()) codes.push_back(*code);
  }
  if (codes.empty()) return 0;
  gongtong::common::v1::Actor actor;
  actor.set_subject("booking");
  actor.set_role(gongtong::common::v1::ROLE_SERVICE);
  int created = 0;
  for (const AssignmentRow& a : SupportStore::LiveAssignmentsAtTx(tx, *teacher, codes)) {
    const auto& receiving = a.scope.receiving_schools;
    auto at = std::find_if(codes.begin(), codes.end(), [&](const std::string& c) {
      return std::find(receiving.begin(), receiving.end(), c) != receiving.end();
    });
    if (!CheckActivityDate(SpanOf(a.assignment), FromProto(session.window().date()), "date").ok()) continue;
    av1::ActivityRecord record;
    record.set_kind(av1::ACTIVITY_RECORD_KIND_TAUGHT);
    *record.mutable_date() = session.window().date();
    if (session.window().has_start_time()) *record.mutable_start_time() = session.window().start_time();
    record.set_receiving_school("schools/" + *at);
    record.set_lessons(1);
    *record.mutable_subject() = session.subject();
    record.set_topic(session.topic());
    record.set_source(av1::RECORD_SOURCE_BOOKING_SESSION);
    record.set_source_ref(session.name());
    auto inserted = SupportStore::InsertRecordTx(tx, a, std::move(record), "", actor, correlation_id,
                                                 /*with_teaching_order=*/false);
    if (!inserted.ok()) {
      // A locked term, a certified or withdrawn assignment: the session is
      // consumed without a record (nothing to retry).
      if (inserted.status().code() == absl::StatusCode::kFailedPrecondition) continue;
      return inserted.status();
    }
    if (*inserted) ++created;
  }
  return created;
}

}  // namespace gongtong::assessment
