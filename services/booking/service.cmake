# Booking storage, registry view, gRPC handlers and the binary (included by
# CMakeLists.txt once the service is built; domain/ is the pure rules).
add_library(booking_storage STATIC storage/session_store.cc storage/session_list.cc storage/policy_store.cc
  storage/series_store.cc storage/busy_intervals.cc storage/pairing_sessions.cc)
target_link_libraries(booking_storage PUBLIC booking_domain)

add_library(booking_registry STATIC registry/registry_view.cc registry/pairing_list.cc)
target_link_libraries(booking_registry PUBLIC booking_domain)

add_library(booking_rpc STATIC rpc/booking_service.cc rpc/session_methods.cc rpc/lifecycle_methods.cc
  rpc/policy_methods.cc rpc/session_resolver.cc
  rpc/series_methods.cc rpc/slot_methods.cc rpc/feed_methods.cc rpc/count_methods.cc rpc/update_methods.cc)
target_link_libraries(booking_rpc PUBLIC booking_storage booking_registry)

add_executable(gongtong-booking main.cc)
gongtong_embed_migrations(gongtong-booking booking ${CMAKE_CURRENT_SOURCE_DIR}/migrations)
target_link_libraries(gongtong-booking PRIVATE booking_rpc)
install(TARGETS gongtong-booking RUNTIME DESTINATION bin)
