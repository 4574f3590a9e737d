// Unit tests of gongtongctl: argument parsing, method resolution, JSON
// requests, status details, token minting, and the call path end to end
// against an in-process server (port 0) that implements the test-only
// gongtongctl.ctltest.v1.EchoService (testdata/ctltest.proto) and health.
#include <arpa/inet.h>
#include <jwt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <fstream>
#include <vector>

#include <google/protobuf/any.pb.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "args.h"
#include "call_context.h"
#include "commands.h"
#include "ctltest.pb.h"
#include "descriptors.h"
#include "exit_codes.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "import_command.h"
#include "json_codec.h"
#include "method_call.h"
#include "proto_files.h"
#include "status_details.h"
#include "token.h"
#ifdef GONGTONGCTL_TEST_WITH_REGISTRY
#include "local_servers.h"
#include "registry_test_server.h"
#endif

namespace gongtongctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using EchoRequest = ctltest::v1::EchoRequest;
using EchoResponse = ctltest::v1::EchoResponse;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// ---------------------------------------------------------------- arguments

TEST(ParseInvocation, DefaultsWithoutFlagsOrEnvironment) {
  absl::StatusOr<Invocation> inv = ParseInvocation({"health"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.addr, "127.0.0.1:50051");
  EXPECT_EQ(inv->global.token, "");
  EXPECT_EQ(inv->global.timeout_seconds, 10);
  EXPECT_EQ(inv->global.request_id, "");
  EXPECT_EQ(inv->command, "health");
  EXPECT_TRUE(inv->args.empty());
  EXPECT_FALSE(inv->help);
}

TEST(ParseInvocation, EnvironmentFallbacksAndFlagOverrides) {
  EnvLookup env = FakeEnv({{"GONGTONG_ADDR", "10.0.0.1:7000"}, {"GONGTONG_TOKEN", " Bearer abc.def.ghi\n"}});
  absl::StatusOr<Invocation> inv = ParseInvocation({"list"}, env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.addr, "10.0.0.1:7000");
  EXPECT_EQ(inv->global.token, "abc.def.ghi");

  inv = ParseInvocation({"--addr", "h:1", "--token=x.y.z", "list"}, env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.addr, "h:1");
  EXPECT_EQ(inv->global.token, "x.y.z");

  inv = ParseInvocation({"--token=", "list"}, env);  // explicitly no token
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.token, "");
}

TEST(ParseInvocation, GlobalFlagsAfterTheCommandAndPassThrough) {
  absl::StatusOr<Invocation> inv = ParseInvocation(
      {"call", "pkg.S/M", "{\"a\":1}", "--timeout=2.5", "--request-id", "req-1"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, "call");
  EXPECT_EQ(inv->args, (std::vector<std::string>{"pkg.S/M", "{\"a\":1}"}));
  EXPECT_DOUBLE_EQ(inv->global.timeout_seconds, 2.5);
  EXPECT_EQ(inv->global.request_id, "req-1");

  inv = ParseInvocation({"token", "--role=teacher", "--school", "2133102401"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->args, (std::vector<std::string>{"--role=teacher", "--school", "2133102401"}));

  inv = ParseInvocation({"call", "--", "--timeout=3"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->args, (std::vector<std::string>{"--timeout=3"}));
  EXPECT_EQ(inv->global.timeout_seconds, 10);

  inv = ParseInvocation({"call", "pkg.S/M", "-"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->args, (std::vector<std::string>{"pkg.S/M", "-"}));

  inv = ParseInvocation({"--help"}, FakeEnv({}));
  ASSERT_TRUE(inv.ok());
  EXPECT_TRUE(inv->help);
}

TEST(ParseInvocation, RefusesBadFlags) {
  struct Case {
    std::vector<std::string> argv;
    std::string error;
  };
  const Case cases[] = {
      {{"--timeout=0", "health"}, "--timeout=0"},
      {{"--timeout=-1", "health"}, "--timeout=-1"},
      {{"--timeout=abc", "health"}, "--timeout=abc"},
      {{"--timeout=inf", "health"}, "--timeout=inf"},
      {{"--timeout"}, "--timeout needs a value"},
      {{"--addr=", "health"}, "--addr must not be empty"},
      {{"--request-id=a b", "health"}, "--request-id"},
      {{"--token=a b", "health"}, "token contains spaces"},
      {{"--verbose", "health"}, "unknown flag --verbose"},
      {{"-v", "health"}, "unknown flag -v"},
      {{"--tls", "health"}, "not supported yet"},
      {{"health", "--tls=true"}, "not supported yet"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Invocation> inv = ParseInvocation(c.argv, FakeEnv({}));
    ASSERT_FALSE(inv.ok()) << c.argv[0];
    EXPECT_THAT(std::string(inv.status().message()), HasSubstr(c.error)) << c.argv[0];
  }
  absl::StatusOr<Invocation> inv = ParseInvocation({"list"}, FakeEnv({{"GONGTONG_TOKEN", "a\tb"}}));
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(std::string(inv.status().message()), HasSubstr("GONGTONG_TOKEN"));
}

TEST(ParseCommandFlags, ValuesPositionalsAndErrors) {
  absl::StatusOr<CommandFlags> flags =
      ParseCommandFlags({"--a=1", "--b", "2", "pos"}, {"a", "b"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->values.at("a"), "1");
  EXPECT_EQ(flags->values.at("b"), "2");
  EXPECT_EQ(flags->positional, std::vector<std::string>{"pos"});

  flags = ParseCommandFlags({"--c=1"}, {"a", "b"});
  ASSERT_FALSE(flags.ok());
  EXPECT_THAT(std::string(flags.status().message()), HasSubstr("unknown flag --c"));
  flags = ParseCommandFlags({"--a=1", "--a=2"}, {"a"});
  ASSERT_FALSE(flags.ok());
  EXPECT_THAT(std::string(flags.status().message()), HasSubstr("given twice"));
  flags = ParseCommandFlags({"--a"}, {"a"});
  ASSERT_FALSE(flags.ok());
  EXPECT_THAT(std::string(flags.status().message()), HasSubstr("needs a value"));
}

TEST(CallContext, DeadlineFromTimeout) {
  GlobalOptions options;
  options.timeout_seconds = 1.5;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  EXPECT_EQ(DeadlineFrom(options, now) - now, std::chrono::milliseconds(1500));
}

// ---------------------------------------------------------------- descriptors

Catalog TestCatalog() {
  return Catalog(google::protobuf::DescriptorPool::generated_pool(),
                 {"ctltest.proto", "grpc/health/v1/health.proto"});
}

TEST(Catalog, EveryCompiledProtoIsLinked) {
  Catalog catalog = Catalog::Generated();
  EXPECT_TRUE(catalog.missing_files().empty())
      << "first missing: " << catalog.missing_files().front();
  const std::vector<std::string>& files = CompiledProtoFiles();
  EXPECT_NE(std::find(files.begin(), files.end(), "gongtong/events/v1/envelope.proto"), files.end());
  EXPECT_NE(std::find(files.begin(), files.end(), "grpc/health/v1/health.proto"), files.end());
  // Every gongtong service must be callable by name although nothing in this
  // binary references its generated code.
  for (const google::protobuf::ServiceDescriptor* s : catalog.services()) {
    for (int i = 0; i < s->method_count(); ++i) {
      absl::StatusOr<const google::protobuf::MethodDescriptor*> m =
          catalog.FindMethod(MethodPath(*s->method(i)));
      ASSERT_TRUE(m.ok()) << m.status();
      EXPECT_NE(google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                    (*m)->input_type()),
                nullptr);
    }
  }
  EXPECT_TRUE(catalog.FindService("grpc.health.v1.Health").ok());
  EXPECT_TRUE(catalog.Describe("gongtong.events.v1.EventEnvelope").ok());
  EXPECT_TRUE(catalog.Describe("google.rpc.BadRequest").ok());
}

TEST(Catalog, FindsMethodsInEveryAcceptedSpelling) {
  Catalog catalog = TestCatalog();
  const char* const spellings[] = {
      "gongtongctl.ctltest.v1.EchoService/Collect", "/gongtongctl.ctltest.v1.EchoService/Collect",
      "gongtongctl.ctltest.v1.EchoService.Collect", ".gongtongctl.ctltest.v1.EchoService.Collect",
      "EchoService/Collect", "Collect"};
  for (const char* name : spellings) {
    absl::StatusOr<const google::protobuf::MethodDescriptor*> m = catalog.FindMethod(name);
    ASSERT_TRUE(m.ok()) << name << ": " << m.status();
    EXPECT_EQ((*m)->full_name(), "gongtongctl.ctltest.v1.EchoService.Collect");
    EXPECT_EQ(MethodPath(**m), "/gongtongctl.ctltest.v1.EchoService/Collect");
    EXPECT_EQ(KindOf(**m), CallKind::kClientStreaming);
  }
}

TEST(Catalog, ExplainsMethodsNotFound) {
  Catalog catalog = TestCatalog();
  absl::StatusOr<const google::protobuf::MethodDescriptor*> m =
      catalog.FindMethod("gongtongctl.ctltest.v1.EchoService/Ech");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("has no method \"Ech\""));
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("Echo, Split, Collect, Chat"));

  m = catalog.FindMethod("gongtongctl.ctltest.v1.NoService/Echo");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("unknown service"));

  m = catalog.FindMethod("Nothing");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("unknown method"));

  m = catalog.FindMethod("gongtongctl.ctltest.v1.EchoService/");
  ASSERT_FALSE(m.ok());
}

TEST(Catalog, ListsWithStreamingMarkersAndDescribes) {
  Catalog catalog = TestCatalog();
  const std::string list = catalog.List();
  EXPECT_THAT(list, HasSubstr("gongtongctl.ctltest.v1.EchoService  (ctltest.proto)"));
  EXPECT_THAT(list, HasSubstr("rpc Echo(gongtongctl.ctltest.v1.EchoRequest) returns "
                              "(gongtongctl.ctltest.v1.EchoResponse)\n"));
  EXPECT_THAT(list, HasSubstr("returns (stream gongtongctl.ctltest.v1.EchoResponse)  [server-streaming]"));
  EXPECT_THAT(list, HasSubstr("rpc Collect(stream gongtongctl.ctltest.v1.EchoRequest)"));
  EXPECT_THAT(list, HasSubstr("[client-streaming]"));
  EXPECT_THAT(list, HasSubstr("[bidi-streaming]"));
  EXPECT_THAT(list, HasSubstr("grpc.health.v1.Health"));

  absl::StatusOr<std::string> text = catalog.Describe("gongtongctl.ctltest.v1.EchoService/Split");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("[server-streaming]"));
  EXPECT_THAT(*text, HasSubstr("message EchoRequest {"));
  EXPECT_THAT(*text, HasSubstr("message EchoResponse {"));
  for (const char* name : {"gongtongctl.ctltest.v1.Item", "gongtongctl.ctltest.v1.Kind",
                           "gongtongctl.ctltest.v1.EchoService", "EchoService", "Item"}) {
    EXPECT_TRUE(catalog.Describe(name).ok()) << name;
  }
  EXPECT_FALSE(catalog.Describe("gongtongctl.ctltest.v1.Nope").ok());
}

