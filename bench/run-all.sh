#!/usr/bin/env bash
# Runs every shape docs/benchmarks.md reports, one after another, with the bench in bench/FlowForge.Bench, and writes
# one JSON document per shape, all of them in all.json, and a markdown table (results.md) to a folder.
#
#   bench/run-all.sh [--quick] [--only embedded|scaled|scaled-postgres|scaled-mariadb|SHAPE] [--out DIR] [--alternate N]
#                    [--quiet-alternate N] [--bench-arg ARG]... [--mariadb-arg ARG]...
#
# --bench-arg ARG is added to every shape's bench command line (repeat it for each word), e.g. `--bench-arg
# --worker-arg --bench-arg --Storage:GroupCommit:MaxWait=00:00:00.002` to set a setting of the worker processes (`--api-arg`:
# of the api process).
# --mariadb-arg ARG is added to the command line of the bench's MariaDB server, after its own settings (so it wins).
# --only SHAPE runs one shape by its file name (e.g. scaled-postgres-w2-diamond) and starts only the servers it needs;
# --only scaled-postgres (or scaled-mariadb) runs that database's one- and two-worker shapes.
# --alternate N (scaled shapes) runs each selected database's one- and two-worker shapes N times each, alternated
# w1 w2 w2 w1 w1 w2 … on the same servers, each run on a fresh database and named NAME-aK.json. alternate.md then lists
# every run (start, closed flows/s, CPU and JIT ms per flow of each process) and, per database, the median closed flows/s of one
# and of two workers and their ratio: the comparison of worker counts in neighbouring minutes of one machine, whose speed
# moves by the hour; and the same at the same speed (the machine's CPU per flow over the api's: the api's moves with the
# machine's speed only).
# --quiet-alternate N (scaled shapes) runs each selected database's two-worker shape once, named NAME-quiet.json, its closed
# loop 2N times after the one warm-up: with both workers consuming and with the second one quiet (SIGTSTP; SIGCONT
# resumes it), in the order 2 1 1 2 2 1 … The two counts share the same servers, processes and minutes, so the machine's
# drift falls on both alike and no process starts cold; the bench prints the medians of each count and of the pairs' ratios.
# --pg-profile (off by default; for profiles, not figures) loads pg_stat_statements into the bench's PostgreSQL and, while
# each PostgreSQL shape runs, writes NAME.pg-profile.tsv to --out: every second the shape's backends by state and wait
# event and the locks waited for by type and mode; every 5 s the statements' counters (planning time included), the
# database's and the tables'.
# Its sampling session is a backend of the watched PostgreSQL, so the shape's figures are not comparable with one run without.
# Starts its own durable PostgreSQL (fsync=on, synchronous_commit=on) and MariaDB (innodb_flush_log_at_trx_commit=1)
# on free 127.0.0.1 ports in a temporary folder, and RabbitMQ and Redis with tests/services/services.sh in folders of
# their own; stops them all at the end, however the script ends. The test servers (fsync off) are never used.
# --quick runs every shape for a second or two at small counts: a smoke pass, not figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick=false
only=all
bench_args=()
mariadb_args=()
pg_profile=false
alternate=0
quiet_alternate=0
out="$root/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)"
while (($# > 0)); do
  case "$1" in
    --quick) quick=true ;;
    --only)
      case "${2:-}" in
        embedded | scaled | scaled-postgres | scaled-mariadb | embedded-* | scaled-postgres-* | scaled-mariadb-*) only=$2 ;;
        *) echo "--only takes embedded, scaled, scaled-postgres, scaled-mariadb or a shape name (embedded-…, scaled-postgres-…, scaled-mariadb-…)" >&2; exit 2 ;;
      esac
      shift ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    --bench-arg) [ $# -ge 2 ] || { echo "--bench-arg needs a value" >&2; exit 2; }; bench_args+=("$2"); shift ;;
    --pg-profile) pg_profile=true ;;
    --alternate)
      [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || { echo "--alternate takes a count from 1 to 99" >&2; exit 2; }
      alternate=$2
      shift ;;
    --quiet-alternate)
      [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || { echo "--quiet-alternate takes a count from 1 to 99" >&2; exit 2; }
      quiet_alternate=$2
      shift ;;
    --mariadb-arg) [ $# -ge 2 ] || { echo "--mariadb-arg needs a value" >&2; exit 2; }; mariadb_args+=("$2"); shift ;;
    *) echo "usage: bench/run-all.sh [--quick] [--only embedded|scaled|scaled-postgres|scaled-mariadb|SHAPE] [--out DIR] [--alternate N] [--quiet-alternate N] [--bench-arg ARG]... [--mariadb-arg ARG]... [--pg-profile]" >&2; exit 2 ;;
  esac
  shift
