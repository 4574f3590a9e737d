// RegistryService.ImportRows: bulk import (bidirectional stream). This file
// runs the stream and dispatches on header.entity to a RowImporter
// (rpc/row_importer.h): schools, classes, teachers, bell schedules.
//
// Flow: authenticate at the start; read the header; then for each batch run
// parse + apply on the bounded executor (never on gRPC's threads) and write
// its results before reading the next batch (so memory stays bounded and
// results come in order); after the client half-closes, write the summary
// and finish. Stream errors end the call with a status (see import.proto).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/error.h"
#include "common/status/grpc_status.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"
#include "registry/rpc/row_importer.h"
#include "registry/storage/import_replay.h"

namespace gongtong::registry {
namespace {

constexpr int kMaxRowsPerBatch = 1000;
constexpr size_t kMaxBatchBytes = 4 << 20;

class ImportReactor final : public grpc::ServerBidiReactor<rv1::ImportRowsRequest, rv1::ImportRowsResponse> {
 public:
  // `forget_school(code)`: drops a school this import created or updated
  // from the caches after its batch committed (this replica then reads it
  // at once; the others hear of it by event).
  ImportReactor(grpc::CallbackServerContext* ctx, RpcEdge* edge, pg::Pool* pool,
                std::function<void(const std::string&)> forget_school)
      : edge_(edge), pool_(pool), forget_school_(std::move(forget_school)) {
    auto call = edge_->BeginStream(ctx);
    if (!call.ok()) {
      End(call.status());
      return;
    }
    call_ = std::move(*call);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed: all rows sent
      if (!header_seen_) {
        End(InvalidField("header", "the stream ended before a header", "导入数据缺少表头"));
        return;
      }
      finishing_ = true;
      bool admitted = edge_->Submit([this] {
        auto rest = Replayed(kFinishOrdinal, stream_fingerprint_, [this](const BatchHook& hook) {
          return importer_->Finish(hook);
        });
        if (!rest.ok()) {
          End(rest.status());
        } else if (rest->empty()) {
          WriteSummary();
        } else {
          WriteResults(std::move(*rest));
        }
      });
      if (!admitted) Overloaded();
      return;
    }
    if (request_.has_header()) {
      OnHeader();
    } else if (request_.has_batch()) {
      OnBatch();
    } else {
      End(InvalidField("payload", "each message needs a header or a batch", "导入消息须为表头或数据批次"));
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client went away"));
    } else if (finishing_ && !summary_sent_) {
      WriteSummary();
    } else if (summary_sent_) {
      log::Info("import finished", {{"sub", call_.principal.subject}, {"source", header_.source_name()},
                                    {"rows", summary_.total_rows()}, {"created", summary_.created()},
                                    {"updated", summary_.updated()}, {"unchanged", summary_.unchanged()},
                                    {"rejected", summary_.rejected()}, {"dry_run", summary_.dry_run()}});
      End(absl::OkStatus());
    } else {
      StartRead(&request_);
    }
  }

  void OnDone() override { delete this; }

 private:
  void End(const absl::Status& status) { Finish(ToGrpcStatus(status)); }

  void OnHeader() {
    if (header_seen_) {
      End(InvalidField("header", "sent twice", "表头只能发送一次"));
      return;
    }
    header_seen_ = true;
    header_ = request_.header();
    if (header_.format() == rv1::IMPORT_FORMAT_UNSPECIFIED) {
      End(InvalidField("header.format", "is required (CSV or JSON)", "须指定导入格式"));
      return;
    }
    if (header_.entity() == rv1::IMPORT_ENTITY_UNSPECIFIED) {
      End(InvalidField("header.entity", "is required", "须指定导入的数据类型"));
      return;
    }
    ImportSetup setup;
    setup.pool = pool_;
    setup.principal = call_.principal;
    setup.header = header_;
    setup.columns.assign(header_.columns().begin(), header_.columns().end());
    setup.ctx = Writing(call_, "ImportRows", "", request_);
    importer_ = MakeImporter(setup);
    if (importer_ == nullptr) {
      End(InvalidField("header.entity", "unknown entity " + std::to_string(header_.entity()), "未知的导入数据类型"));
      return;
    }
    if (auto denied = importer_->MayImport(call_.principal); !denied.ok()) {
      End(denied);
      return;
    }
    if (header_.format() == rv1::IMPORT_FORMAT_CSV) {
      if (auto s = importer_->CheckColumns(setup.columns); !s.ok()) {
        End(s);
        return;
      }
    }
    if (header_.request_id().size() > 128) {
      End(InvalidField("header.request_id", "must be at most 128 characters", "请求编号不能超过128个字符"));
      return;
    }
    // A batch's fingerprint covers what decides its rows besides the rows.
    rv1::ImportHeader decisive;
    decisive.set_entity(header_.entity());
    decisive.set_format(header_.format());
    *decisive.mutable_columns() = header_.columns();
    header_fingerprint_ = decisive.SerializeAsString();
    summary_.set_dry_run(header_.dry_run());
    StartRead(&request_);
  }