// ---------------------------------------------------------------- JSON

TEST(ParseJsonRequest, AcceptsTheProtobufJsonMapping) {
  EchoRequest request;
  absl::Status s = ParseJsonRequest(R"({
      "item": {"display_name": "仙居县第一小学", "count": "42", "createdAt": "2024-09-01T08:00:00+08:00",
               "tags": [{"key": "a", "value": "b"}], "tagsByKey": {"k": {"key": "k"}}, "kind": "KIND_SMALL"},
      "updateMask": "item.displayName,item.count"})",
                                    &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.item().display_name(), "仙居县第一小学");
  EXPECT_EQ(request.item().count(), 42);
  EXPECT_EQ(request.item().created_at().seconds(), 1725148800);
  EXPECT_EQ(request.item().tags_by_key().at("k").key(), "k");
  EXPECT_EQ(request.update_mask().paths_size(), 2);

  request.Clear();
  EXPECT_TRUE(ParseJsonRequest("  \n", &request).ok());  // blank = empty message
}

TEST(ParseJsonRequest, NamesUnknownFieldsWithTheirPath) {
  struct Case {
    const char* json;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {R"({"itme": {}})", {"unknown field \"itme\" at request ", "gongtongctl.ctltest.v1.EchoRequest",
                           "did you mean \"item\"?"}},
      {R"({"item": {"displayNam": "x"}})",
       {"unknown field \"displayNam\" at request.item ", "did you mean \"displayName\"?",
        "its fields: displayName, count, createdAt, tags, tagsByKey, kind"}},
      {R"({"item": {"tags": [{"key": "a"}, {"vlue": "b"}]}})",
       {"unknown field \"vlue\" at request.item.tags[1] ", "gongtongctl.ctltest.v1.Tag"}},
      {R"({"item": {"tagsByKey": {"x": {"kee": "b"}}}})",
       {"unknown field \"kee\" at request.item.tagsByKey[\"x\"] "}},
      {R"({"item": {"zzzzzzzz": 1}})", {"unknown field \"zzzzzzzz\"", "; its fields: displayName"}},
  };
  for (const Case& c : cases) {
    EchoRequest request;
    absl::Status s = ParseJsonRequest(c.json, &request);
    ASSERT_FALSE(s.ok()) << c.json;
    for (const std::string& part : c.expected) {
      EXPECT_THAT(std::string(s.message()), HasSubstr(part)) << c.json;
    }
  }
  EchoRequest request;
  absl::Status s = ParseJsonRequest(R"({"item": {"zzzzzzzz": 1}})", &request);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("did you mean")));
}

TEST(ParseJsonRequest, RefusesMalformedInput) {
  struct Case {
    const char* json;
    const char* expected;
  };
  const Case cases[] = {
      {"[1, 2]", "must be a JSON object"},
      {"{\"item\": ", "not valid JSON"},
      {R"({"item": {"count": "many"}})", "does not fit gongtongctl.ctltest.v1.EchoRequest"},
      {R"({"item": {"kind": "KIND_HUGE"}})", "does not fit"},
      {R"({"item": {"createdAt": "yesterday"}})", "does not fit"},
  };
  for (const Case& c : cases) {
    EchoRequest request;
    absl::Status s = ParseJsonRequest(c.json, &request);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.expected)) << c.json;
  }
}

TEST(PrintJson, LowerCamelPrettyOrCompactWithoutDefaults) {
  EchoResponse response;
  response.mutable_item()->set_display_name("x");
  response.set_received(2);
  absl::StatusOr<std::string> pretty = PrintJson(response, true);
  ASSERT_TRUE(pretty.ok());
  EXPECT_THAT(*pretty, HasSubstr("\"displayName\": \"x\""));
  EXPECT_THAT(*pretty, Not(HasSubstr("count")));
  EXPECT_THAT(*pretty, HasSubstr("\n"));
  EXPECT_NE(pretty->back(), '\n');
  absl::StatusOr<std::string> compact = PrintJson(response, false);
  ASSERT_TRUE(compact.ok());
  EXPECT_EQ(*compact, R"({"item":{"displayName":"x"},"received":2})");
}

