#include "registry/domain/school_import.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "common/strings.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace gongtong::registry {
namespace {
using gongtong::registry::v1::School;
}  // namespace

const std::vector<std::string>& SchoolImportColumns() {
  static const auto* kColumns = new std::vector<std::string>{
      "school_code", "display_name", "region_code", "township_code", "urban_rural_category", "school_type_code"};
  return *kColumns;
}

absl::Status CheckSchoolColumns(const std::vector<std::string>& columns) {
  std::set<std::string> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string field = absl::StrCat("header.columns[", i, "]");
    const auto& known = SchoolImportColumns();
    if (std::find(known.begin(), known.end(), columns[i]) == known.end()) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_UNKNOWN")
          .Message("unknown column " + columns[i])
          .Zh("未知的列：" + columns[i])
          .Field(field, "unknown column; known: school_code, display_name, region_code, township_code, "
                        "urban_rural_category, school_type_code");
    }
    if (!seen.insert(columns[i]).second) {
      return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_DUPLICATE")
          .Message("column listed twice: " + columns[i])
          .Zh("列重复：" + columns[i])
          .Field(field, "listed twice");
    }
  }
  if (seen.count("school_code") == 0) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument, "IMPORT_COLUMN_MISSING")
        .Message("the columns must include school_code")
        .Zh("缺少 school_code 列")
        .Field("header.columns", "must include school_code");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SplitCsvRecord(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<std::string> fields(1);
  enum { kStart, kPlain, kQuoted, kAfterQuote } state = kStart;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (state) {
      case kStart:
      case kPlain:
        if (c == ',') {
          fields.emplace_back();
          state = kStart;
        } else if (c == '"' && state == kStart) {
          state = kQuoted;
        } else {
          fields.back() += c;
          state = kPlain;
        }
        break;
      case kQuoted:
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            fields.back() += '"';
            ++i;
          } else {
            state = kAfterQuote;
          }
        } else {
          fields.back() += c;
        }
        break;
      case kAfterQuote:
        if (c == ',') {
          fields.emplace_back();
          state = kStart;
        } else {
          return absl::InvalidArgumentError(absl::StrCat("text after a closing quote at byte ", i));
        }
        break;
    }
  }
  if (state == kQuoted) return absl::InvalidArgumentError("unterminated quoted field");
  return fields;
}

ParsedSchoolRow ParseSchoolRow(const gongtong::registry::v1::ImportRow& row,
                               gongtong::registry::v1::ImportFormat format,
                               const std::vector<std::string>& columns) {
  ParsedSchoolRow out;
  out.row_number = row.row_number();
  School& s = out.school;
  if (format == gongtong::registry::v1::IMPORT_FORMAT_JSON) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto parsed = google::protobuf::util::JsonStringToMessage(row.text(), &s, options);
    if (!parsed.ok()) {
      out.error_field = "text";
      out.error_reason = "not a School in JSON: " + std::string(parsed.message());
      return out;
    }
    if (!s.display_name().empty()) out.paths.push_back("display_name");
    if (!s.region_code().empty()) out.paths.push_back("region_code");
    if (!s.township_code().empty()) out.paths.push_back("township_code");
    if (s.urban_rural_category() != 0) out.paths.push_back("urban_rural_category");
    if (!s.school_type_code().empty()) out.paths.push_back("school_type_code");
    return out;
  }
  auto fields = SplitCsvRecord(row.text());
  if (!fields.ok()) {
    out.error_field = "text";
    out.error_reason = std::string(fields.status().message());
    return out;
  }
  if (fields->size() != columns.size()) {
    out.error_field = "text";
    out.error_reason = absl::StrCat("has ", fields->size(), " fields, the header names ", columns.size());
    return out;
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& c = columns[i];
    const std::string& v = (*fields)[i];
    if (c == "school_code") {
      s.set_school_code(v);
      continue;
    }
    out.paths.push_back(c);
    if (c == "display_name") {
      s.set_display_name(v);
    } else if (c == "region_code") {
      s.set_region_code(v);
    } else if (c == "township_code") {
      s.set_township_code(v);
    } else if (c == "school_type_code") {
      s.set_school_type_code(v);
    } else if (c == "urban_rural_category") {
      int code = 0;
      gongtong::registry::v1::UrbanRuralCategory category;
      if (absl::SimpleAtoi(v, &code) && gongtong::registry::v1::UrbanRuralCategory_IsValid(code)) {
        s.set_urban_rural_category(static_cast<gongtong::registry::v1::UrbanRuralCategory>(code));
      } else if (gongtong::registry::v1::UrbanRuralCategory_Parse(v, &category)) {
        s.set_urban_rural_category(category);
      } else {
        out.error_field = c;
        out.error_reason = "'" + v + "' is not an urban-rural code (111, 112, 121, 122, 123, 210, 220) or name";
        return out;
      }
    }
  }
  return out;
}

bool ApplySchoolFields(const School& from, const std::vector<std::string>& paths, School* into) {
  School before = *into;
  for (const auto& p : paths) {
    if (p == "display_name" && from.display_name() != into->display_name()) {
      into->add_former_names(into->display_name());
      into->set_display_name(from.display_name());
    } else if (p == "region_code") {
      into->set_region_code(from.region_code());
    } else if (p == "township_code") {
      into->set_township_code(from.township_code());
    } else if (p == "urban_rural_category") {
      into->set_urban_rural_category(from.urban_rural_category());
    } else if (p == "school_type_code") {
      into->set_school_type_code(from.school_type_code());
    } else if (p == "address") {
      *into->mutable_address() = from.address();
    } else if (p == "contacts") {
      *into->mutable_contacts() = from.contacts();
    }
  }
  return !google::protobuf::util::MessageDifferencer::Equals(before, *into);
}

}  // namespace gongtong::registry
