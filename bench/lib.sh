# Shared by bench/run, bench/faults and bench/ab (sourced, not run). The caller sets BENCH, REPO and WORK
# (a fresh temporary directory) first; `set -euo pipefail` is the caller's.
#
# Processes: append every PID started to PIDS; `trap bench_cleanup EXIT` stops them (newest first,
# TERM then KILL after 5 s, SIGCONT first in case one was stopped) after calling the caller's
# `on_exit` function if it defines one, and removes WORK unless the run failed or BENCH_KEEP=1.

# seconds in a duration like 20s / 1m / 500ms (rounded up, at least 1)
secs() {
  local d=$1
  case $d in
    *ms) echo $(((${d%ms} + 999) / 1000)) ;;
    *s) echo "${d%s}" ;;
    *m) echo $((${d%m} * 60)) ;;
    *) echo "$d" ;;
  esac
}

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PIDS=()
bench_cleanup() {
  local rc=$?
  set +e
  if declare -F on_exit >/dev/null; then on_exit; fi
  for ((k = ${#PIDS[@]} - 1; k >= 0; k--)); do
    local p=${PIDS[k]}
    kill -CONT "$p" 2>/dev/null
    kill -TERM "$p" 2>/dev/null
  done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  if [[ $rc -ne 0 || ${BENCH_KEEP:-0} == 1 ]]; then
    log "work directory (logs, raw figures) kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}

port_free() { ! ss -ltnH "sport = :$1" | grep -q .; }
wait_port() { # port seconds
  for _ in $(seq $((${2} * 10))); do
    ss -ltnH "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------------ tools
APT_UPDATED=0
apt_install() {
  [[ $(id -u) == 0 ]] || die "missing $*: install them (Debian: apt-get install -y $*) or run as root"
  command -v apt-get >/dev/null || die "missing $* and no apt-get here"
  if [[ $APT_UPDATED == 0 ]]; then
    log "apt-get update"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$WORK/apt.log" 2>&1 || {
    cat "$WORK/apt.log" >&2
    die "apt-get install $* failed"
  }
}
need() { # command package
  command -v "$1" >/dev/null || apt_install "$2"
  command -v "$1" >/dev/null || die "$1 still missing after installing $2"
}

find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n $c && -x $c/bin/javac ]] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    if [[ ${v%%.*} -ge 21 ]]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# the value of key=value in a generator's output line
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

rpc() { # url body [curl args...] -> the answer in $RPC_BODY, the HTTP status in $RPC_CODE
  local url=$1 body=$2
  shift 2
  local out
  out=$(curl -s -m 10 -w '\n%{http_code}' -H 'Content-Type: application/json' "$@" -d "$body" "$url" || true)
  RPC_CODE=${out##*$'\n'}
  RPC_BODY=${out%$'\n'*}
}

# ------------------------------------------------------------------ gateway
# the checkout the gateway is built in and run from: this one, or BENCH_GATEWAY_SRC (bench/ab's builds)
GW_SRC=${BENCH_GATEWAY_SRC:-$REPO}
WLP=$GW_SRC/target/liberty/wlp
# build_in DIR LOG: mvn package liberty:create liberty:deploy in DIR (needs JDK)
build_in() {
  (cd "$1" && JAVA_HOME=$JDK mvn -B -q -DskipTests package liberty:create liberty:deploy) >"$2" 2>&1 || {
    tail -40 "$2" >&2
    die "gateway build in $1 failed (log above)"
  }
}
build_gateway() { # needs JDK
  if [[ ${BENCH_SKIP_BUILD:-0} == 1 && -x $WLP/bin/server ]]; then
    log "using the gateway already built in $WLP"
    return
  fi
  log "building the gateway (mvn package liberty:create liberty:deploy)"
  build_in "$GW_SRC" "$WORK/build.log"
}
# "<short commit> (<commit date>)" the gateway is built from: BENCH_GATEWAY_REV, else git in GW_SRC
gateway_rev() {
  if [[ -n ${BENCH_GATEWAY_REV:-} ]]; then
    echo "$BENCH_GATEWAY_REV"
  else
    echo "$(git -C "$GW_SRC" rev-parse --short HEAD) ($(git -C "$GW_SRC" log -1 --format=%cs))"
  fi
}

# the ops port (OPS_PORT: /metrics and /health) the bench gives the gateway on PORT
ops_port() { # port
  echo $(($1 + 1000))
}
# GET PATH from the gateway on PORT's ops port, else (a build from before the ops port, as bench/ab
# may compare) from PORT itself
ops_get() { # port path [curl options]
  local port=$1 path=$2
  shift 2
  curl -sf "$@" "http://127.0.0.1:$(ops_port "$port")$path" ||
    curl -s "$@" "http://127.0.0.1:$port$path"
}

# waits until the gateway process PID answers /health/ready with 200 on PORT's ops port (or on PORT,
# a build from before the ops port); LOG for the error
wait_ready() { # pid port log
  for _ in $(seq 180); do
    kill -0 "$1" 2>/dev/null || break
    [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$(ops_port "$2")/health/ready") == 200 ]] && return 0
    [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$2/health/ready") == 200 ]] && return 0
    sleep 1
  done
  tail -30 "$3" >&2
  die "the gateway did not become ready on port $2 (log above)"
}

# make_api_key [tier] [port]: creates an account on the tier (default "bench") and an API key
# through the admin API of the gateway on the port (default GW_PORT, token ADMIN_TOKEN); sets
# API_KEY, or API_KEY_WHY and returns 1. The key is checked with one request.
make_api_key() {
  local tier=${1:-bench} port=${2:-$GW_PORT}
  local base=http://127.0.0.1:$port/admin/api acct id key
  rpc "$base/accounts" "{\"name\":\"bench-$tier\",\"tier\":\"$tier\"}" -H "Authorization: Bearer $ADMIN_TOKEN"
  acct=$RPC_BODY
  if [[ $RPC_CODE != 200 && $RPC_CODE != 201 ]]; then
    API_KEY_WHY="the admin API (issue 3) answered POST /admin/api/accounts with HTTP $RPC_CODE"
    return 1
  fi
  id=$(grep -o '"id" *: *"[^"]*"' <<<"$acct" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')
  [[ -n $id ]] || id=$(grep -o '"id" *: *[0-9]*' <<<"$acct" | head -1 | sed 's/.*: *//')
  ACCOUNT_ID=$id
  rpc "$base/accounts/$id/keys" '{"label":"bench"}' -H "Authorization: Bearer $ADMIN_TOKEN"
  key=$RPC_BODY
  API_KEY=$(grep -o '"key" *: *"[^"]*"' <<<"$key" | sed 's/.*"\([^"]*\)"$/\1/')
  if [[ -z $API_KEY ]]; then
    API_KEY_WHY="creating a key answered HTTP $RPC_CODE: ${key:0:200}"
    return 1
  fi
  local ok
  rpc "http://127.0.0.1:$port/" "$BODY_SINGLE" -H "X-API-Key: $API_KEY"
  ok=$RPC_BODY
  if [[ $ok != *'"result"'* ]]; then
    API_KEY_WHY="a request with the new key was answered: ${ok:0:200}"
    return 1
  fi
  rpc "http://127.0.0.1:$port/" "$BODY_SINGLE" -H "X-API-Key: ${API_KEY}x"
  if [[ $RPC_CODE != 401 ]]; then
    API_KEY_WHY="an unknown key was not refused (HTTP $RPC_CODE), so keys are not checked"
    return 1
  fi
  return 0
}

BODY_SINGLE='{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'

# ------------------------------------------------------------------ a quiet machine
# percent of all cores' time that was not idle (nor waiting for I/O) over the next $1 seconds
busy_pct() {
  local a b
  a=$(head -1 /proc/stat)
  sleep "$1"
  b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x); split(b, y); t = 0
    for (i = 2; i <= n; i++) t += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%d", (t > 0 ? (t - idle) * 100 / t : 0) }'
}

# Waits up to BENCH_QUIET_WAIT (60 s) for the machine to be at most BENCH_MAX_BUSY % busy (25) before
# any load starts, so that another job's load does not enter the figures; still busier, the run
# stops, unless BENCH_ALLOW_BUSY=1, and then the notes ($1) say so in bold.
require_quiet() { # notes file
  local max=${BENCH_MAX_BUSY:-25} wait_s waited=0 busy
  wait_s=$(secs "${BENCH_QUIET_WAIT:-60s}")
  busy=$(busy_pct 3)
  while ((busy > max && waited < wait_s)); do
    log "the machine is ${busy}% busy before any load (more than ${max}%); waiting for it to calm down"
    busy=$(busy_pct 5)
    waited=$((waited + 5))
  done
  if ((busy <= max)); then
    echo "- the machine was ${busy}% busy (all cores, 3 s) just before the run" >>"$1"
  elif [[ ${BENCH_ALLOW_BUSY:-0} == 1 ]]; then
    echo "- **the machine was ${busy}% busy before the run (over ${max}%), run anyway with BENCH_ALLOW_BUSY=1: figures may not compare**" >>"$1"
  else
    die "the machine is ${busy}% busy before any load (over ${max}% after ${waited}s of waiting): figures would not compare; stop the other load or set BENCH_ALLOW_BUSY=1"
  fi
}
