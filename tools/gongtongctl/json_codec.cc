#include "json_codec.h"

#include <algorithm>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gongtongctl {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Message;
using google::protobuf::Struct;
using google::protobuf::Value;

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const FieldDescriptor* FindJsonField(const Descriptor& type, const std::string& key) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    if (f->json_name() == key || f->name() == key) return f;
  }
  return nullptr;
}

std::string UnknownFieldError(const Descriptor& type, const std::string& key,
                              const std::string& path) {
  std::vector<std::string> names;
  std::string best;
  size_t best_distance = 3;  // suggest only close names
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    names.push_back(f->json_name());
    for (const std::string& candidate : {f->json_name(), f->name()}) {
      size_t d = EditDistance(key, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = f->json_name();
      }
    }
  }
  std::string msg = absl::StrCat("unknown field \"", key, "\" at ", path, " (", type.full_name(),
                                 " has no such field");
  if (!best.empty()) absl::StrAppend(&msg, "; did you mean \"", best, "\"?");
  if (names.empty()) {
    absl::StrAppend(&msg, "; it has no fields)");
  } else {
    absl::StrAppend(&msg, best.empty() ? "; " : " ", "its fields: ", absl::StrJoin(names, ", "), ")");
  }
  return msg;
}

// Well-known types have their own JSON forms (Timestamp as a string, Struct as
// any object, Any with "@type"): the JSON parser checks those itself.
bool HasSpecialJsonForm(const Descriptor& type) {
  return absl::StartsWith(type.file()->name(), "google/protobuf/");
}

absl::Status CheckObject(const Struct& object, const Descriptor& type, const std::string& path);

absl::Status CheckValue(const Value& value, const Descriptor& type, const std::string& path) {
  if (value.kind_case() != Value::kStructValue || HasSpecialJsonForm(type)) return absl::OkStatus();
  return CheckObject(value.struct_value(), type, path);
}

absl::Status CheckObject(const Struct& object, const Descriptor& type, const std::string& path) {
  // Visit keys in sorted order so the first error reported is deterministic.
  std::vector<std::string> keys;
  for (const auto& entry : object.fields()) keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const Value& value = object.fields().at(key);
    const FieldDescriptor* field = FindJsonField(type, key);
    if (field == nullptr) return absl::InvalidArgumentError(UnknownFieldError(type, key, path));
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = absl::StrCat(path, ".", key);
    if (field->is_map()) {
      const FieldDescriptor* map_value = field->message_type()->FindFieldByNumber(2);
      if (map_value->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (value.kind_case() != Value::kStructValue) continue;
      for (const auto& entry : value.struct_value().fields()) {
        absl::Status s = CheckValue(entry.second, *map_value->message_type(),
                                    absl::StrCat(field_path, "[\"", entry.first, "\"]"));
        if (!s.ok()) return s;
      }
    } else if (field->is_repeated()) {
      if (value.kind_case() != Value::kListValue) continue;
      const ListValue& list = value.list_value();
      for (int i = 0; i < list.values_size(); ++i) {
        absl::Status s = CheckValue(list.values(i), *field->message_type(),
                                    absl::StrCat(field_path, "[", i, "]"));
        if (!s.ok()) return s;
      }
    } else {
      absl::Status s = CheckValue(value, *field->message_type(), field_path);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

std::string ToString(google::protobuf::StringPiece s) { return std::string(s.data(), s.size()); }

}  // namespace

absl::Status ParseJsonRequest(absl::string_view json, Message* message) {
  const Descriptor& type = *message->GetDescriptor();
  absl::string_view trimmed = absl::StripAsciiWhitespace(json);
  if (trimmed.empty()) trimmed = "{}";
  if (trimmed.front() != '{') {
    return absl::InvalidArgumentError(
        absl::StrCat("request for ", type.full_name(), " must be a JSON object ({...})"));
  }
  // First read the text as a generic JSON value to name unknown fields
  // precisely, then let protobuf's parser convert and type-check it.
  Value generic;
  google::protobuf::util::Status syntax =
      google::protobuf::util::JsonStringToMessage(std::string(trimmed), &generic);
  if (!syntax.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request is not valid JSON: ", ToString(syntax.message())));
  }
  if (!HasSpecialJsonForm(type)) {
    absl::Status fields = CheckValue(generic, type, "request");
    if (!fields.ok()) return fields;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(std::string(trimmed), message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request does not fit ", type.full_name(), ": ",
                                                   ToString(parsed.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PrintJson(const Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string out;
  google::protobuf::util::Status s =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!s.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ", message.GetTypeName(),
                                            " as JSON: ", ToString(s.message())));
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::optional<absl::StatusOr<JsonStreamReader::Value>> JsonStreamReader::Next() {
  int c;
  // Skip whitespace between values.
  while ((c = in_->get()) != EOF) {
    if (c == '\n') {
      ++line_;
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      break;
    }
  }
  if (c == EOF) return std::nullopt;
  Value value;
  value.line = line_;
  if (c != '{') {
    std::string rest;
    std::getline(*in_, rest);
    ++line_;
    return absl::StatusOr<Value>(absl::InvalidArgumentError(absl::StrCat(
        "line ", value.line, ": expected a JSON object starting with '{', got \"",
        std::string(1, static_cast<char>(c)) + rest.substr(0, 40), "\"")));
  }
  int depth = 0;
  bool in_string = false, escaped = false;
  do {
    value.text.push_back(static_cast<char>(c));
    if (c == '\n') ++line_;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return absl::StatusOr<Value>(std::move(value));
    }
  } while ((c = in_->get()) != EOF);
  return absl::StatusOr<Value>(absl::InvalidArgumentError(
      absl::StrCat("line ", value.line, ": JSON object not closed before end of input")));
}

}  // namespace gongtongctl