TEST(JsonStreamReader, SplitsNewlineDelimitedAndPrettyObjects) {
  std::istringstream in("{\"a\": \"}{\"}\n\n{\"b\": [1, {\"c\": 2}]}\n{\n  \"d\": \"\\\"\"\n}\n");
  JsonStreamReader reader(&in);
  std::vector<std::pair<std::string, int>> got;
  while (auto v = reader.Next()) {
    ASSERT_TRUE(v->ok()) << v->status();
    got.emplace_back((*v)->text, (*v)->line);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(std::string("{\"a\": \"}{\"}"), 1));
  EXPECT_EQ(got[1], std::make_pair(std::string("{\"b\": [1, {\"c\": 2}]}"), 3));
  EXPECT_EQ(got[2], std::make_pair(std::string("{\n  \"d\": \"\\\"\"\n}"), 4));

  std::istringstream bad("{}\nnot json\n");
  JsonStreamReader bad_reader(&bad);
  ASSERT_TRUE(bad_reader.Next()->ok());
  auto second = bad_reader.Next();
  ASSERT_FALSE(second->ok());
  EXPECT_THAT(std::string(second->status().message()), HasSubstr("line 2"));

  std::istringstream cut("{\"a\": 1");
  JsonStreamReader cut_reader(&cut);
  auto only = cut_reader.Next();
  ASSERT_FALSE(only->ok());
  EXPECT_THAT(std::string(only->status().message()), HasSubstr("not closed"));
}

// ---------------------------------------------------------------- status details

google::rpc::Status RichError() {
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message("school code is invalid");
  google::rpc::ErrorInfo info;
  info.set_reason("SCHOOL_CODE_INVALID");
  info.set_domain("registry.gongtong");
  (*info.mutable_metadata())["school_code"] = "33102";
  status.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* violation = bad.add_field_violations();
  violation->set_field("school.school_code");
  violation->set_description("must be 10 digits");
  status.add_details()->PackFrom(bad);
  google::rpc::LocalizedMessage localized;
  localized.set_locale("zh-CN");
  localized.set_message("学校标识码必须是10位数字");
  status.add_details()->PackFrom(localized);
  return status;
}

TEST(StatusDetails, DecodesErrorInfoBadRequestAndLocalizedMessage) {
  google::rpc::Status proto = RichError();
  // A detail under another type-URL prefix and one of a type unknown here.
  google::protobuf::Any* other_prefix = proto.add_details();
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(3);
  other_prefix->PackFrom(retry, "type.example.com");
  google::protobuf::Any* unknown = proto.add_details();
  unknown->set_type_url("type.googleapis.com/acme.v1.Mystery");
  unknown->set_value("\x08\x01");

  absl::StatusOr<RichStatus> rich = DecodeStatusDetails(proto.SerializeAsString());
  ASSERT_TRUE(rich.ok()) << rich.status();
  EXPECT_EQ(rich->code, 3);
  EXPECT_EQ(rich->message, "school code is invalid");
  ASSERT_EQ(rich->details.size(), 5u);
  EXPECT_TRUE(rich->details[0].decoded);
  EXPECT_THAT(rich->details[0].json,
              HasSubstr("\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\""));
  EXPECT_THAT(rich->details[0].json, HasSubstr("\"reason\": \"SCHOOL_CODE_INVALID\""));
  EXPECT_THAT(rich->details[0].json, HasSubstr("\"school_code\": \"33102\""));
  EXPECT_THAT(rich->details[1].json, HasSubstr("\"fieldViolations\""));
  EXPECT_THAT(rich->details[1].json, HasSubstr("\"field\": \"school.school_code\""));
  EXPECT_THAT(rich->details[2].json, HasSubstr("\"locale\": \"zh-CN\""));
  EXPECT_THAT(rich->details[2].json, HasSubstr("学校标识码必须是10位数字"));
  EXPECT_TRUE(rich->details[3].decoded);
  EXPECT_THAT(rich->details[3].json, HasSubstr("\"retryDelay\": \"3s\""));
  EXPECT_FALSE(rich->details[4].decoded);
  EXPECT_THAT(rich->details[4].json, HasSubstr("acme.v1.Mystery"));
  EXPECT_THAT(rich->details[4].json, HasSubstr("\"value\": \"CAE=\""));

  EXPECT_FALSE(DecodeStatusDetails("\xff\xff\xff").ok());
}

TEST(StatusDetails, FormatsAnRpcErrorForPeople) {
  google::rpc::Status proto = RichError();
  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "school code is invalid",
                      proto.SerializeAsString());
  const std::string text = FormatRpcError(status);
  EXPECT_EQ(text.rfind("ERROR: INVALID_ARGUMENT: school code is invalid\n{\n", 0), 0u) << text;
  EXPECT_THAT(text, HasSubstr("google.rpc.BadRequest"));
  EXPECT_THAT(text, Not(HasSubstr("warning")));

  grpc::Status mismatched(grpc::StatusCode::INTERNAL, "oops", proto.SerializeAsString());
  EXPECT_THAT(FormatRpcError(mismatched),
              HasSubstr("warning: the status details say INVALID_ARGUMENT: school code is invalid"));
  EXPECT_EQ(FormatRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such school")),
            "ERROR: NOT_FOUND: no such school\n");
}

TEST(StatusDetails, CodeNamesAndExitCodes) {
  EXPECT_EQ(CodeName(0), "OK");
  EXPECT_EQ(CodeName(3), "INVALID_ARGUMENT");
  EXPECT_EQ(CodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(CodeName(99), "CODE_99");
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), kExitOk);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAVAILABLE), kExitTransport);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED), kExitTransport);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::PERMISSION_DENIED), kExitFailed);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNIMPLEMENTED), kExitFailed);
}

// ---------------------------------------------------------------- tokens

// A throwaway RSA key pair made with the openssl command in a temp directory.
class TokenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/gongtongctl_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    const std::string cmd = absl::StrCat(
        "openssl genrsa -out ", *dir_, "/key.pem 2048 2>/dev/null && openssl rsa -in ", *dir_,
        "/key.pem -pubout -out ", *dir_, "/pub.pem 2>/dev/null && openssl genrsa -out ", *dir_,
        "/other.pem 2048 2>/dev/null && openssl rsa -in ", *dir_,
        "/other.pem -pubout -out ", *dir_, "/other_pub.pem 2>/dev/null");
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(pclose(p), 0) << "openssl failed";
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::system(absl::StrCat("rm -rf ", *dir_).c_str());
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Path(const char* name) { return absl::StrCat(*dir_, "/", name); }
  static std::string Read(const char* name) { return *ReadFileContents(Path(name)); }

  static TokenClaims TeacherClaims() {
    TokenClaims c;
    c.kid = "dev-2024";
    c.issuer = "gongtong-dev";
    c.audience = "gongtong";
    c.subject = "teacher-0007";
    c.role = "teacher";
    c.school = "3133102401";
    c.teacher = "t-0007";
    c.ttl_seconds = 600;
    return c;
  }

  static std::string* dir_;
};
std::string* TokenTest::dir_ = nullptr;

TEST_F(TokenTest, MintsAnRs256TokenThatDecodesWithThePublicKey) {
  const int64_t now = 1725148800;
  absl::StatusOr<std::string> token = MintToken(TeacherClaims(), Read("key.pem"), now);
  ASSERT_TRUE(token.ok()) << token.status();

  const std::string pub = Read("pub.pem");
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_decode(&jwt, token->c_str(), reinterpret_cast<const unsigned char*>(pub.data()),
                       static_cast<int>(pub.size())),
            0);
  EXPECT_EQ(jwt_get_alg(jwt), JWT_ALG_RS256);
  EXPECT_STREQ(jwt_get_header(jwt, "kid"), "dev-2024");
  EXPECT_STREQ(jwt_get_header(jwt, "typ"), "JWT");
  EXPECT_STREQ(jwt_get_header(jwt, "alg"), "RS256");
  EXPECT_STREQ(jwt_get_grant(jwt, "iss"), "gongtong-dev");
  EXPECT_STREQ(jwt_get_grant(jwt, "aud"), "gongtong");
  EXPECT_STREQ(jwt_get_grant(jwt, "sub"), "teacher-0007");
  EXPECT_STREQ(jwt_get_grant(jwt, "role"), "teacher");
  EXPECT_STREQ(jwt_get_grant(jwt, "school"), "3133102401");
  EXPECT_STREQ(jwt_get_grant(jwt, "teacher"), "t-0007");
  EXPECT_EQ(jwt_get_grant(jwt, "region"), nullptr);
  EXPECT_EQ(jwt_get_grant_int(jwt, "iat"), now);
  EXPECT_EQ(jwt_get_grant_int(jwt, "nbf"), now);
  EXPECT_EQ(jwt_get_grant_int(jwt, "exp"), now + 600);
  jwt_free(jwt);

  // Another key does not verify it.
  const std::string other = Read("other_pub.pem");
  jwt = nullptr;
  EXPECT_NE(jwt_decode(&jwt, token->c_str(), reinterpret_cast<const unsigned char*>(other.data()),
                       static_cast<int>(other.size())),
            0);
  if (jwt != nullptr) jwt_free(jwt);
}

