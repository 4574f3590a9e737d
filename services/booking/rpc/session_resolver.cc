#include "booking/rpc/session_resolver.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "booking/domain/bell_fit.h"
#include "booking/domain/booking_access.h"
#include "booking/domain/civil.h"
#include "booking/domain/lead_time.h"
#include "booking/domain/session_lifecycle.h"
#include "booking/domain/session_rules.h"
#include "common/pg/write_context.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

using gongtong::common::v1::Subject;

std::string CodeOf(const std::string& school_name) { return school_name.substr(std::string("schools/").size()); }

bool SameSubject(const Subject& a, const Subject& b) {
  return a.code() == b.code() && (a.code() != gongtong::common::v1::SUBJECT_CODE_OTHER || a.custom_name() == b.custom_name());
}

bool HasSubject(const google::protobuf::RepeatedPtrField<Subject>& list, const Subject& s) {
  for (const auto& x : list) {
    if (SameSubject(x, s)) return true;
  }
  return false;
}

std::string SubjectKey(const Subject& s) {
  const std::string name = gongtong::common::v1::SubjectCode_Name(s.code());
  return s.code() == gongtong::common::v1::SUBJECT_CODE_OTHER ? name + ":" + s.custom_name() : name;
}

// A registry NOT_FOUND as NOT_FOUND naming the request field.
absl::Status NamedNotFound(const absl::Status& s, const std::string& field, const std::string& what_zh,
                           const std::string& name) {
  if (s.code() != absl::StatusCode::kNotFound) return s;
  return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
      .Message(absl::StrCat(field, ": ", name, " does not exist"))
      .Zh(absl::StrCat(what_zh, " ", name, " 不存在"))
      .Field(field, "does not exist");
}

absl::Status Precondition(const std::string& reason, const std::string& field, const std::string& en,
                          const std::string& zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, reason).Message(field + ": " + en).Zh(zh).Field(field, en);
}

std::vector<PeriodSlot> Slots(const rv1::SchoolDay& day) {
  std::vector<PeriodSlot> out;
  for (const auto& p : day.periods()) {
    PeriodSlot s;
    s.number = p.number();
    s.lesson = p.kind() == rv1::PERIOD_KIND_LESSON;
    s.start_min = MinuteOfDay(p.start_time()).value_or(0);
    s.end_min = MinuteOfDay(p.end_time()).value_or(0);
    out.push_back(s);
  }
  return out;
}

bool IsSchoolDay(rv1::SchoolDayKind k) {
  return k == rv1::SCHOOL_DAY_KIND_SCHOOL_DAY || k == rv1::SCHOOL_DAY_KIND_MAKEUP_SCHOOL_DAY;
}

bool ActiveOn(const rv1::Pairing& p, absl::CivilDay date) {
  if (p.period().has_start_date() && IsFullDate(p.period().start_date()) && ToCivilDay(p.period().start_date()) > date) {
    return false;
  }
  if (p.period().has_end_date() && IsFullDate(p.period().end_date()) && ToCivilDay(p.period().end_date()) < date) {
    return false;
  }
  return true;
}

}  // namespace

SessionParties SessionResolver::Parties(const StoredSession& stored) {
  SessionParties parties;
  parties.host_school = stored.host_school;
  parties.host_region = stored.host_region;
  parties.host_teacher = stored.session.host().teacher();
  for (const auto& r : stored.session.receivers()) {
    parties.receiver_schools.push_back(CodeOf(r.school()));
  }
  return parties;
}

