// ImportRows for IMPORT_ENTITY_SCHOOL (domain/school_import.h,
// storage/school_importer.h).
#include "common/status/error.h"
#include "registry/domain/school_import.h"
#include "registry/rpc/row_importer.h"
#include "registry/storage/school_importer.h"

namespace gongtong::registry {
namespace {

class SchoolImporter final : public RowImporter {
 public:
  explicit SchoolImporter(const ImportSetup& setup) : s_(setup) {}

  absl::Status MayImport(const auth::Principal& p) const override {
    if (p.role == auth::Role::kProvinceAdmin || p.role == auth::Role::kCountyBureau || p.role == auth::Role::kService) {
      return absl::OkStatus();
    }
    return ErrorBuilder(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED")
        .Message("only province admins, county bureaus and services import schools")
        .Zh("您没有批量导入学校的权限");
  }

  absl::Status CheckColumns(const std::vector<std::string>& columns) const override {
    return CheckSchoolColumns(columns);
  }

  absl::StatusOr<RowResults> Apply(const gongtong::registry::v1::ImportBatch& batch, const BatchHook& hook) override {
    std::vector<ParsedSchoolRow> parsed;
    parsed.reserve(batch.rows_size());
    for (const auto& row : batch.rows()) parsed.push_back(ParseSchoolRow(row, s_.header.format(), s_.columns));
    return ApplySchoolRows(*s_.pool, parsed, s_.principal, s_.ctx, s_.header.dry_run(), hook);
  }

 private:
  ImportSetup s_;
};

}  // namespace

std::unique_ptr<RowImporter> MakeSchoolImporter(const ImportSetup& setup) {
  return std::make_unique<SchoolImporter>(setup);
}

}  // namespace gongtong::registry
