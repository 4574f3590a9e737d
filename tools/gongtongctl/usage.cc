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

constexpr char kImport[] = R"(  import --entity=school|class|teacher|bell_schedule [--format=csv|json] [--dry-run]
        [--batch=500] [--output=text|json] FILE|-
      Bulk import through RegistryService.ImportRows. CSV: the first record is the header
      (column names), each later record one row (quoted fields may hold commas and line
      breaks); JSON: one object per line (NDJSON). The format comes from --format or the
      extension (.csv; .json, .ndjson, .jsonl); "-" reads stdin (give --format). Rows are
      numbered by the line they start on and sent in batches of --batch (1-1000) rows.
      Prints one line per row (row N: CREATED|UPDATED|UNCHANGED NAME, or REJECTED CODE
      FIELD: reason), then the totals; --output=json prints each RowResult and then
      {"summary": ...} as JSON lines. --dry-run checks every row and writes nothing.
      The deadline is 3600 s unless --timeout is given. Import parents first: schools,
      teachers, classes, bell schedules. Exit 4 when some rows were rejected.
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
  3  bad usage or input: flags, unknown method, JSON, key file, import file
  4  import: some rows were REJECTED (the others were applied)

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
  gongtongctl --addr=$GONGTONG_ADDR_REGISTRY import --entity=school --dry-run 仙居县学校.csv
  gongtongctl --addr=$GONGTONG_ADDR_REGISTRY import --entity=teacher teachers.ndjson
)";

}  // namespace

std::string UsageText() {
  return absl::StrCat(kGlobal, kCall, kImport, kHealth, kList, kDescribe, kToken, kHelp, kTail);
}

std::string CommandUsage(absl::string_view command) {
  const char* text = nullptr;
  if (command == "call") text = kCall;
  if (command == "import") text = kImport;
  if (command == "health") text = kHealth;
  if (command == "list") text = kList;
  if (command == "describe") text = kDescribe;
  if (command == "token") text = kToken;
  if (command == "help") text = kHelp;
  if (text == nullptr) return UsageText();
  return absl::StrCat("Usage:\n", text, "\nRun `gongtongctl help` for global flags and examples.\n");
}

}  // namespace gongtongctl
