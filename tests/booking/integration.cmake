# Booking integration tests: real PostgreSQL and Redis, the real registry
# binary as a process, the booking service in-process (booking_world.h).
add_library(booking_test_support STATIC ${CMAKE_CURRENT_LIST_DIR}/booking_world.cc
            ${PROJECT_BINARY_DIR}/services/booking/booking_migrations.cc)
target_include_directories(booking_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(booking_test_support PUBLIC booking_rpc gongtong_test_support)
add_dependencies(booking_test_support gongtong-booking)

foreach(t sessions race series slots feed counts)
  gongtong_test(booking_${t}_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/booking_${t}_test.cc
                LIBS booking_test_support LABELS integration)
  add_dependencies(booking_${t}_test gongtong-registry)
endforeach()