TEST_F(TokenTest, RefusesClaimsThatDoNotFitTheRole) {
  struct Case {
    std::function<void(TokenClaims*)> change;
    std::string error;
  };
  const Case cases[] = {
      {[](TokenClaims* c) { c->kid.clear(); }, "--kid is required"},
      {[](TokenClaims* c) { c->issuer.clear(); }, "--iss is required"},
      {[](TokenClaims* c) { c->audience.clear(); }, "--aud is required"},
      {[](TokenClaims* c) { c->subject.clear(); }, "--sub is required"},
      {[](TokenClaims* c) { c->role = "admin"; }, "unknown role"},
      {[](TokenClaims* c) { c->role.clear(); }, "--role is required"},
      {[](TokenClaims* c) { c->school.clear(); }, "role teacher needs --school"},
      {[](TokenClaims* c) { c->role = "school_admin"; c->school.clear(); }, "role school_admin needs --school"},
      {[](TokenClaims* c) { c->school = "313310240"; }, "10-digit school code"},
      {[](TokenClaims* c) { c->school = "31331024x1"; }, "10-digit school code"},
      {[](TokenClaims* c) { c->role = "county_bureau"; c->school.clear(); }, "role county_bureau needs --region"},
      {[](TokenClaims* c) { c->region = "3"; }, "2 to 6 digits"},
      {[](TokenClaims* c) { c->region = "3310241"; }, "2 to 6 digits"},
      {[](TokenClaims* c) { c->region = "33a0"; }, "2 to 6 digits"},
      {[](TokenClaims* c) { c->ttl_seconds = 0; }, "--ttl=0"},
      {[](TokenClaims* c) { c->ttl_seconds = 40 * 86400; }, "--ttl=3456000"},
      {[](TokenClaims* c) { c->role = "township_head"; }, "9-digit township code"},
      {[](TokenClaims* c) { c->role = "township_head"; c->region = "331024"; }, "9-digit township code"},
  };
  for (const Case& c : cases) {
    TokenClaims claims = TeacherClaims();
    c.change(&claims);
    absl::Status s = ValidateClaims(claims);
    ASSERT_FALSE(s.ok()) << c.error;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.error));
  }
  for (const std::string& role : KnownRoles()) {
    TokenClaims claims = TeacherClaims();
    claims.role = role;
    claims.region = role == "township_head" ? "331024100" : "331024";
    EXPECT_TRUE(ValidateClaims(claims).ok()) << role;
  }
  EXPECT_EQ(KnownRoles().size(), 6u);
  TokenClaims month = TeacherClaims();
  month.ttl_seconds = 30 * 86400;  // what scripts/dev mints
  EXPECT_TRUE(ValidateClaims(month).ok());
  EXPECT_FALSE(MintToken(TeacherClaims(), Read("pub.pem"), 0).ok());  // a public key cannot sign
  EXPECT_FALSE(MintToken(TeacherClaims(), "not a key", 0).ok());
}

TEST_F(TokenTest, TokenCommandPrintsAToken) {
  std::istringstream in;
  std::ostringstream out, err;
  int rc = gongtongctl::Run({"token", "--key=" + Path("key.pem"), "--kid=dev", "--iss=gongtong-dev",
                "--aud=gongtong", "--sub=bureau-3310", "--role", "county_bureau", "--region=3310"},
               FakeEnv({}), in, out, err);
  ASSERT_EQ(rc, kExitOk) << err.str();
  const std::string token = out.str();
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  EXPECT_EQ(token.back(), '\n');

  std::ostringstream out2, err2;
  rc = gongtongctl::Run({"token", "--key=" + Path("key.pem"), "--kid=dev", "--iss=i", "--aud=a", "--sub=s",
            "--role=county_bureau"},
           FakeEnv({}), in, out2, err2);
  EXPECT_EQ(rc, kExitUsage);
  EXPECT_THAT(err2.str(), HasSubstr("needs --region"));

  std::ostringstream out3, err3;
  rc = gongtongctl::Run({"token", "--key=" + Path("missing.pem"), "--kid=dev", "--iss=i", "--aud=a", "--sub=s",
            "--role=service"},
           FakeEnv({}), in, out3, err3);
  EXPECT_EQ(rc, kExitUsage);
  EXPECT_THAT(err3.str(), HasSubstr("cannot read"));

  absl::StatusOr<TokenCommand> cmd = ParseTokenCommand({"--kid=dev", "--role=service"});
  ASSERT_FALSE(cmd.ok());
  cmd = ParseTokenCommand({"--key=k", "--kid=d", "--iss=i", "--aud=a", "--sub=s", "--role=service",
                           "--ttl=1h"});
  ASSERT_FALSE(cmd.ok());
  EXPECT_THAT(std::string(cmd.status().message()), HasSubstr("--ttl=1h"));
  cmd = ParseTokenCommand({"--key=k", "--kid=d", "--iss=i", "--aud=a", "--sub=s", "--role=service",
                           "--scope=x"});
  ASSERT_FALSE(cmd.ok());
  EXPECT_THAT(std::string(cmd.status().message()), HasSubstr("unknown flag --scope"));
}

// ---------------------------------------------------------------- calls

// What the test server saw of the last call.
struct Seen {
  std::mutex mu;
  int calls = 0;
  std::string method, authorization, request_id;
  std::chrono::system_clock::time_point deadline;
};

grpc::StatusCode CodeFromName(const std::string& name) {
  for (int c = 0; c <= 16; ++c) {
    if (CodeName(c) == name) return static_cast<grpc::StatusCode>(c);
  }
  return grpc::StatusCode::UNKNOWN;
}

