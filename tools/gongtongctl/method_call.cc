#include "method_call.h"

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <vector>

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "call_context.h"
#include "descriptors.h"
#include "exit_codes.h"
#include "json_codec.h"
#include "status_details.h"

namespace gongtongctl {

using google::protobuf::Descriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

namespace {

std::unique_ptr<Message> NewMessage(const Descriptor& type) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) {
    static google::protobuf::DynamicMessageFactory* dynamic =
        new google::protobuf::DynamicMessageFactory();
    prototype = dynamic->GetPrototype(&type);
  }
  return std::unique_ptr<Message>(prototype->New());
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool ToString(const grpc::ByteBuffer& buffer, std::string* out) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  out->clear();
  for (const grpc::Slice& s : slices) out->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return true;
}

std::string ReadAll(std::istream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void PrintLocalError(const CallIo& io, const absl::Status& status) {
  *io.err << "gongtongctl: " << status.message() << "\n";
}

// Writes each response of a streaming call as it arrives; lets the calling
// thread write requests one at a time.
class StreamingCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamingCall(const MethodDescriptor& method, const CallIo& io)
      : method_(method), io_(io), pretty_(!method.server_streaming()) {}

  void Start() {
    StartRead(&response_);
    AddHold();  // requests are written from outside the reactions
    StartCall();
  }

  // Blocks until the write completes; false when the stream is broken (the
  // final status tells why).
  bool Write(const std::string& bytes) {
    request_ = ToByteBuffer(bytes);
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_pending_ = true;
    }
    StartWrite(&request_);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !write_pending_; });
    return write_ok_;
  }

  void FinishWriting(bool cancel, grpc::ClientContext* context) {
    if (cancel) {
      context->TryCancel();
    } else {
      StartWritesDone();
    }
    RemoveHold();
  }

  grpc::Status Await() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return status_;
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // no more responses; OnDone follows
    std::string bytes;
    absl::StatusOr<std::string> json =
        ToString(response_, &bytes)
            ? DecodeResponse(method_, bytes, pretty_)
            : absl::StatusOr<std::string>(absl::DataLossError("unreadable response buffer"));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (json.ok()) {
        *io_.out << *json << "\n" << std::flush;
      } else {
        *io_.err << "gongtongctl: " << json.status().message() << "\n";
      }
    }
    response_.Clear();
    StartRead(&response_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    write_pending_ = false;
    write_ok_ = ok;
    cv_.notify_all();
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    done_ = true;
    cv_.notify_all();
  }

 private:
  const MethodDescriptor& method_;
  const CallIo io_;
  const bool pretty_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool write_pending_ = false;
  bool write_ok_ = true;
  bool done_ = false;
  grpc::Status status_;
};

int RunUnary(grpc::GenericStub& stub, const std::string& path, const MethodDescriptor& method,
             const GlobalOptions& options, const std::string& request, const CallIo& io) {
  grpc::ClientContext context;
  PrepareContext(options, &context);
  grpc::ByteBuffer request_buffer = ToByteBuffer(request);
  grpc::ByteBuffer response_buffer;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   done = true;
                   cv.notify_all();
                 });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  if (!status.ok()) {
    *io.err << FormatRpcError(status);
    return ExitCodeFor(status.error_code());
  }
  std::string bytes;
  absl::StatusOr<std::string> json =
      ToString(response_buffer, &bytes)
          ? DecodeResponse(method, bytes, /*pretty=*/true)
          : absl::StatusOr<std::string>(absl::DataLossError("unreadable response buffer"));
  if (!json.ok()) {
    PrintLocalError(io, json.status());
    return kExitFailed;
  }
  *io.out << *json << "\n";
  return kExitOk;
}

}  // namespace

absl::StatusOr<std::string> EncodeRequest(const MethodDescriptor& method, absl::string_view json) {
  std::unique_ptr<Message> request = NewMessage(*method.input_type());
  absl::Status parsed = ParseJsonRequest(json, request.get());
  if (!parsed.ok()) return parsed;
  std::string bytes;
  if (!request->SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("cannot serialize ", method.input_type()->full_name()));
  }
  return bytes;
}

