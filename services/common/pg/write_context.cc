#include "common/pg/write_context.h"

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

}  // namespace gongtong::pg
