// gongtong-load: a closed-loop gRPC load generator.
//
// Exactly --inflight calls are outstanding at every moment: each completion
// immediately issues the next call on the same slot. Slots are spread over
// --channels channels (each with distinct channel arguments and a local
// subchannel pool, so each is its own TCP connection) and over --threads
// completion-queue threads. Calls go through grpc::GenericStub with requests
// serialized before the run, so the client's cost per call is the same for
// every method. Latency is measured per call with steady_clock, from just
// before the call is started to the completion of its Finish.
//
// Timed runs: --warmup (not recorded), then --duration (recorded: every call
// that completes inside the window), then the outstanding calls drain.
// Counted runs (--count=N, and --mode=create_schools): exactly N calls,
// all recorded, qps = N / elapsed.
//
// Any status other than OK is an error and is never counted as a success:
// "calls" are successes; "errors" and "errors_by_code" the rest.
//
// Output: one line of JSON on stdout, e.g.
//   {"mode":"echo","qps":21000.5,"p50_ms":2.8,"p90_ms":4.1,"p99_ms":6.0,"errors":0,"calls":210005,...}
// plus p999/max/mean, errors_by_code, first_error, mean request/response bytes, all_calls
// (every completion, warm-up and drain included) and client_cpu_us_per_call (getrusage over the
// run divided by all_calls), so a script can charge servers' CPU time per call the same way.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "echo.pb.h"
#include "gongtong/registry/v1/school_requests.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "school_gen.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace rv1 = gongtong::registry::v1;

constexpr char kUsage[] = R"(gongtong-load: closed-loop gRPC load generator (one line of JSON per run)

  gongtong-load --addr=HOST:PORT --mode=MODE [flags]

Modes:
  echo            gongtong.testing.v1.EchoService/Echo, payload of --payload_bytes bytes
  get_school      RegistryService/GetSchool over the codes of --codes_file (one per line),
                  round-robin
  list_schools    RegistryService/ListSchools, filter region_code:"PREFIX" (--region_prefix,
                  a comma-separated list is used round-robin), --page_size; first page only
  create_schools  RegistryService/CreateSchool of --count generated schools (40 counties in
                  4 provinces, see school_gen.h); --codes_out=FILE writes their codes
  json            --method=pkg.Service/Method with --request='JSON' (the request type is
                  looked up in the compiled descriptors)

Flags:
  --addr=HOST:PORT        server (env GONGTONG_ADDR, default 127.0.0.1:50051)
  --token=JWT             sent as "authorization: Bearer JWT" (env GONGTONG_TOKEN)
  --inflight=64           calls outstanding at every moment
  --channels=4            TCP connections (distinct channel args, local subchannel pools)
  --threads=1             completion-queue threads of the client
  --duration=10s          measured window (s or ms suffix)
  --warmup=2s             unmeasured lead-in
  --count=N               instead of a timed run: exactly N calls, all measured
  --deadline_ms=5000      per-call deadline (a DEADLINE_EXCEEDED is an error)
  --label=TEXT            copied into the JSON line
  --payload_bytes=N       echo: payload size (default 512)
  --codes_file=FILE       get_school: school codes, one per line
  --region_prefix=3310    list_schools
  --page_size=50          list_schools
  --codes_out=FILE        create_schools: write the generated codes
  --method=, --request=   json mode
)";

// ---- flags -------------------------------------------------------------------------------------

struct Flags {
  std::string addr;
  std::string token;
  std::string mode;
  int inflight = 64;
  int channels = 4;
  int threads = 1;
  double duration_s = 10;
  double warmup_s = 2;
  long count = 0;
  int deadline_ms = 5000;
  std::string label;
  int payload_bytes = 512;
  std::string codes_file;
  std::string region_prefix = "3310";
  int page_size = 50;
  std::string codes_out;
  std::string method;
  std::string request_json;
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "gongtong-load: " << message << "\n";
  std::exit(2);
}

double ParseSeconds(const std::string& flag, std::string v) {
  double scale = 1;
  if (absl::EndsWith(v, "ms")) {
    scale = 0.001;
    v.resize(v.size() - 2);
  } else if (absl::EndsWith(v, "s")) {
    v.resize(v.size() - 1);
  }
  double d;
  if (!absl::SimpleAtod(v, &d) || d < 0) Die("--" + flag + ": not a duration: " + v);
  return d * scale;
}

