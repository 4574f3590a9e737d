# Support-teaching tests (issue 5): the pure rules, table-driven (one row per
# case of each R-SUP rule), and the service against real PostgreSQL + Redis.
gongtong_test(assessment_support_rules_test SOURCES support_rules_test.cc
              LIBS assessment_support_domain LABELS unit)

# The in-process assessment service the integration tests call
# (assessment_test_server.h), shared with the evaluation and party tests.
add_library(assessment_test_support STATIC assessment_test_server.cc
            ${PROJECT_BINARY_DIR}/services/assessment/assessment_migrations.cc)
target_include_directories(assessment_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(assessment_test_support PUBLIC assessment_rpc gongtong_test_support)
gongtong_test(assessment_support_test SOURCES support_test.cc LIBS assessment_test_support LABELS integration)
