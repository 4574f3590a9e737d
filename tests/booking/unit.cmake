# Pure booking rules (services/booking/domain): table-driven, one row per case
# of each R-SYNC rule; nothing started, nothing mocked.
gongtong_test(booking_unit_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/bell_fit_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/lead_time_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/lifecycle_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/series_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/free_slots_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/ical_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/session_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/access_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/rebook_rules_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/delivery_counts_rules_test.cc
  LIBS booking_domain LABELS unit)
