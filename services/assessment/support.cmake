# Support teaching (支教, R-SUP-1…5): pure rules → PostgreSQL storage → the
# SupportMethods family of assessment_rpc. Included by CMakeLists.txt.
add_library(assessment_support_domain STATIC
  domain/support_hours.cc domain/support_year.cc domain/support_summary.cc domain/support_signoff.cc
  domain/support_certification.cc domain/support_access.cc domain/support_assignment_rules.cc)
target_include_directories(assessment_support_domain PUBLIC ${PROJECT_SOURCE_DIR}/services)
target_link_libraries(assessment_support_domain PUBLIC gongtong_common)

target_link_libraries(assessment_rpc PUBLIC assessment_support_domain)

find_package(OpenSSL REQUIRED)
add_library(assessment_support_storage STATIC
  storage/support_rows.cc storage/support_rules_store.cc storage/support_assignment_store.cc
  storage/support_term_state.cc storage/support_record_store.cc storage/support_summary_store.cc
  storage/support_certification_store.cc storage/support_assignment_changes.cc storage/support_list_store.cc)
target_link_libraries(assessment_support_storage PUBLIC assessment_support_domain OpenSSL::Crypto)
target_link_libraries(assessment_rpc PUBLIC assessment_support_storage)
target_sources(assessment_support_storage PRIVATE storage/support_session_ingest.cc
  storage/support_session_batch_ingest.cc)
target_sources(assessment_rpc PRIVATE rpc/support_call.cc rpc/support_assignment_methods.cc
  rpc/support_record_methods.cc rpc/support_tasks.cc rpc/support_list_methods.cc)
