// AssessmentService: Party points — the New Long March route, checkpoint
// records (R-PARTY-1: 8 points each, 96 = Yan'an, never the same checkpoint
// twice, in route order) and standings per organisation with shared ranks.
// Each method listed in PartyMethodNames() is implemented here.
#include "assessment/rpc/party_methods.h"

#include <ctime>

#include "assessment/domain/party_access.h"
#include "assessment/domain/party_rules.h"
#include "assessment/rpc/evaluation_call.h"
#include "common/api/list_request.h"
#include "common/api/offset_page.h"
#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using auth::Role;

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

MemberScope ScopeOf(const PartyMember& m) {
  return MemberScope{m.teacher_id, m.school_code, m.region_code, m.party_organization};
}

// A member who can be credited: a Party member (FAILED_PRECONDITION
// otherwise) who is serving.
absl::Status CreditableMember(const PartyMember& m) {
  if (!m.IsPartyMember()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "NOT_A_PARTY_MEMBER")
        .Message("teachers/" + m.teacher_id + " is not a Party member")
        .Zh(m.display_name + "不是党员，不能记录新长征积分")
        .Field("checkpoint_record.member", "not a Party member");
  }
  return absl::OkStatus();
}

const std::vector<api::FilterField>& CheckpointFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"member", {"="}}, {"party_organization", {"="}}, {"campaign_year", {"="}},
      {"ordinal", {"=", ">="}}, {"school", {"="}}};
  return *kFields;
}

absl::Status BadFilterValue(const std::string& field) {
  return InvalidField("filter", "bad value for " + field, "筛选条件“" + field + "”的值无效", "FILTER_INVALID");
}

// Applies parsed filter terms to the query.
absl::Status ApplyFilter(const std::vector<api::FilterTerm>& terms, CheckpointListQuery& q) {
  for (const auto& t : terms) {
    if (t.field == "member") {
      q.teacher_id = TeacherIdOf(t.value);
      if (q.teacher_id.empty()) return BadFilterValue(t.field);
    } else if (t.field == "party_organization") {
      q.party_organization = t.value;
    } else if (t.field == "school") {
      q.school_code = t.value.rfind("schools/", 0) == 0 ? t.value.substr(8) : t.value;
    } else {
      int v = 0;
      try {
        v = std::stoi(t.value);
      } catch (...) {
        return BadFilterValue(t.field);
      }
      if (t.field == "campaign_year") q.campaign_year = v;
      if (t.field == "ordinal") (t.op == ">=" ? q.min_ordinal : q.ordinal) = v;
    }
  }
  return absl::OkStatus();
}

// Offset paging: the token carries how many items were already returned.
absl::StatusOr<int> OffsetOf(const std::string& token, uint64_t fingerprint, int64_t* total) {
  GT_ASSIGN_OR_RETURN(api::PageStart start, api::StartPage(token, fingerprint, NowUnix()));
  if (start.count_total) return 0;
  if (start.after.size() != 1) {
    return InvalidField("page_token", "malformed", "分页令牌无效", "PAGE_TOKEN_INVALID");
  }
  *total = start.total;
  try {
    return std::stoi(start.after[0]);
  } catch (...) {
    return InvalidField("page_token", "malformed", "分页令牌无效", "PAGE_TOKEN_INVALID");
  }
}

}  // namespace

const std::set<std::string>& PartyMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "ListLongMarchCheckpoints", "GetCheckpointRecord",    "ListCheckpointRecords",
      "CreateCheckpointRecord",   "DeleteCheckpointRecord", "ListLongMarchStandings",
      "CreateDemonstrationPost",  "GetDemonstrationPost",   "CreatePostAssignment",
      "EndPostAssignment",        "ListUnassignedMembers",  "ListDemonstrationPosts",
      "UpdateDemonstrationPost",  "DeleteDemonstrationPost", "ListPostAssignments"};
  return *kNames;
}

PartyMethods::PartyMethods(const AssessmentDeps& deps) : EvaluationMethods(deps), party_store_(deps.pool), posts_(deps.pool) {}

