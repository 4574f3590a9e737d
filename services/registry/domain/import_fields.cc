#include "registry/domain/import_fields.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/error.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "registry/domain/school_import.h"

namespace gongtong::registry {
namespace {

// "school_code" → "schoolCode".
std::string LowerCamel(const std::string& snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out += upper ? absl::ascii_toupper(c) : c;
      upper = false;
    }
  }
  return out;
}

}  // namespace

absl::Status ProblemStatus(const RowProblem& problem) {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_ROW_INVALID")
      .Message(problem.field + ": " + problem.reason)
      .Zh(problem.field == "text" ? "该行无法解析：" + problem.reason : "该行的 " + problem.field + " 列有误：" + problem.reason)
      .Field(problem.field, problem.reason);
}

absl::Status CheckImportColumns(const std::vector<std::string>& columns, const std::vector<std::string>& known,
                                const std::vector<std::string>& required) {
  std::set<std::string> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string field = absl::StrCat("header.columns[", i, "]");
    if (std::find(known.begin(), known.end(), columns[i]) == known.end()) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_UNKNOWN")
          .Message("unknown column " + columns[i])
          .Zh("未知的列：" + columns[i])
          .Field(field, "unknown column; known: " + absl::StrJoin(known, ", "));
    }
    if (!seen.insert(columns[i]).second) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_DUPLICATE")
          .Message("column listed twice: " + columns[i])
          .Zh("列重复：" + columns[i])
          .Field(field, "listed twice");
    }
  }
  for (const auto& r : required) {
    if (seen.count(r) == 0) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_MISSING")
          .Message("the columns must include " + r)
          .Zh("缺少 " + r + " 列")
          .Field("header.columns", "must include " + r);
    }
  }
  return absl::OkStatus();
}

bool SplitCsvRow(std::string_view text, size_t count, std::vector<std::string>* fields, RowProblem* problem) {
  auto split = SplitCsvRecord(text);
  if (!split.ok()) {
    *problem = {"text", std::string(split.status().message())};
    return false;
  }
  if (split->size() != count) {
    *problem = {"text", absl::StrCat("has ", split->size(), " fields, the header names ", count)};
    return false;
  }
  *fields = std::move(*split);
  return true;
}

bool ForEachCsvField(std::string_view text, const std::vector<std::string>& columns, RowProblem* problem,
                     const std::function<bool(const std::string& column, const std::string& value)>& take) {
  std::vector<std::string> fields;
  if (!SplitCsvRow(text, columns.size(), &fields, problem)) return false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!take(columns[i], fields[i])) return false;
  }
  return true;
}

bool ParseEnumText(std::string_view text, const google::protobuf::EnumDescriptor* type, int* value) {
  const std::string t(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  if (t.empty()) return false;
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByName(t);
  if (v == nullptr && type->value_count() > 0) {
    std::string prefix = type->value(0)->name();  // e.g. "GRADE_UNSPECIFIED"
    const auto cut = prefix.rfind("UNSPECIFIED");
    if (cut != std::string::npos) v = type->FindValueByName(prefix.substr(0, cut) + absl::AsciiStrToUpper(t));
  }
  int number = 0;
  if (v == nullptr && absl::SimpleAtoi(t, &number)) v = type->FindValueByNumber(number);
  if (v == nullptr || v->number() == 0) return false;
  *value = v->number();
  return true;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  const absl::string_view all(text.data(), text.size());
  if (absl::StripAsciiWhitespace(all).empty()) return out;
  for (absl::string_view part : absl::StrSplit(all, '|')) out.emplace_back(absl::StripAsciiWhitespace(part));
  return out;
}

bool ParseJsonRow(std::string_view text, const std::set<std::string>& extra_keys,
                  google::protobuf::Message* message, std::map<std::string, std::string>* extras,
                  std::vector<std::string>* present, RowProblem* problem) {
  const std::string what = message->GetDescriptor()->name();
  google::protobuf::Struct object;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &object);
  if (!parsed.ok()) {
    *problem = {"text", "not a JSON object: " + std::string(parsed.message())};
    return false;
  }
  auto* fields = object.mutable_fields();
  for (const auto& key : extra_keys) {
    for (const std::string& spelling : {key, LowerCamel(key)}) {
      auto it = fields->find(spelling);
      if (it == fields->end()) continue;
      if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
        *problem = {key, "must be a string"};
        return false;
      }
      (*extras)[key] = it->second.string_value();
      fields->erase(it);
    }
  }
  std::string rest;
  (void)google::protobuf::util::MessageToJsonString(object, &rest);
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  parsed = google::protobuf::util::JsonStringToMessage(rest, message, options);
  if (!parsed.ok()) {
    *problem = {"text", "not a " + what + " in JSON: " + std::string(parsed.message())};
    return false;
  }
  const auto* d = message->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (fields->count(f->name()) > 0 || fields->count(f->json_name()) > 0) present->push_back(f->name());
  }
  return true;
}

}  // namespace gongtong::registry
