# Precompiled headers — build speed only, no effect on what is built.
#
# Most of a translation unit's compile time here is parsing headers: gRPC,
# protobuf, libpqxx, Abseil, GoogleTest and, above all, the generated
# service headers (each pulls in every message of its service). They are
# compiled once into the precompiled header of `gongtong_pch` and every C++
# target reuses it (REUSE_FROM), so each file parses only its own headers.
#
# GCC uses a precompiled header only when the flags that matter match (every
# target gets the same options and definitions here); when they do not, it
# reads the headers as text (CXXFLAGS=-Winvalid-pch shows it), so a mismatch
# costs speed, never correctness. Turn it off with -DGONGTONG_PCH=OFF (e.g.
# to check that every file includes what it uses).

option(GONGTONG_PCH "Precompile the common third-party and generated headers" ON)

# Every target of `dir` and its subdirectories.
function(_gongtong_targets_under dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    _gongtong_targets_under(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Call once, after every target is defined.
function(gongtong_enable_pch)
  if(NOT GONGTONG_PCH)
    return()
  endif()
  add_library(gongtong_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch_anchor.cc)
  # The usage requirements every service and test target has (through
  # gongtong_common and gongtong_test_support), without depending on them.
  target_link_libraries(gongtong_pch PRIVATE gongtong_proto gRPC::grpc++ protobuf::libprotobuf absl::status
                        absl::statusor absl::strings PkgConfig::PQXX PkgConfig::HIREDIS Threads::Threads GTest::gtest)
  target_precompile_headers(gongtong_pch PRIVATE
    <chrono> <functional> <map> <memory> <optional> <set> <string> <vector>
    <grpcpp/grpcpp.h> <google/protobuf/message.h> <google/protobuf/util/json_util.h> <pqxx/pqxx>
    <absl/status/status.h> <absl/status/statusor.h> <absl/strings/str_cat.h> <absl/strings/str_join.h>
    <gtest/gtest.h>
    <gongtong/registry/v1/registry_service.grpc.pb.h> <gongtong/booking/v1/booking_service.grpc.pb.h>
    <gongtong/scheduling/v1/scheduling_service.grpc.pb.h> <gongtong/assessment/v1/assessment_service.grpc.pb.h>
    <gongtong/events/v1/envelope.pb.h>)
  _gongtong_targets_under(${PROJECT_SOURCE_DIR} targets)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    # The generated protobuf code is compiled on its own (it defines what
    # the precompiled header declares); gongtong-load links no PostgreSQL
    # client, so it lacks the -D_FILE_OFFSET_BITS=64 the header was built
    # with and GCC would refuse the header there anyway.
    if(t STREQUAL "gongtong_pch" OR t STREQUAL "gongtong_proto" OR t STREQUAL "gongtong-load")
      continue()
    endif()
    if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "EXECUTABLE" OR type STREQUAL "OBJECT_LIBRARY")
      target_precompile_headers(${t} REUSE_FROM gongtong_pch)
      # GoogleTest's targets define it for their users, and the precompiled
      # header (which holds gtest.h) is valid only with it: every user of the
      # header gets the same value (it means nothing outside gtest).
      target_compile_definitions(${t} PRIVATE GTEST_HAS_PTHREAD=1)
    endif()
  endforeach()
endfunction()
