#pragma once
// Support teaching (支教, DOMAIN §4, R-SUP-*): rules, quotas, assignments,
// activity records, term summaries with their sign-off, certification.
// First layer of the AssessmentService implementation: each family of
// methods is one class in the chain
//   SupportMethods → EvaluationMethods → PartyMethods → AssessmentServiceImpl
// so every family lives in its own files. The handlers are in
// support_assignment_methods.cc (rules, quotas, assignments) and
// support_record_methods.cc (records, summaries, certification); the
// background consumer of booking events in support_tasks.cc.

#include <set>
#include <string>

#include "absl/status/status.h"
#include "assessment/rpc/assessment_deps.h"
#include "assessment/storage/support_store.h"
#include "common/server/service_main.h"
#include "gongtong/assessment/v1/assessment_service.grpc.pb.h"

namespace gongtong::assessment {

namespace av1 = gongtong::assessment::v1;

// Names of the methods this family implements (the rest of the service
// routes the others to UNIMPLEMENTED).
const std::set<std::string>& SupportMethodNames();

class SupportMethods : public av1::AssessmentService::CallbackService {
 public:
  explicit SupportMethods(const AssessmentDeps& deps);

  // Rules and quotas (R-SUP-1).
  grpc::ServerUnaryReactor* GetSupportRules(grpc::CallbackServerContext* ctx, const av1::GetSupportRulesRequest* req,
                                            av1::SupportRules* resp) override;
  grpc::ServerUnaryReactor* UpdateSupportRules(grpc::CallbackServerContext* ctx,
                                               const av1::UpdateSupportRulesRequest* req,
                                               av1::SupportRules* resp) override;
  grpc::ServerUnaryReactor* GetSupportQuota(grpc::CallbackServerContext* ctx, const av1::GetSupportQuotaRequest* req,
                                            av1::SupportQuota* resp) override;
  grpc::ServerUnaryReactor* UpdateSupportQuota(grpc::CallbackServerContext* ctx,
                                               const av1::UpdateSupportQuotaRequest* req,
                                               av1::SupportQuota* resp) override;
  // Assignments.
  grpc::ServerUnaryReactor* GetSupportAssignment(grpc::CallbackServerContext* ctx,
                                                 const av1::GetSupportAssignmentRequest* req,
                                                 av1::SupportAssignment* resp) override;
  grpc::ServerUnaryReactor* CreateSupportAssignment(grpc::CallbackServerContext* ctx,
                                                    const av1::CreateSupportAssignmentRequest* req,
                                                    av1::SupportAssignment* resp) override;
  grpc::ServerUnaryReactor* UpdateSupportAssignment(grpc::CallbackServerContext* ctx,
                                                    const av1::UpdateSupportAssignmentRequest* req,
                                                    av1::SupportAssignment* resp) override;
  grpc::ServerUnaryReactor* DeleteSupportAssignment(grpc::CallbackServerContext* ctx,
                                                    const av1::DeleteSupportAssignmentRequest* req,
                                                    av1::SupportAssignment* resp) override;
  grpc::ServerUnaryReactor* UndeleteSupportAssignment(grpc::CallbackServerContext* ctx,
                                                      const av1::UndeleteSupportAssignmentRequest* req,
                                                      av1::SupportAssignment* resp) override;
  grpc::ServerUnaryReactor* ListSupportAssignments(grpc::CallbackServerContext* ctx,
                                                   const av1::ListSupportAssignmentsRequest* req,
                                                   av1::ListSupportAssignmentsResponse* resp) override;
  grpc::ServerUnaryReactor* ListActivityRecords(grpc::CallbackServerContext* ctx,
                                                const av1::ListActivityRecordsRequest* req,
                                                av1::ListActivityRecordsResponse* resp) override;
  grpc::ServerUnaryReactor* ListTermSummaries(grpc::CallbackServerContext* ctx,
                                              const av1::ListTermSummariesRequest* req,
                                              av1::ListTermSummariesResponse* resp) override;
  grpc::ServerUnaryReactor* ListSupportQuotas(grpc::CallbackServerContext* ctx,
                                              const av1::ListSupportQuotasRequest* req,
                                              av1::ListSupportQuotasResponse* resp) override;
  grpc::ServerUnaryReactor* ListCertifications(grpc::CallbackServerContext* ctx,
                                               const av1::ListCertificationsRequest* req,
                                               av1::ListCertificationsResponse* resp) override;
  // Activity records (R-SUP-3).
  grpc::ServerUnaryReactor* GetActivityRecord(grpc::CallbackServerContext* ctx,
                                              const av1::GetActivityRecordRequest* req,
                                              av1::ActivityRecord* resp) override;
  grpc::ServerUnaryReactor* CreateActivityRecord(grpc::CallbackServerContext* ctx,
                                                 const av1::CreateActivityRecordRequest* req,
                                                 av1::ActivityRecord* resp) override;
  grpc::ServerUnaryReactor* UpdateActivityRecord(grpc::CallbackServerContext* ctx,
                                                 const av1::UpdateActivityRecordRequest* req,
                                                 av1::ActivityRecord* resp) override;
  grpc::ServerUnaryReactor* DeleteActivityRecord(grpc::CallbackServerContext* ctx,
                                                 const av1::DeleteActivityRecordRequest* req,
                                                 av1::ActivityRecord* resp) override;
  // Term summaries and sign-off (R-SUP-4).
  grpc::ServerUnaryReactor* GetTermSummary(grpc::CallbackServerContext* ctx, const av1::GetTermSummaryRequest* req,
                                           av1::TermSummary* resp) override;
  grpc::ServerUnaryReactor* UpdateTermSummary(grpc::CallbackServerContext* ctx,
                                              const av1::UpdateTermSummaryRequest* req,
                                              av1::TermSummary* resp) override;
  grpc::ServerUnaryReactor* ConfirmTermSummary(grpc::CallbackServerContext* ctx,
                                               const av1::ConfirmTermSummaryRequest* req,
                                               av1::TermSummary* resp) override;
  grpc::ServerUnaryReactor* SignTermSummary(grpc::CallbackServerContext* ctx, const av1::SignTermSummaryRequest* req,
                                            av1::TermSummary* resp) override;
  grpc::ServerUnaryReactor* ReceiveTermSummary(grpc::CallbackServerContext* ctx,
                                               const av1::ReceiveTermSummaryRequest* req,
                                               av1::TermSummary* resp) override;
  // Certification (R-SUP-5).
  grpc::ServerUnaryReactor* CertifySupportExperience(grpc::CallbackServerContext* ctx,
                                                     const av1::CertifySupportExperienceRequest* req,
                                                     av1::Certification* resp) override;
  grpc::ServerUnaryReactor* GetCertification(grpc::CallbackServerContext* ctx, const av1::GetCertificationRequest* req,
                                             av1::Certification* resp) override;

 protected:
  AssessmentDeps deps_;

 private:
  // The assignment of a call, readable by the caller: PERMISSION_DENIED
  // before NOT_FOUND for everyone but the province, so nothing leaks.
  absl::StatusOr<AssignmentRow> ReadableAssignment(const CallContext& call, const std::string& id);
  // A sign-off step (Confirm, Sign, Receive).
  grpc::ServerUnaryReactor* SignStep(grpc::CallbackServerContext* ctx, const char* method, av1::SignatureStep step,
                                     const google::protobuf::Message* req, const std::string& name,
                                     const std::string& digest, const std::string& etag, const std::string& request_id,
                                     av1::TermSummary* resp);

  SupportStore support_;
};

// Background work of this family: the consumer of booking events that
// records delivered synchronous sessions (support_tasks.cc), added to the
// host by main().
absl::Status WireSupportTasks(ServiceRuntime& rt);

}  // namespace gongtong::assessment
