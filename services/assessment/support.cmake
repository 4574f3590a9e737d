# Support teaching (支教, R-SUP-1…5): pure rules → PostgreSQL storage → the
# SupportMethods family of assessment_rpc. Included by CMakeLists.txt.
add_library(assessment_support_domain STATIC
  domain/support_hours.cc domain/support_year.cc domain/support_summary.cc domain/support_signoff.cc
  domain/support_certification.cc domain/support_access.cc)
target_include_directories(assessment_support_domain PUBLIC ${PROJECT_SOURCE_DIR}/services)
target_link_libraries(assessment_support_domain PUBLIC gongtong_common)

target_link_libraries(assessment_rpc PUBLIC assessment_support_domain)
