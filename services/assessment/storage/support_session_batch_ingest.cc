#include "assessment/storage/support_session_batch_ingest.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/domain/support_hours.h"
#include "assessment/domain/support_year.h"
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_store.h"
#include "assessment/storage/support_term_state.h"
#include "common/pg/arrays.h"
#include "common/events/event.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

// A session with a teacher, a date and at least one receiving school.
struct Session {
  int pos = 0;  // index into the caller's vector
  std::string teacher;
  std::vector<std::string> codes;  // receiving schools, in the session's order, once each
  LocalDate date;
};

// One record to insert.
struct Pending {
  const AssignmentRow* assignment;
  const DeliveredSession* source;
  av1::ActivityRecord record;
  std::string record_id;
  TermKind term;
  CentiHours hours;
  LocalDate date;
  int start_minute;
};


template <typename T>
std::string ArrayOf(const std::vector<Pending>& p, T field) {
  std::vector<std::string> out;
  out.reserve(p.size());
  for (const Pending& x : p) out.push_back(field(x));
  return pg::TextArray(out);
}

size_t CharCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The record checks of SupportStore::InsertRecordTx that can fail for an
// event-sourced TAUGHT record (hours under the rules, topic, start time).
absl::Status CheckEventRecord(const av1::ActivityRecord& record, const EffectiveRules& rules, Pending* p) {
  const std::string f = "activity_record";
  GT_ASSIGN_OR_RETURN(p->hours, ClassHoursOf(record.kind(), record.lessons(), record.half_days(), rules.factors, f));
  if (CharCount(record.topic()) > 100) return InvalidField(f + ".topic", "at most 100 characters", "课题最多100个字");
  p->start_minute = -1;
  if (record.has_start_time()) {
    const auto& t = record.start_time();
    if (t.hours() < 0 || t.hours() > 23 || t.minutes() < 0 || t.minutes() > 59) {
      return InvalidField(f + ".start_time", "must be a time of day", "开始时间无效");
    }
    p->start_minute = t.hours() * 60 + t.minutes();
  }
  return absl::OkStatus();
}

// A term summary whose change voids nothing: a draft without signatures.
bool Unsigned(const pqxx::field& body) {
  auto s = ParseBody<av1::TermSummary>(body);
  return (s.state() == av1::SUMMARY_STATE_DRAFT || s.state() == av1::SUMMARY_STATE_UNSPECIFIED) &&
         s.signatures_size() == 0;
}

}  // namespace

