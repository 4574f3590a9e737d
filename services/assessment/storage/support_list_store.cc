// SupportStore: listings of assignments, activity records and term summaries,
// restricted in SQL to what the caller may read (support_access.h in SQL
// form). Values are quoted by the driver (tx.quote), never spliced raw.
// Pages are positions in the requested order (offset), carried by the page
// token.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_term_state.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::assessment {

namespace {

absl::Status BadValue(const api::FilterTerm& t) {
  return InvalidField("filter", "unknown value \"" + t.value + "\" for " + t.field,
                      "筛选条件 " + t.field + " 的取值无效", "FILTER_INVALID");
}

// The assignments (alias a) `who` may read.
std::string ScopeSql(pqxx::transaction_base& tx, const auth::Principal& who) {
  switch (who.role) {
    case auth::Role::kProvinceAdmin:
    case auth::Role::kService:
      return "TRUE";
    case auth::Role::kCountyBureau:
      return "a.region_code <> '' AND a.region_code LIKE " + tx.quote(who.region_prefix + "%");
    case auth::Role::kSchoolAdmin:
      return "(a.sending_school = " + tx.quote(who.school_code) + " OR " + tx.quote(who.school_code) +
             " = ANY (a.receiving_schools))";
    case auth::Role::kTeacher:
      return who.teacher_id.empty() ? "FALSE" : "a.teacher_id = " + tx.quote(who.teacher_id);
    case auth::Role::kTownshipHead:
      return "a.region_code <> '' AND " + tx.quote(who.region_prefix) + " LIKE a.region_code || '%'";
  }
  return "FALSE";
}

absl::StatusOr<int> Year(const api::FilterTerm& t) {
  int year = 0;
  if (!absl::SimpleAtoi(Absl(t.value), &year)) return BadValue(t);
  return year;
}

absl::StatusOr<std::string> SchoolValue(const api::FilterTerm& t) {
  auto code = ParseSchool(t.value, "filter");
  if (!code.ok()) return BadValue(t);
  return *code;
}

// Where-clauses of the filter terms shared by all three listings.
absl::Status CommonTerm(pqxx::transaction_base& tx, const api::FilterTerm& t, std::vector<std::string>* where,
                        bool* handled) {
  *handled = true;
  if (t.field == "school_year") {
    GT_ASSIGN_OR_RETURN(int year, Year(t));
    where->push_back("a.school_year = " + std::to_string(year));
  } else if (t.field == "region_code") {
    where->push_back("a.region_code LIKE " + tx.quote(t.value + "%"));
  } else {
    *handled = false;
  }
  return absl::OkStatus();
}

std::string OrderSql(const std::vector<api::OrderField>& order,
                     const std::vector<std::pair<std::string, std::string>>& columns, const std::string& tiebreak) {
  std::vector<std::string> parts;
  for (const auto& o : order) {
    for (const auto& [field, sql] : columns) {
      if (field == o.field) parts.push_back(sql + (o.descending ? " DESC" : ""));
    }
  }
  parts.push_back(tiebreak);
  return absl::StrJoin(parts, ", ");
}

// Runs SELECT `columns` FROM `from` WHERE `where` ORDER BY `order` for the page,
// plus the total when asked.
pqxx::result Page(pqxx::transaction_base& tx, const std::string& columns, const std::string& from,
                  const std::vector<std::string>& where, const std::string& order, const SupportListQuery& q,
                  int64_t* total) {
  const std::string cond = where.empty() ? "TRUE" : absl::StrJoin(where, " AND ");
  if (q.count_total) *total = tx.exec1("SELECT count(*) FROM " + from + " WHERE " + cond)[0].as<int64_t>();
  return tx.exec("SELECT " + columns + " FROM " + from + " WHERE " + cond + " ORDER BY " + order + " LIMIT " +
                 std::to_string(q.limit + 1) + " OFFSET " + std::to_string(q.offset));
}

template <typename M>
void Trim(SupportPage<M>* page, int limit) {
  if (static_cast<int>(page->items.size()) > limit) {
    page->items.resize(limit);
    page->more = true;
  }
}

}  // namespace

