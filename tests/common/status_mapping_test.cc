// The absl::Status → grpc::Status mapping: one row per code.
#include <gtest/gtest.h>

#include "common/status/error.h"
#include "common/status/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong {
namespace {

struct Decoded {
  google::rpc::Status status;
  google::rpc::ErrorInfo info;
  google::rpc::LocalizedMessage zh;
  google::rpc::BadRequest bad;
  bool has_info = false, has_zh = false, has_bad = false;
};

Decoded Decode(const grpc::Status& s) {
  Decoded d;
  EXPECT_TRUE(d.status.ParseFromString(s.error_details()));
  for (const auto& any : d.status.details()) {
    if (any.UnpackTo(&d.info)) d.has_info = true;
    else if (any.UnpackTo(&d.zh)) d.has_zh = true;
    else if (any.UnpackTo(&d.bad)) d.has_bad = true;
  }
  return d;
}

struct Row {
  absl::StatusCode code;
  grpc::StatusCode grpc_code;
  const char* reason;
  bool message_hidden;
};

class StatusMappingTest : public ::testing::TestWithParam<Row> {};

TEST_P(StatusMappingTest, PlainStatusGetsCodeReasonAndChineseMessage) {
  const Row& row = GetParam();
  grpc::Status s = ToGrpcStatus(absl::Status(row.code, "secret detail"));
  EXPECT_EQ(s.error_code(), row.grpc_code);
  EXPECT_EQ(s.error_message() == "secret detail", !row.message_hidden);
  Decoded d = Decode(s);
  EXPECT_EQ(d.status.code(), static_cast<int>(row.grpc_code));
  ASSERT_TRUE(d.has_info);
  EXPECT_EQ(d.info.reason(), row.reason);
  EXPECT_EQ(d.info.domain(), "gongtong.edu.cn");
  ASSERT_TRUE(d.has_zh);
  EXPECT_EQ(d.zh.locale(), "zh-CN");
  EXPECT_EQ(d.zh.message(), DefaultZhMessage(row.code));
  EXPECT_FALSE(d.zh.message().empty());
  EXPECT_FALSE(d.has_bad);
}

INSTANTIATE_TEST_SUITE_P(
    AllCodes, StatusMappingTest,
    ::testing::Values(
        Row{absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED, "CANCELLED", false},
        Row{absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN, "UNKNOWN", true},
        Row{absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", false},
        Row{absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", false},
        Row{absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND, "NOT_FOUND", false},
        Row{absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS", false},
        Row{absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", false},
        Row{absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", false},
        Row{absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION, "FAILED_PRECONDITION", false},
        Row{absl::StatusCode::kAborted, grpc::StatusCode::ABORTED, "ABORTED", false},
        Row{absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE", false},
        Row{absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", false},
        Row{absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL, "INTERNAL", true},
        Row{absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE", false},
        Row{absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS, "DATA_LOSS", true},
        Row{absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED", false}));

TEST(StatusMapping, OkHasNoDetails) {
  grpc::Status s = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.error_details().empty());
}

TEST(StatusMapping, BuilderDetailsArriveIntact) {
  absl::Status in = ErrorBuilder(absl::StatusCode::kInvalidArgument, "SCHOOL_CODE_INVALID")
                        .Message("school code must be 10 digits")
                        .Zh("学校标识码必须是10位数字")
                        .Field("school.code", "must be 10 digits")
                        .Field("school.region_code", "must be 6 digits")
                        .Meta("value", "123");
  EXPECT_EQ(ReasonOf(in), "SCHOOL_CODE_INVALID");
  grpc::Status s = ToGrpcStatus(in);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "school code must be 10 digits");
  Decoded d = Decode(s);
  EXPECT_EQ(d.info.reason(), "SCHOOL_CODE_INVALID");
  EXPECT_EQ(d.info.metadata().at("value"), "123");
  EXPECT_EQ(d.zh.message(), "学校标识码必须是10位数字");
  ASSERT_TRUE(d.has_bad);
  ASSERT_EQ(d.bad.field_violations_size(), 2);
  EXPECT_EQ(d.bad.field_violations(0).field(), "school.code");
  EXPECT_EQ(d.bad.field_violations(1).field(), "school.region_code");
  // Exactly one ErrorInfo and one LocalizedMessage: defaults are not added twice.
  EXPECT_EQ(d.status.details_size(), 3);
}

TEST(StatusMapping, InvalidFieldShorthand) {
  Decoded d = Decode(ToGrpcStatus(InvalidField("page_size", "must not be negative", "每页数量不能为负数")));
  EXPECT_EQ(d.status.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_EQ(d.bad.field_violations_size(), 1);
  EXPECT_EQ(d.bad.field_violations(0).field(), "page_size");
  EXPECT_EQ(d.zh.message(), "每页数量不能为负数");
}

TEST(StatusMapping, MacrosPropagate) {
  auto fails = []() -> absl::StatusOr<int> { return absl::NotFoundError("x"); };
  auto use = [&]() -> absl::Status {
    GT_ASSIGN_OR_RETURN(int v, fails());
    (void)v;
    return absl::OkStatus();
  };
  EXPECT_EQ(use().code(), absl::StatusCode::kNotFound);
  auto chain = [&]() -> absl::Status {
    GT_RETURN_IF_ERROR(use());
    return absl::InternalError("not reached");
  };
  EXPECT_EQ(chain().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace gongtong
