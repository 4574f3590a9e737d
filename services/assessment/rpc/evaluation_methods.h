#pragma once
// Community evaluation (考核评价, DOMAIN §6, R-EVAL-*): schemes,
// declarations, self-assessments, review scores, indicators, runs, results
// and the CSV export. Second layer of the chain (see support_methods.h).
// Built: schemes (get, create, publish) and inputs (create/file declaration,
// create/submit self-assessment, create review score, the
// indicator values of pairings and communities) in
// evaluation_methods.cc; runs and results (create/get/finalise run,
// community and school result, the county ranking, CSV export) in evaluation_run_methods.cc; listings of runs,
// school results, submission statuses and inputs, and reads of inputs, in
// evaluation_list_methods.cc; edits of inputs in evaluation_update_methods.cc;
// listing and edits of schemes in evaluation_scheme_methods.cc. Every method
// of the family is built.

#include <set>
#include <string>

#include "assessment/rpc/support_methods.h"
#include "assessment/storage/evaluation_store.h"

namespace gongtong::assessment {

const std::set<std::string>& EvaluationMethodNames();

// Today in China (UTC+8), for self-assessment deadlines.
google::type::Date TodayInChina();

class EvaluationMethods : public SupportMethods {
 public:
  explicit EvaluationMethods(const AssessmentDeps& deps);