grpc::ServerUnaryReactor* PartyMethods::ListLongMarchCheckpoints(grpc::CallbackServerContext* ctx,
                                                                 const av1::ListLongMarchCheckpointsRequest* req,
                                                                 av1::ListLongMarchCheckpointsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListLongMarchCheckpoints", [=](const CallContext&) -> absl::Status {
    for (const auto& c : LongMarchRoute()) *resp->add_checkpoints() = c;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::GetCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                            const av1::GetCheckpointRecordRequest* req,
                                                            av1::CheckpointRecord* resp) {
  return deps_.edge->Unary(ctx, "GetCheckpointRecord", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "checkpointRecords", "name"));
    auto row = party_store_.GetCheckpoint(id, call.deadline);
    if (!row.ok()) {
      // Nothing leaks: a caller without a wide scope cannot tell existence.
      if (row.status().code() == absl::StatusCode::kNotFound && call.principal.role != Role::kProvinceAdmin &&
          call.principal.role != Role::kService) {
        return MayReadPartyPoints(call.principal, MemberScope{});
      }
      return row.status();
    }
    GT_RETURN_IF_ERROR(MayReadPartyPoints(call.principal, ScopeOf(row->member)));
    *resp = std::move(row->record);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::ListCheckpointRecords(grpc::CallbackServerContext* ctx,
                                                              const av1::ListCheckpointRecordsRequest* req,
                                                              av1::ListCheckpointRecordsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListCheckpointRecords", [=](const CallContext& call) -> absl::Status {
    CheckpointListQuery q;
    const auth::Principal& p = call.principal;
    switch (p.role) {
      case Role::kProvinceAdmin:
      case Role::kService: break;
      case Role::kCountyBureau: q.region_scope = p.region_prefix; break;
      case Role::kSchoolAdmin: q.own_school = p.school_code; break;
      case Role::kTeacher:
        if (p.teacher_id.empty()) return MayReadPartyPoints(p, MemberScope{});
        break;
      default: return MayReadPartyPoints(p, MemberScope{});
    }
    GT_ASSIGN_OR_RETURN(q.limit, api::EffectivePageSize(req->page_size()));
    GT_ASSIGN_OR_RETURN(auto terms, api::ParseFilter(req->filter(), CheckpointFilterFields()));
    GT_RETURN_IF_ERROR(ApplyFilter(terms, q));
    if (p.role == Role::kTeacher) {
      if (!q.teacher_id.empty() && q.teacher_id != p.teacher_id) {
        return MayReadPartyPoints(p, MemberScope{q.teacher_id, "", "", ""});
      }
      q.teacher_id = p.teacher_id;  // her own records
    }
    GT_ASSIGN_OR_RETURN(auto order, api::ParseOrderBy(req->order_by(), {"award_date", "ordinal"},
                                                      {{"award_date", false}}));
    q.by_ordinal = !order.empty() && order.front().field == "ordinal";
    q.descending = !order.empty() && order.front().descending;
    q.show_deleted = req->show_deleted();
    const uint64_t fingerprint = api::RequestFingerprint(
        {req->filter(), req->order_by(), req->show_deleted() ? "1" : "0", q.region_scope, q.own_school, q.teacher_id});
    int64_t total = -1;
    GT_ASSIGN_OR_RETURN(q.offset, OffsetOf(req->page_token(), fingerprint, &total));
    GT_ASSIGN_OR_RETURN(CheckpointPage page, party_store_.ListCheckpoints(q, call.deadline));
    if (total < 0) total = page.total;
    for (auto& r : page.records) *resp->add_checkpoint_records() = std::move(r);
    resp->set_total_size(static_cast<int32_t>(total));
    resp->set_next_page_token(api::NextPageToken(
        page.more, {std::to_string(q.offset + resp->checkpoint_records_size())}, total, fingerprint, NowUnix()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::CreateCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                               const av1::CreateCheckpointRecordRequest* req,
                                                               av1::CheckpointRecord* resp) {
  return deps_.edge->Unary(ctx, "CreateCheckpointRecord", [=](const CallContext& call) -> absl::Status {
    const auth::Principal& p = call.principal;
    if (p.role != Role::kProvinceAdmin && p.role != Role::kService && p.role != Role::kCountyBureau &&
        p.role != Role::kSchoolAdmin) {
      return MayWritePartyPoints(p, MemberScope{});
    }
    GT_RETURN_IF_ERROR(ValidateCheckpointInput(req->checkpoint_record(), "checkpoint_record"));
    GT_ASSIGN_OR_RETURN(std::string id,
                        IdOrGenerated(req->checkpoint_record_id(), "checkpoint_record_id", "cp"));
    av1::CheckpointRecord input = req->checkpoint_record();
    input.clear_name();
    input.clear_party_organization();
    input.clear_points();
    input.clear_audit();
    input.clear_etag();
    const MemberCheck check = [&p](const PartyMember& m) -> absl::Status {
      GT_RETURN_IF_ERROR(MayWritePartyPoints(p, ScopeOf(m)));
      return CreditableMember(m);
    };
    GT_ASSIGN_OR_RETURN(*resp, party_store_.CreateCheckpoint(
                                   id, input, check,
                                   pg::Writing(call, "CreateCheckpointRecord", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::DeleteCheckpointRecord(grpc::CallbackServerContext* ctx,
                                                               const av1::DeleteCheckpointRecordRequest* req,
                                                               av1::CheckpointRecord* resp) {
  return deps_.edge->Unary(ctx, "DeleteCheckpointRecord", [=](const CallContext& call) -> absl::Status {
    const auth::Principal& p = call.principal;
    if (p.role != Role::kProvinceAdmin && p.role != Role::kService && p.role != Role::kCountyBureau &&
        p.role != Role::kSchoolAdmin) {
      return MayWritePartyPoints(p, MemberScope{});
    }
    GT_ASSIGN_OR_RETURN(std::string id, ParseEvalName(req->name(), "checkpointRecords", "name"));
    const MemberCheck check = [&p](const PartyMember& m) { return MayWritePartyPoints(p, ScopeOf(m)); };
    GT_ASSIGN_OR_RETURN(*resp, party_store_.DeleteCheckpoint(
                                   id, req->etag(), check,
                                   pg::Writing(call, "DeleteCheckpointRecord", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::ListLongMarchStandings(grpc::CallbackServerContext* ctx,
                                                               const av1::ListLongMarchStandingsRequest* req,
                                                               av1::ListLongMarchStandingsResponse* resp) {
  return deps_.edge->Unary(ctx, "ListLongMarchStandings", [=](const CallContext& call) -> absl::Status {
    const auth::Principal& p = call.principal;
    GT_RETURN_IF_ERROR(ParseEvalName(req->party_organization(), "partyOrganizations", "party_organization").status());
    if (req->campaign_year() < 2000 || req->campaign_year() > 2100) {
      return InvalidField("campaign_year", "required, 2000..2100", "活动年度必填，须在2000到2100之间");
    }
    std::string caller_org;
    if (p.role == Role::kTeacher && !p.teacher_id.empty()) {
      auto me = party_store_.GetMember(p.teacher_id, "party_organization", call.deadline);
      if (me.ok()) caller_org = me->party_organization;
    }
    GT_RETURN_IF_ERROR(MayReadStandings(p, req->party_organization(), caller_org));
    GT_ASSIGN_OR_RETURN(auto page, api::StartOffsetPage(req->page_size(), 100, req->page_token(),
                                                        {req->party_organization(),
                                                         std::to_string(req->campaign_year()), p.region_prefix,
                                                         p.school_code}));
    GT_ASSIGN_OR_RETURN(auto members,
                        party_store_.Progress(req->party_organization(), req->campaign_year(), call.deadline));
    if (members.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "PARTY_ORGANIZATION_UNKNOWN")
          .Message(req->party_organization() + " has no known members")
          .Zh("未找到该党组织的党员")
          .Field("party_organization", "unknown organisation");
    }
    std::vector<MemberProgress> visible;
    for (const auto& m : members) {
      if (MemberInStandings(p, ScopeOf(m.member))) {
        visible.push_back({"teachers/" + m.member.teacher_id, m.member.display_name, m.checkpoints_passed});
      }
    }
    if (visible.empty()) return MayReadStandings(p, req->party_organization(), "");
    auto standings = Standings(std::move(visible));
    int32_t total = 0;
    api::FillOffsetPage(page, standings, resp->mutable_standings(), resp->mutable_next_page_token(), &total);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