// Echo: one response. Split: three responses. Collect: counts the requests.
// Chat: one response per request. fail_with: fails with that code (and the
// details of RichError() for INVALID_ARGUMENT); "SLOW" never answers.
class EchoReactor : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor(grpc::GenericCallbackServerContext* ctx, Seen* seen)
      : method_(ctx->method().substr(ctx->method().rfind('/') + 1)) {
    std::lock_guard<std::mutex> lock(seen->mu);
    ++seen->calls;
    seen->method = ctx->method();
    auto md = ctx->client_metadata();
    auto auth = md.find("authorization");
    seen->authorization = auth == md.end() ? "" : std::string(auth->second.data(), auth->second.size());
    auto rid = md.find("x-request-id");
    seen->request_id = rid == md.end() ? "" : std::string(rid->second.data(), rid->second.size());
    seen->deadline = ctx->deadline();
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed
      if (method_ == "Collect") {
        EchoResponse r;
        *r.mutable_item() = last_.item();
        r.set_received(received_);
        Send({r}, /*then_finish=*/true);
      } else {
        Finish(grpc::Status::OK);
      }
      return;
    }
    std::string bytes;
    std::vector<grpc::Slice> slices;
    (void)in_.Dump(&slices);
    for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    last_.ParseFromString(bytes);
    ++received_;
    if (last_.fail_with() == "SLOW") {  // the client's deadline ends the call
      slow_ = true;
      return;
    }
    if (!last_.fail_with().empty()) {
      grpc::StatusCode code = CodeFromName(last_.fail_with());
      google::rpc::Status details = RichError();
      details.set_code(code);
      Finish(grpc::Status(code, details.message(),
                          code == grpc::StatusCode::INVALID_ARGUMENT ? details.SerializeAsString() : ""));
      return;
    }
    EchoResponse r;
    *r.mutable_item() = last_.item();
    r.set_received(received_);
    if (method_ == "Echo") {
      Send({r}, true);
    } else if (method_ == "Split") {
      std::vector<EchoResponse> three(3, r);
      for (int i = 0; i < 3; ++i) three[i].set_received(i + 1);
      Send(three, true);
    } else if (method_ == "Chat") {
      Send({r}, false);
    } else {
      StartRead(&in_);  // Collect
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::CANCELLED);
    if (next_ < pending_.size()) return WriteNext();
    if (finish_after_writes_) return Finish(grpc::Status::OK);
    StartRead(&in_);
  }

  // With no operation pending, only OnCancel can finish a SLOW call.
  void OnCancel() override {
    if (slow_) Finish(grpc::Status::CANCELLED);
  }

  void OnDone() override { delete this; }

 private:
  void Send(const std::vector<EchoResponse>& responses, bool then_finish) {
    pending_.clear();
    for (const auto& r : responses) pending_.push_back(r.SerializeAsString());
    next_ = 0;
    finish_after_writes_ = then_finish;
    WriteNext();
  }
  void WriteNext() {
    grpc::Slice slice(pending_[next_++]);
    out_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&out_);
  }

  const std::string method_;
  grpc::ByteBuffer in_, out_;
  EchoRequest last_;
  int received_ = 0;
  std::vector<std::string> pending_;
  size_t next_ = 0;
  bool finish_after_writes_ = false;
  std::atomic<bool> slow_{false};
};

class EchoService : public grpc::CallbackGenericService {
 public:
  explicit EchoService(Seen* seen) : seen_(seen) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new EchoReactor(ctx, seen_);
  }

 private:
  Seen* seen_;
};

class CallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    server_->GetHealthCheckService()->SetServingStatus("postgres", false);
    server_->GetHealthCheckService()->SetServingStatus("redis", true);
    addr_ = absl::StrCat("127.0.0.1:", port_);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  int RunCtl(std::vector<std::string> argv, const std::string& stdin_text = "") {
    argv.insert(argv.begin(), "--addr=" + addr_);
    std::istringstream in(stdin_text);
    out_.str("");
    err_.str("");
    return gongtongctl::Run(argv, FakeEnv({}), in, out_, err_);
  }

  Seen seen_;
  EchoService service_{&seen_};
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string addr_;
  std::ostringstream out_, err_;
};

TEST_F(CallTest, UnaryCallSendsTokenRequestIdAndDeadline) {
  const auto before = std::chrono::system_clock::now();
  int rc = RunCtl({"--token=aaa.bbb.ccc", "--request-id=req-42", "--timeout=7", "call",
                   "gongtongctl.ctltest.v1.EchoService/Echo",
                   R"({"item": {"displayName": "共同", "count": 5}})"});
  ASSERT_EQ(rc, kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "{\n \"item\": {\n  \"displayName\": \"共同\",\n  \"count\": \"5\"\n },\n"
                        " \"received\": 1\n}\n");
  std::lock_guard<std::mutex> lock(seen_.mu);
  EXPECT_EQ(seen_.method, "/gongtongctl.ctltest.v1.EchoService/Echo");
  EXPECT_EQ(seen_.authorization, "Bearer aaa.bbb.ccc");
  EXPECT_EQ(seen_.request_id, "req-42");
  EXPECT_GT(seen_.deadline, before + std::chrono::seconds(6));
  EXPECT_LT(seen_.deadline, before + std::chrono::seconds(8));
}

TEST_F(CallTest, UnaryCallWithoutTokenSendsNoAuthorization) {
  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Echo"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "{\n \"item\": {},\n \"received\": 1\n}\n");
  std::lock_guard<std::mutex> lock(seen_.mu);
  EXPECT_EQ(seen_.authorization, "");
  EXPECT_EQ(seen_.request_id, "");
}

TEST_F(CallTest, UnaryRequestFromStdin) {
  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService.Echo", "-"}, "{\"item\": {\"count\": 9}}\n"), kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"count\": \"9\""));
}

TEST_F(CallTest, ErrorsPrintCodeMessageAndDetails) {
  int rc = RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Echo", R"({"failWith": "INVALID_ARGUMENT"})"});
  EXPECT_EQ(rc, kExitFailed);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str().rfind("ERROR: INVALID_ARGUMENT: school code is invalid\n", 0), 0u) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("\"reason\": \"SCHOOL_CODE_INVALID\""));
  EXPECT_THAT(err_.str(), HasSubstr("\"field\": \"school.school_code\""));
  EXPECT_THAT(err_.str(), HasSubstr("学校标识码必须是10位数字"));

  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Echo", R"({"failWith": "PERMISSION_DENIED"})"}), kExitFailed);
  EXPECT_EQ(err_.str(), "ERROR: PERMISSION_DENIED: school code is invalid\n");
  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Echo", R"({"failWith": "UNAVAILABLE"})"}), kExitTransport);
}

TEST_F(CallTest, DeadlineExceededIsATransportFailure) {
  EXPECT_EQ(RunCtl({"--timeout=0.3", "call", "gongtongctl.ctltest.v1.EchoService/Echo", R"({"failWith": "SLOW"})"}),
            kExitTransport);
  EXPECT_THAT(err_.str(), HasSubstr("ERROR: DEADLINE_EXCEEDED"));
}

TEST_F(CallTest, LocalMistakesSendNothing) {
  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Echo", R"({"itme": {}})"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown field \"itme\""));
  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Nope"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("has no method \"Nope\""));
  EXPECT_EQ(RunCtl({"call"}), kExitUsage);
  EXPECT_EQ(RunCtl({"frobnicate"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command"));
  std::lock_guard<std::mutex> lock(seen_.mu);
  EXPECT_EQ(seen_.calls, 0);
}

TEST_F(CallTest, ServerStreamingPrintsOneLinePerResponse) {
  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Split", R"({"item": {"count": 1}})"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "{\"item\":{\"count\":\"1\"},\"received\":1}\n"
            "{\"item\":{\"count\":\"1\"},\"received\":2}\n"
            "{\"item\":{\"count\":\"1\"},\"received\":3}\n");
  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Split", R"({"failWith": "NOT_FOUND"})"}), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("ERROR: NOT_FOUND"));
}

TEST_F(CallTest, ClientStreamingSendsEveryObjectFromStdin) {
  const std::string input =
      "{\"item\": {\"displayName\": \"a\"}}\n{\"item\": {\"displayName\": \"b\"}}\n"
      "{\n  \"item\": {\"displayName\": \"c\"}\n}\n";
  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Collect"}, input), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "{\n \"item\": {\n  \"displayName\": \"c\"\n },\n \"received\": 3\n}\n");

  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Collect", "-"}, ""), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"item\": {}"));  // zero requests
}

TEST_F(CallTest, ClientStreamingChecksAllRequestsBeforeSending) {
  const int calls_before = [&] {
    std::lock_guard<std::mutex> lock(seen_.mu);
    return seen_.calls;
  }();
  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Collect"}, "{\"item\": {}}\n{\"iten\": {}}\n"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("request starting on line 2: unknown field \"iten\""));
  EXPECT_THAT(err_.str(), HasSubstr("nothing was sent"));
  std::lock_guard<std::mutex> lock(seen_.mu);
  EXPECT_EQ(seen_.calls, calls_before);
}