  // Schemes.
  grpc::ServerUnaryReactor* GetEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                const av1::GetEvaluationSchemeRequest* req,
                                                av1::EvaluationScheme* resp) override;
  grpc::ServerUnaryReactor* CreateEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                   const av1::CreateEvaluationSchemeRequest* req,
                                                   av1::EvaluationScheme* resp) override;
  grpc::ServerUnaryReactor* PublishEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                    const av1::PublishEvaluationSchemeRequest* req,
                                                    av1::EvaluationScheme* resp) override;
  // Inputs (R-EVAL-3).
  grpc::ServerUnaryReactor* CreateDeclaration(grpc::CallbackServerContext* ctx,
                                              const av1::CreateDeclarationRequest* req,
                                              av1::Declaration* resp) override;
  grpc::ServerUnaryReactor* FileDeclaration(grpc::CallbackServerContext* ctx, const av1::FileDeclarationRequest* req,
                                            av1::Declaration* resp) override;
  grpc::ServerUnaryReactor* CreateSelfAssessment(grpc::CallbackServerContext* ctx,
                                                 const av1::CreateSelfAssessmentRequest* req,
                                                 av1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* SubmitSelfAssessment(grpc::CallbackServerContext* ctx,
                                                 const av1::SubmitSelfAssessmentRequest* req,
                                                 av1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* CreateReviewScore(grpc::CallbackServerContext* ctx,
                                              const av1::CreateReviewScoreRequest* req,
                                              av1::ReviewScore* resp) override;
  // Indicators from events (R-SYNC-5, R-ACT-1).
  grpc::ServerUnaryReactor* ListIndicatorValues(grpc::CallbackServerContext* ctx,
                                                const av1::ListIndicatorValuesRequest* req,
                                                av1::ListIndicatorValuesResponse* resp) override;
  // Runs and results (evaluation_run_methods.cc).
  grpc::ServerUnaryReactor* CreateEvaluationRun(grpc::CallbackServerContext* ctx,
                                                const av1::CreateEvaluationRunRequest* req,
                                                av1::EvaluationRun* resp) override;
  grpc::ServerUnaryReactor* FinaliseEvaluationRun(grpc::CallbackServerContext* ctx,
                                                  const av1::FinaliseEvaluationRunRequest* req,
                                                  av1::EvaluationRun* resp) override;
  grpc::ServerUnaryReactor* GetEvaluationRun(grpc::CallbackServerContext* ctx, const av1::GetEvaluationRunRequest* req,
                                             av1::EvaluationRun* resp) override;
  grpc::ServerUnaryReactor* GetCommunityResult(grpc::CallbackServerContext* ctx,
                                               const av1::GetCommunityResultRequest* req,
                                               av1::CommunityResult* resp) override;
  grpc::ServerUnaryReactor* ListCommunityResults(grpc::CallbackServerContext* ctx,
                                                 const av1::ListCommunityResultsRequest* req,
                                                 av1::ListCommunityResultsResponse* resp) override;
  grpc::ServerUnaryReactor* GetSchoolResult(grpc::CallbackServerContext* ctx, const av1::GetSchoolResultRequest* req,
                                            av1::SchoolResult* resp) override;
  grpc::ServerUnaryReactor* ExportEvaluationResults(grpc::CallbackServerContext* ctx,
                                                    const av1::ExportEvaluationResultsRequest* req,
                                                    av1::ExportEvaluationResultsResponse* resp) override;

  // Listings and reads (evaluation_list_methods.cc).
  grpc::ServerUnaryReactor* ListEvaluationRuns(grpc::CallbackServerContext* ctx, const av1::ListEvaluationRunsRequest* req,
      av1::ListEvaluationRunsResponse* resp) override;
  grpc::ServerUnaryReactor* ListSchoolResults(grpc::CallbackServerContext* ctx, const av1::ListSchoolResultsRequest* req,
      av1::ListSchoolResultsResponse* resp) override;
  grpc::ServerUnaryReactor* ListSubmissionStatuses(grpc::CallbackServerContext* ctx, const av1::ListSubmissionStatusesRequest* req,
      av1::ListSubmissionStatusesResponse* resp) override;
  grpc::ServerUnaryReactor* GetDeclaration(grpc::CallbackServerContext* ctx, const av1::GetDeclarationRequest* req,
      av1::Declaration* resp) override;
  grpc::ServerUnaryReactor* ListDeclarations(grpc::CallbackServerContext* ctx, const av1::ListDeclarationsRequest* req,
      av1::ListDeclarationsResponse* resp) override;
  grpc::ServerUnaryReactor* GetSelfAssessment(grpc::CallbackServerContext* ctx, const av1::GetSelfAssessmentRequest* req,
      av1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* ListSelfAssessments(grpc::CallbackServerContext* ctx, const av1::ListSelfAssessmentsRequest* req,
      av1::ListSelfAssessmentsResponse* resp) override;
  grpc::ServerUnaryReactor* GetReviewScore(grpc::CallbackServerContext* ctx, const av1::GetReviewScoreRequest* req,
      av1::ReviewScore* resp) override;
  grpc::ServerUnaryReactor* ListReviewScores(grpc::CallbackServerContext* ctx, const av1::ListReviewScoresRequest* req,
      av1::ListReviewScoresResponse* resp) override;
  // Edits of inputs (evaluation_update_methods.cc).
  grpc::ServerUnaryReactor* UpdateDeclaration(grpc::CallbackServerContext* ctx, const av1::UpdateDeclarationRequest* req,
      av1::Declaration* resp) override;
  grpc::ServerUnaryReactor* DeleteDeclaration(grpc::CallbackServerContext* ctx, const av1::DeleteDeclarationRequest* req,
      av1::Declaration* resp) override;
  grpc::ServerUnaryReactor* UpdateSelfAssessment(grpc::CallbackServerContext* ctx, const av1::UpdateSelfAssessmentRequest* req,
      av1::SelfAssessment* resp) override;
  grpc::ServerUnaryReactor* UpdateReviewScore(grpc::CallbackServerContext* ctx, const av1::UpdateReviewScoreRequest* req,
      av1::ReviewScore* resp) override;
  grpc::ServerUnaryReactor* DeleteReviewScore(grpc::CallbackServerContext* ctx, const av1::DeleteReviewScoreRequest* req,
      av1::ReviewScore* resp) override;

  // Schemes: listing and edits (evaluation_scheme_methods.cc).
  grpc::ServerUnaryReactor* ListEvaluationSchemes(grpc::CallbackServerContext* ctx,
                                                  const av1::ListEvaluationSchemesRequest* req,
                                                  av1::ListEvaluationSchemesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                   const av1::UpdateEvaluationSchemeRequest* req,
                                                   av1::EvaluationScheme* resp) override;
  grpc::ServerUnaryReactor* DeleteEvaluationScheme(grpc::CallbackServerContext* ctx,
                                                   const av1::DeleteEvaluationSchemeRequest* req,
                                                   av1::EvaluationScheme* resp) override;

 protected:
  EvaluationStore eval_store_;
};

}  // namespace gongtong::assessment
