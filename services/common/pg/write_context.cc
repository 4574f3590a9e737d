#include "common/pg/write_context.h"

#include <pqxx/binarystring>

#include "common/status/error.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gongtong::pg {

gongtong::common::v1::Role ProtoRole(auth::Role role) {
  switch (role) {
    case auth::Role::kProvinceAdmin: return gongtong::common::v1::ROLE_PROVINCE_ADMIN;
    case auth::Role::kCountyBureau: return gongtong::common::v1::ROLE_COUNTY_BUREAU;
    case auth::Role::kSchoolAdmin: return gongtong::common::v1::ROLE_SCHOOL_ADMIN;
    case auth::Role::kTeacher: return gongtong::common::v1::ROLE_TEACHER;
    case auth::Role::kService: return gongtong::common::v1::ROLE_SERVICE;
    case auth::Role::kTownshipHead: return gongtong::common::v1::ROLE_TOWNSHIP_HEAD;
  }
  return gongtong::common::v1::ROLE_UNSPECIFIED;
}

WriteContext Writing(const CallContext& call, const char* method, const std::string& request_id,
                     const google::protobuf::Message& request) {
  WriteContext w;
  w.actor.set_subject(call.principal.subject);
  w.actor.set_role(ProtoRole(call.principal.role));
  if (!call.principal.school_code.empty()) w.actor.set_school("schools/" + call.principal.school_code);
  w.method = method;
  w.request_id = request_id;
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  w.fingerprint = Fingerprint(bytes);
  w.correlation_id = call.correlation_id;
  w.deadline = call.deadline;
  return w;
}

absl::StatusOr<std::optional<std::string>> StoredAnswer(Pool& pool, const WriteContext& ctx) {
  std::optional<std::string> answer;
  if (ctx.request_id.empty()) return answer;
  absl::Status s = pool.Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params(
            "SELECT fingerprint, response FROM idempotency_keys WHERE method = $1 AND request_id = $2 "
            "AND response IS NOT NULL",
            ctx.method, ctx.request_id);
        if (rows.empty()) return absl::OkStatus();
        if (rows[0][0].as<std::string>() != ctx.fingerprint) {
          return InvalidField("request_id", "was used for a different request", "该 request_id 已用于另一个请求",
                              "REQUEST_ID_REUSED");
        }
        pqxx::binarystring bytes(rows[0][1]);
        answer = bytes.str();
        return absl::OkStatus();
      },
      ctx.deadline);
  if (!s.ok()) return s;
  return answer;
}

}  // namespace gongtong::pg
