#!/usr/bin/env bash
# WasteNotify's one development and CI script.
#   setup   install what is missing (apt; sudo when not root)
#   up      start the project-local PostgreSQL cluster and Mosquitto broker (idempotent)
#   down    stop them
#   status  say what runs where
#   test    setup + up + the whole test suite
#   demo    setup + up + the service and a live simulated fleet; prints the address and an API key
#   bench   setup + up + a benchmark (deploy/dev.sh bench ingest)
#   screenshots  setup + up + the pages' browser tests; their screenshots replace deploy/screenshots (the README's)
#   pilot   setup + up + a whole simulated pilot (weeks of history, training, a fortnight with simulated concierges); prints its headline
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${WASTENOTIFY_STATE_DIR:-$ROOT/.local}"
PG_PORT=55432
PG_USER=wastenotify
PG_PASSWORD=wastenotify
MQTT_PORT="$(awk '$1 == "listener" { print $2; exit }' "$ROOT/deploy/mosquitto.conf")"
HTTP_URL="http://127.0.0.1:5280"

export WASTENOTIFY_PG="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD"
export WASTENOTIFY_MQTT_HOST=127.0.0.1
export WASTENOTIFY_MQTT_PORT="$MQTT_PORT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf '%s\n' "$*" >&2; }
die() { say "dev.sh: $*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- setup -----------------------------------------------------------------------------------------------
PACKAGES=(mosquitto mosquitto-clients libgomp1 postgresql postgresql-contrib chromium)

setup() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (https://dot.net) and not on PATH"
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a packaged broker on 1883; ours runs on its own port, so that one is left as the system has it.
}

# --- PostgreSQL ----------------------------------------------------------------------------------------
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql; run: $0 setup"
  printf '%s' "$dir"
}

# initdb refuses root: as root the cluster belongs to the postgres user, in a folder that user can reach.
pg_dir() {
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    printf '/var/tmp/wastenotify-%s/pg/data' "$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
  else
    printf '%s/pg/data' "$STATE"
  fi
}

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$(pg_dir)" status >/dev/null 2>&1; }

pg_up() {
  local bin dir
  bin="$(pg_bin)"; dir="$(pg_dir)"
  if [ ! -f "$dir/PG_VERSION" ]; then
    say "Creating PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$(dirname "$dir")"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir" -U "$PG_USER" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$(dirname "$dir")/initdb.log" 2>&1 \
      || die "initdb failed, see $(dirname "$dir")/initdb.log"
    mkdir -p "$dir/run"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/run"
    cat >>"$dir/postgresql.conf" <<CONF
# WasteNotify local cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir/run'
max_connections = 300
shared_buffers = 256MB
CONF
  fi
  if ! pg_running; then
    as_pg "$bin/pg_ctl" -D "$dir" -l "$(dirname "$dir")/postgresql.log" -w -t 60 start >/dev/null \
      || die "PostgreSQL did not start, see $(dirname "$dir")/postgresql.log"
    as_pg "$bin/psql" -h "$dir/run" -p "$PG_PORT" -U "$PG_USER" -d postgres -qAt \
      -c "ALTER USER $PG_USER PASSWORD '$PG_PASSWORD'" >/dev/null
    as_pg "$bin/psql" -h "$dir/run" -p "$PG_PORT" -U "$PG_USER" -d postgres -qAt \
      -c "SELECT 1 FROM pg_database WHERE datname = 'wastenotify'" | grep -q 1 \
      || as_pg "$bin/createdb" -h "$dir/run" -p "$PG_PORT" -U "$PG_USER" wastenotify
  fi
  for _ in $(seq 1 60); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && return 0
    sleep 0.5
  done
  die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"
}

pg_down() { pg_running && as_pg "$(pg_bin)/pg_ctl" -D "$(pg_dir)" -m fast -w stop >/dev/null || true; }