const std::vector<api::FilterField>& AssignmentFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"teacher", {"="}}, {"sending_school", {"="}}, {"receiving_school", {"="}}, {"school_year", {"="}},
      {"state", {"="}},   {"certified", {"="}},      {"region_code", {":"}}};
  return *kFields;
}
const std::vector<std::string>& AssignmentOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school_year", "teacher"};
  return *kFields;
}
const std::vector<api::FilterField>& RecordFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{{"kind", {"="}},
                                                                 {"term", {"="}},
                                                                 {"date", {"=", ">=", "<="}},
                                                                 {"receiving_school", {"="}},
                                                                 {"source", {"="}},
                                                                 {"evidence_missing", {"="}}};
  return *kFields;
}
const std::vector<std::string>& RecordOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"teaching_order", "date"};
  return *kFields;
}
const std::vector<api::FilterField>& QuotaFilterFields() {
  static const auto* kFields =
      new std::vector<api::FilterField>{{"school_year", {"="}}, {"region_code", {":"}}, {"exhausted", {"="}}};
  return *kFields;
}
const std::vector<std::string>& QuotaOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school", "used"};
  return *kFields;
}
const std::vector<api::FilterField>& CertificationFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"granted", {"="}}, {"school_year", {"="}}, {"teacher", {"="}}, {"region_code", {":"}}};
  return *kFields;
}
const std::vector<std::string>& CertificationOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school_year", "teacher"};
  return *kFields;
}
const std::vector<api::FilterField>& SummaryFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"state", {"=", "!="}}, {"term", {"="}}, {"school_year", {"="}}, {"region_code", {":"}}};
  return *kFields;
}
const std::vector<std::string>& SummaryOrderFields() {
  static const auto* kFields = new std::vector<std::string>{"school_year", "update_time"};
  return *kFields;
}

absl::StatusOr<SupportPage<av1::SupportAssignment>> SupportStore::ListAssignments(const SupportListQuery& q,
                                                                                  const auth::Principal& who,
                                                                                  pg::Deadline deadline) {
  SupportPage<av1::SupportAssignment> page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        std::vector<std::string> where = {ScopeSql(tx, who)};
        if (!q.show_deleted) where.push_back("a.deleted_at IS NULL");
        for (const auto& t : q.filter) {
          bool handled = false;
          GT_RETURN_IF_ERROR(CommonTerm(tx, t, &where, &handled));
          if (handled) continue;
          if (t.field == "teacher") {
            auto id = ParseTeacher(t.value, "filter");
            if (!id.ok()) return BadValue(t);
            where.push_back("a.teacher_id = " + tx.quote(*id));
          } else if (t.field == "sending_school") {
            GT_ASSIGN_OR_RETURN(std::string code, SchoolValue(t));
            where.push_back("a.sending_school = " + tx.quote(code));
          } else if (t.field == "receiving_school") {
            GT_ASSIGN_OR_RETURN(std::string code, SchoolValue(t));
            where.push_back(tx.quote(code) + " = ANY (a.receiving_schools)");
          } else if (t.field == "state") {
            if (t.value == "ASSIGNMENT_STATE_WITHDRAWN") {
              where.push_back("a.withdrawn");
            } else if (t.value == "ASSIGNMENT_STATE_ACTIVE") {
              where.push_back("NOT a.withdrawn");
            } else {
              return BadValue(t);
            }
          } else if (t.field == "certified") {
            if (t.value != "true" && t.value != "false") return BadValue(t);
            where.push_back(std::string(t.value == "true" ? "" : "NOT ") +
                            "EXISTS (SELECT 1 FROM support_certifications c WHERE c.assignment_id = "
                            "a.assignment_id AND c.granted)");
          }
        }
        const std::string order =
            OrderSql(q.order, {{"school_year", "a.school_year"}, {"teacher", "a.teacher_id"}}, "a.assignment_id");
        for (const auto& row : Page(tx, "a.assignment_id", "support_assignments a", where, order, q, &page.total)) {
          GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, row[0].as<std::string>(), false));
          page.items.push_back(std::move(a.assignment));
        }
        Trim(&page, q.limit);
        return absl::OkStatus();
      },
      deadline));
  return page;
}

