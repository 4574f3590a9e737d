#include "assessment/storage/support_rows.h"

#include <openssl/sha.h>

#include <chrono>

#include "absl/strings/str_format.h"
#include "assessment/domain/support_year.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gongtong::assessment {

google::protobuf::Timestamp NowTimestamp() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  google::protobuf::Timestamp t;
  t.set_seconds(micros / 1000000);
  t.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return t;
}

std::string Deterministic(const google::protobuf::Message& m) {
  std::string bytes;
  google::protobuf::io::StringOutputStream out(&bytes);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (unsigned char c : digest) hex += absl::StrFormat("%02x", c);
  return hex;
}

absl::Status CheckEtag(const std::string& expected, int64_t version, const std::string& field) {
  if (expected.empty() || expected == std::to_string(version)) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("the resource changed since it was read (etag " + expected + ", now " + std::to_string(version) + ")")
      .Zh("数据已被他人修改，请重新读取后再提交")
      .Field(field, "stale");
}

void RememberAnswer(pqxx::transaction_base& tx, const SupportWrite& w, const google::protobuf::Message& answer) {
  pg::RecordResponse(tx, w.method, w.request_id, answer.SerializeAsString());
}

void Publish(pqxx::transaction_base& tx, const std::string& aggregate_type, const std::string& aggregate_id,
             int64_t version, const google::protobuf::Message& payload, const std::string& correlation_id) {
  events::AppendToOutbox(
      tx, kAssessmentStream,
      events::MakeEvent("assessment", aggregate_type, aggregate_id, version, payload, correlation_id));
}

std::string AssignmentName(const std::string& id) { return "supportAssignments/" + id; }
std::string RecordName(const std::string& assignment_id, const std::string& record_id) {
  return AssignmentName(assignment_id) + "/activityRecords/" + record_id;
}
std::string SummaryName(const std::string& assignment_id, TermKind term) {
  return AssignmentName(assignment_id) + "/termSummaries/" + TermSegment(term);
}

}  // namespace gongtong::assessment
