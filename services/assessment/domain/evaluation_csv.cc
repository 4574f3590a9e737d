#include "assessment/domain/evaluation_csv.h"

namespace gongtong::assessment {
namespace {

namespace av1 = gongtong::assessment::v1;

std::string TypeZh(gongtong::registry::v1::CommunityType t) {
  switch (t) {
    case gongtong::registry::v1::COMMUNITY_TYPE_FUSED: return "融合型";
    case gongtong::registry::v1::COMMUNITY_TYPE_CO_BUILT: return "共建型";
    case gongtong::registry::v1::COMMUNITY_TYPE_COLLABORATIVE: return "协作型";
    default: return gongtong::registry::v1::CommunityType_Name(t);
  }
}

std::string ModeZh(av1::AssessmentMode m) {
  return m == av1::ASSESSMENT_MODE_INTEGRATED ? "整体考核" : "捆绑考核";
}

// The cell of component `id` among `components` ("" when absent).
std::string Cell(const google::protobuf::RepeatedPtrField<av1::ComponentResult>& components,
                 const av1::SchemeComponent& c) {
  for (const auto& r : components) {
    const bool same = r.component_id() == c.component_id() ||
                      (!c.alternative_group().empty() && r.component_id() == c.alternative_group());
    if (!same) continue;
    switch (r.status()) {
      case av1::COMPONENT_STATUS_MISSING: return "缺";
      case av1::COMPONENT_STATUS_NOT_APPLICABLE: return "不适用";
      case av1::COMPONENT_STATUS_SCORED_LATE: return r.contribution().value() + "（逾期）";
      default: return r.contribution().value();
    }
  }
  return "不适用";
}

}  // namespace

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string ResultsCsv(const av1::EvaluationScheme& scheme,
                       const std::vector<av1::CommunityResult>& communities,
                       const std::map<std::string, av1::SchoolResult>& schools) {
  std::string out = kUtf8Bom;
  std::vector<std::string> header = {"排名", "共同体", "学校", "角色", "类型", "考核方式"};
  for (const auto& c : scheme.components()) header.push_back(c.title());
  for (const char* h : {"总分", "已得分", "是否完整", "计入学校考核分"}) header.push_back(h);
  out += CsvRow(header);
  for (const auto& cr : communities) {
    std::vector<std::string> row = {cr.rank() > 0 ? std::to_string(cr.rank()) : "",
                                    cr.community(), "", "共同体", TypeZh(cr.community_type()),
                                    ModeZh(cr.mode())};
    for (const auto& c : scheme.components()) row.push_back(Cell(cr.components(), c));
    row.push_back(cr.total().value());
    row.push_back(cr.partial_total().value());
    row.push_back(cr.complete() ? "是" : "否");
    row.push_back(cr.school_assessment_points().value());
    out += CsvRow(row);
    for (const auto& name : cr.school_results()) {
      const auto it = schools.find(name);
      if (it == schools.end()) continue;
      const auto& sr = it->second;
      std::vector<std::string> srow = {"", cr.community(), sr.school(),
                                       sr.core() ? "核心校" : "成员校", TypeZh(cr.community_type()),
                                       ModeZh(cr.mode())};
      for (const auto& c : scheme.components()) srow.push_back(Cell(sr.components(), c));
      srow.push_back(sr.total().value());
      srow.push_back(sr.partial_total().value());
      srow.push_back(sr.has_total() || !sr.total().value().empty() ? "是" : "否");
      srow.push_back("");
      out += CsvRow(srow);
    }
  }
  return out;
}

}  // namespace gongtong::assessment