absl::StatusOr<SupportPage<av1::ActivityRecord>> SupportStore::ListRecords(const SupportListQuery& q,
                                                                           const auth::Principal& who,
                                                                           pg::Deadline deadline) {
  SupportPage<av1::ActivityRecord> page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        std::vector<std::string> where = {ScopeSql(tx, who), "a.deleted_at IS NULL"};
        if (!q.parent_id.empty()) where.push_back("r.assignment_id = " + tx.quote(q.parent_id));
        if (!q.show_deleted) where.push_back("r.deleted_at IS NULL");
        for (const auto& t : q.filter) {
          if (t.field == "kind") {
            av1::ActivityRecordKind kind;
            if (!av1::ActivityRecordKind_Parse(t.value, &kind) || kind == av1::ACTIVITY_RECORD_KIND_UNSPECIFIED) {
              return BadValue(t);
            }
            where.push_back("r.kind = " + std::to_string(static_cast<int>(kind)));
          } else if (t.field == "term") {
            gongtong::common::v1::TermKind term;
            if (!gongtong::common::v1::TermKind_Parse(t.value, &term) ||
                term == gongtong::common::v1::TERM_KIND_UNSPECIFIED) {
              return BadValue(t);
            }
            where.push_back("r.term = " + std::to_string(static_cast<int>(term)));
          } else if (t.field == "date") {
            LocalDate d;
            if (std::sscanf(t.value.c_str(), "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3 || !IsValidDate(d)) {
              return BadValue(t);
            }
            where.push_back("r.record_date " + t.op + " " + tx.quote(IsoDate(d)) + "::date");
          } else if (t.field == "receiving_school") {
            GT_ASSIGN_OR_RETURN(std::string code, SchoolValue(t));
            where.push_back("r.receiving_school = " + tx.quote("schools/" + code));
          } else if (t.field == "source") {
            av1::RecordSource source;
            if (!av1::RecordSource_Parse(t.value, &source)) return BadValue(t);
            where.push_back("r.source = " + std::to_string(static_cast<int>(source)));
          } else if (t.field == "evidence_missing") {
            if (t.value != "true" && t.value != "false") return BadValue(t);
            where.push_back(std::string(t.value == "true" ? "" : "NOT ") + "(r.evidence_title = '')");
          }
        }
        const std::string order =
            OrderSql(q.order,
                     {{"teaching_order", "r.assignment_id, r.term, r.record_date, r.start_minute, r.seq"},
                      {"date", "r.record_date"}},
                     "r.seq");
        for (const auto& row : Page(tx, "r.assignment_id, r.record_id",
                                    "support_activity_records r JOIN support_assignments a USING (assignment_id)",
                                    where, order, q, &page.total)) {
          const std::string aid = row[0].as<std::string>(), rid = row[1].as<std::string>();
          auto rec = tx.exec_params(
              "SELECT record_id, body, version, term, record_date::text, start_minute, seq, deleted_at IS NULL "
              "FROM support_activity_records WHERE assignment_id = $1 AND record_id = $2",
              aid, rid);
          auto r = ParseBody<av1::ActivityRecord>(rec[0][1]);
          r.set_name(RecordName(aid, rid));
          r.set_etag(rec[0][2].as<std::string>());
          if (rec[0][7].as<bool>()) {
            r.set_teaching_order(
                tx.exec_params1("SELECT count(*) FROM support_activity_records WHERE assignment_id = $1 AND "
                                "term = $2 AND deleted_at IS NULL AND (record_date, start_minute, seq) <= "
                                "($3::date, $4, $5)",
                                aid, rec[0][3].as<int>(), rec[0][4].as<std::string>(), rec[0][5].as<int>(),
                                rec[0][6].as<int64_t>())[0]
                    .as<int>());
          }
          page.items.push_back(std::move(r));
        }
        Trim(&page, q.limit);
        return absl::OkStatus();
      },
      deadline));
  return page;
}