  void OnBatch() {
    if (!header_seen_) {
      End(InvalidField("header", "must be the first message", "第一条消息须为表头"));
      return;
    }
    const auto& rows = request_.batch().rows();
    if (rows.size() > kMaxRowsPerBatch || request_.batch().ByteSizeLong() > kMaxBatchBytes) {
      End(InvalidField("batch", "at most 1,000 rows and 4 MiB per batch", "每批最多1000行、4 MiB"));
      return;
    }
    for (const auto& row : rows) {
      if (row.row_number() <= last_row_) {
        End(InvalidField("batch.rows.row_number", absl::StrCat("must increase; ", row.row_number(), " after ", last_row_),
                         "行号须严格递增"));
        return;
      }
      last_row_ = row.row_number();
    }
    bool admitted = edge_->Submit([this] {
      const auto& batch = request_.batch();
      const std::string fingerprint = ImportFingerprint(header_fingerprint_ + batch.SerializeAsString());
      stream_fingerprint_ = ImportFingerprint(stream_fingerprint_ + fingerprint);
      auto results = Replayed(++ordinal_, fingerprint, [&](const BatchHook& hook) {
        return importer_->Apply(batch, hook);
      });
      if (!results.ok()) {
        End(results.status());
        return;
      }
      ForgetWrittenSchools(*results);
      WriteResults(std::move(*results));
    });
    if (!admitted) Overloaded();
  }

  // With a request_id (not on a dry run): the stored results of batch
  // `ordinal` when its fingerprint matches, else `apply` with the hook that
  // stores them in the batch's transaction. Without: `apply`.
  absl::StatusOr<RowResults> Replayed(int ordinal, const std::string& fingerprint,
                                      const std::function<absl::StatusOr<RowResults>(const BatchHook&)>& apply) {
    if (header_.request_id().empty() || header_.dry_run()) return apply(BatchHook{});
    const ImportBatchKey key{call_.principal.subject, header_.request_id(), ordinal, fingerprint};
    auto stored = StoredImportBatch(*pool_, key, call_.deadline);
    if (!stored.ok()) return stored.status();
    if (!*stored) return apply(StoreImportBatch(key));
    if (ordinal != kFinishOrdinal) importer_->Replayed(request_.batch());
    return std::move(**stored);
  }

  void ForgetWrittenSchools(const RowResults& results) {
    if (header_.entity() != rv1::IMPORT_ENTITY_SCHOOL || header_.dry_run()) return;
    for (const auto& r : results) {
      const bool written = r.outcome() == rv1::ROW_OUTCOME_CREATED || r.outcome() == rv1::ROW_OUTCOME_UPDATED;
      if (written && absl::StartsWith(r.name(), "schools/")) forget_school_(r.name().substr(8));
    }
  }

  void Overloaded() {
    End(ErrorBuilder(absl::StatusCode::kResourceExhausted, "SERVER_OVERLOADED")
            .Message("server is at its concurrency limit; resend this import later")
            .Zh("服务器繁忙，请稍后重试"));
  }

  // Counts `results` into the summary and sends them as one batch result.
  void WriteResults(std::vector<rv1::RowResult> results) {
    response_.Clear();
    for (auto& r : results) {
      summary_.set_total_rows(summary_.total_rows() + 1);
      switch (r.outcome()) {
        case rv1::ROW_OUTCOME_CREATED: summary_.set_created(summary_.created() + 1); break;
        case rv1::ROW_OUTCOME_UPDATED: summary_.set_updated(summary_.updated() + 1); break;
        case rv1::ROW_OUTCOME_UNCHANGED: summary_.set_unchanged(summary_.unchanged() + 1); break;
        default: summary_.set_rejected(summary_.rejected() + 1); break;
      }
      *response_.mutable_batch_result()->add_results() = std::move(r);
    }
    StartWrite(&response_);
  }

  void WriteSummary() {
    response_.Clear();
    *response_.mutable_summary() = summary_;
    summary_sent_ = true;
    StartWrite(&response_);
  }

  std::unique_ptr<RowImporter> MakeImporter(const ImportSetup& setup) {
    switch (setup.header.entity()) {
      case rv1::IMPORT_ENTITY_SCHOOL: return MakeSchoolImporter(setup);
      case rv1::IMPORT_ENTITY_SCHOOL_CLASS: return MakeClassImporter(setup);
      case rv1::IMPORT_ENTITY_TEACHER: return MakeTeacherImporter(setup);
      case rv1::IMPORT_ENTITY_BELL_SCHEDULE: return MakeBellScheduleImporter(setup);
      default: return nullptr;
    }
  }

  RpcEdge* edge_;
  pg::Pool* pool_;
  std::function<void(const std::string&)> forget_school_;
  CallContext call_;
  rv1::ImportRowsRequest request_;
  rv1::ImportRowsResponse response_;
  rv1::ImportHeader header_;
  rv1::ImportSummary summary_;
  std::unique_ptr<RowImporter> importer_;
  bool header_seen_ = false;
  bool finishing_ = false;
  bool summary_sent_ = false;
  int64_t last_row_ = 0;
  // request_id: the batches' ordinal, what their fingerprints cover besides
  // the rows, and the fingerprint of the whole stream so far (Finish's).
  int ordinal_ = 0;
  std::string header_fingerprint_;
  std::string stream_fingerprint_;
};

}  // namespace

const std::set<std::string>& ImportMethodNames() {
  static const auto* kNames = new std::set<std::string>{"ImportRows"};
  return *kNames;
}

grpc::ServerBidiReactor<rv1::ImportRowsRequest, rv1::ImportRowsResponse>* RegistryServiceImpl::ImportRows(
    grpc::CallbackServerContext* ctx) {
  return new ImportReactor(ctx, edge_, stores_.pool, [this](const std::string& code) { Forget(code); });
}

}  // namespace gongtong::registry