done
if ((alternate > 0 && quiet_alternate > 0)); then echo "--alternate and --quiet-alternate are two ways of one comparison: take one" >&2; exit 2; fi
if ((alternate > 0 || quiet_alternate > 0)); then
  case "$only" in
    all | embedded | embedded-*) only=scaled ;;
    scaled-postgres-* ) only=scaled-postgres ;;
    scaled-mariadb-*) only=scaled-mariadb ;;
  esac
fi
mkdir -p "$out"
rm -f "$out/results.md" "$out/alternate.md" "$out"/*.json

log() { printf 'run-all: %s\n' "$*" >&2; }

# The scaled shapes warm up longer: their processes share the 2 cores with the database, the broker and each other, so the
# runtime's tier-up (methods recompiled at tier 1 in the background) takes tens of seconds there, not a few (measured:
# docs/benchmarks.md, "PostgreSQL: the api's run write as one set, two workers, warm-up"), and more with each process
# more: after 45 s a worker still spent 10-25 % of its CPU compiling, two workers together twice one's (the runtime's
# JIT counter per process; docs/benchmarks.md, "What moved the numbers, round twenty-two"). 120 s puts the measured
# window past more of it; alternate.md lists what is left per run (each process' JIT counter).
if $quick; then
  seconds=2 latency_seconds=2 warmup=1 open_rate=200 scaled_rate=50 scaled_seconds=2 scaled_warmup=1
else
  seconds=30 latency_seconds=15 warmup=5 open_rate=2000 scaled_rate=500 scaled_seconds=20 scaled_warmup=120
fi

work="$(mktemp -d /tmp/flowforge-bench-XXXXXX)"
# PostgreSQL runs as an unprivileged user when this runs as root: it must reach its folder.
chmod 755 "$work"
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR
service_user=flowforge-test
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

as_service_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$service_user" -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds; fails after SECONDS.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "$what did not answer within ${seconds}s"; return 1; fi
    sleep 0.5
  done
}

cleanup() {
  set +e
  if [ -f "$work/postgres/data/postmaster.pid" ]; then
    as_service_user "$pg_bin/pg_ctl" --pgdata="$work/postgres/data" --mode=fast --wait --timeout=60 stop >/dev/null 2>&1
  fi
  if [ -f "$work/mariadb/mysqld.pid" ]; then
    local pid deadline
    pid="$(cat "$work/mariadb/mysqld.pid")"
    kill -TERM "$pid" 2>/dev/null
    deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null
  fi
  for service in rabbitmq redis; do
    [ -d "$work/$service" ] && FLOWFORGE_SERVICES_DIR="$work/$service" tests/services/services.sh stop
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The same build the ./flowforge script makes and reuses.
log "building FlowForge and the bench (Release)"
dotnet build src/FlowForge.Server/FlowForge.Server.csproj -c Release --nologo -v quiet -o "$root/artifacts/flowforge" >/dev/null
dotnet build bench/FlowForge.Bench/FlowForge.Bench.csproj -c Release --nologo -v quiet >/dev/null
bench_dll="$root/bench/FlowForge.Bench/bin/Release/net10.0/FlowForge.Bench.dll"

# run_shape NAME ARGS...: one bench invocation; its JSON goes to NAME.json, its rows to results.md. A --warmup among
# ARGS replaces the default one (the last given wins).
failed=()
ran=0
# selected NAME: whether --only lets shape NAME run (all, its group, or its own name).
selected() {
  case "$only" in
    all) return 0 ;;
    embedded | scaled | scaled-postgres | scaled-mariadb) [[ "$1" == "$only"-* ]] ;;
    *) [ "$1" = "$only" ] ;;
  esac
}
run_shape() {
  local name=$1
  shift
  selected "$name" || return 0
  ran=$((ran + 1))
  log "shape $name"
  if ! dotnet "$bench_dll" --flowforge "$root/artifacts/flowforge/flowforge.dll" --json --markdown "$out/results.md" \
      --warmup "$warmup" "$@" ${bench_args[@]+"${bench_args[@]}"} >"$out/$name.json" 2>"$out/$name.log"; then
    log "shape $name failed (see $out/$name.log)"
    failed+=("$name")
  fi
}

# ---- embedded (one serve process, SQLite synchronous=FULL, in-process queue) -------------------------------
if [ "$only" = all ] || [[ "$only" == embedded* ]]; then
  run_shape embedded-wait-32-diamond --scenario diamond --mode wait --concurrency 32 --seconds "$seconds"
  run_shape embedded-wait-1-diamond --scenario diamond --mode wait-1 --seconds "$seconds"
  # Sustained 202 throughput; its peak RSS is the "RSS under load" figure.
  run_shape embedded-202-diamond --scenario diamond --mode closed --concurrency 96 --seconds "$seconds"
  run_shape embedded-202-linear-10 --scenario linear-10 --mode closed --concurrency 96 --seconds "$seconds"
  run_shape embedded-open-2000-diamond --scenario diamond --mode open --rate "$open_rate" --latency-seconds "$latency_seconds"
  run_shape embedded-202-fanout-50 --scenario fanout-50 --mode closed --concurrency 16 --seconds "$seconds"
  run_shape embedded-202-blob-100k --scenario blob-100k --mode closed --concurrency 32 --seconds "$seconds"
fi

# ---- scaled out: durable PostgreSQL / MariaDB, RabbitMQ, Redis ----------------------------------------------
# Which servers the selected shapes need: PostgreSQL and MariaDB only for their own shapes.
need_pg=false need_my=false
case "$only" in all | scaled) need_pg=true need_my=true ;; scaled-postgres*) need_pg=true ;; scaled-mariadb*) need_my=true ;; esac
if $need_pg || $need_my; then
  log "starting RabbitMQ and Redis"
  FLOWFORGE_SERVICES_DIR="$work/rabbitmq" tests/services/services.sh start-one rabbitmq >/dev/null
  FLOWFORGE_SERVICES_DIR="$work/redis" tests/services/services.sh start-one redis >/dev/null
  # shellcheck disable=SC1091
  rabbitmq="$(source "$work/rabbitmq/env" && printf '%s' "$FLOWFORGE_TEST_RABBITMQ")"
  # shellcheck disable=SC1091
  redis="$(source "$work/redis/env" && printf '%s' "$FLOWFORGE_TEST_REDIS")"

  if $need_pg; then
    log "starting a durable PostgreSQL"
    [ -x "$pg_bin/postgres" ] || { log "PostgreSQL binaries not found under /usr/lib/postgresql"; exit 1; }
    if [ "$(id -u)" = 0 ] && ! id -u "$service_user" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$service_user"
    fi
    pg="$work/postgres"
    pg_port="$(free_port)"
    mkdir -p "$pg/sock"
    printf 'flowforge\n' >"$pg/password"
    if [ "$(id -u)" = 0 ]; then chown -R "$service_user" "$pg"; fi
    as_service_user "$pg_bin/initdb" --pgdata="$pg/data" --username=flowforge --pwfile="$pg/password" \
      --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$pg/initdb.log" 2>&1 \
      || { cat "$pg/initdb.log" >&2; exit 1; }
    pg_options="-p $pg_port -c listen_addresses=127.0.0.1 -k $pg/sock -c max_connections=300 -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    if $pg_profile; then pg_options+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=2000 -c pg_stat_statements.track_planning=on"; fi
    as_service_user "$pg_bin/pg_ctl" --pgdata="$pg/data" --log="$pg/postgres.log" --wait --timeout=120 start \
      -o "$pg_options" >/dev/null \
      || { tail -n 30 "$pg/postgres.log" >&2; exit 1; }
    pg_pid="$(head -n 1 "$pg/data/postmaster.pid")"
  fi

  # pg_profile_start NAME DB / pg_profile_stop: the sampler of --pg-profile, one psql session fed one query set a second.
  pg_profile_start() {
    local name=$1 db=$2
    as_service_user "$pg_bin/psql" -h "$pg/sock" -p "$pg_port" -U flowforge -d "$db" -v ON_ERROR_STOP=1 -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    (
      # Bounded: an hour of samples at most, should the shape end without its stop file.
      i=0
      while [ ! -e "$pg/$name.stop" ] && ((i < 3600)); do
        printf '%s\n' "SELECT extract(epoch FROM clock_timestamp()), 'activity', coalesce(backend_type, ''), coalesce(state, ''), coalesce(wait_event_type, ''), coalesce(wait_event, ''), count(*) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid() GROUP BY 2, 3, 4, 5, 6;" \
          "SELECT extract(epoch FROM clock_timestamp()), 'waiting', locktype, mode, '', '', count(*) FROM pg_locks WHERE NOT granted GROUP BY 2, 3, 4;"
        if ((i % 5 == 0)); then
          printf '%s\n' "SELECT extract(epoch FROM clock_timestamp()), queryid, calls, total_exec_time, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, wal_records, regexp_replace(left(query, 400), '\\s+', ' ', 'g'), total_plan_time FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$db');" \
            "SELECT extract(epoch FROM clock_timestamp()), -1, xact_commit, xact_rollback, tup_updated, tup_inserted, tup_deleted, deadlocks, conflicts, 'pg_stat_database' FROM pg_stat_database WHERE datname = '$db';" \
            "SELECT extract(epoch FROM clock_timestamp()), -2, n_tup_upd, n_tup_hot_upd, n_dead_tup, n_live_tup, autovacuum_count, idx_scan, seq_scan, 'table ' || relname FROM pg_stat_user_tables;"
        fi
        i=$((i + 1))
        sleep 1
      done | as_service_user "$pg_bin/psql" -h "$pg/sock" -p "$pg_port" -U flowforge -d "$db" -qAt -F $'\t' >"$out/$name.pg-profile.tsv" 2>&1
    ) &
    pg_profile_pid=$!
  }
  pg_profile_stop() {
    local name=$1
    touch "$pg/$name.stop"
    wait "$pg_profile_pid" 2>/dev/null || true
  }

  if $need_my; then
    log "starting a durable MariaDB"
    my="$work/mariadb"
    my_port="$(free_port)"
    mkdir -p "$my"
    my_user=()
    [ "$(id -u)" = 0 ] && my_user=(--user=root)
    cat >"$my/init.sql" <<'SQL'
FLUSH PRIVILEGES;
CREATE USER 'flowforge'@'127.0.0.1' IDENTIFIED BY 'flowforge';
GRANT ALL PRIVILEGES ON *.* TO 'flowforge'@'127.0.0.1';
SQL
    mariadb-install-db --no-defaults --datadir="$my/data" "${my_user[@]}" --auth-root-authentication-method=socket \
      --skip-test-db --skip-name-resolve --extra-file="$my/init.sql" >"$my/install.log" 2>&1 \
      || { cat "$my/install.log" >&2; exit 1; }
    setsid mariadbd --no-defaults "${my_user[@]}" --datadir="$my/data" --socket="$my/mysqld.sock" \
      --port="$my_port" --bind-address=127.0.0.1 --pid-file="$my/mysqld.pid" --log-error="$my/error.log" \
      --skip-name-resolve --skip-log-bin --max-connections=300 --innodb-buffer-pool-size=256M \
      --innodb-flush-log-at-trx-commit=1 --innodb-doublewrite=1 --character-set-server=utf8mb4 \
      --collation-server=utf8mb4_unicode_ci ${mariadb_args[@]+"${mariadb_args[@]}"} </dev/null >/dev/null 2>&1 &
    wait_until 120 MariaDB mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$my_port" -u flowforge -pflowforge ping \
      || { tail -n 30 "$my/error.log" >&2; exit 1; }
    my_pid="$(cat "$my/mysqld.pid")"
  fi

  rabbit_pid="$(cat "$work/rabbitmq/rabbitmq.pid")"
  redis_pid="$(cat "$work/redis/redis.pid")"
  broker=(--serve-arg --queue --serve-arg rabbitmq --serve-arg --queue-connection --serve-arg "$rabbitmq"
    --serve-arg --cache --serve-arg redis --serve-arg --cache-connection --serve-arg "$redis"
    --watch "rabbitmq=$rabbit_pid" --watch "redis=$redis_pid")

  scaled_modes=closed,open scaled_extra=()
  if ((quiet_alternate > 0)); then scaled_modes=closed scaled_extra=(--quiet-alternate "$quiet_alternate"); fi
  # run_postgres WORKERS SUFFIX / run_mariadb WORKERS SUFFIX: one scaled shape on a fresh database of its own, so no
  # run reads another's rows.
  run_postgres() {
    local workers=$1 name="scaled-postgres-w$1-diamond$2" db="ffb_pg_w$1${2//-/_}" cs
    as_service_user "$pg_bin/psql" -h "$pg/sock" -p "$pg_port" -U flowforge -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db" >/dev/null
    cs="Host=127.0.0.1;Port=$pg_port;Username=flowforge;Password=flowforge;Database=$db"
    if $pg_profile; then pg_profile_start "$name" "$db"; fi
    run_shape "$name" --warmup "$scaled_warmup" --workers "$workers" --scenario diamond --mode "$scaled_modes" --concurrency 64 \
      --seconds "$scaled_seconds" --rate "$scaled_rate" --latency-seconds "$latency_seconds" ${scaled_extra[@]+"${scaled_extra[@]}"} --count-commits "postgres=$cs" --watch "postgres=$pg_pid" \
      --serve-arg --store --serve-arg postgres --serve-arg --store-connection --serve-arg "$cs" "${broker[@]}"
    if $pg_profile; then pg_profile_stop "$name"; fi
  }
  run_mariadb() {
    local workers=$1 name="scaled-mariadb-w$1-diamond$2" db="ffb_my_w$1${2//-/_}" cs
    mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$my_port" -u flowforge -pflowforge \
      -e "CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    cs="Server=127.0.0.1;Port=$my_port;User ID=flowforge;Password=flowforge;Database=$db"
    run_shape "$name" --warmup "$scaled_warmup" --workers "$workers" --scenario diamond --mode "$scaled_modes" --concurrency 64 \
      --seconds "$scaled_seconds" --rate "$scaled_rate" --latency-seconds "$latency_seconds" ${scaled_extra[@]+"${scaled_extra[@]}"} --count-commits "mysql=$cs" --watch "mariadb=$my_pid" \
      --serve-arg --store --serve-arg mysql --serve-arg --store-connection --serve-arg "$cs" "${broker[@]}"
  }

  if ((quiet_alternate > 0)); then
    if $need_pg; then run_postgres 2 "-quiet"; fi
    if $need_my; then run_mariadb 2 "-quiet"; fi
  elif ((alternate == 0)); then
    for workers in 1 2; do
      if $need_pg && selected "scaled-postgres-w$workers-diamond"; then run_postgres "$workers" ""; fi
      if $need_my && selected "scaled-mariadb-w$workers-diamond"; then run_mariadb "$workers" ""; fi
    done
  else
    # w1 w2, then w2 w1, and so on: each worker count runs as often first as second.
    order=()
    for ((k = 1; k <= alternate; k++)); do
      if ((k % 2 == 1)); then order+=("1 $k" "2 $k"); else order+=("2 $k" "1 $k"); fi
    done
    for entry in "${order[@]}"; do
      read -r workers k <<<"$entry"
      if $need_pg; then run_postgres "$workers" "-a$k"; fi
      if $need_my; then run_mariadb "$workers" "-a$k"; fi
    done
    bench/alternate-summary.sh "$out" >"$out/alternate.md"
    cat "$out/alternate.md" >&2
  fi
fi

jq -s '.' "$out"/*.json >"$out/all.json.tmp" 2>/dev/null && mv "$out/all.json.tmp" "$out/all.json" || rm -f "$out/all.json.tmp"
if ((ran == 0)); then log "no shape is named $only"; exit 2; fi
log "results in $out (results.md, all.json, one JSON and log per shape)"
if ((${#failed[@]} > 0)); then
  log "failed shapes: ${failed[*]}"
  exit 1
fi