# --- Mosquitto -----------------------------------------------------------------------------------------
# No anonymous client: the service, the development/test account and every truck have an account of their own
# (password file .local/mosquitto/passwd, ACL deploy/mosquitto.acl). Trucks' accounts come from
# `wastenotify broker add-truck ID`, which rewrites the password file and sends the broker SIGHUP.
MQ_DIR="$STATE/mosquitto"
MQ_SERVICE_USER=wastenotify-service
MQ_DEV_USER=wastenotify-dev

mq_pid() { [ -f "$MQ_DIR/mosquitto.pid" ] && cat "$MQ_DIR/mosquitto.pid"; }
# The pid file outlives the broker (a reboot): its number counts only if it is a mosquitto.
mq_running() { local pid; pid="$(mq_pid 2>/dev/null)" && [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mosquitto ]; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The HTTP status of GET $1 on the demo's service, nothing while it does not answer (bash alone: no curl needed).
# One HTTP request to the service with the demo's key (bash's /dev/tcp: no curl needed); prints the body.
http_body() { # METHOD PATH KEY
  (exec 3<>"/dev/tcp/127.0.0.1/${HTTP_URL##*:}" || exit 1
   printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Api-Key: %s\r\nContent-Length: 0\r\n\r\n' "$1" "$2" "$3" >&3
   sed '1,/^\r$/d' <&3) 2>/dev/null || true
}

http_status() {
  (exec 3<>"/dev/tcp/127.0.0.1/${HTTP_URL##*:}" || exit 1
   printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
   read -r -t 5 _ code _ <&3 && printf '%s' "$code") 2>/dev/null || true
}

# A password made once per machine and kept in .local (git-ignored), readable by its owner only.
mq_password() {
  [ -s "$MQ_DIR/$1.password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n=' >"$MQ_DIR/$1.password")
  cat "$MQ_DIR/$1.password"
}

# The service's and the development account's entries in the password file (other entries, the trucks', are kept).
mq_accounts() {
  [ -f "$MQ_DIR/passwd" ] || (umask 077; : >"$MQ_DIR/passwd")
  mosquitto_passwd -b "$MQ_DIR/passwd" "$MQ_SERVICE_USER" "$(mq_password service)" 2>/dev/null
  mosquitto_passwd -b "$MQ_DIR/passwd" "$MQ_DEV_USER" "$(mq_password dev)" 2>/dev/null
}

mq_config() {
  cat "$ROOT/deploy/mosquitto.conf"
  # The ACL's checksum, so that an edit of it restarts a running broker as an edit of the configuration does.
  printf '# acl %s\n' "$(sha256sum "$ROOT/deploy/mosquitto.acl" | cut -c1-16)"
  printf 'password_file %s/passwd\n' "$MQ_DIR"
  printf 'acl_file %s\n' "$ROOT/deploy/mosquitto.acl"
  printf 'persistence_location %s/data/\n' "$MQ_DIR"
  printf 'pid_file %s/mosquitto.pid\n' "$MQ_DIR"
  printf 'log_dest file %s/mosquitto.log\n' "$MQ_DIR"
  # Run as whoever runs this script, so the broker can write its own folder.
  printf 'user %s\n' "$(id -un)"
}

mq_up() {
  [ -x /usr/sbin/mosquitto ] || die "mosquitto not installed; run: $0 setup"
  mkdir -p "$MQ_DIR/data"
  if mq_running; then
    # A broker started from an older configuration (before accounts, say) is restarted on the current one.
    mq_config | cmp -s - "$MQ_DIR/mosquitto.conf" && return 0
    say "Restarting Mosquitto: its configuration changed"
    mq_down
  fi
  mq_accounts
  mq_config >"$MQ_DIR/mosquitto.conf"
  /usr/sbin/mosquitto -c "$MQ_DIR/mosquitto.conf" -d 2>>"$MQ_DIR/mosquitto.log"
  for _ in $(seq 1 40); do
    port_open "$MQTT_PORT" && return 0
    sleep 0.25
  done
  die "Mosquitto does not answer on 127.0.0.1:$MQTT_PORT, see $MQ_DIR/mosquitto.log"
}

mq_down() {
  local pid
  mq_running || return 0
  pid="$(mq_pid)"
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  die "Mosquitto (pid $pid) did not stop"
}

# What the tests, benchmarks and the CLI's broker verb need to know of the broker.
mq_env() {
  export WASTENOTIFY_MQTT_USERNAME="$MQ_DEV_USER" WASTENOTIFY_MQTT_PASSWORD="$(mq_password dev)"
  export Broker__PasswordFile="$MQ_DIR/passwd" Broker__PidFile="$MQ_DIR/mosquitto.pid"
}

# --- verbs ---------------------------------------------------------------------------------------------
up() { pg_up; mq_up; mq_env; }

status() {
  if pg_running; then echo "postgresql: running on 127.0.0.1:$PG_PORT ($(pg_dir))"; else echo "postgresql: stopped"; fi
  if mq_running; then echo "mosquitto:  running on 127.0.0.1:$MQTT_PORT (pid $(mq_pid))"; else echo "mosquitto:  stopped"; fi
}

run_tests() {
  setup; up
  cd "$ROOT"
  local log="$STATE/test-output.log" rc=0
  dotnet test WasteNotify.sln -c Release "$@" 2>&1 | tee "$log" || rc=$?   # pipefail: dotnet's status
  # One closing line for the whole suite, summed over the test assemblies' "Failed!/Passed!  - Failed: N, ..." lines.
  sed 's/\x1b\[[0-9;]*m//g' "$log" | { grep -E '^(Passed|Failed)! +- +Failed:' || true; } | sed -E 's/^(Passed|Failed)! +- +//' \
    | awk -F', *' '{ for (i = 1; i <= NF; i++) { split($i, kv, ": *")
                       if (kv[1] == "Failed") f += kv[2]; else if (kv[1] == "Passed") p += kv[2]; else if (kv[1] == "Skipped") s += kv[2] } }
                   END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }'
  return "$rc"
}