absl::StatusOr<SessionDraft> SessionResolver::Resolve(const bv1::Session& in, const ResolveOptions& opt,
                                                      const CallContext& call) {
  const std::string& px = opt.prefix;
  GT_RETURN_IF_ERROR(ValidateSessionShape(in, opt.hold, px));
  if (!opt.override_reason.empty()) {
    GT_RETURN_IF_ERROR(ValidateReason(opt.override_reason, "bell_schedule_override_reason", kMaxOverrideReasonChars));
  }
  const auto deadline = call.deadline;
  // Everything this booking will read from the registry, in one cache round trip.
  std::vector<std::string> keys = {RegistryCacheKey("teacher", in.host().teacher()),
                                   RegistryCacheKey("classroom", in.host().classroom()),
                                   RegistryCacheKey("class", in.host().school_class())};
  const absl::CivilDay window_day = ToCivilDay(in.window().date());
  if (auto host = SchoolOfResource(in.host().classroom(), ""); host.ok()) {
    keys.push_back(RegistryCacheKey("school", *host));
    keys.push_back(SchoolDayCacheKey(*host, window_day));
    for (const auto& r : in.receivers()) {
      auto code = SchoolOfResource(r.school_class(), "");
      if (!code.ok()) continue;
      keys.push_back(RegistryCacheKey("class", r.school_class()));
      keys.push_back(RegistryCacheKey("school", *code));
      keys.push_back(RegistryCacheKey("pairings", *host + ":" + *code));
      keys.push_back(SchoolDayCacheKey(*code, window_day));
    }
  }
  RegistryView::Prefetch prefetch(registry_, keys);
  SessionDraft d;
  bv1::Session& s = d.session;
  s = in;
  // Output-only fields are ignored.
  for (int f : {4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24}) {
    s.GetReflection()->ClearField(&s, bv1::Session::descriptor()->FindFieldByNumber(f));
  }
  s.mutable_host()->clear_school();

  // The host school, and who may book for it.
  GT_ASSIGN_OR_RETURN(d.host_school, SchoolOfResource(in.host().classroom(), px + ".host.classroom"));
  auto host_school = registry_->School(d.host_school, deadline);
  if (!host_school.ok()) return NamedNotFound(host_school.status(), px + ".host.classroom", "学校", d.host_school);
  d.host_region = host_school->region_code();
  GT_RETURN_IF_ERROR(CanBookAsHost(call.principal, d.host_school, d.host_region));
  if (!opt.override_reason.empty()) {
    GT_RETURN_IF_ERROR(CanOverrideBellSchedule(call.principal, d.host_school, d.host_region));
  }
  const std::string host_name = "schools/" + d.host_school;
  s.mutable_host()->set_school(host_name);
  d.subject = SubjectKey(in.subject());

  // Host teacher: of the host school, active, teaching the subject.
  auto teacher = registry_->Teacher(in.host().teacher(), deadline);
  if (!teacher.ok()) return NamedNotFound(teacher.status(), px + ".host.teacher", "教师", in.host().teacher());
  if (teacher->school() != host_name) {
    return Precondition("TEACHER_NOT_OF_HOST_SCHOOL", px + ".host.teacher", "is not a teacher of the host school",
                        absl::StrCat("主讲教师 ", in.host().teacher(), " 不属于主讲学校 ", host_name));
  }
  if (teacher->employment_status() != rv1::EMPLOYMENT_STATUS_ACTIVE) {
    return Precondition("TEACHER_NOT_ACTIVE", px + ".host.teacher", "is not active", "主讲教师目前不在岗");
  }
  if (!HasSubject(teacher->subjects(), in.subject())) {
    return Precondition("SUBJECT_NOT_TAUGHT", px + ".subject", "is not a subject the host teacher teaches",
                        "主讲教师不任教该学科");
  }

  // Host classroom: recording or direct-broadcast, of the host school.
  auto room = registry_->Classroom(in.host().classroom(), deadline);
  if (!room.ok()) return NamedNotFound(room.status(), px + ".host.classroom", "教室", in.host().classroom());
  if (room->kind() != rv1::CLASSROOM_KIND_RECORDING && room->kind() != rv1::CLASSROOM_KIND_DIRECT_BROADCAST) {
    return Precondition("CLASSROOM_CANNOT_SEND", px + ".host.classroom",
                        "is not a recording or direct-broadcast classroom", "主讲教室必须是录播教室或直录播教室");
  }

  // Host class: of the host school.
  GT_ASSIGN_OR_RETURN(std::string host_class_school, SchoolOfResource(in.host().school_class(), px + ".host.school_class"));
  if (host_class_school != d.host_school) {
    return Precondition("CLASS_OF_ANOTHER_SCHOOL", px + ".host.school_class", "is a class of another school",
                        "主讲班级必须是主讲学校的班级");
  }
  auto host_class = registry_->SchoolClass(in.host().school_class(), deadline);
  if (!host_class.ok()) {
    return NamedNotFound(host_class.status(), px + ".host.school_class", "班级", in.host().school_class());
  }

  // The date and the host's day.
  const absl::CivilDay date = ToCivilDay(in.window().date());
  d.date = date;
  GT_ASSIGN_OR_RETURN(rv1::SchoolDay host_day, registry_->SchoolDay(d.host_school, date, deadline));
  if (!IsSchoolDay(host_day.kind())) {
    // No lessons that day: nothing else about the window can be judged.
    bv1::BookingConflict c;
    c.set_kind(bv1::CONFLICT_KIND_CALENDAR);
    c.set_resource(host_name);
    return ConflictError({c});
  }
  int start_min = 0, end_min = 0;
  if (in.host_period() > 0) {
    auto period = FindPeriod(Slots(host_day), in.host_period());
    if (!period) {
      return Precondition("HOST_PERIOD_UNKNOWN", px + ".host_period",
                          "the host school has no such period on that date",
                          absl::StrCat("主讲学校当天没有第 ", in.host_period(), " 节课"));
    }
    start_min = period->start_min;
    end_min = period->end_min;
    *s.mutable_window()->mutable_start_time() = ToTimeOfDay(start_min);
    *s.mutable_window()->mutable_end_time() = ToTimeOfDay(end_min);
  } else {
    start_min = *MinuteOfDay(in.window().start_time());
    end_min = *MinuteOfDay(in.window().end_time());
  }
  d.start = LocalToInstant(date, start_min);
  d.end = LocalToInstant(date, end_min);
  if (d.start <= opt.now) {
    return Precondition("WINDOW_IN_PAST", px + ".window", "starts in the past", "不能预约已经开始或过去的时段");
  }
  s.mutable_start_time()->set_seconds(absl::ToUnixSeconds(d.start));
  s.mutable_end_time()->set_seconds(absl::ToUnixSeconds(d.end));
  if (host_day.has_term()) *s.mutable_term() = host_day.term();

  // Every school's calendar and bell schedule (R-SYNC-3).
  std::map<std::string, rv1::SchoolDay> days = {{d.host_school, host_day}};
  auto check_day = [&](const std::string& code, const rv1::SchoolDay& day) {
    const std::string school = "schools/" + code;
    if (!IsSchoolDay(day.kind())) {
      bv1::BookingConflict c;
      c.set_kind(bv1::CONFLICT_KIND_CALENDAR);
      c.set_resource(school);
      d.conflicts.push_back(c);
      return;
    }
    if (!opt.override_reason.empty()) return;
    const BellFit fit = FitWindow(Slots(day), start_min, end_min);
    if (!fit.fits) {
      bv1::BookingConflict c;
      c.set_kind(bv1::CONFLICT_KIND_BELL_SCHEDULE);
      c.set_resource(school);
      c.set_nearest_period(fit.nearest_period);
      c.set_overlap_minutes(fit.overlap_minutes);
      c.set_required_minutes(fit.required_minutes);
      d.conflicts.push_back(c);
    }
  };
  check_day(d.host_school, host_day);

  // Receivers: classes of member schools paired with the host for the
  // subject, all in one community (R-SYNC-1).
  std::set<std::string> communities;
  bool first_receiver = true;
  std::vector<std::vector<rv1::Pairing>> receiver_pairings;
  std::vector<std::string> receiver_regions;
  for (int i = 0; i < in.receivers_size(); ++i) {
    const std::string field = absl::StrCat(px, ".receivers[", i, "].school_class");
    const std::string& name = in.receivers(i).school_class();
    GT_ASSIGN_OR_RETURN(std::string code, SchoolOfResource(name, field));
    if (code == d.host_school) {
      return Precondition("RECEIVER_AT_HOST_SCHOOL", field, "is a class of the host school",
                          "接收班级不能是主讲学校的班级");
    }
    auto cls = registry_->SchoolClass(name, deadline);
    if (!cls.ok()) return NamedNotFound(cls.status(), field, "班级", name);
    auto school = registry_->School(code, deadline);
    if (!school.ok()) return NamedNotFound(school.status(), field, "学校", code);
    receiver_regions.push_back(school->region_code());
    GT_ASSIGN_OR_RETURN(auto pairings, registry_->Pairings(d.host_school, code, deadline));
    std::vector<rv1::Pairing> usable;
    std::set<std::string> these;
    for (const auto& p : pairings) {
      if (HasSubject(p.subjects(), in.subject()) && ActiveOn(p, date)) {
        usable.push_back(p);
        these.insert(p.community());
      }
    }
    if (usable.empty()) {
      return Precondition("RECEIVER_NOT_PAIRED", field,
                          "its school is not paired with the host school for this subject",
                          absl::StrCat("接收学校 schools/", code, " 与主讲学校在该学科没有结对关系"));
    }
    if (first_receiver) {
      communities = these;
      first_receiver = false;
    } else {
      std::set<std::string> both;
      for (const auto& c : communities) {
        if (these.count(c)) both.insert(c);
      }
      if (both.empty()) {
        return Precondition("RECEIVERS_IN_DIFFERENT_COMMUNITIES", field,
                            "is paired with the host school in another community than the other receivers",
                            "所有接收班级必须属于同一共同体的结对学校");
      }
      communities = both;
    }
    receiver_pairings.push_back(std::move(usable));
    if (!days.count(code)) {
      GT_ASSIGN_OR_RETURN(rv1::SchoolDay day, registry_->SchoolDay(code, date, deadline));
      days.emplace(code, day);
      check_day(code, day);
    }
  }
  d.community = *communities.begin();
  s.set_community(d.community);
  if (room->max_outgoing_streams() > 0 && in.receivers_size() > room->max_outgoing_streams()) {
    bv1::BookingConflict c;
    c.set_kind(bv1::CONFLICT_KIND_OUTGOING_STREAMS);
    c.set_resource(in.host().classroom());
    c.set_limit(room->max_outgoing_streams());
    d.conflicts.push_back(c);
  }

  // Lead time (R-SYNC-4) under the community's policy.
  GT_ASSIGN_OR_RETURN(bv1::BookingPolicy policy, policies_->PolicyForBooking(d.community, deadline));
  const bool short_notice = IsShortNotice(LocalToday(opt.now), date, policy.min_lead_days());
  if (short_notice && !policy.allow_short_notice()) {
    return Precondition("SHORT_NOTICE_NOT_ALLOWED", px + ".window",
                        absl::StrCat("must be booked at least ", policy.min_lead_days(), " days ahead"),
                        absl::StrCat("本共同体要求至少提前 ", policy.min_lead_days(), " 天预约"));
  }
  s.set_short_notice(short_notice);
  if (opt.hold) {
    s.set_state(bv1::SESSION_STATE_HELD);
    s.mutable_hold_expire_time()->set_seconds(
        absl::ToUnixSeconds(opt.now) + std::max<int64_t>(60, policy.hold_duration().seconds()));
  } else {
    s.set_state(StateWhenBooked(short_notice));
  }
  if (!opt.override_reason.empty()) {
    auto* o = s.mutable_bell_schedule_override();
    o->set_reason(opt.override_reason);
    o->mutable_actor()->set_subject(call.principal.subject);
    o->mutable_actor()->set_role(pg::ProtoRole(call.principal.role));
    o->mutable_time()->set_seconds(absl::ToUnixSeconds(opt.now));
  }
  *s.mutable_audit()->mutable_creator() = pg::Writing(call, "", "", in).actor;

  // What the session occupies.
  d.occupants.push_back({in.host().teacher(), OccupantRole::kHostTeacher, d.host_school, d.host_region, ""});
  d.occupants.push_back({in.host().classroom(), OccupantRole::kHostClassroom, d.host_school, d.host_region, ""});
  d.occupants.push_back({in.host().school_class(), OccupantRole::kHostClass, d.host_school, d.host_region, ""});
  for (int i = 0; i < s.receivers_size(); ++i) {
    auto* r = s.mutable_receivers(i);
    const std::string code = SchoolOfResource(r->school_class(), "").value();
    r->set_school("schools/" + code);
    for (const auto& p : receiver_pairings[i]) {
      if (p.community() == d.community) r->set_pairing(p.name());
    }
    r->set_state(bv1::RECEIVER_STATE_PENDING);
    r->clear_answered_by();
    r->clear_answer_time();
    d.occupants.push_back({r->school_class(), OccupantRole::kReceivingClass, code, receiver_regions[i], r->pairing()});
  }
  return d;
}

}  // namespace gongtong::booking