absl::StatusOr<SupportPage<av1::TermSummary>> SupportStore::ListSummaries(const SupportListQuery& q,
                                                                          const auth::Principal& who,
                                                                          pg::Deadline deadline) {
  SupportPage<av1::TermSummary> page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        std::vector<std::string> where = {ScopeSql(tx, who), "a.deleted_at IS NULL"};
        if (!q.parent_id.empty()) where.push_back("s.assignment_id = " + tx.quote(q.parent_id));
        for (const auto& t : q.filter) {
          bool handled = false;
          GT_RETURN_IF_ERROR(CommonTerm(tx, t, &where, &handled));
          if (handled) continue;
          if (t.field == "state") {
            av1::SummaryState state;
            if (!av1::SummaryState_Parse(t.value, &state) || state == av1::SUMMARY_STATE_UNSPECIFIED) {
              return BadValue(t);
            }
            where.push_back("s.state " + std::string(t.op == "!=" ? "<>" : "=") + " " +
                            std::to_string(static_cast<int>(state)));
          } else if (t.field == "term") {
            gongtong::common::v1::TermKind term;
            if (!gongtong::common::v1::TermKind_Parse(t.value, &term) ||
                term == gongtong::common::v1::TERM_KIND_UNSPECIFIED) {
              return BadValue(t);
            }
            where.push_back("s.term = " + std::to_string(static_cast<int>(term)));
          }
        }
        const std::string order =
            OrderSql(q.order, {{"school_year", "a.school_year, s.term"}, {"update_time", "s.updated_at"}},
                     "s.assignment_id, s.term");
        for (const auto& row : Page(tx, "s.assignment_id, s.term, a.region_code, a.school_year",
                                    "support_term_summaries s JOIN support_assignments a USING (assignment_id)", where,
                                    order, q, &page.total)) {
          const std::string aid = row[0].as<std::string>();
          const auto term = static_cast<TermKind>(row[1].as<int>());
          GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, row[2].as<std::string>(), row[3].as<int>()));
          GT_ASSIGN_OR_RETURN(SummaryRow s, LoadSummaryTx(tx, aid, term, false));
          page.items.push_back(Render(aid, s, TermLinesTx(tx, aid, term), rules));
        }
        Trim(&page, q.limit);
        return absl::OkStatus();
      },
      deadline));
  return page;
}

