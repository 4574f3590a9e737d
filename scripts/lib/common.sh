# shellcheck shell=bash
# Shared helpers for scripts/dev, scripts/pg-local, scripts/redis-local and the e2e tests.
# Source it; it defines functions and a few variables only and runs nothing.

# The apt packages the suite needs to build, test and run (contract: docs/operations.md).
# shellcheck disable=SC2034
GONGTONG_APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc grpc-proto
  libpqxx-dev libhiredis-dev libjwt-dev libssl-dev
  libgtest-dev libgmock-dev libabsl-dev golang-github-gogo-googleapis-dev
  postgresql-15 postgresql-contrib redis-server
  openssl procps iproute2
)

# The four services, in start order.
# shellcheck disable=SC2034  # used by the scripts that source this file
GONGTONG_SERVICES=(registry scheduling booking assessment)

# Default listen ports (contract 5). `scripts/dev up` picks free ports instead.
gt_default_port() {
  case "$1" in
    registry) echo 50051 ;;
    scheduling) echo 50052 ;;
    booking) echo 50053 ;;
    assessment) echo 50054 ;;
    *) return 1 ;;
  esac
}

gt_log() { printf '%s: %s\n' "${GT_PROG:-gongtong}" "$*" >&2; }
gt_die() { printf '%s: error: %s\n' "${GT_PROG:-gongtong}" "$*" >&2; exit 1; }

# gt_abspath PATH — absolute path without requiring it to exist.
gt_abspath() { realpath -m -- "$1"; }

# gt_is_root — true when running as uid 0.
gt_is_root() { [[ $(id -u) -eq 0 ]]; }

# gt_missing_packages — prints the packages of GONGTONG_APT_PACKAGES not installed.
gt_missing_packages() {
  local p status
  for p in "${GONGTONG_APT_PACKAGES[@]}" "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || echo "$p"
  done
}

# gt_apt_install PKG... — installs the given packages non-interactively (root or sudo).
gt_apt_install() {
  local -a sudo=()
  if ! gt_is_root; then
    command -v sudo >/dev/null || gt_die "need root (or sudo) to install: $*"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  gt_log "installing with apt: $*"
  "${sudo[@]}" apt-get update -q >&2 || gt_die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >&2 \
    || gt_die "apt-get install failed for: $*"
}

# gt_port_in_use PORT — true if something listens on TCP PORT (any address, v4 or v6).
# Reads /proc so it needs no external tool.
gt_port_in_use() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 }
                    END { exit found ? 0 : 1 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# gt_pick_port [EXCLUDED...] — prints a free TCP port in 20000..32767 (below Linux's ephemeral
# range, so client sockets do not steal it), not in the excluded list.
gt_pick_port() {
  local port tries=0 ex taken
  while ((tries++ < 500)); do
    port=$((20000 + RANDOM % 12768))
    taken=0
    for ex in "$@"; do [[ $ex == "$port" ]] && taken=1; done
    ((taken)) && continue
    gt_port_in_use "$port" && continue
    echo "$port"
    return 0
  done
  gt_die "no free TCP port found"
}

# gt_pid_alive PID — true if the process exists (and is not a zombie).
gt_pid_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# gt_pid_is PID NAME — true if PID is alive and its argv[0] has basename NAME.
gt_pid_is() {
  local pid=$1 name=$2 argv0
  gt_pid_alive "$pid" || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n1) || return 1
  [[ ${argv0##*/} == "$name" ]]
}

# gt_wait_pid_exit PID SECONDS — waits for PID to go away; false on timeout.
gt_wait_pid_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while gt_pid_alive "$pid"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.1
  done
  return 0
}

# gt_make_traversable DIR OWNER — ensures OWNER can reach DIR through every parent directory
# (mktemp -d makes 0700 directories owned by root). Adds only the search bit (o+x) where it is
# missing, and says so.
gt_make_traversable() {
  local dir=$1 user=$2 d
  d=$(dirname -- "$dir")
  while [[ $d != / ]]; do
    if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
      gt_log "granting search permission (o+x) on $d so $user can reach $dir"
      chmod o+x -- "$d"
    fi
    d=$(dirname -- "$d")
  done
}

# gt_jwt_exp TOKEN — prints the token's exp claim (seconds since epoch), or nothing.
gt_jwt_exp() {
  local payload pad
  payload=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
  pad=$(((4 - ${#payload} % 4) % 4))
  payload+=$(printf '%*s' "$pad" '' | tr ' ' '=')
  base64 -d <<<"$payload" 2>/dev/null | grep -o '"exp" *: *[0-9]*' | grep -o '[0-9]*$' || true
}