template <typename T>
T ParseInt(const std::string& flag, const std::string& v, T min) {
  int64_t n;
  if (!absl::SimpleAtoi(v, &n) || n < min) Die(absl::StrCat("--", flag, ": must be an integer ≥ ", min));
  return static_cast<T>(n);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  if (const char* e = std::getenv("GONGTONG_ADDR")) f.addr = e;
  if (const char* e = std::getenv("GONGTONG_TOKEN")) f.token = e;
  if (f.addr.empty()) f.addr = "127.0.0.1:50051";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (!absl::StartsWith(arg, "--") || arg.find('=') == std::string::npos) Die("bad argument: " + arg);
    std::string name = arg.substr(2, arg.find('=') - 2);
    std::string v = arg.substr(arg.find('=') + 1);
    if (name == "addr") f.addr = v;
    else if (name == "token") f.token = v;
    else if (name == "mode") f.mode = v;
    else if (name == "inflight") f.inflight = ParseInt<int>(name, v, 1);
    else if (name == "channels") f.channels = ParseInt<int>(name, v, 1);
    else if (name == "threads") f.threads = ParseInt<int>(name, v, 1);
    else if (name == "duration") f.duration_s = ParseSeconds(name, v);
    else if (name == "warmup") f.warmup_s = ParseSeconds(name, v);
    else if (name == "count") f.count = ParseInt<long>(name, v, 1);
    else if (name == "deadline_ms") f.deadline_ms = ParseInt<int>(name, v, 1);
    else if (name == "label") f.label = v;
    else if (name == "payload_bytes") f.payload_bytes = ParseInt<int>(name, v, 0);
    else if (name == "codes_file") f.codes_file = v;
    else if (name == "region_prefix") f.region_prefix = v;
    else if (name == "page_size") f.page_size = ParseInt<int>(name, v, 0);
    else if (name == "codes_out") f.codes_out = v;
    else if (name == "method") f.method = v;
    else if (name == "request") f.request_json = v;
    else Die("unknown flag --" + name + " (see --help)");
  }
  if (f.mode.empty()) Die("--mode is required (see --help)");
  if (f.duration_s <= 0 && f.count == 0) Die("--duration must be > 0");
  return f;
}

// ---- requests ----------------------------------------------------------------------------------

