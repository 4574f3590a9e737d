# Community evaluation (R-EVAL-*) and Party points (R-PARTY-*): the second
# and third method families of the assessment service (rpc/evaluation_*,
# rpc/party_*). Included by services/assessment/CMakeLists.txt.

# Pure rules, no I/O: exact decimals, schemes, computation, indicators, CSV,
# access, Party points.
add_library(assessment_eval_domain STATIC
  domain/decimal.cc
  domain/evaluation_scheme.cc
  domain/evaluation_compute.cc
  domain/evaluation_indicators.cc
  domain/evaluation_activity_rules.cc
  domain/evaluation_csv.cc
  domain/evaluation_access.cc
  domain/evaluation_submissions.cc
  domain/party_rules.cc
  domain/party_access.cc)
target_include_directories(assessment_eval_domain PUBLIC ${PROJECT_SOURCE_DIR}/services)
target_link_libraries(assessment_eval_domain PUBLIC gongtong_common)

# PostgreSQL adapters (migrations 0002_evaluation, 0003_party_points).
find_package(OpenSSL REQUIRED)
add_library(assessment_eval_storage STATIC
  storage/evaluation_store.cc
  storage/evaluation_list_store.cc
  storage/evaluation_scheme_store.cc
  storage/evaluation_indicator_ingest.cc
  storage/evaluation_activity_ingest.cc
  storage/evaluation_registry_ingest.cc
  storage/party_store.cc
  storage/party_post_store.cc
  storage/party_post_list_store.cc)
target_link_libraries(assessment_eval_storage PUBLIC assessment_eval_domain OpenSSL::Crypto)

# Handlers beyond rpc/evaluation_methods.cc and rpc/party_methods.cc.
target_sources(assessment_rpc PRIVATE rpc/evaluation_call.cc rpc/evaluation_run_methods.cc
  rpc/evaluation_list_methods.cc rpc/evaluation_update_methods.cc rpc/evaluation_scheme_methods.cc
  rpc/evaluation_tasks.cc
  rpc/party_post_methods.cc rpc/party_post_list_methods.cc)
target_link_libraries(assessment_rpc PUBLIC assessment_eval_storage)
