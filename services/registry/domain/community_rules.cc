#include "registry/domain/community_rules.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::registry {
namespace {

using gongtong::common::v1::Contact;
using gongtong::common::v1::Person;
using gongtong::common::v1::Subject;
using gongtong::common::v1::SubjectCode;
using gongtong::registry::v1::COMMUNITY_TYPE_FUSED;
using gongtong::registry::v1::COMMUNITY_TYPE_RESEARCH;
using gongtong::registry::v1::COMMUNITY_TYPE_UNSPECIFIED;

constexpr std::string_view kCommunities = "communities/";
constexpr std::string_view kPairings = "/pairings/";

std::string Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}


bool IsTeacherName(std::string_view name) {
  constexpr std::string_view kPrefix = "teachers/";
  return name.substr(0, kPrefix.size()) == kPrefix && IsResourceId(name.substr(kPrefix.size()));
}

bool AllDigitsOrDash(std::string_view s) {
  for (char c : s) {
    if (!(c >= '0' && c <= '9') && c != '-') return false;
  }
  return true;
}

void ContactViolations(const Contact& c, const std::string& path, std::vector<Violation>* v) {
  PersonViolations(c.person(), path + ".person", v);
  if (!c.phone().empty()) {
    std::string_view phone = c.phone();
    if (phone.front() == '+') phone.remove_prefix(1);
    if (phone.size() < 5 || phone.size() > 20 || !AllDigitsOrDash(phone)) {
      v->push_back({path + ".phone", "must match ^\\+?[0-9-]{5,20}$", "电话号码格式无效"});
    }
  }
  if (!c.email().empty()) {
    const size_t at = c.email().find('@');
    if (at == std::string::npos || c.email().find('@', at + 1) != std::string::npos) {
      v->push_back({path + ".email", "must contain one @", "电子邮箱格式无效"});
    }
  }
}

bool SameSubject(const Subject& a, const Subject& b) {
  return a.code() == b.code() &&
         (a.code() != gongtong::common::v1::SUBJECT_CODE_OTHER || Trimmed(a.custom_name()) == Trimmed(b.custom_name()));
}

}  // namespace

// start_date required and valid; end_date, when set, valid and ≥ start.
void PeriodViolations(const gongtong::common::v1::DateRange& r, bool has_period, const std::string& path,
                      std::vector<Violation>* v) {
  if (!has_period || !r.has_start_date()) {
    v->push_back({path + ".start_date", "is required", "须填写起始日期"});
  } else if (!IsValidDate(r.start_date())) {
    v->push_back({path + ".start_date", "is not a calendar date", "起始日期无效"});
  }
  if (r.has_end_date()) {
    if (!IsValidDate(r.end_date())) {
      v->push_back({path + ".end_date", "is not a calendar date", "结束日期无效"});
    } else if (r.has_start_date() && IsValidDate(r.start_date()) && CompareDates(r.start_date(), r.end_date()) > 0) {
      v->push_back({path + ".end_date", "must not be before start_date", "结束日期不能早于起始日期"});
    }
  }
}


// Characters (UTF-8 code points), not bytes: names are Chinese.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

void PersonViolations(const Person& p, const std::string& path, std::vector<Violation>* v) {
  if (!p.teacher().empty()) {
    if (!IsTeacherName(p.teacher())) {
      v->push_back({path + ".teacher", "must be teachers/{teacher_id}", "教师资源名称格式应为 teachers/{id}"});
    }
  } else if (Trimmed(p.display_name()).empty()) {
    v->push_back({path + ".display_name", "is required when no teacher is named", "须填写姓名或选择教师"});
  }
  if (Utf8Length(p.display_name()) > 100) {
    v->push_back({path + ".display_name", "must be at most 100 characters", "姓名不超过100个字符"});
  }
}


// ---- names ------------------------------------------------------------------

bool IsResourceId(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return false;
  }
  return true;
}

std::string CommunityName(std::string_view id) { return absl::StrCat("communities/", Absl(id)); }

std::string PairingName(std::string_view community_id, std::string_view pairing_id) {
  return absl::StrCat("communities/", Absl(community_id), "/pairings/", Absl(pairing_id));
}

absl::StatusOr<std::string> ParseCommunityName(std::string_view name, const std::string& field) {
  if (name.substr(0, kCommunities.size()) == kCommunities && IsResourceId(name.substr(kCommunities.size()))) {
    return std::string(name.substr(kCommunities.size()));
  }
  return InvalidField(field, "must be communities/{community_id}", "共同体资源名称格式应为 communities/{id}");
}