absl::StatusOr<std::string> DecodeResponse(const MethodDescriptor& method, const std::string& bytes,
                                           bool pretty) {
  std::unique_ptr<Message> response = NewMessage(*method.output_type());
  if (!response->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("response is not a valid ",
                                            method.output_type()->full_name(), " (",
                                            bytes.size(), " bytes)"));
  }
  return PrintJson(*response, pretty);
}

int RunCall(const std::shared_ptr<grpc::Channel>& channel, const MethodDescriptor& method,
            const GlobalOptions& options, const std::optional<std::string>& request_arg,
            const CallIo& io) {
  const std::string path = MethodPath(method);
  grpc::GenericStub stub(channel);
  const bool from_stdin = !request_arg.has_value() || *request_arg == "-";

  if (!method.client_streaming()) {
    std::string json = !request_arg.has_value() ? "{}" : from_stdin ? ReadAll(*io.in) : *request_arg;
    absl::StatusOr<std::string> request = EncodeRequest(method, json);
    if (!request.ok()) {
      PrintLocalError(io, request.status());
      return kExitUsage;
    }
    if (!method.server_streaming()) return RunUnary(stub, path, method, options, *request, io);

    grpc::ClientContext context;
    PrepareContext(options, &context);
    StreamingCall call(method, io);
    stub.PrepareBidiStreamingCall(&context, path, grpc::StubOptions(), &call);
    call.Start();
    if (call.Write(*request)) {
      call.FinishWriting(/*cancel=*/false, &context);
    } else {
      call.RemoveHold();
    }
    grpc::Status status = call.Await();
    if (!status.ok()) *io.err << FormatRpcError(status);
    return ExitCodeFor(status.error_code());
  }

  // Client- and bidi-streaming: a sequence of JSON requests.
  std::istringstream literal(from_stdin ? std::string() : *request_arg);
  JsonStreamReader reader(from_stdin ? io.in : &literal);
  auto next_request = [&]() -> std::optional<absl::StatusOr<std::string>> {
    std::optional<absl::StatusOr<JsonStreamReader::Value>> value = reader.Next();
    if (!value.has_value()) return std::nullopt;
    if (!value->ok()) return absl::StatusOr<std::string>(value->status());
    absl::StatusOr<std::string> request = EncodeRequest(method, (*value)->text);
    if (!request.ok()) {
      return absl::StatusOr<std::string>(absl::InvalidArgumentError(
          absl::StrCat("request starting on line ", (*value)->line, ": ",
                       request.status().message())));
    }
    return request;
  };

  std::vector<std::string> prepared;
  if (!method.server_streaming()) {
    // Client-streaming (e.g. a bulk import): check everything before sending.
    while (std::optional<absl::StatusOr<std::string>> request = next_request()) {
      if (!request->ok()) {
        PrintLocalError(io, request->status());
        *io.err << "gongtongctl: nothing was sent\n";
        return kExitUsage;
      }
      prepared.push_back(std::move(**request));
    }
  }

  grpc::ClientContext context;
  PrepareContext(options, &context);
  StreamingCall call(method, io);
  stub.PrepareBidiStreamingCall(&context, path, grpc::StubOptions(), &call);
  call.Start();
  bool input_error = false;
  bool stream_ok = true;
  if (!method.server_streaming()) {
    for (const std::string& request : prepared) {
      if (!(stream_ok = call.Write(request))) break;
    }
  } else {
    while (std::optional<absl::StatusOr<std::string>> request = next_request()) {
      if (!request->ok()) {
        PrintLocalError(io, request->status());
        *io.err << "gongtongctl: cancelling the call\n";
        input_error = true;
        break;
      }
      if (!(stream_ok = call.Write(**request))) break;
    }
  }
  if (stream_ok) {
    call.FinishWriting(/*cancel=*/input_error, &context);
  } else {
    call.RemoveHold();
  }
  grpc::Status status = call.Await();
  if (input_error) return kExitUsage;
  if (!status.ok()) *io.err << FormatRpcError(status);
  return ExitCodeFor(status.error_code());
}

}  // namespace gongtongctl