absl::StatusOr<SupportPage<av1::SupportQuota>> SupportStore::ListQuotas(const SupportListQuery& q,
                                                                        const auth::Principal& who,
                                                                        pg::Deadline deadline) {
  SupportPage<av1::SupportQuota> page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        const std::string used =
            "(SELECT count(*) FROM support_assignments a WHERE a.sending_school = q.school_code AND "
            "a.school_year = q.school_year AND a.deleted_at IS NULL AND NOT a.withdrawn)";
        std::vector<std::string> where;
        switch (who.role) {
          case auth::Role::kProvinceAdmin:
          case auth::Role::kService:
            break;
          case auth::Role::kCountyBureau:
            where.push_back("q.region_code <> '' AND q.region_code LIKE " + tx.quote(who.region_prefix + "%"));
            break;
          case auth::Role::kSchoolAdmin:
          case auth::Role::kTeacher:
            where.push_back("q.school_code = " + tx.quote(who.school_code));
            break;
          case auth::Role::kTownshipHead:
            where.push_back("q.region_code <> '' AND " + tx.quote(who.region_prefix) + " LIKE q.region_code || '%'");
            break;
        }
        if (!q.parent_id.empty()) where.push_back("q.school_code = " + tx.quote(q.parent_id));
        for (const auto& t : q.filter) {
          if (t.field == "school_year") {
            GT_ASSIGN_OR_RETURN(int year, Year(t));
            where.push_back("q.school_year = " + std::to_string(year));
          } else if (t.field == "region_code") {
            where.push_back("q.region_code LIKE " + tx.quote(t.value + "%"));
          } else if (t.field == "exhausted") {
            // Exhausted against the default extra of 2 is not enough when a
            // region changed quota_extra: compared per row below instead.
            if (t.value != "true" && t.value != "false") return BadValue(t);
          }
        }
        bool only_exhausted = false, only_open = false;
        for (const auto& t : q.filter) {
          if (t.field == "exhausted") (t.value == "true" ? only_exhausted : only_open) = true;
        }
        const std::string order = OrderSql(q.order, {{"school", "q.school_code, q.school_year"}, {"used", used}},
                                           "q.school_code, q.school_year");
        // The exhausted filter needs each row's cap (its region's rules), so
        // it is applied after reading: such listings read every match.
        SupportListQuery all = q;
        if (only_exhausted || only_open) {
          all.offset = 0;
          all.limit = 1000000;
        }
        std::vector<av1::SupportQuota> rows;
        for (const auto& row : Page(tx, "q.school_code, q.school_year, q.body, q.version, q.region_code, " + used,
                                    "support_quotas q", where, order, all, &page.total)) {
          auto quota = ParseBody<av1::SupportQuota>(row[2]);
          const int year = row[1].as<int>();
          GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, row[4].as<std::string>(), year));
          quota.set_name("schools/" + row[0].as<std::string>() + "/supportQuotas/" + std::to_string(year));
          quota.set_cap(quota.prior_year_associate_senior_places() + rules.quota_extra);
          quota.set_used(row[5].as<int>());
          quota.set_etag(row[3].as<std::string>());
          const bool exhausted = quota.used() >= quota.cap();
          if ((only_exhausted && !exhausted) || (only_open && exhausted)) continue;
          rows.push_back(std::move(quota));
        }
        if (only_exhausted || only_open) {
          if (q.count_total) page.total = static_cast<int64_t>(rows.size());
          const size_t from = std::min(rows.size(), static_cast<size_t>(q.offset));
          rows.erase(rows.begin(), rows.begin() + from);
        }
        page.items = std::move(rows);
        Trim(&page, q.limit);
        return absl::OkStatus();
      },
      deadline));
  return page;
}

absl::StatusOr<SupportPage<av1::Certification>> SupportStore::ListCertifications(const SupportListQuery& q,
                                                                                 const auth::Principal& who,
                                                                                 pg::Deadline deadline) {
  SupportPage<av1::Certification> page;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        std::vector<std::string> where = {ScopeSql(tx, who), "a.deleted_at IS NULL"};
        if (!q.parent_id.empty()) where.push_back("c.assignment_id = " + tx.quote(q.parent_id));
        for (const auto& t : q.filter) {
          bool handled = false;
          GT_RETURN_IF_ERROR(CommonTerm(tx, t, &where, &handled));
          if (handled) continue;
          if (t.field == "granted") {
            if (t.value != "true" && t.value != "false") return BadValue(t);
            where.push_back(std::string(t.value == "true" ? "" : "NOT ") + "c.granted");
          } else if (t.field == "teacher") {
            auto id = ParseTeacher(t.value, "filter");
            if (!id.ok()) return BadValue(t);
            where.push_back("a.teacher_id = " + tx.quote(*id));
          }
        }
        const std::string order =
            OrderSql(q.order, {{"school_year", "a.school_year"}, {"teacher", "a.teacher_id"}}, "c.assignment_id");
        for (const auto& row :
             Page(tx, "c.body, c.version", "support_certifications c JOIN support_assignments a USING (assignment_id)",
                  where, order, q, &page.total)) {
          auto c = ParseBody<av1::Certification>(row[0]);
          c.set_etag(row[1].as<std::string>());
          page.items.push_back(std::move(c));
        }
        Trim(&page, q.limit);
        return absl::OkStatus();
      },
      deadline));
  return page;
}

}  // namespace gongtong::assessment