absl::StatusOr<PairingKey> ParsePairingName(std::string_view name, const std::string& field) {
  if (name.substr(0, kCommunities.size()) == kCommunities) {
    std::string_view rest = name.substr(kCommunities.size());
    const size_t slash = rest.find(kPairings);
    if (slash != std::string_view::npos) {
      std::string_view cid = rest.substr(0, slash), pid = rest.substr(slash + kPairings.size());
      if (IsResourceId(cid) && IsResourceId(pid)) return PairingKey{std::string(cid), std::string(pid)};
    }
  }
  return InvalidField(field, "must be communities/{community_id}/pairings/{pairing_id}",
                      "结对资源名称格式应为 communities/{id}/pairings/{id}");
}

absl::StatusOr<std::string> ParsePairingParent(std::string_view parent, const std::string& field) {
  if (parent == "communities/-") return std::string();
  return ParseCommunityName(parent, field);
}

std::string GenerateResourceId(std::string_view prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return absl::StrCat(Absl(prefix), "-", buf);
}

// ---- values -----------------------------------------------------------------

bool IsValidDate(const google::type::Date& d) {
  if (d.year() < 1 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year() % 4 == 0 && d.year() % 100 != 0) || d.year() % 400 == 0;
  const int max = d.month() == 2 && leap ? 29 : kDays[d.month() - 1];
  return d.day() <= max;
}

