# Support-teaching tests (issue 5): the pure rules, table-driven (one row per
# case of each R-SUP rule), and the service against real PostgreSQL + Redis.
gongtong_test(assessment_support_rules_test SOURCES support_rules_test.cc
              LIBS assessment_support_domain LABELS unit)
