# Community evaluation (R-EVAL-*) and Party points (R-PARTY-*) tests:
# pure rules (unit) and, against real PostgreSQL and Redis, the service.
gongtong_test(assessment_evaluation_rules_test
  SOURCES evaluation_rules_test.cc
  LIBS assessment_eval_domain LABELS unit)

gongtong_test(assessment_party_rules_test
  SOURCES party_rules_test.cc
  LIBS assessment_eval_domain LABELS unit)

if(TARGET assessment_test_support)
  gongtong_test(assessment_party_test
    SOURCES party_test.cc
    LIBS assessment_test_support LABELS integration)
endif()

if(TARGET assessment_test_support)
  gongtong_test(assessment_evaluation_test
    SOURCES evaluation_test.cc
    LIBS assessment_test_support LABELS integration)
endif()

if(TARGET assessment_test_support)
  gongtong_test(assessment_evaluation_lists_test
    SOURCES evaluation_lists_test.cc
    LIBS assessment_test_support LABELS integration)
endif()

if(TARGET assessment_test_support)
  gongtong_test(assessment_evaluation_activities_test
    SOURCES evaluation_activities_test.cc
    LIBS assessment_test_support LABELS integration)
endif()
