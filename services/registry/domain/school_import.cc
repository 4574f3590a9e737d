#include "registry/domain/school_import.h"

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "common/strings.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "registry/domain/import_fields.h"

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
  return CheckImportColumns(columns, SchoolImportColumns(), {"school_code"});
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
    std::map<std::string, std::string> extras;
    std::vector<std::string> present;
    if (!ParseJsonRow(row.text(), {}, &s, &extras, &present, &out.problem)) return out;
    s.clear_name();  // output-only fields are ignored
    s.clear_former_names();
    s.clear_stages();
    s.clear_fused_into();
    s.clear_communities();
    s.clear_etag();
    s.clear_audit();
    static const std::set<std::string> kUpdatable = {"display_name", "region_code", "township_code",
                                                     "urban_rural_category", "school_type_code", "address",
                                                     "contacts"};
    for (const auto& p : present) {
      if (kUpdatable.count(p) > 0) out.paths.push_back(p);
    }
    return out;
  }
  ForEachCsvField(row.text(), columns, &out.problem, [&](const std::string& c, const std::string& v) {
    if (c == "school_code") {
      s.set_school_code(v);
      return true;
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
      if (!ParseEnumText(v, gongtong::registry::v1::UrbanRuralCategory_descriptor(), &code)) {
        out.problem = {c, "'" + v + "' is not an urban-rural code (111, 112, 121, 122, 123, 210, 220) or name"};
        return false;
      }
      s.set_urban_rural_category(static_cast<gongtong::registry::v1::UrbanRuralCategory>(code));
    }
    return true;
  });
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