TEST_F(CallTest, BidiStreamingAnswersEachLine) {
  ASSERT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Chat"}, "{\"item\": {\"count\": 1}}\n{\"item\": {\"count\": 2}}\n"),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "{\"item\":{\"count\":\"1\"},\"received\":1}\n{\"item\":{\"count\":\"2\"},\"received\":2}\n");

  EXPECT_EQ(RunCtl({"call", "gongtongctl.ctltest.v1.EchoService/Chat"}, "{\"item\": {\"count\": 1}}\n{\"bad\": 1}\n"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("cancelling the call"));
}

TEST_F(CallTest, HealthReportsServingStatusAndExitCode) {
  EXPECT_EQ(RunCtl({"health"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "SERVING\n");
  EXPECT_EQ(RunCtl({"health", "redis"}), kExitOk);
  EXPECT_EQ(RunCtl({"health", "postgres"}), kExitFailed);
  EXPECT_EQ(out_.str(), "NOT_SERVING\n");
  EXPECT_EQ(RunCtl({"health", "nonesuch"}), kExitFailed);
  EXPECT_THAT(err_.str(), HasSubstr("ERROR: NOT_FOUND"));
  EXPECT_EQ(RunCtl({"health", "a", "b"}), kExitUsage);
}

TEST_F(CallTest, HealthAndCallsAgainstNoServerAreTransportFailures) {
  // Bind a free port, then close it, so nothing listens there.
  int dead_port = 0;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    socklen_t len = sizeof(sa);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len), 0);
    dead_port = ntohs(sa.sin_port);
    close(fd);
  }
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(gongtongctl::Run({"--addr=127.0.0.1:" + std::to_string(dead_port), "health"}, FakeEnv({}), in, out, err),
            kExitTransport);
  EXPECT_THAT(err.str(), HasSubstr("ERROR: UNAVAILABLE"));
  EXPECT_EQ(gongtongctl::Run({"call", "gongtongctl.ctltest.v1.EchoService/Echo"}, FakeEnv({{"GONGTONG_ADDR", "127.0.0.1:" + std::to_string(dead_port)}}),
                in, out, err),
            kExitTransport);
}

