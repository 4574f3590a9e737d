// Protobuf's JSON mapping for requests and responses, with clear errors for
// people: an unknown field is named with its path and the fields the message
// does have.
#pragma once

#include <optional>
#include <istream>
#include <string>
#include "absl/strings/string_view.h"

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gongtongctl {

// Parses `json` (protobuf JSON mapping; lowerCamel or proto field names) into
// `message`. Blank input means an empty message. Unknown fields are refused:
//   unknown field "schoolCod" at request.school (gongtong.registry.v1.School
//   has no such field; did you mean "schoolCode"? fields: ...)
absl::Status ParseJsonRequest(absl::string_view json, google::protobuf::Message* message);

// lowerCamel JSON, default-valued fields omitted; pretty = indented on
// several lines, otherwise one line. No trailing newline.
absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message, bool pretty);

// Splits a stream of concatenated JSON objects: newline-delimited JSON, or
// pretty-printed objects one after another. Reads incrementally, so it can
// feed a bidi stream as lines arrive.
class JsonStreamReader {
 public:
  explicit JsonStreamReader(std::istream* in) : in_(in) {}

  struct Value {
    std::string text;
    int line = 0;  // 1-based line where the value starts
  };
  // The next value; std::nullopt at end of input; an error for text that is
  // not a JSON object or is cut off.
  std::optional<absl::StatusOr<Value>> Next();

 private:
  std::istream* in_;
  int line_ = 1;
};

}  // namespace gongtongctl
