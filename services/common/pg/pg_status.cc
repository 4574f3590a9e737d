#include "common/pg/pg_status.h"

#include <pqxx/except>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::pg {
namespace {

// Extracts `constraint "name"` from a PostgreSQL error message.
std::string ConstraintName(std::string_view what) {
  auto at = what.find("constraint \"");
  if (at == std::string_view::npos) return "";
  at += 12;
  auto end = what.find('"', at);
  return std::string(what.substr(at, end == std::string_view::npos ? 0 : end - at));
}

}  // namespace

absl::Status CurrentExceptionStatus() {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return ErrorBuilder(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE")
        .Message(absl::StrCat("database unavailable: ", e.what()))
        .Zh("数据库暂时不可用，请稍后重试");
  } catch (const pqxx::serialization_failure& e) {
    return ErrorBuilder(absl::StatusCode::kAborted, "DB_SERIALIZATION_FAILURE")
        .Message(absl::StrCat("concurrent update, retry: ", e.what()))
        .Zh("并发冲突，请重试");
  } catch (const pqxx::deadlock_detected& e) {
    return ErrorBuilder(absl::StatusCode::kAborted, "DB_DEADLOCK")
        .Message(absl::StrCat("deadlock, retry: ", e.what()))
        .Zh("并发冲突，请重试");
  } catch (const pqxx::statement_completion_unknown& e) {
    return ErrorBuilder(absl::StatusCode::kUnavailable, "DB_OUTCOME_UNKNOWN")
        .Message(absl::StrCat("connection lost during commit; outcome unknown: ", e.what()))
        .Zh("数据库连接中断，操作结果未知，请查询后再试");
  } catch (const pqxx::in_doubt_error& e) {
    return ErrorBuilder(absl::StatusCode::kUnavailable, "DB_OUTCOME_UNKNOWN")
        .Message(absl::StrCat("connection lost during commit; outcome unknown: ", e.what()))
        .Zh("数据库连接中断，操作结果未知，请查询后再试");
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    if (state == "57014") {
      return ErrorBuilder(absl::StatusCode::kDeadlineExceeded, "DB_STATEMENT_TIMEOUT")
          .Message("database statement exceeded the request deadline")
          .Zh("请求超时，请稍后重试");
    }
    if (state == "23P01") {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "DB_EXCLUSION_VIOLATION")
          .Message(e.what())
          .Meta("constraint", ConstraintName(e.what()))
          .Zh("时间冲突：资源已被占用");
    }
    if (state == "23505") {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "DB_UNIQUE_VIOLATION")
          .Message(e.what())
          .Meta("constraint", ConstraintName(e.what()))
          .Zh("记录已存在");
    }
    if (absl::StartsWith(state, "23")) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "DB_INTEGRITY_VIOLATION")
          .Message(e.what())
          .Meta("constraint", ConstraintName(e.what()))
          .Zh("数据完整性校验未通过");
    }
    if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03") {
      return ErrorBuilder(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE")
          .Message(e.what())
          .Zh("数据库暂时不可用，请稍后重试");
    }
    return absl::InternalError(absl::StrCat("sql error ", state, ": ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("database error: ", e.what()));
  } catch (...) {
    return absl::InternalError("unknown database error");
  }
}

}  // namespace gongtong::pg
