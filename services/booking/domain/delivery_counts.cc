#include "booking/domain/delivery_counts.h"

namespace gongtong::booking {

CountBucket BucketOf(v1::SessionState state, v1::CancellationReason reason, bool window_ahead) {
  switch (state) {
    case v1::SESSION_STATE_DELIVERED: return CountBucket::kDelivered;
    case v1::SESSION_STATE_NOT_DELIVERED: return CountBucket::kNotDelivered;
    case v1::SESSION_STATE_CANCELLED:
      return reason == v1::CANCELLATION_REASON_HOLD_EXPIRED ? CountBucket::kNone : CountBucket::kCancelled;
    case v1::SESSION_STATE_PENDING_CONFIRMATION:
    case v1::SESSION_STATE_CONFIRMED:
      return window_ahead ? CountBucket::kUpcoming : CountBucket::kNone;
    default: return CountBucket::kNone;
  }
}

void Tally(CountBucket bucket, const common::v1::Subject& subject, v1::PairingDeliveryCount* count) {
  switch (bucket) {
    case CountBucket::kDelivered: {
      count->set_delivered(count->delivered() + 1);
      v1::SubjectDeliveryCount* entry = nullptr;
      for (auto& s : *count->mutable_subject_counts()) {
        if (s.subject().code() == subject.code() && s.subject().custom_name() == subject.custom_name()) entry = &s;
      }
      if (entry == nullptr) {
        entry = count->add_subject_counts();
        *entry->mutable_subject() = subject;
      }
      entry->set_delivered(entry->delivered() + 1);
      break;
    }
    case CountBucket::kNotDelivered: count->set_not_delivered(count->not_delivered() + 1); break;
    case CountBucket::kCancelled: count->set_cancelled(count->cancelled() + 1); break;
    case CountBucket::kUpcoming: count->set_upcoming(count->upcoming() + 1); break;
    case CountBucket::kNone: break;
  }
}

bool MeetsTarget(const v1::PairingDeliveryCount& count) { return count.delivered() >= kYearlyDeliveredTarget; }

int SchoolYearOf(absl::CivilDay date) {
  return static_cast<int>(date.year()) - (date.month() < 9 ? 1 : 0);
}

}  // namespace gongtong::booking