grpc::ByteBuffer Serialize(const google::protobuf::Message& m) {
  std::string bytes = m.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// What to call and with which requests. Requests are built before the run;
// call i uses requests[i % size].
struct Workload {
  std::string method;  // "/pkg.Service/Method"
  std::vector<grpc::ByteBuffer> requests;
  size_t request_bytes = 0;  // mean
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

Workload BuildWorkload(Flags& f) {
  Workload w;
  size_t total = 0;
  auto add = [&](const google::protobuf::Message& m) {
    total += m.ByteSizeLong();
    w.requests.push_back(Serialize(m));
  };
  if (f.mode == "echo") {
    w.method = "/gongtong.testing.v1.EchoService/Echo";
    gongtong::testing::v1::EchoRequest req;
    req.set_payload(std::string(static_cast<size_t>(f.payload_bytes), 'x'));
    add(req);
  } else if (f.mode == "get_school") {
    w.method = "/gongtong.registry.v1.RegistryService/GetSchool";
    if (f.codes_file.empty()) Die("--mode=get_school needs --codes_file");
    for (const auto& code : ReadLines(f.codes_file)) {
      rv1::GetSchoolRequest req;
      req.set_name(absl::StrCat("schools/", code));
      add(req);
    }
    if (w.requests.empty()) Die(f.codes_file + " holds no codes");
  } else if (f.mode == "list_schools") {
    w.method = "/gongtong.registry.v1.RegistryService/ListSchools";
    for (absl::string_view prefix : absl::StrSplit(f.region_prefix, ',', absl::SkipEmpty())) {
      rv1::ListSchoolsRequest req;
      req.set_page_size(f.page_size);
      req.set_filter(absl::StrCat("region_code:\"", prefix, "\""));
      add(req);
    }
    if (w.requests.empty()) Die("--region_prefix is empty");
  } else if (f.mode == "create_schools") {
    w.method = "/gongtong.registry.v1.RegistryService/CreateSchool";
    if (f.count == 0) f.count = 10000;
    if (f.count > 40L * 10000) Die("--count: at most 400000 schools can be generated");
    std::ofstream codes;
    if (!f.codes_out.empty()) {
      codes.open(f.codes_out, std::ios::trunc);
      if (!codes) Die("cannot write " + f.codes_out);
    }
    for (long i = 0; i < f.count; ++i) {
      rv1::CreateSchoolRequest req;
      *req.mutable_school() = gongtong::bench::BenchSchool(static_cast<int>(i));
      if (codes.is_open()) codes << req.school().school_code() << "\n";
      add(req);
    }
    if (codes.is_open()) {
      codes.close();
      if (!codes) Die("writing " + f.codes_out + " failed");
    }
  } else if (f.mode == "json") {
    if (f.method.empty()) Die("--mode=json needs --method=pkg.Service/Method");
    std::string full = f.method;
    if (full[0] == '/') full = full.substr(1);
    std::string dotted = full;
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    const auto* md = pool->FindMethodByName(dotted);
    if (md == nullptr) Die("unknown method " + f.method);
    if (md->client_streaming() || md->server_streaming()) Die(f.method + " is not unary");
    google::protobuf::DynamicMessageFactory factory(pool);
    std::unique_ptr<google::protobuf::Message> req(factory.GetPrototype(md->input_type())->New());
    auto s = google::protobuf::util::JsonStringToMessage(f.request_json.empty() ? "{}" : f.request_json, req.get());
    if (!s.ok()) Die("--request: " + s.ToString());
    w.method = "/" + full;
    add(*req);
  } else {
    Die("unknown --mode=" + f.mode + " (echo, get_school, list_schools, create_schools, json)");
  }
  w.request_bytes = total / w.requests.size();
  return w;
}

// ---- the closed loop ---------------------------------------------------------------------------

std::string CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                 "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                 "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  int c = static_cast<int>(code);
  return c >= 0 && c <= 16 ? kNames[c] : absl::StrCat("CODE_", c);
}

struct Worker;

struct Slot {
  Worker* worker = nullptr;
  grpc::GenericStub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  Clock::time_point start;
  bool active = false;
};

// Per-thread results, merged at the end (no locks on the hot path).
struct Results {
  std::vector<uint32_t> latency_us;  // successes only
  long successes = 0;
  long errors = 0;
  std::map<std::string, long> errors_by_code;
  std::string first_error;
  uint64_t response_bytes = 0;  // of successes
};

struct Shared {
  const Flags* flags = nullptr;
  const Workload* workload = nullptr;
  std::string authorization;
  std::atomic<uint64_t> next_request{0};
  // Recording window in steady_clock nanoseconds; calls completing inside it count.
  std::atomic<int64_t> window_start{INT64_MAX};
  std::atomic<int64_t> window_end{INT64_MAX};
  std::atomic<bool> stop{false};
  std::atomic<long> completed_counted{0};  // counted mode
  std::atomic<int64_t> last_completion{0};
  std::atomic<long> all_completions{0};  // every completion, warm-up and drain included
};

int64_t Nanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

struct Worker {
  Shared* shared = nullptr;
  grpc::CompletionQueue cq;
  std::vector<Slot*> slots;
  Results results;
  int outstanding = 0;

  // Starts the next call on `slot`, unless the run is over. Returns whether it did.
  bool Issue(Slot* slot) {
    const Flags& f = *shared->flags;
    uint64_t n;
    if (f.count > 0) {
      n = shared->next_request.fetch_add(1, std::memory_order_relaxed);
      if (n >= static_cast<uint64_t>(f.count)) return false;
    } else {
      if (shared->stop.load(std::memory_order_relaxed)) return false;
      n = shared->next_request.fetch_add(1, std::memory_order_relaxed);
    }
    const auto& requests = shared->workload->requests;
    slot->ctx = std::make_unique<grpc::ClientContext>();
    if (!shared->authorization.empty()) slot->ctx->AddMetadata("authorization", shared->authorization);
    slot->response.Clear();
    slot->start = Clock::now();
    slot->ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(f.deadline_ms));
    slot->reader = slot->stub->PrepareUnaryCall(slot->ctx.get(), shared->workload->method,
                                                requests[n % requests.size()], &cq);
    slot->reader->StartCall();
    slot->reader->Finish(&slot->response, &slot->status, slot);
    ++outstanding;
    return true;
  }

  void Complete(Slot* slot) {
    --outstanding;
    shared->all_completions.fetch_add(1, std::memory_order_relaxed);
    const auto now = Clock::now();
    const int64_t t = Nanos(now);
    bool record;
    if (shared->flags->count > 0) {
      record = true;
      shared->completed_counted.fetch_add(1, std::memory_order_relaxed);
      int64_t prev = shared->last_completion.load(std::memory_order_relaxed);
      while (prev < t && !shared->last_completion.compare_exchange_weak(prev, t)) {
      }
    } else {
      record = t >= shared->window_start.load(std::memory_order_acquire) &&
               t <= shared->window_end.load(std::memory_order_acquire);
    }
    if (record) {
      if (slot->status.ok()) {
        ++results.successes;
        results.response_bytes += slot->response.Length();
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - slot->start).count();
        results.latency_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
      } else {
        ++results.errors;
        ++results.errors_by_code[CodeName(slot->status.error_code())];
        if (results.first_error.empty()) {
          results.first_error = CodeName(slot->status.error_code()) + ": " + slot->status.error_message();
        }
      }
    }
  }

  void Run() {
    for (Slot* s : slots) Issue(s);
    void* tag;
    bool ok;
    while (outstanding > 0 && cq.Next(&tag, &ok)) {
      auto* slot = static_cast<Slot*>(tag);
      Complete(slot);
      Issue(slot);
    }
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
  }
};

double Percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1000.0;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  // As the servers do (common/server/service_main.cc): Debian's Abseil would
  // otherwise track every gRPC mutex in a deadlock graph.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Flags flags = ParseFlags(argc, argv);
  Workload workload = BuildWorkload(flags);
  if (flags.token.empty()) std::cerr << "gongtong-load: warning: no --token / GONGTONG_TOKEN: calls carry no credentials\n";

  // Distinct channel arguments and a local subchannel pool: one TCP connection per channel.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < flags.channels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("gongtong.load.channel", c);
    args.SetMaxReceiveMessageSize(64 << 20);
    auto channel = grpc::CreateCustomChannel(flags.addr, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      Die("cannot connect to " + flags.addr);
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    channels.push_back(std::move(channel));
  }

  Shared shared;
  shared.flags = &flags;
  shared.workload = &workload;
  if (!flags.token.empty()) shared.authorization = "Bearer " + flags.token;

  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < flags.threads; ++t) {
    workers.push_back(std::make_unique<Worker>());
    workers.back()->shared = &shared;
  }
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < flags.inflight; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->worker = workers[i % flags.threads].get();
    slot->stub = stubs[i % flags.channels].get();
    slot->worker->slots.push_back(slot.get());
    slots.push_back(std::move(slot));
  }
  if (flags.count == 0) {
    const size_t expect = static_cast<size_t>(flags.duration_s * 60000 / flags.threads) + 1024;
    for (auto& w : workers) w->results.latency_us.reserve(expect);
  }

  auto cpu_seconds = [] {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
  const double cpu_begin = cpu_seconds();
  const auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });

  double window_s;
  if (flags.count > 0) {
    for (auto& t : threads) t.join();
    window_s = std::chrono::duration<double>(
                   Clock::time_point(std::chrono::nanoseconds(shared.last_completion.load())) - begin)
                   .count();
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(flags.warmup_s));
    const auto t0 = Clock::now();
    shared.window_start.store(Nanos(t0), std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(flags.duration_s));
    const auto t1 = Clock::now();
    shared.window_end.store(Nanos(t1), std::memory_order_release);
    shared.stop.store(true);
    for (auto& t : threads) t.join();
    window_s = std::chrono::duration<double>(t1 - t0).count();
  }

  const double client_cpu_s = cpu_seconds() - cpu_begin;
  const long all_calls = shared.all_completions.load();
  Results all;
  for (auto& w : workers) {
    auto& r = w->results;
    all.latency_us.insert(all.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
    all.successes += r.successes;
    all.errors += r.errors;
    all.response_bytes += r.response_bytes;
    for (const auto& [k, v] : r.errors_by_code) all.errors_by_code[k] += v;
    if (all.first_error.empty()) all.first_error = r.first_error;
  }
  std::sort(all.latency_us.begin(), all.latency_us.end());
  double mean = 0;
  for (uint32_t us : all.latency_us) mean += us;
  if (!all.latency_us.empty()) mean /= 1000.0 * static_cast<double>(all.latency_us.size());

  std::string by_code = "{";
  for (const auto& [k, v] : all.errors_by_code) {
    absl::StrAppend(&by_code, by_code.size() > 1 ? "," : "", JsonString(k), ":", v);
  }
  by_code += "}";
  std::cout << absl::StrFormat(
                   "{\"mode\":%s,\"label\":%s,\"method\":%s,\"qps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
                   "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"mean_ms\":%.3f,\"errors\":%d,"
                   "\"calls\":%d,\"errors_by_code\":%s,\"first_error\":%s,\"inflight\":%d,\"channels\":%d,"
                   "\"threads\":%d,\"window_s\":%.3f,\"request_bytes\":%d,\"response_bytes\":%d,"
                   "\"all_calls\":%d,\"client_cpu_us_per_call\":%.1f}",
                   JsonString(flags.mode), JsonString(flags.label), JsonString(workload.method),
                   window_s > 0 ? static_cast<double>(all.successes) / window_s : 0.0,
                   Percentile(all.latency_us, 0.50), Percentile(all.latency_us, 0.90),
                   Percentile(all.latency_us, 0.99), Percentile(all.latency_us, 0.999),
                   all.latency_us.empty() ? 0.0 : all.latency_us.back() / 1000.0, mean, all.errors,
                   all.successes, by_code, JsonString(all.first_error), flags.inflight, flags.channels,
                   flags.threads, window_s, workload.request_bytes,
                   all.successes > 0 ? static_cast<int64_t>(all.response_bytes / all.successes) : 0,
                   all_calls, all_calls > 0 ? client_cpu_s * 1e6 / static_cast<double>(all_calls) : 0.0)
            << std::endl;
  return all.successes > 0 ? 0 : 1;
}