# The processes the demo started, stopped together whatever ends it.
DEMO_PIDS=()

demo_stop() {
  # A second Ctrl-C while stopping must not leave the children behind.
  trap '' INT TERM
  trap - EXIT
  [ -n "${1:-}" ] && say "dev.sh demo: $1"
  local pid alive
  for pid in "${DEMO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${DEMO_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${DEMO_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# Waits for the service started as PID to answer /health with 200 (at most a minute); dies otherwise, saying where its output is.
wait_healthy() { # PID WHERE-ITS-OUTPUT-IS
  local health=""
  for _ in $(seq 1 120); do
    health="$(http_status /health)"
    [ "$health" = 200 ] && return 0
    kill -0 "$1" 2>/dev/null || die "the service exited before it was healthy; $2"
    sleep 0.5
  done
  die "$HTTP_URL/health does not answer 200 (${health:-no answer}): is the database or the broker down? ($2)"
}

demo() {
  setup; up
  cd "$ROOT"
  dotnet build src/WasteNotify.Service -c Release -v q -nologo >/dev/null
  dotnet build simulators/WasteNotify.FleetSimulator -c Release -v q -nologo >/dev/null
  # The built programs themselves, not `dotnet run`, whose child would outlive a signal sent to it.
  local wastenotify=(dotnet "$ROOT/src/WasteNotify.Service/bin/Release/net10.0/wastenotify.dll")
  local simulator=(dotnet "$ROOT/simulators/WasteNotify.FleetSimulator/bin/Release/net10.0/WasteNotify.FleetSimulator.dll")
  # A fresh database per demo: a route runs once a day, and today's runs of an earlier demo are already over.
  PGPASSWORD="$PG_PASSWORD" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -qAt \
    -c "DROP DATABASE IF EXISTS wastenotify_demo WITH (FORCE)" -c "CREATE DATABASE wastenotify_demo" >/dev/null
  export ConnectionStrings__WasteNotify="$WASTENOTIFY_PG;Database=wastenotify_demo"
  export Mqtt__Host=127.0.0.1 Mqtt__Port="$MQTT_PORT" Mqtt__Username="$MQ_SERVICE_USER" Mqtt__Password="$(mq_password service)"
  # The secret that signs concierges' links: made once per machine, kept out of the repository.
  [ -s "$STATE/signing-key" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' >"$STATE/signing-key")
  export Notifications__SigningKey="$(cat "$STATE/signing-key")" Notifications__PublicBaseUrl="$HTTP_URL/"
  local key out
  key="$("${wastenotify[@]}" apikey create --role admin --name demo 2>/dev/null)" || die "could not create the demo's API key"
  local operator_key pilot_key
  operator_key="$("${wastenotify[@]}" apikey create --role operator --name "demo operator" 2>/dev/null)" || die "could not create the demo's operator key"
  pilot_key="$("${wastenotify[@]}" apikey create --role pilot --name "demo pilot" 2>/dev/null)" || die "could not create the demo's pilot key"
  # Each simulated truck gets its own broker account, as a real tracker would; the broker refuses anyone else.
  mkdir -p "$STATE/sim"
  local credentials="$STATE/sim/credentials" i
  (umask 077; : >"$credentials")
  for i in 1 2 3 4; do
    out="$("${wastenotify[@]}" broker add-truck "$(printf 'sim-%03d' "$i")" --save "$credentials" 2>&1 >/dev/null)" || die "broker add-truck failed: $out"
  done

  trap 'demo_stop "stopped by Ctrl-C: stopping the service and the fleet"; exit 130' INT
  trap 'demo_stop "stopped by SIGTERM: stopping the service and the fleet"; exit 143' TERM
  trap 'demo_stop' EXIT
  "${wastenotify[@]}" --urls "$HTTP_URL" &
  local service=$!
  DEMO_PIDS+=("$service")
  # The fleet registers through the API, which answers once the service is up with its database and broker.
  wait_healthy "$service" "its output is above"
  # A live fleet of 4 trucks on the default city; ground truth in .local/sim. At real time (the default) the first run
  # starts now, so the pages' times are the wall clock's, and runs follow each other until the demo is stopped;
  # DEMO_SPEED=K drives K times faster, three runs placed to end now (faster fixes would come from the future).
  # It first registers its trucks, buildings, routes and runs with the service, so tracking follows them.
  local speed="${DEMO_SPEED:-1}" runs=0
  [ "$speed" = 1 ] || runs=3
  "${simulator[@]}" live --trucks 4 --speed "$speed" --runs "$runs" --port "$MQTT_PORT" --credentials "$credentials" --truth "$STATE/sim/truth" \
    --register "$HTTP_URL" --api-key "$key" --concierges 3 &
  local fleet=$!
  DEMO_PIDS+=("$fleet")
  echo "WasteNotify is running on $HTTP_URL with a simulated fleet of 4 trucks (x$speed, $([ "$runs" = 0 ] && echo "runs until stopped" || echo "$runs runs")). Ctrl-C stops both."
  echo "  dashboard: $HTTP_URL/   sign in with the operator key $operator_key"
  echo "             (or the pilot key $pilot_key: it reads, never manages)"
  echo "  health:  $HTTP_URL/health     API: $HTTP_URL/api-docs (document $HTTP_URL/openapi/v1.json)"
  echo "  admin API key for this demo (X-Api-Key header): $key"
  echo "  live counters: curl -H 'X-Api-Key: $key' $HTTP_URL/metrics"
  echo "  trucks, stops and ETAs: curl -H 'X-Api-Key: $key' $HTTP_URL/api/tracking"
  echo "  alerts decided, and their SMS (logged, not sent: no Twilio credentials):"
  echo "     curl -H 'X-Api-Key: $key' $HTTP_URL/api/alerts      curl -H 'X-Api-Key: $key' $HTTP_URL/api/outbox"
  echo "  the broker (127.0.0.1:$MQTT_PORT) takes no anonymous client: each truck has its own account ($credentials);"
  echo "     watch the fixes: mosquitto_sub -p $MQTT_PORT -u $MQ_DEV_USER -P '$(mq_password dev)' -t 'wastenotify/#' -v"
  echo "     a new truck's account: ${wastenotify[*]} broker add-truck TRUCK_ID"
  # One building's own pages (the fleet registers its buildings first): what a concierge is sent.
  local building="" links
  for _ in $(seq 1 60); do
    building="$(http_body GET '/api/buildings?limit=1' "$key" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true)"
    [ -n "$building" ] && break
    sleep 1
  done
  if [ -n "$building" ]; then
    links="$(http_body POST "/api/buildings/$building/links" "$key")"
    echo "  building $building, as its concierge sees it:"
    echo "     live page: $(printf '%s' "$links" | grep -o '"pageUrl":"[^"]*"' | cut -d'"' -f4 || true)"
    echo "     sign-up:   $(printf '%s' "$links" | grep -o '"signupUrl":"[^"]*"' | cut -d'"' -f4 || true)"
  fi
  local ended rc
  while true; do
    rc=0
    wait -n -p ended "${DEMO_PIDS[@]}" || rc=$?
    if [ "$ended" = "$service" ]; then
      demo_stop "the service exited (code $rc; its output is above): stopping the fleet"
      exit 1
    fi
    if [ "$rc" != 0 ]; then
      demo_stop "the fleet simulator failed (code $rc; its output is above): stopping the service"
      exit 1
    fi
    say "dev.sh demo: the simulated fleet has finished its day; the service keeps running (Ctrl-C stops it)"
    DEMO_PIDS=("$service")
  done
}

# A whole simulated pilot on the default city, on its own database and port: PILOT_HISTORY_DAYS (28) of history
# published as fast as possible and tracked by event time, a model trained on them, then PILOT_DAYS (14) more with
# a concierge subscribed at every building, who react to their alerts (the simulator's concierges mode); then the
# pilot report of those days. Fixes every 15 s, as real trackers send them; SMS logged, not sent.
pilot() {
  setup; up
  cd "$ROOT"
  dotnet build src/WasteNotify.Service -c Release -v q -nologo >/dev/null
  dotnet build simulators/WasteNotify.FleetSimulator -c Release -v q -nologo >/dev/null
  local wastenotify=(dotnet "$ROOT/src/WasteNotify.Service/bin/Release/net10.0/wastenotify.dll")
  local simulator=(dotnet "$ROOT/simulators/WasteNotify.FleetSimulator/bin/Release/net10.0/WasteNotify.FleetSimulator.dll")
  local HTTP_URL="http://127.0.0.1:${PILOT_PORT:-5281}" history_days="${PILOT_HISTORY_DAYS:-28}" days="${PILOT_DAYS:-14}" out="$STATE/pilot"
  PGPASSWORD="$PG_PASSWORD" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -qAt \
    -c "DROP DATABASE IF EXISTS wastenotify_pilot WITH (FORCE)" -c "CREATE DATABASE wastenotify_pilot" >/dev/null
  rm -rf "$out"; mkdir -p "$out"
  export ConnectionStrings__WasteNotify="$WASTENOTIFY_PG;Database=wastenotify_pilot"
  # Topics of its own (pilot/...), beside a demo's: read with the development account, which the broker's ACL lets read them.
  export Mqtt__Host=127.0.0.1 Mqtt__Port="$MQTT_PORT" Mqtt__Username="$MQ_DEV_USER" Mqtt__Password="$(mq_password dev)"
  export Mqtt__ClientId="wastenotify-pilot-$$" Ingest__TopicPrefix=pilot Ingest__MaxAge=90.00:00:00 Eta__Nightly__At=""
  # SMS are logged, not sent: no pacing for a carrier, so each is "delivered" as soon as it is decided.
  export Notifications__Sms__PerSenderPerSecond=1000 Notifications__Sms__MaxConcurrency=16
  [ -s "$STATE/signing-key" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' >"$STATE/signing-key")
  export Notifications__SigningKey="$(cat "$STATE/signing-key")" Notifications__PublicBaseUrl="$HTTP_URL/"
  local key
  key="$("${wastenotify[@]}" apikey create --role admin --name pilot 2>/dev/null)" || die "could not create the pilot's API key"
  trap 'demo_stop "stopped: stopping the pilot'"'"'s service"; exit 130' INT TERM
  trap 'demo_stop' EXIT
  "${wastenotify[@]}" --urls "$HTTP_URL" >"$out/service.log" 2>&1 &
  DEMO_PIDS=($!)
  wait_healthy "${DEMO_PIDS[0]}" "see $out/service.log"
  local sim_common=(--port "$MQTT_PORT" --prefix pilot --username "$MQ_DEV_USER" --password "$(mq_password dev)" --trucks 4 --interval 15
    --register "$HTTP_URL" --api-key "$key")
  local start=$SECONDS
  say "dev.sh pilot: $history_days days of history, as fast as they can be tracked"
  "${simulator[@]}" history --days "$history_days" --ending "$((days + 1))" --publish --out "$out/history" "${sim_common[@]}" >"$out/history.log" \
    || die "the history failed: see $out/history.log"
  # Trained once those runs are over (the concierges mode waits for them and, with no alert yet, enters nothing).
  "${simulator[@]}" concierges --days "$history_days" --ending "$((days + 1))" --wait 300 --register "$HTTP_URL" --api-key "$key" >>"$out/history.log" \
    || die "the history's runs were not all tracked to their end: see $out/history.log and $out/service.log"
  say "dev.sh pilot: history tracked ($((SECONDS - start)) s); training the arrival model"
  "${wastenotify[@]}" train --days "$((history_days + days + 7))" >"$out/train.log" 2>&1 || die "training failed: see $out/train.log"
  sleep 35 # tracking looks for a newly promoted model every 30 s
  say "dev.sh pilot: the pilot's $days days, a concierge at every building"
  "${simulator[@]}" history --days "$days" --ending 1 --publish --out "$out/pilot" --concierges 10000 "${sim_common[@]}" >"$out/pilot.log" \
    || die "the pilot's days failed: see $out/pilot.log"
  "${simulator[@]}" concierges --days "$days" --ending 1 --wait 300 --register "$HTTP_URL" --api-key "$key" >>"$out/pilot.log" \
    || die "the pilot's runs were not all tracked to their end: see $out/pilot.log and $out/service.log"
  # The report once every SMS is out of the outbox.
  local waiting
  for _ in $(seq 1 600); do
    waiting="$(http_body GET '/api/outbox?status=pending&limit=1' "$key" | grep -o '"total":[0-9]*' | cut -d: -f2)"
    waiting=$((waiting + $(http_body GET '/api/outbox?status=sending&limit=1' "$key" | grep -o '"total":[0-9]*' | cut -d: -f2)))
    [ "$waiting" = 0 ] && break
    sleep 1
  done
  [ "$waiting" = 0 ] || say "dev.sh pilot: $waiting SMS still in the outbox; the report counts them as not delivered"
  local from to
  from="$(TZ=Europe/Paris date -d "$days days ago" +%F)"; to="$(TZ=Europe/Paris date -d "1 day ago" +%F)"
  say "dev.sh pilot: done in $((SECONDS - start)) s; the report of $from to $to:"
  "${wastenotify[@]}" pilot-report --from "$from" --to "$to" --html "$out/pilot-report.html" --csv "$out/pilot-collections.csv"
}

case "${1:-}" in
  setup) setup ;;
  up) setup; up; status ;;
  down) mq_down; pg_down; status ;;
  status) status ;;
  test) shift; run_tests "$@" ;;
  demo) demo ;;
  pilot) pilot ;;
  bench) shift; setup; up; cd "$ROOT"; dotnet run -c Release --project tests/WasteNotify.Benchmarks -- "$@" ;;
  screenshots)
    rm -rf "$ROOT/TestResults/pages"
    run_tests --filter 'FullyQualifiedName~WasteNotify.Service.Tests.Pages.'
    rm -f "$ROOT"/deploy/screenshots/*.png; mkdir -p "$ROOT/deploy/screenshots"
    cp "$ROOT"/TestResults/pages/*.png "$ROOT/deploy/screenshots/"; ls "$ROOT/deploy/screenshots" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