int CompareDates(const google::type::Date& a, const google::type::Date& b) {
  auto key = [](const google::type::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

bool ParseIsoDate(std::string_view text, google::type::Date* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  y = std::stoi(std::string(text.substr(0, 4)));
  m = std::stoi(std::string(text.substr(5, 2)));
  d = std::stoi(std::string(text.substr(8, 2)));
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  if (!IsValidDate(date)) return false;
  *out = date;
  return true;
}

std::string IsoDate(const google::type::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

std::string SubjectDisplayName(const Subject& s) {
  using namespace gongtong::common::v1;
  switch (s.code()) {
    case SUBJECT_CODE_CHINESE: return "语文";
    case SUBJECT_CODE_MATHEMATICS: return "数学";
    case SUBJECT_CODE_ENGLISH: return "英语";
    case SUBJECT_CODE_SCIENCE: return "科学";
    case SUBJECT_CODE_FINE_ART: return "美术";
    case SUBJECT_CODE_MUSIC: return "音乐";
    case SUBJECT_CODE_LABOUR_TECHNOLOGY: return "劳技";
    case SUBJECT_CODE_HOMEROOM_WORK: return "班主任工作";
    case SUBJECT_CODE_OTHER: return Trimmed(s.custom_name());
    default: return SubjectCode_Name(s.code());
  }
}

const std::vector<SubjectCode>& SeedPairingSubjects() {
  using namespace gongtong::common::v1;
  static const auto* kSubjects = new std::vector<SubjectCode>{
      SUBJECT_CODE_CHINESE,   SUBJECT_CODE_MATHEMATICS, SUBJECT_CODE_ENGLISH,
      SUBJECT_CODE_SCIENCE,   SUBJECT_CODE_FINE_ART,    SUBJECT_CODE_MUSIC,
      SUBJECT_CODE_LABOUR_TECHNOLOGY, SUBJECT_CODE_HOMEROOM_WORK};
  return *kSubjects;
}

// ---- validation ---------------------------------------------------------------

std::vector<Violation> CommunityViolations(const Community& c, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const std::string& field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  const size_t name_length = Utf8Length(Trimmed(c.display_name()));
  if (name_length == 0 || Utf8Length(c.display_name()) > 100) {
    add("display_name", "must be 1 to 100 characters", "共同体名称不能为空且不超过100个字符");
  }
  if (c.type() == COMMUNITY_TYPE_UNSPECIFIED || !gongtong::registry::v1::CommunityType_IsValid(c.type())) {
    add("type", "must be a CommunityType (fused, co-built, collaborative, education group, alliance, "
                "pre-school area, research)",
        "须选择共同体类型（融合型、共建型、协作型、教育集团、联盟、学前教育片区、研修共同体）");
  }
  if (!c.region_code().empty()) {
    const std::string problem = RegionCodeProblem(c.region_code());
    if (!problem.empty()) add("region_code", problem, "行政区划代码无效");
  }
  std::string core;
  if (c.core_school().empty()) {
    add("core_school", "is required", "须指定核心校");
  } else if (auto code = ParseSchoolName(c.core_school(), prefix + ".core_school"); !code.ok()) {
    add("core_school", "must be schools/{10-digit school code}", "核心校资源名称格式应为 schools/{10位学校标识码}");
  } else {
    core = *code;
  }
  if (c.members_size() > 50) add("members", "at most 50 members", "成员校不超过50所");
  std::set<std::string> seen;
  for (int i = 0; i < c.members_size(); ++i) {
    const std::string field = absl::StrCat("members[", i, "].school");
    const auto& m = c.members(i);
    auto code = ParseSchoolName(m.school(), prefix + "." + field);
    if (!code.ok()) {
      add(field, "must be schools/{10-digit school code}", "成员校资源名称格式应为 schools/{10位学校标识码}");
      continue;
    }
    if (*code == core) {
      add(field, "is the core school; the core cannot also be a member", "成员校不能同时是核心校");
    } else if (!seen.insert(*code).second) {
      add(field, "is listed twice", "成员校重复");
    }
    if (m.has_join_date() && !IsValidDate(m.join_date())) {
      add(absl::StrCat("members[", i, "].join_date"), "is not a calendar date", "加入日期无效");
    }
  }
  if (c.type() != COMMUNITY_TYPE_RESEARCH && c.members_size() == 0) {
    add("members", "at least one member school (except research communities)", "须至少有一所成员校");
  }
  if (c.type() != COMMUNITY_TYPE_RESEARCH && c.teacher_members_size() > 0) {
    add("teacher_members", "only research communities have teacher members", "仅研修共同体可以有教师成员");
  }
  if (c.teacher_members_size() > 200) add("teacher_members", "at most 200 teachers", "教师成员不超过200人");
  std::set<std::string> teachers;
  for (int i = 0; i < c.teacher_members_size(); ++i) {
    const std::string field = absl::StrCat("teacher_members[", i, "]");
    if (!IsTeacherName(c.teacher_members(i))) {
      add(field, "must be teachers/{teacher_id}", "教师资源名称格式应为 teachers/{id}");
    } else if (!teachers.insert(c.teacher_members(i)).second) {
      add(field, "is listed twice", "教师成员重复");
    }
  }
  if (c.has_agreement()) {
    const auto& a = c.agreement();
    if (a.has_document() && (Utf8Length(a.document().title()) == 0 || Utf8Length(a.document().title()) > 200)) {
      add("agreement.document.title", "must be 1 to 200 characters", "协议标题不能为空且不超过200个字符");
    }
    if (a.has_signed_date() && !IsValidDate(a.signed_date())) {
      add("agreement.signed_date", "is not a calendar date", "签订日期无效");
    }
  }
  for (int i = 0; i < c.leading_group_size(); ++i) {
    const auto& m = c.leading_group(i);
    const std::string path = absl::StrCat(prefix, ".leading_group[", i, "]");
    if (m.role() == gongtong::registry::v1::LEADING_GROUP_ROLE_UNSPECIFIED ||
        !gongtong::registry::v1::LeadingGroupRole_IsValid(m.role())) {
      v.push_back({path + ".role", "must be leader, deputy leader or member", "须填写领导小组职务（组长、副组长、成员）"});
    }
    PersonViolations(m.person(), path + ".person", &v);
  }
  PeriodViolations(c.period(), c.has_period(), prefix + ".period", &v);
  if (Utf8Length(c.description()) > 2000) add("description", "must be at most 2,000 characters", "简介不超过2000个字符");
  return v;
}

std::vector<Violation> PairingViolations(const Pairing& p, const std::string& prefix) {
  std::vector<Violation> v;
  auto add = [&](const std::string& field, std::string description, std::string zh) {
    v.push_back({prefix + "." + field, std::move(description), std::move(zh)});
  };
  std::string core, member;
  if (p.core_school().empty()) {
    add("core_school", "is required", "须指定核心校");
  } else if (auto code = ParseSchoolName(p.core_school(), ""); code.ok()) {
    core = *code;
  } else {
    add("core_school", "must be schools/{10-digit school code}", "核心校资源名称格式应为 schools/{10位学校标识码}");
  }
  if (p.member_school().empty()) {
    add("member_school", "is required", "须指定成员校");
  } else if (auto code = ParseSchoolName(p.member_school(), ""); code.ok()) {
    member = *code;
  } else {
    add("member_school", "must be schools/{10-digit school code}", "成员校资源名称格式应为 schools/{10位学校标识码}");
  }
  if (!core.empty() && core == member) {
    add("member_school", "is the core school; a school cannot pair with itself", "成员校不能与核心校相同");
  }
  if (p.subjects_size() == 0 || p.subjects_size() > 30) {
    add("subjects", "1 to 30 subjects", "结对学科须为1至30个");
  }
  for (int i = 0; i < p.subjects_size(); ++i) {
    const auto& s = p.subjects(i);
    const std::string field = absl::StrCat("subjects[", i, "]");
    if (s.code() == gongtong::common::v1::SUBJECT_CODE_UNSPECIFIED ||
        !gongtong::common::v1::SubjectCode_IsValid(s.code())) {
      add(field + ".code", "must be a SubjectCode", "学科代码无效");
      continue;
    }
    if (s.code() == gongtong::common::v1::SUBJECT_CODE_OTHER) {
      const size_t n = Utf8Length(Trimmed(s.custom_name()));
      if (n == 0 || n > 20) {
        add(field + ".custom_name", "1 to 20 characters for SUBJECT_CODE_OTHER", "其他学科须填写1至20个字符的名称");
        continue;
      }
    } else if (!s.custom_name().empty()) {
      add(field + ".custom_name", "only with SUBJECT_CODE_OTHER", "仅“其他”学科可填写自定义名称");
      continue;
    }
    for (int j = 0; j < i; ++j) {
      if (SameSubject(p.subjects(j), s)) {
        add(field, "is listed twice", "结对学科重复：" + SubjectDisplayName(s));
        break;
      }
    }
  }
  // R-PAIR-1: each side names a contact.
  if (!p.has_core_contact()) add("core_contact", "is required (R-PAIR-1)", "须填写核心校联系人");
  else ContactViolations(p.core_contact(), prefix + ".core_contact", &v);
  if (!p.has_member_contact()) add("member_contact", "is required (R-PAIR-1)", "须填写成员校联系人");
  else ContactViolations(p.member_contact(), prefix + ".member_contact", &v);
  PeriodViolations(p.period(), p.has_period(), prefix + ".period", &v);
  return v;
}

std::vector<std::string> CommunitySchoolCodes(const Community& c) {
  std::vector<std::string> out;
  if (auto core = ParseSchoolName(c.core_school(), ""); core.ok()) out.push_back(*core);
  for (const auto& m : c.members()) {
    if (auto code = ParseSchoolName(m.school(), ""); code.ok()) out.push_back(*code);
  }
  return out;
}

// ---- against facts --------------------------------------------------------------

namespace {

absl::Status SchoolLive(const std::string& name, const SchoolFacts& facts, const std::string& field) {
  auto code = ParseSchoolName(name, field);
  if (!code.ok()) return code.status();
  auto it = facts.find(*code);
  if (it == facts.end()) {
    return PreconditionOn("SCHOOL_NOT_FOUND", field, "school " + *code + " does not exist",
                        "学校不存在：" + *code);
  }
  if (it->second.deleted) {
    return PreconditionOn("SCHOOL_DELETED", field, "school " + *code + " is deleted", "学校已删除：" + *code);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CommunitySchoolsLive(const Community& c, const SchoolFacts& facts, const std::string& prefix) {
  GT_RETURN_IF_ERROR(SchoolLive(c.core_school(), facts, prefix + ".core_school"));
  for (int i = 0; i < c.members_size(); ++i) {
    GT_RETURN_IF_ERROR(SchoolLive(c.members(i).school(), facts, absl::StrCat(prefix, ".members[", i, "].school")));
  }
  return absl::OkStatus();
}

absl::Status FusedExclusive(const Community& c, const std::map<std::string, std::string>& fused_elsewhere,
                            const std::string& prefix) {
  if (c.type() != COMMUNITY_TYPE_FUSED) return absl::OkStatus();
  auto check = [&](const std::string& name, const std::string& field) -> absl::Status {
    auto code = ParseSchoolName(name, field);
    if (!code.ok()) return absl::OkStatus();
    auto it = fused_elsewhere.find(*code);
    if (it == fused_elsewhere.end()) return absl::OkStatus();
    return PreconditionOn("SCHOOL_IN_OTHER_FUSED_COMMUNITY", field,
                        "school " + *code + " is already in fused community " + it->second,
                        "学校已属于另一个融合型共同体：" + it->second);
  };
  GT_RETURN_IF_ERROR(check(c.core_school(), prefix + ".core_school"));
  for (int i = 0; i < c.members_size(); ++i) {
    GT_RETURN_IF_ERROR(check(c.members(i).school(), absl::StrCat(prefix, ".members[", i, "].school")));
  }
  return absl::OkStatus();
}

absl::Status KeepsPairedSchools(const Community& before, const Community& after,
                                const std::set<std::string>& paired_members, const std::string& prefix) {
  if (paired_members.empty()) return absl::OkStatus();
  if (before.core_school() != after.core_school()) {
    return PreconditionOn("COMMUNITY_HAS_PAIRINGS", prefix + ".core_school",
                        "the core cannot change while the community has live pairings",
                        "共同体尚有结对，不能更换核心校");
  }
  std::set<std::string> kept;
  for (const auto& m : after.members()) {
    if (auto code = ParseSchoolName(m.school(), ""); code.ok()) kept.insert(*code);
  }
  for (const auto& code : paired_members) {
    if (!kept.count(code)) {
      return PreconditionOn("MEMBER_HAS_PAIRING", prefix + ".members",
                          "member " + code + " still has a live pairing; delete the pairing first",
                          "成员校仍有结对，请先删除结对：" + code);
    }
  }
  return absl::OkStatus();
}

absl::Status LeaderOnceInForce(const Community& c, const google::type::Date& today, const std::string& prefix) {
  if (!c.period().has_start_date() || CompareDates(c.period().start_date(), today) > 0) return absl::OkStatus();
  for (const auto& m : c.leading_group()) {
    if (m.role() == gongtong::registry::v1::LEADING_GROUP_ROLE_LEADER) return absl::OkStatus();
  }
  return PreconditionOn("LEADING_GROUP_WITHOUT_LEADER", prefix + ".leading_group",
                      "a community in force needs a leader (组长) in its leading group",
                      "共同体已生效，领导小组须有组长");
}

absl::Status PairingFitsCommunity(const Pairing& p, const Community& c, const std::string& prefix) {
  if (p.core_school() != c.core_school()) {
    return PreconditionOn("PAIRING_OUTSIDE_COMMUNITY", prefix + ".core_school",
                        "pairing between schools of different communities: " + p.core_school() +
                            " is not the core of " + c.name() + " (" + c.core_school() + ")",
                        "结对双方不属于同一共同体：核心校须为该共同体的核心校");
  }
  bool member = false;
  for (const auto& m : c.members()) member = member || m.school() == p.member_school();
  if (!member) {
    return PreconditionOn("PAIRING_OUTSIDE_COMMUNITY", prefix + ".member_school",
                        "pairing between schools of different communities: " + p.member_school() +
                            " is not a member of " + c.name(),
                        "结对双方不属于同一共同体：成员校须为该共同体的成员校");
  }
  const auto& cp = c.period();
  const auto& pp = p.period();
  if (cp.has_start_date() && pp.has_start_date() && CompareDates(pp.start_date(), cp.start_date()) < 0) {
    return PreconditionOn("PAIRING_PERIOD_OUTSIDE_COMMUNITY", prefix + ".period.start_date",
                        "starts before the community's period (" + IsoDate(cp.start_date()) + ")",
                        "结对起始日期早于共同体的起始日期");
  }
  if (cp.has_end_date() && (!pp.has_end_date() || CompareDates(pp.end_date(), cp.end_date()) > 0)) {
    return PreconditionOn("PAIRING_PERIOD_OUTSIDE_COMMUNITY", prefix + ".period.end_date",
                        "ends after the community's period (" + IsoDate(cp.end_date()) + ")",
                        "结对结束日期晚于共同体的结束日期");
  }
  return absl::OkStatus();
}

absl::Status PairingSchoolsLive(const Pairing& p, const SchoolFacts& facts, const std::string& prefix) {
  GT_RETURN_IF_ERROR(SchoolLive(p.core_school(), facts, prefix + ".core_school"));
  return SchoolLive(p.member_school(), facts, prefix + ".member_school");
}

bool SetCommunityFields(std::vector<SchoolMembership> memberships, gongtong::registry::v1::School* school) {
  std::sort(memberships.begin(), memberships.end(),
            [](const SchoolMembership& a, const SchoolMembership& b) { return a.community_id < b.community_id; });
  std::vector<std::string> names;
  std::string fused_into;
  for (const auto& m : memberships) {
    names.push_back(CommunityName(m.community_id));
    if (m.type == COMMUNITY_TYPE_FUSED && m.core_school_code != school->school_code() && fused_into.empty()) {
      fused_into = SchoolName(m.core_school_code);
    }
  }
  const std::vector<std::string> before(school->communities().begin(), school->communities().end());
  if (before == names && school->fused_into() == fused_into) return false;
  school->clear_communities();
  for (auto& n : names) school->add_communities(std::move(n));
  school->set_fused_into(fused_into);
  return true;
}

}  // namespace gongtong::registry