TEST(Commands, HelpListAndDescribe) {
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(gongtongctl::Run({"help"}, FakeEnv({}), in, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("Examples ("));
  out.str("");
  EXPECT_EQ(gongtongctl::Run({"call", "--help"}, FakeEnv({}), in, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("call METHOD [JSON | -]"));
  out.str("");
  EXPECT_EQ(gongtongctl::Run({}, FakeEnv({}), in, out, err), kExitUsage);
  EXPECT_EQ(gongtongctl::Run({"list"}, FakeEnv({}), in, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("grpc.health.v1.Health"));
  out.str("");
  EXPECT_EQ(gongtongctl::Run({"list", "grpc.health.v1.Health"}, FakeEnv({}), in, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("[server-streaming]"));
  out.str("");
  EXPECT_EQ(gongtongctl::Run({"describe", "grpc.health.v1.Health/Check"}, FakeEnv({}), in, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("message HealthCheckRequest"));
  EXPECT_EQ(gongtongctl::Run({"describe", "no.Such"}, FakeEnv({}), in, out, err), kExitUsage);
}


// ------------------------------------------------------------------- import

TEST(RowReader, CsvRecordsEndWhereTheRegistrySplitterWould) {
  std::istringstream in(
      "\xEF\xBB\xBF" "code,name\r\n"
      "1,\"横溪, 中心\nsecond line\"\r\n"
      "\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,ab\"c\n"
      "4,\"open\n");
  RowReader reader(&in, gongtong::registry::v1::IMPORT_FORMAT_CSV);
  std::vector<SourceRecord> got;
  while (auto record = reader.Next()) {
    ASSERT_TRUE(record->ok()) << record->status();
    got.push_back(**record);
  }
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].text, "code,name");  // BOM and CR dropped
  EXPECT_EQ(got[0].line, 1);
  EXPECT_EQ(got[1].text, "1,\"横溪, 中心\nsecond line\"");
  EXPECT_EQ(got[1].line, 2);
  EXPECT_EQ(got[2].text, "2,\"say \"\"hi\"\"\"");
  EXPECT_EQ(got[2].line, 5);  // the blank line 4 is skipped
  EXPECT_EQ(got[3].text, "3,ab\"c");  // a quote inside a plain field opens nothing
  EXPECT_EQ(got[4].text, "4,\"open");  // unclosed at the end: sent, the server rejects it
  EXPECT_EQ(got[4].line, 7);

  std::istringstream runaway("1,\"" + std::string(100, 'x') + "\n" + std::string(100, 'y') + "\n");
  RowReader limited(&runaway, gongtong::registry::v1::IMPORT_FORMAT_CSV);
  auto record = limited.Next(/*max_bytes=*/150);
  ASSERT_TRUE(record.has_value());
  ASSERT_FALSE(record->ok());
  EXPECT_THAT(std::string(record->status().message()), HasSubstr("line 1 is longer than"));
}

TEST(RowReader, JsonIsOneObjectPerLineNumberedByLine) {
  // A quote opens nothing in JSON: each line is one row.
  std::istringstream in("\xEF\xBB\xBF{\"a\":\"x\"}\r\n\n  \n{\"b\":2}\n");
  RowReader reader(&in, gongtong::registry::v1::IMPORT_FORMAT_JSON);
  auto first = reader.Next();
  ASSERT_TRUE(first.has_value() && first->ok());
  EXPECT_EQ((*first)->text, "{\"a\":\"x\"}");
  EXPECT_EQ((*first)->line, 1);
  auto second = reader.Next();
  ASSERT_TRUE(second.has_value() && second->ok());
  EXPECT_EQ((*second)->line, 4);
  EXPECT_FALSE(reader.Next().has_value());
}

TEST(ParseImportCommand, FlagsFormatsAndMistakes) {
  namespace rv1 = gongtong::registry::v1;
  absl::StatusOr<ImportCommand> cmd = ParseImportCommand({"--entity=school", "--dry-run", "schools.CSV"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->entity, rv1::IMPORT_ENTITY_SCHOOL);
  EXPECT_EQ(cmd->format, rv1::IMPORT_FORMAT_CSV);
  EXPECT_TRUE(cmd->dry_run);
  EXPECT_EQ(cmd->batch, kDefaultImportBatch);
  cmd = ParseImportCommand({"--entity", "bell_schedule", "--batch=1000", "--output=json", "x/bells.ndjson"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->entity, rv1::IMPORT_ENTITY_BELL_SCHEDULE);
  EXPECT_EQ(cmd->format, rv1::IMPORT_FORMAT_JSON);
  EXPECT_EQ(cmd->batch, 1000);
  EXPECT_TRUE(cmd->json_output);
  cmd = ParseImportCommand({"--entity=class", "--format=json", "-"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->entity, rv1::IMPORT_ENTITY_SCHOOL_CLASS);
  EXPECT_EQ(cmd->request_id, "");
  cmd = ParseImportCommand({"--entity=class", "--request-id=7f0c2a8e-5b1d-4c3e-9a6f-2d8b4e1c0a93", "a.csv"});
  ASSERT_TRUE(cmd.ok()) << cmd.status();
  EXPECT_EQ(cmd->request_id, "7f0c2a8e-5b1d-4c3e-9a6f-2d8b4e1c0a93");

  const struct {
    std::vector<std::string> args;
    std::string message;
  } bad[] = {
      {{"schools.csv"}, "needs --entity"},
      {{"--entity=pupil", "schools.csv"}, "--entity=pupil: want one of"},
      {{"--entity=school"}, "needs a FILE"},
      {{"--entity=school", "a.csv", "b.csv"}, "one FILE, got 2"},
      {{"--entity=school", "-"}, "give --format"},
      {{"--entity=school", "schools.xlsx"}, "give --format"},
      {{"--entity=school", "--format=xml", "a.csv"}, "--format=xml"},
      {{"--entity=school", "--batch=1001", "a.csv"}, "from 1 to 1000"},
      {{"--entity=school", "--batch=0", "a.csv"}, "from 1 to 1000"},
      {{"--entity=school", "--output=yaml", "a.csv"}, "--output=yaml"},
      {{"--entity=school", "--colour=red", "a.csv"}, "unknown flag --colour"},
      {{"--entity=school", "--request-id=", "a.csv"}, "--request-id"},
      {{"--entity=school", "--request-id=" + std::string(129, 'x'), "a.csv"}, "1 to 128 characters"},
  };
  for (const auto& b : bad) {
    absl::StatusOr<ImportCommand> got = ParseImportCommand(b.args);
    ASSERT_FALSE(got.ok()) << b.message;
    EXPECT_THAT(std::string(got.status().message()), HasSubstr(b.message));
  }
}

TEST(ImportCommand, BadFilesAreClearErrorsAndSendNothing) {
  std::istringstream in;
  std::ostringstream out, err;
  // A dead address: nothing may be sent, so the file errors come first.
  const std::string addr = "--addr=127.0.0.1:1";
  EXPECT_EQ(gongtongctl::Run({addr, "import", "--entity=school", "/nonexistent/schools.csv"}, FakeEnv({}), in, out,
                             err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("cannot open /nonexistent/schools.csv: No such file or directory"));
  EXPECT_THAT(err.str(), HasSubstr("nothing was sent"));
  err.str("");
  std::istringstream empty;
  EXPECT_EQ(gongtongctl::Run({addr, "import", "--entity=school", "--format=csv", "-"}, FakeEnv({}), empty, out, err),
            kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("stdin: has no header line"));
  err.str("");
  std::istringstream bad_header("code,\"name\"x\n1,2\n");
  EXPECT_EQ(
      gongtongctl::Run({addr, "import", "--entity=school", "--format=csv", "-"}, FakeEnv({}), bad_header, out, err),
      kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("header line 1: text after a closing quote"));
  err.str("");
  EXPECT_EQ(gongtongctl::Run({addr, "import", "--entity=school", "-"}, FakeEnv({}), in, out, err), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("give --format=csv or --format=json"));
  EXPECT_THAT(err.str(), HasSubstr("gongtongctl help import"));
  EXPECT_EQ(out.str(), "");
  // A good file against no server: a transport failure.
  err.str("");
  std::istringstream rows("school_code\n2133000001\n");
  EXPECT_EQ(gongtongctl::Run({addr, "import", "--entity=school", "--format=csv", "-"}, FakeEnv({}), rows, out, err),
            kExitTransport);
  EXPECT_THAT(err.str(), HasSubstr("ERROR: UNAVAILABLE"));
}

#ifdef GONGTONGCTL_TEST_WITH_REGISTRY

// `import` against an in-process registry on real PostgreSQL and Redis.
class ImportAgainstRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new gongtong::registry::testing::RegistryServer("ctlimport");
    dir_ = new std::string(gongtong::testing::MakeTempDir("ctlimport"));
  }
  static void TearDownTestSuite() {
    delete server_;
    std::remove((*dir_ + "/schools.csv").c_str());
    std::remove((*dir_ + "/teachers.ndjson").c_str());
    std::remove(dir_->c_str());
    delete dir_;
  }

  static std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = *dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  struct Outcome {
    int code;
    std::string out, err;
  };
  // Runs gongtongctl as the province admin against the registry.
  Outcome Ctl(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {"--addr=127.0.0.1:" + std::to_string(server_->port()),
                                     "--token=" + gongtong::registry::testing::Token(
                                                      gongtong::registry::testing::kProvince)};
    argv.insert(argv.end(), args.begin(), args.end());
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = gongtongctl::Run(argv, FakeEnv({}), in, out, err);
    return {code, out.str(), err.str()};
  }

  int64_t Schools(const std::string& code) {
    return server_->Count("SELECT count(*) FROM schools WHERE school_code = '" + code + "'");
  }
  int64_t Changes() { return server_->Count("SELECT count(*) FROM changes"); }

  static gongtong::registry::testing::RegistryServer* server_;
  static std::string* dir_;
};
gongtong::registry::testing::RegistryServer* ImportAgainstRegistry::server_ = nullptr;
std::string* ImportAgainstRegistry::dir_ = nullptr;

TEST_F(ImportAgainstRegistry, SchoolsCsvReportsEachRowThenARerunIsUnchanged) {
  // Line 2-3: one record whose quoted name holds a comma and a line break;
  // line 4: a school code too short; line 5: a plain row.
  const std::string path = WriteFile(
      "schools.csv",
      "\xEF\xBB\xBF" "school_code,display_name,region_code,urban_rural_category,school_type_code\r\n"
      "2133800001,\"仙居县横溪镇中心小学, 本部\n东校区\",331024,220,211\r\n"
      "2133,坏小学,331024,220,211\r\n"
      "2133800002,仙居县白塔镇小学,331024,220,211\r\n");
  const int64_t changes = Changes();
  Outcome first = Ctl({"import", "--entity=school", "--batch=2", path});
  EXPECT_EQ(first.code, kExitRejected) << first.err;
  EXPECT_THAT(first.out, HasSubstr("row 2: CREATED schools/2133800001\n"));
  EXPECT_THAT(first.out, HasSubstr("row 4: REJECTED INVALID_ARGUMENT school_code: "));
  EXPECT_THAT(first.out, HasSubstr("row 5: CREATED schools/2133800002\n"));
  EXPECT_THAT(first.out, HasSubstr("3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected\n"));
  // The rejected row's line carries the server's reason.
  const size_t at = first.out.find("row 4: REJECTED INVALID_ARGUMENT school_code: ");
  ASSERT_NE(at, std::string::npos);
  const std::string reason_line = first.out.substr(at, first.out.find('\n', at) - at);
  EXPECT_THAT(reason_line, HasSubstr("学校标识码须为10位数字"));
  EXPECT_EQ(first.err, "");
  EXPECT_EQ(Changes(), changes + 2);
  EXPECT_EQ(server_->Count("SELECT count(*) FROM schools WHERE school_code = '2133800001' AND display_name = "
                           "E'仙居县横溪镇中心小学, 本部\\n东校区'"),
            1)
      << "the name keeps its comma and line break";

  // The same file again: the applied rows are UNCHANGED, nothing written.
  Outcome again = Ctl({"import", "--entity=school", path});
  EXPECT_EQ(again.code, kExitRejected);
  EXPECT_THAT(again.out, HasSubstr("row 2: UNCHANGED schools/2133800001\n"));
  EXPECT_THAT(again.out, HasSubstr("row 5: UNCHANGED schools/2133800002\n"));
  EXPECT_THAT(again.out, HasSubstr("3 rows: 0 created, 0 updated, 2 unchanged, 1 rejected\n"));
  EXPECT_EQ(Changes(), changes + 2);

  // Only the good rows: every row accepted, exit 0.
  Outcome good = Ctl({"import", "--entity=school", "--format=csv", "-"},
                     "school_code,display_name\n2133800002,仙居县白塔镇中心小学\n");
  EXPECT_EQ(good.code, kExitOk) << good.err;
  EXPECT_EQ(good.out, "row 2: UPDATED schools/2133800002\n1 rows: 0 created, 1 updated, 0 unchanged, 0 rejected\n");
}

TEST_F(ImportAgainstRegistry, DryRunWritesNothingAndJsonOutputIsOneObjectPerLine) {
  const std::string csv =
      "school_code,display_name,region_code,urban_rural_category,school_type_code\n"
      "2133800011,仙居县安岭乡小学,331024,220,211\n"
      "2133800012,仙居县上张乡小学,331024,村庄,211\n";
  const int64_t changes = Changes();
  Outcome dry = Ctl({"import", "--entity=school", "--format=csv", "--dry-run", "--output=json", "-"}, csv);
  EXPECT_EQ(dry.code, kExitRejected) << dry.err;
  std::vector<std::string> lines;
  std::istringstream split(dry.out);
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << dry.out;
  EXPECT_THAT(lines[0], HasSubstr("\"rowNumber\":\"2\""));
  EXPECT_THAT(lines[0], HasSubstr("\"outcome\":\"ROW_OUTCOME_CREATED\""));
  EXPECT_THAT(lines[1], HasSubstr("\"outcome\":\"ROW_OUTCOME_REJECTED\""));
  EXPECT_THAT(lines[1], HasSubstr("\"field\":\"urban_rural_category\""));
  EXPECT_THAT(lines[2], HasSubstr("{\"summary\":{"));
  EXPECT_THAT(lines[2], HasSubstr("\"dryRun\":true"));
  EXPECT_EQ(Schools("2133800011"), 0);
  EXPECT_EQ(Changes(), changes);

  Outcome text = Ctl({"import", "--entity=school", "--format=csv", "--dry-run", "-"}, csv);
  EXPECT_THAT(text.out, HasSubstr("row 2: CREATED"));
  EXPECT_THAT(text.out, HasSubstr("(dry run: nothing was written)"));
  EXPECT_EQ(Schools("2133800011"), 0);
}

TEST_F(ImportAgainstRegistry, NdjsonTeachersThenClasses) {
  ASSERT_EQ(Ctl({"import", "--entity=school", "--format=csv", "-"},
                "school_code,display_name,region_code,urban_rural_category,school_type_code\n"
                "2133800021,仙居县田市镇小学,331024,220,211\n")
                .code,
            kExitOk);
  const std::string path = WriteFile(
      "teachers.ndjson",
      R"({"staffNumber":"CT001","school_code":"2133800021","displayName":"王丽","subjects":[{"code":"SUBJECT_CODE_MATHEMATICS"}],"title":"TEACHER_TITLE_SENIOR"})"
      "\n\n"
      R"({"staffNumber":"CT002","school_code":"2133800021","displayName":"李明","colour":"red"})"
      "\n"
      R"({"staffNumber":"CT003","school_code":"2133800021","displayName":"赵敏","subjects":[{"code":"SUBJECT_CODE_CHINESE"}],"title":"TEACHER_TITLE_FIRST_GRADE"})"
      "\n");
  Outcome teachers = Ctl({"import", "--entity=teacher", path});
  EXPECT_EQ(teachers.code, kExitRejected) << teachers.err;
  EXPECT_THAT(teachers.out, HasSubstr("row 1: CREATED teachers/"));
  EXPECT_THAT(teachers.out, HasSubstr("row 3: REJECTED INVALID_ARGUMENT"));
  EXPECT_THAT(teachers.out, HasSubstr("row 4: CREATED teachers/"));
  EXPECT_EQ(server_->Count("SELECT count(*) FROM teachers WHERE staff_number IN ('CT001', 'CT002', 'CT003')"), 2);
  Outcome again = Ctl({"import", "--entity=teacher", path});
  EXPECT_THAT(again.out, HasSubstr("3 rows: 0 created, 0 updated, 2 unchanged, 1 rejected"));

  const std::string classes =
      R"({"school_code":"2133800021","grade":"GRADE_5","classNumber":1,"pupilCount":36})"
      "\n"
      R"({"school_code":"2133800021","grade":"GRADE_5","classNumber":2,"pupilCount":38})"
      "\n";
  Outcome created = Ctl({"import", "--entity=class", "--format=json", "-"}, classes);
  EXPECT_EQ(created.code, kExitOk) << created.err << created.out;
  EXPECT_THAT(created.out, HasSubstr("row 1: CREATED "));
  EXPECT_THAT(created.out, HasSubstr("row 2: CREATED "));
  EXPECT_THAT(created.out, HasSubstr("2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected"));
  EXPECT_EQ(server_->Count("SELECT count(*) FROM school_classes WHERE school_code = '2133800021'"), 2);
  Outcome rerun = Ctl({"import", "--entity=class", "--format=json", "-"}, classes);
  EXPECT_EQ(rerun.code, kExitOk);
  EXPECT_THAT(rerun.out, HasSubstr("2 rows: 0 created, 0 updated, 2 unchanged, 0 rejected"));
}

TEST_F(ImportAgainstRegistry, BellSchedulePeriodsSpanningBatchesReportEveryRow) {
  ASSERT_EQ(Ctl({"import", "--entity=school", "--format=csv", "-"},
                "school_code,display_name,region_code,urban_rural_category,school_type_code\n"
                "2133800041,仙居县朱溪镇小学,331024,220,211\n")
                .code,
            kExitOk);
  const std::string unit = "2133800041,summer,夏季作息时间,SUMMER,05-01,09-30,2026-09-01,";
  const std::string csv =
      "school_code,bell_schedule_id,display_name,season,annual_start,annual_end,effective_start,effective_end,"
      "period_number,period_name,period_kind,start_time,end_time,days\n" +
      unit + ",1,第一节,,08:00,08:40,1-5\n" + unit + ",2,第二节,,08:50,09:30,1-5\n";
  // One row per batch: the schedule's results come with the last batch.
  Outcome run = Ctl({"import", "--entity=bell_schedule", "--format=csv", "--batch=1", "-"}, csv);
  EXPECT_EQ(run.code, kExitOk) << run.err << run.out;
  EXPECT_EQ(run.out,
            "row 2: CREATED schools/2133800041/bellSchedules/summer\n"
            "row 3: CREATED schools/2133800041/bellSchedules/summer\n"
            "2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected\n");
}

TEST_F(ImportAgainstRegistry, StreamErrorsKeepTheirExitCodes) {
  // No token: UNAUTHENTICATED ends the stream, the usual failure code.
  std::istringstream in("school_code\n2133800031\n");
  std::ostringstream out, err;
  EXPECT_EQ(gongtongctl::Run({"--addr=127.0.0.1:" + std::to_string(server_->port()), "import", "--entity=school",
                              "--format=csv", "-"},
                             FakeEnv({}), in, out, err),
            kExitFailed);
  EXPECT_THAT(err.str(), HasSubstr("ERROR: UNAUTHENTICATED"));
  // An unknown CSV column is a stream error naming header.columns[i].
  Outcome unknown = Ctl({"import", "--entity=school", "--format=csv", "-"}, "school_code,colour\n2133800031,red\n");
  EXPECT_EQ(unknown.code, kExitFailed);
  EXPECT_THAT(unknown.err, HasSubstr("ERROR: INVALID_ARGUMENT"));
  EXPECT_THAT(unknown.err, HasSubstr("header.columns[1]"));
  EXPECT_EQ(Schools("2133800031"), 0);

  // A runaway quote (a record over 64 KiB) stops the import there; the rows
  // before it were sent and are reported, and the exit code says "bad input".
  std::string runaway =
      "school_code,region_code,urban_rural_category,school_type_code,display_name\n"
      "2133800032,331024,220,211,仙居县埠头镇小学\n2133800033,331024,220,211,\"";
  for (int i = 0; i < 2000; ++i) runaway += "一行又一行的未闭合文字\n";
  Outcome stopped = Ctl({"import", "--entity=school", "--format=csv", "-"}, runaway);
  EXPECT_EQ(stopped.code, kExitUsage);
  EXPECT_THAT(stopped.out, HasSubstr("row 2: CREATED schools/2133800032\n1 rows: 1 created"));
  EXPECT_THAT(stopped.err, HasSubstr("stdin: the row starting on line 3 is longer than 64 KiB (an unclosed quote?)"));
  EXPECT_THAT(stopped.err, HasSubstr("the import stopped there"));
  EXPECT_EQ(Schools("2133800033"), 0);
}

#endif  // GONGTONGCTL_TEST_WITH_REGISTRY

}  // namespace
}  // namespace gongtongctl
