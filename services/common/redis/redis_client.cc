#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::redis {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = ms.count() / 1000;
  tv.tv_usec = (ms.count() % 1000) * 1000;
  return tv;
}

absl::Status Unavailable(std::string message) {
  return ErrorBuilder(absl::StatusCode::kUnavailable, "REDIS_UNAVAILABLE")
      .Message(std::move(message))
      .Zh("缓存与消息服务暂时不可用，请稍后重试");
}

}  // namespace

absl::StatusOr<Options> ParseAddress(const std::string& host_port) {
  Options o;
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(host_port.substr(colon + 1), &o.port)) {
    return absl::InvalidArgumentError("redis address must be host:port, got '" + host_port + "'");
  }
  o.host = host_port.substr(0, colon);
  return o;
}

Client::Client(Options options) : options_(std::move(options)) {}

Client::~Client() {
  if (ctx_) redisFree(ctx_);
}

void Client::SetCommandTimeout(std::chrono::milliseconds timeout) {
  options_.command_timeout = timeout;
  if (ctx_) redisSetTimeout(ctx_, ToTimeval(timeout));
}

absl::Status Client::DropOnError(const char* what) {
  std::string message = absl::StrCat("redis ", what, " failed at ", options_.host, ":", options_.port,
                                     ": ", ctx_ && ctx_->errstr[0] ? ctx_->errstr : "connection lost");
  if (ctx_) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  return Unavailable(message);
}

absl::Status Client::EnsureConnected() {
  if (ctx_) return absl::OkStatus();
  ctx_ = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                 ToTimeval(options_.connect_timeout));
  if (!ctx_ || ctx_->err) return DropOnError("connect");
  if (redisSetTimeout(ctx_, ToTimeval(options_.command_timeout)) != REDIS_OK) {
    return DropOnError("set timeout");
  }
  if (!options_.password.empty()) {
    auto reply = Command({"AUTH", options_.password});
    if (!reply.ok()) return reply.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> Client::Convert(redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_NIL:
      out.type = Reply::Type::kNil;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) {
        auto e = Convert(r->element[i]);
        if (!e.ok()) return e.status();
        out.elements.push_back(std::move(*e));
      }
      break;
    case REDIS_REPLY_ERROR:
      return absl::FailedPreconditionError(std::string(r->str, r->len));
    default:
      return absl::InternalError(absl::StrCat("unexpected redis reply type ", r->type));
  }
  return out;
}

absl::StatusOr<Reply> Client::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (auto s = EnsureConnected(); !s.ok()) return s;
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()) != REDIS_OK) {
      return DropOnError("append");
    }
  }
  std::vector<Reply> out;
  absl::Status first_error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) return DropOnError("command");
    auto* reply = static_cast<redisReply*>(raw);
    auto converted = Convert(reply);
    freeReplyObject(reply);
    if (!converted.ok()) {
      if (first_error.ok()) first_error = converted.status();
      out.emplace_back();
    } else {
      out.push_back(std::move(*converted));
    }
  }
  if (!first_error.ok()) return first_error;
  return out;
}

ClientPool::ClientPool(Options options, int size) : options_(options) {
  for (int i = 0; i < size; ++i) {
    clients_.push_back(std::make_unique<Client>(options));
    free_.push_back(clients_.back().get());
  }
}

ClientPool::Lease ClientPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  Client* c = free_.back();
  free_.pop_back();
  return Lease(this, c);
}

ClientPool::Lease::~Lease() {
  if (!client_) return;
  {
    std::lock_guard<std::mutex> lock(pool_->mu_);
    pool_->free_.push_back(client_);
  }
  pool_->cv_.notify_one();
}

}  // namespace gongtong::redis
