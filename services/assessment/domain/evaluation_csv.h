#pragma once
// CSV export of a run's results (ExportEvaluationResults): UTF-8 with a BOM
// so spreadsheet users in China open it correctly, RFC 4180 (CRLF line ends;
// a field with a comma, quote, CR or LF is quoted and its quotes doubled).
// Pure.
//
// Columns: 排名, 共同体, 学校, 角色, 类型, 考核方式, one per scheme component
// (its title), 总分, 已得分, 是否完整, 计入学校考核分. One row per community
// (学校 empty, 角色 "共同体") followed by its schools (角色 核心校/成员校).
// Component cells: the reported contribution; "缺" when MISSING, "不适用"
// when NOT_APPLICABLE, the figure followed by "（逾期）" when SCORED_LATE.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gongtong/assessment/v1/evaluation_result.pb.h"
#include "gongtong/assessment/v1/scheme.pb.h"

namespace gongtong::assessment {

inline constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// One field, quoted when RFC 4180 requires it.
std::string CsvField(std::string_view value);
// Fields joined by commas, ended by CRLF.
std::string CsvRow(const std::vector<std::string>& fields);

// `schools` maps a school result's name to it; communities in the order
// given (the caller sorts by rank).
std::string ResultsCsv(const gongtong::assessment::v1::EvaluationScheme& scheme,
                       const std::vector<gongtong::assessment::v1::CommunityResult>& communities,
                       const std::map<std::string, gongtong::assessment::v1::SchoolResult>& schools);

}  // namespace gongtong::assessment
