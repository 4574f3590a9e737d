#include "usage.h"

#include "absl/strings/str_cat.h"

namespace gongtongctl {
namespace {

constexpr char kGlobal[] = R"(gongtongctl: call the Gongtong services from the command line.

Usage:
  gongtongctl [GLOBAL FLAGS] COMMAND [ARGS...]

Global flags (may also follow the command):
  --addr=HOST:PORT     server address (env GONGTONG_ADDR, default 127.0.0.1:50051)
  --token=JWT          bearer token sent as "authorization: Bearer JWT" (env GONGTONG_TOKEN;
                       --token= sends none)
  --timeout=SECONDS    deadline for the whole call, fractions allowed (default 10)
  --request-id=ID      sent as x-request-id; the servers log it and carry it into events
  --tls                reserved: TLS is not supported yet (channels are plaintext)
  -h, --help           this text

Commands:
)";

constexpr char kCall[] = R"(  call METHOD [JSON | -]
      Calls any RPC of the suite. METHOD is package.Service/Method (a leading "/",
      "." instead of "/", or a unique short Service/Method also work). JSON uses
      protobuf's JSON mapping (lowerCamel or proto field names); unknown fields are
      refused. "-" reads stdin; no JSON means {}.
      Client- and bidi-streaming methods take a sequence of JSON objects (one per
      line) from the argument or stdin; a client-streaming call checks them all
      before sending any. Server- and bidi-streaming responses print one JSON per line.
)";

constexpr char kHealth[] = R"(  health [SERVICE]
      grpc.health.v1 Check of the whole server, or of a component such as
      "postgres" or "redis". Prints SERVING, NOT_SERVING, ...
)";

constexpr char kList[] = R"(  list [SERVICE]
      The services compiled into this binary and their methods, with streaming markers.
)";

constexpr char kDescribe[] = R"(  describe NAME
      The proto definition of a service, a method (with its request and response
      messages), a message or an enum, e.g. google.rpc.BadRequest.
)";

constexpr char kToken[] = R"(  token --key=PRIVATE_PEM --kid=KID --iss=ISSUER --aud=AUDIENCE --sub=SUBJECT
        --role=ROLE [--region=PREFIX] [--school=CODE] [--teacher=ID] [--ttl=SECONDS]
      Mints an RS256 JWT for development (production tokens come from the province's
      identity provider). ROLE: province_admin, county_bureau (needs --region, 2-6
      digits), school_admin and teacher (need --school, 10 digits), service,
      township_head (needs --region, the 9-digit township code).
      --ttl defaults to 28800 (8 h).
)";

constexpr char kHelp[] = R"(  help [COMMAND]
      This text, or one command's.
)";

constexpr char kTail[] = R"(
Exit status:
  0  OK (health: SERVING)
  1  the server answered with an error (health: not SERVING)
  2  UNAVAILABLE or DEADLINE_EXCEEDED: no server, or no answer in time
  3  bad usage or input: flags, unknown method, JSON, key file

Errors print "ERROR: CODE: message" on stderr, followed by each google.rpc.Status
detail (ErrorInfo, BadRequest, LocalizedMessage, ...) as JSON.

Examples (the dev stack: `scripts/dev up`, then `source .run/env`):
  gongtongctl --addr=$GONGTONG_ADDR_REGISTRY health
  gongtongctl --addr=$GONGTONG_ADDR_REGISTRY health postgres
  gongtongctl list gongtong.registry.v1.RegistryService
  gongtongctl describe gongtong.registry.v1.RegistryService/GetSchool
  gongtongctl --addr=$GONGTONG_ADDR_REGISTRY call gongtong.registry.v1.RegistryService/GetSchool \
      '{"name": "schools/2133102401"}'
  echo '{"name": "schools/2133102401"}' | gongtongctl --request-id=demo-1 call RegistryService/GetSchool -
  export GONGTONG_TOKEN=$(gongtongctl token --key=.run/keys/dev-2026-11.key --kid=dev-2026-11 \
      --iss=gongtong-dev --aud=gongtong --sub=dev-county-bureau-3310 --role=county_bureau --region=3310)
  gongtongctl --timeout=300 call gongtong.registry.v1.RegistryService/ImportRows - < import.ndjson
)";

}  // namespace

std::string UsageText() {
  return absl::StrCat(kGlobal, kCall, kHealth, kList, kDescribe, kToken, kHelp, kTail);
}

std::string CommandUsage(absl::string_view command) {
  const char* text = nullptr;
  if (command == "call") text = kCall;
  if (command == "health") text = kHealth;
  if (command == "list") text = kList;
  if (command == "describe") text = kDescribe;
  if (command == "token") text = kToken;
  if (command == "help") text = kHelp;
  if (text == nullptr) return UsageText();
  return absl::StrCat("Usage:\n", text, "\nRun `gongtongctl help` for global flags and examples.\n");
}

}  // namespace gongtongctl