absl::StatusOr<int> IngestDeliveredSessions(pqxx::transaction_base& tx, const std::vector<DeliveredSession>& sessions) {
  // 1. The sessions that can match an assignment.
  std::vector<Session> parsed;
  for (size_t i = 0; i < sessions.size(); ++i) {
    const auto& s = sessions[i].event.session();
    auto teacher = ParseTeacher(s.host().teacher(), "");
    if (!teacher.ok() || !s.window().has_date()) continue;
    Session p{static_cast<int>(i), *teacher, {}, FromProto(s.window().date())};
    for (const auto& r : s.receivers()) {
      auto code = ParseSchool(r.school(), "");
      if (code.ok() && std::find(p.codes.begin(), p.codes.end(), *code) == p.codes.end()) p.codes.push_back(*code);
    }
    if (!p.codes.empty()) parsed.push_back(std::move(p));
  }
  if (parsed.empty()) return 0;

  // 2. Their live assignments (as SupportStore::LiveAssignmentsAtTx, in
  // session then id order), whether each is certified and whether the
  // session is recorded for it already: one statement.
  std::vector<std::string> pos, teachers, codes, refs;
  for (const Session& s : parsed) {
    pos.push_back(std::to_string(s.pos));
    teachers.push_back(s.teacher);
    codes.push_back(absl::StrJoin(s.codes, ","));
    refs.push_back(sessions[s.pos].event.session().name());
  }
  auto rows = tx.exec_params(
      "SELECT ev.pos, a.assignment_id, a.body, a.version, a.region_code, COALESCE(c.granted, false), "
      "ev.ref <> '' AND EXISTS (SELECT 1 FROM support_activity_records r "
      "  WHERE r.assignment_id = a.assignment_id AND r.source_ref = ev.ref) "
      "FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS ev(pos, teacher, codes, ref) "
      "JOIN support_assignments a ON a.teacher_id = ev.teacher AND a.deleted_at IS NULL AND NOT a.withdrawn "
      "  AND a.receiving_schools && string_to_array(ev.codes, ',') "
      "LEFT JOIN support_certifications c ON c.assignment_id = a.assignment_id "
      "ORDER BY ev.pos, a.assignment_id",
      pg::TextArray(pos), pg::TextArray(teachers), pg::TextArray(codes), pg::TextArray(refs));
  std::map<int, const Session*> by_pos;
  for (const Session& s : parsed) by_pos[s.pos] = &s;

  // 3. The records, checked as InsertRecordTx checks them; a
  // FAILED_PRECONDITION skips the assignment, any other error fails.
  gongtong::common::v1::Actor actor;
  actor.set_subject("booking");
  actor.set_role(gongtong::common::v1::ROLE_SERVICE);
  std::vector<AssignmentRow> assignments(rows.size());
  std::map<std::pair<std::string, int>, absl::StatusOr<EffectiveRules>> rules_of;
  std::set<std::pair<std::string, std::string>> recorded;  // (assignment, source_ref) inserted in this batch
  std::vector<Pending> pending;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const Session& s = *by_pos.at(row[0].as<int>());
    const auto& session = sessions[s.pos].event.session();
    AssignmentRow& a = assignments[i];
    a.id = row[1].as<std::string>();
    a.assignment = ParseBody<av1::SupportAssignment>(row[2]);
    a.assignment.set_name(AssignmentName(a.id));
    a.assignment.set_etag(row[3].as<std::string>());
    a.scope = ScopeOf(a.assignment, row[4].as<std::string>());
    if (!CheckActivityDate(SpanOf(a.assignment), s.date, "date").ok()) continue;
    if (!a.assignment.certification().empty() && row[5].as<bool>()) continue;  // certified: locked
    const auto& receiving = a.scope.receiving_schools;
    auto at = std::find_if(s.codes.begin(), s.codes.end(), [&](const std::string& c) {
      return std::find(receiving.begin(), receiving.end(), c) != receiving.end();
    });
    Pending p{&a, &sessions[s.pos], {}, "", {}, 0, s.date, -1};
    p.record.set_kind(av1::ACTIVITY_RECORD_KIND_TAUGHT);
    *p.record.mutable_date() = session.window().date();
    if (session.window().has_start_time()) *p.record.mutable_start_time() = session.window().start_time();
    p.record.set_receiving_school("schools/" + *at);
    p.record.set_lessons(1);
    *p.record.mutable_subject() = session.subject();
    p.record.set_topic(session.topic());
    p.record.set_source(av1::RECORD_SOURCE_BOOKING_SESSION);
    p.record.set_source_ref(session.name());
    auto key = std::make_pair(a.scope.region, a.assignment.school_year());
    auto rules = rules_of.find(key);
    if (rules == rules_of.end()) rules = rules_of.emplace(key, SupportStore::RulesTx(tx, key.first, key.second)).first;
    absl::Status checked = rules->second.ok() ? CheckEventRecord(p.record, *rules->second, &p) : rules->second.status();
    if (checked.code() == absl::StatusCode::kFailedPrecondition) continue;
    GT_RETURN_IF_ERROR(checked);
    if (!session.name().empty() && (row[6].as<bool>() || !recorded.emplace(a.id, session.name()).second)) continue;
    p.term = TermOf(a.assignment.school_year(), s.date);
    p.record_id = events::NewEventId();
    pending.push_back(std::move(p));
  }
  if (pending.empty()) return 0;

  // 4. Lock the terms' summaries (one statement); a signed or missing one
  // goes through VoidOnChangeTx record by record, in order, exactly as in
  // InsertRecordTx (a locked term skips its record).
  std::vector<std::string> sum_ids, sum_terms;
  for (const Pending& p : pending) {
    sum_ids.push_back(p.assignment->id);
    sum_terms.push_back(std::to_string(static_cast<int>(p.term)));
  }
  std::set<std::pair<std::string, int>> unsigned_terms;
  for (const auto& row : tx.exec_params(
           "SELECT assignment_id, term, body FROM support_term_summaries "
           "WHERE (assignment_id, term) IN (SELECT * FROM unnest($1::text[], $2::smallint[])) "
           "ORDER BY assignment_id, term FOR UPDATE",
           pg::TextArray(sum_ids), pg::TextArray(sum_terms))) {
    if (Unsigned(row[2])) unsigned_terms.emplace(row[0].as<std::string>(), row[1].as<int>());
  }
  std::vector<Pending> kept;
  for (Pending& p : pending) {
    if (!unsigned_terms.count({p.assignment->id, static_cast<int>(p.term)})) {
      absl::Status voided = VoidOnChangeTx(tx, p.assignment->id, p.term, "activityRecords/" + p.record_id + " created",
                                           actor, p.source->correlation_id);
      if (voided.code() == absl::StatusCode::kFailedPrecondition) continue;
      GT_RETURN_IF_ERROR(voided);
    }
    kept.push_back(std::move(p));
  }
  if (kept.empty()) return 0;

  // 5. One insert, in batch order (so `seq`, the teaching order's tie-break,
  // follows it).
  for (Pending& p : kept) {
    av1::ActivityRecord& r = p.record;
    r.mutable_term()->set_school_year(p.assignment->assignment.school_year());
    r.mutable_term()->set_term(p.term);
    r.mutable_class_hours()->set_value(FormatCentiHours(p.hours));
    auto now = NowTimestamp();
    *r.mutable_audit()->mutable_create_time() = now;
    *r.mutable_audit()->mutable_update_time() = now;
    *r.mutable_audit()->mutable_creator() = actor;
    *r.mutable_audit()->mutable_updater() = actor;
  }
  auto num = [](auto f) { return [f](const Pending& p) { return std::to_string(f(p)); }; };
  auto inserted = tx.exec_params(
      "INSERT INTO support_activity_records (assignment_id, record_id, term, record_date, start_minute, kind, "
      "quantity, centi_hours, receiving_school, source, source_ref, evidence_title, body) "
      "SELECT a, id, t, d, sm, k, q, h, rs, src, ref, '', decode(b, 'hex') FROM unnest($1::text[], $2::text[], "
      "$3::smallint[], $4::date[], $5::int[], $6::smallint[], $7::int[], $8::bigint[], $9::text[], $10::smallint[], "
      "$11::text[], $12::text[]) WITH ORDINALITY AS x(a, id, t, d, sm, k, q, h, rs, src, ref, b, ord) "
      "ORDER BY ord ON CONFLICT DO NOTHING RETURNING 1",
      ArrayOf(kept, [](const Pending& p) { return p.assignment->id; }),
      ArrayOf(kept, [](const Pending& p) { return p.record_id; }),
      ArrayOf(kept, num([](const Pending& p) { return static_cast<int>(p.term); })),
      ArrayOf(kept, [](const Pending& p) { return IsoDate(p.date); }),
      ArrayOf(kept, num([](const Pending& p) { return p.start_minute; })),
      ArrayOf(kept, num([](const Pending& p) { return static_cast<int>(p.record.kind()); })),
      ArrayOf(kept, num([](const Pending& p) { return p.record.lessons(); })),
      ArrayOf(kept, num([](const Pending& p) { return p.hours; })),
      ArrayOf(kept, [](const Pending& p) { return p.record.receiving_school(); }),
      ArrayOf(kept, num([](const Pending& p) { return static_cast<int>(p.record.source()); })),
      ArrayOf(kept, [](const Pending& p) { return p.record.source_ref(); }),
      ArrayOf(kept, [](const Pending& p) { return absl::BytesToHexString(p.record.SerializeAsString()); }));
  if (inserted.size() != kept.size()) {
    // Another consumer recorded one of these sessions meanwhile: roll back
    // and retry (the retry sees its record).
    return ErrorBuilder(absl::StatusCode::kAborted, "RECORD_CONFLICT")
        .Message("a delivered session was recorded concurrently")
        .Zh("同步课堂记录并发冲突，请重试");
  }
  return static_cast<int>(kept.size());
}

}  // namespace gongtong::assessment
