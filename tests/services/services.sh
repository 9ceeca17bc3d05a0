#!/usr/bin/env bash
# Private PostgreSQL, MariaDB, RabbitMQ and Redis servers for tests: one folder, 127.0.0.1 only, free ports.
#
#   services.sh start             installs missing packages, starts all four, writes the env file (idempotent)
#   services.sh stop              stops what start started and removes the folder
#   services.sh restart-rabbitmq  stops and starts the same RabbitMQ node (same port, data kept)
#   services.sh status            says what runs
#   services.sh attach PID        start (once) and share the servers with process PID; they are stopped
#                                 when the last attached process has exited
#
# One private server for a test that stops and starts it (redis, postgres or rabbitmq), in a folder of its own:
#   services.sh start-one NAME    starts only NAME, writes the env file with its one variable
#   services.sh stop-one NAME     stops NAME, keeping its port and data
#   services.sh resume-one NAME   starts NAME again on the same port with the same data
#   services.sh stop              stops it and removes the folder
#
# The folder is $FLOWFORGE_SERVICES_DIR, else $FLOWFORGE_TEST_SERVICES_DIR (set by the env file), else
# /tmp/flowforge-services. Its file `env` exports the connection strings: `source "$dir/env"`.
set -euo pipefail

self="$(readlink -f "${BASH_SOURCE[0]}")"
dir="${FLOWFORGE_SERVICES_DIR:-${FLOWFORGE_TEST_SERVICES_DIR:-/tmp/flowforge-services}}"
service_user=flowforge-test
marker=.flowforge-services
packages=(postgresql mariadb-server rabbitmq-server redis-server jq)

log() { printf 'services: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

# Runs a command as the unprivileged user PostgreSQL insists on (when we are root).
as_service_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$service_user" -- "$@"; else "$@"; fi
}

# wait_for SECONDS WHAT COMMAND...: polls until COMMAND succeeds; fails after SECONDS.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "$what did not answer within ${seconds}s"
            return 1
        fi
        sleep 0.2
    done
}

# A zombie counts as gone: the container's init may reap orphans seconds later.
alive() {
    [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# stop_pid PID SECONDS: TERM, wait, then KILL.
stop_pid() {
    local pid=$1 seconds=$2
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if alive "$pid"; then
        log "pid $pid ignored TERM for ${seconds}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

chosen_ports=" "
port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
}

# The kernel hands out ports from this range to outgoing connections. A port chosen inside it could be taken by a
# test's client socket between the check and the server's bind, and the server would not start; ours stay below it.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
ephemeral_low=${ephemeral_low:-32768}

# free_port VAR: a port nothing listens on, from 20000 up to where RabbitMQ's CLI range (dist port + 10000..10010)
# still ends below the ephemeral range.
free_port() {
    local p attempt low=20000 span
    span=$((ephemeral_low - 10011 - low))
    ((span >= 1000)) || span=25000
    for attempt in $(seq 1 200); do
        p=$((low + RANDOM % span))
        case "$chosen_ports" in *" $p "*) continue ;; esac
        if ! port_taken "$p"; then
            chosen_ports+="$p "
            printf -v "$1" '%s' "$p"
            return 0
        fi
    done
    fail "no free port found after $attempt tries"
}

install_packages() {
    local missing=() pkg
    for pkg in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0

    log "installing ${missing[*]}"
    # Debian starts services on install; a policy-rc.d answering 101 forbids that. Ours goes again afterwards.
    local own_policy=false
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        own_policy=true
    fi
    local status=0
    as_root env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq || status=$?
    if ((status == 0)); then
        as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
    fi
    if $own_policy; then as_root rm -f /usr/sbin/policy-rc.d; fi
    ((status == 0)) || fail "apt-get failed ($status) installing ${missing[*]}"
}

ensure_service_user() {
    [ "$(id -u)" = 0 ] || return 0
    id -u "$service_user" >/dev/null 2>&1 && return 0
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$service_user"
}

postgres_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/postgres" ] || fail "PostgreSQL binaries not found under /usr/lib/postgresql"
    printf '%s' "$bin"
}

# ---- PostgreSQL ----------------------------------------------------------------------------------

start_postgres() {
    local port=$1 bin pg="$dir/postgres"
    bin=$(postgres_bin)
    mkdir -p "$pg/sock"
    printf 'flowforge\n' >"$pg/password"
    if [ "$(id -u)" = 0 ]; then chown -R "$service_user" "$pg"; fi
    as_service_user "$bin/initdb" --pgdata="$pg/data" --username=flowforge --pwfile="$pg/password" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$pg/initdb.log" 2>&1 \
        || { cat "$pg/initdb.log" >&2; fail "initdb failed"; }
    launch_postgres "$port"
    as_service_user "$bin/psql" -h "$pg/sock" -p "$port" -U flowforge -d postgres -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE flowforge' >/dev/null
    wait_for 30 PostgreSQL env PGPASSWORD=flowforge "$bin/pg_isready" -h 127.0.0.1 -p "$port" -U flowforge -d flowforge
}

# launch_postgres PORT: starts the cluster initdb made in $dir/postgres.
launch_postgres() {
    local port=$1 bin pg="$dir/postgres"
    bin=$(postgres_bin)
    # Durability settings are off: these databases live for one test run.
    as_service_user "$bin/pg_ctl" --pgdata="$pg/data" --log="$pg/postgres.log" --wait --timeout=60 start \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $pg/sock -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || { tail -n 30 "$pg/postgres.log" >&2; fail "PostgreSQL did not start"; }
    head -n 1 "$pg/data/postmaster.pid" >"$dir/postgres.pid"
}

stop_postgres() {
    [ -d "$dir/postgres/data" ] || return 0
    local bin
    bin=$(postgres_bin)
    if [ -f "$dir/postgres/data/postmaster.pid" ]; then
        as_service_user "$bin/pg_ctl" --pgdata="$dir/postgres/data" --mode=fast --wait --timeout=30 stop >/dev/null 2>&1 || true
    fi
    stop_pid "$(cat "$dir/postgres.pid" 2>/dev/null || true)" 10
}

# ---- MariaDB -------------------------------------------------------------------------------------

start_mariadb() {
    local port=$1 my="$dir/mariadb"
    local as_user=()
    [ "$(id -u)" = 0 ] && as_user=(--user=root)
    mkdir -p "$my"
    # The test user may create and drop databases (one per test).
    cat >"$my/init.sql" <<'SQL'
FLUSH PRIVILEGES;
CREATE USER 'flowforge'@'127.0.0.1' IDENTIFIED BY 'flowforge';
CREATE USER 'flowforge'@'localhost' IDENTIFIED BY 'flowforge';
GRANT ALL PRIVILEGES ON *.* TO 'flowforge'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'flowforge'@'localhost' WITH GRANT OPTION;
CREATE DATABASE flowforge CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
    mariadb-install-db --no-defaults --datadir="$my/data" "${as_user[@]}" --auth-root-authentication-method=socket \
        --skip-test-db --skip-name-resolve --extra-file="$my/init.sql" >"$my/install.log" 2>&1 \
        || { cat "$my/install.log" >&2; fail "mariadb-install-db failed"; }
    setsid mariadbd --no-defaults "${as_user[@]}" --datadir="$my/data" --socket="$my/mysqld.sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$my/mysqld.pid" --log-error="$my/error.log" \
        --skip-name-resolve --skip-log-bin --max-connections=300 --innodb-buffer-pool-size=128M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/mariadb.pid"
    wait_for 60 MariaDB mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$port" -u flowforge -pflowforge ping \
        || { tail -n 30 "$my/error.log" >&2; return 1; }
}

stop_mariadb() {
    stop_pid "$(cat "$dir/mariadb.pid" 2>/dev/null || true)" 30
}

# ---- Redis ---------------------------------------------------------------------------------------

start_redis() {
    local port=$1 rd="$dir/redis"
    mkdir -p "$rd"
    setsid redis-server --bind 127.0.0.1 --port "$port" --dir "$rd" --save '' --appendonly no \
        --daemonize no --logfile "$rd/redis.log" --protected-mode yes </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/redis.pid"
    wait_for 20 Redis sh -c "redis-cli -h 127.0.0.1 -p $port ping | grep -q PONG" \
        || { tail -n 30 "$rd/redis.log" >&2; return 1; }
}

stop_redis() {
    stop_pid "$(cat "$dir/redis.pid" 2>/dev/null || true)" 10
}

# ---- RabbitMQ ------------------------------------------------------------------------------------

rabbit_bin=/usr/lib/rabbitmq/bin

# Writes the environment every rabbitmq-server and rabbitmqctl call of this node shares.
write_rabbit_env() {
    local port=$1 dist=$2 epmd=$3 rb="$dir/rabbitmq"
    mkdir -p "$rb/home" "$rb/mnesia" "$rb/log"
    cat >"$rb/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$port
loopback_users.guest = true
log.console = false
log.file.level = warning
disk_free_limit.absolute = 50MB
EOF
    printf '[].\n' >"$rb/enabled_plugins"
    : >"$rb/rabbitmq-env.conf"
    cat >"$rb/env.sh" <<EOF
export HOME='$rb/home'
export RABBITMQ_NODENAME='rabbit-$port@localhost'
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$port
export RABBITMQ_DIST_PORT=$dist
export RABBITMQ_CONFIG_FILE='$rb/rabbitmq.conf'
export RABBITMQ_ADVANCED_CONFIG_FILE='$rb/advanced.config'
export RABBITMQ_CONF_ENV_FILE='$rb/rabbitmq-env.conf'
export RABBITMQ_ENABLED_PLUGINS_FILE='$rb/enabled_plugins'
export RABBITMQ_MNESIA_BASE='$rb/mnesia'
export RABBITMQ_LOG_BASE='$rb/log'
export RABBITMQ_PID_FILE='$rb/rabbitmq.pid'
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$epmd
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
EOF
}

# Starts the node described by $dir/rabbitmq/env.sh. The recorded pid is the rabbitmq-server script, which
# stays in the foreground and turns TERM into a clean shutdown of the Erlang VM it started.
launch_rabbit() {
    (
        # shellcheck source=/dev/null
        . "$dir/rabbitmq/env.sh"
        cd "$dir/rabbitmq"
        rm -f "$RABBITMQ_PID_FILE"
        setsid "$rabbit_bin/rabbitmq-server" </dev/null >>"$dir/rabbitmq/log/start.log" 2>&1 &
        echo $! >"$dir/rabbitmq.pid"
    )
}

# Waits for the node launch_rabbit started; fails at once, with its log, when the node's script has exited.
await_rabbit() {
    (
        # shellcheck source=/dev/null
        . "$dir/rabbitmq/env.sh"
        script=$(cat "$dir/rabbitmq.pid" 2>/dev/null || true)
        # await_startup gives up at once while the node has not registered yet, hence the loop around it; the
        # minutes allowed are for build machines where the Erlang VM boots slowly under load.
        deadline=$((SECONDS + 240))
        until timeout 60 "$rabbit_bin/rabbitmqctl" -n "$RABBITMQ_NODENAME" await_startup --timeout 20 >/dev/null 2>&1; do
            if ! alive "$script"; then
                log "RabbitMQ exited while starting"
                exit 1
            fi
            if ((SECONDS >= deadline)); then
                log "RabbitMQ did not answer within 240s"
                exit 1
            fi
            sleep 0.2
        done
    ) || {
        tail -n 30 "$dir/rabbitmq/log/start.log" "$dir/rabbitmq/log/"*.log >&2 2>/dev/null || true
        log "RabbitMQ did not start"
        return 1
    }
}

stop_rabbit_node() {
    [ -f "$dir/rabbitmq/env.sh" ] || return 0
    local script vm
    script=$(cat "$dir/rabbitmq.pid" 2>/dev/null || true)
    vm=$(cat "$dir/rabbitmq/rabbitmq.pid" 2>/dev/null || true)
    if alive "$script"; then
        (
            # shellcheck source=/dev/null
            . "$dir/rabbitmq/env.sh"
            timeout 60 "$rabbit_bin/rabbitmqctl" -n "$RABBITMQ_NODENAME" shutdown >/dev/null 2>&1
        ) || log "rabbitmqctl shutdown failed; signalling the node"
    fi
    stop_pid "$script" 30
    # The VM outlives its script only if the script was killed; it is the node's own pid file that names it.
    stop_pid "$vm" 30
}

start_epmd() {
    local port=$1
    setsid epmd -port "$port" -address 127.0.0.1 </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/epmd.pid"
    wait_for 10 epmd port_taken "$port"
}

# ---- commands ------------------------------------------------------------------------------------

services_alive() {
    [ -f "$dir/env" ] || return 1
    local name
    for name in postgres mariadb redis epmd rabbitmq; do
        alive "$(cat "$dir/$name.pid" 2>/dev/null || true)" || return 1
    done
}

cmd_start() {
    if services_alive; then
        log "already running"
        printf '%s\n' "$dir/env"
        return 0
    fi
    if [ -d "$dir" ]; then
        log "cleaning up a half-started $dir"
        cmd_stop
    fi
    local started=$SECONDS
    install_packages
    ensure_service_user
    mkdir -p "$dir"
    chmod 755 "$dir"
    : >"$dir/$marker"
    start_done=0
    trap 'if [ "$start_done" != 1 ]; then log "start failed; stopping what started"; cmd_stop; fi' EXIT

    local pg_port my_port redis_port rabbit_port dist_port epmd_port
    free_port pg_port
    free_port my_port
    free_port redis_port
    free_port rabbit_port
    free_port dist_port
    free_port epmd_port

    # RabbitMQ boots slowest: it starts first and is awaited last.
    write_rabbit_env "$rabbit_port" "$dist_port" "$epmd_port"
    start_epmd "$epmd_port"
    launch_rabbit
    start_redis "$redis_port"
    start_postgres "$pg_port"
    start_mariadb "$my_port"
    await_rabbit || fail "RabbitMQ did not start"

    cat >"$dir/env.tmp" <<EOF
export FLOWFORGE_TEST_SERVICES_DIR='$dir'
export FLOWFORGE_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=flowforge;Password=flowforge;Database=flowforge'
export FLOWFORGE_TEST_MYSQL='Server=127.0.0.1;Port=$my_port;User ID=flowforge;Password=flowforge;Database=flowforge'
export FLOWFORGE_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$rabbit_port/'
export FLOWFORGE_TEST_RABBITMQ_NODE='rabbit-$rabbit_port@localhost'
export FLOWFORGE_TEST_REDIS='127.0.0.1:$redis_port'
EOF
    mv "$dir/env.tmp" "$dir/env"
    start_done=1
    trap - EXIT
    log "started in $((SECONDS - started))s"
    printf '%s\n' "$dir/env"
}

cmd_stop() {
    [ -d "$dir" ] || return 0
    # The folder comes from the environment: never empty one this script did not make.
    [ -f "$dir/$marker" ] || fail "$dir was not made by services.sh (no $marker); not touching it"
    stop_rabbit_node
    stop_pid "$(cat "$dir/epmd.pid" 2>/dev/null || true)" 5
    stop_redis
    stop_mariadb
    stop_postgres
    rm -rf "$dir"
}

cmd_restart_rabbitmq() {
    services_alive || fail "services are not running in $dir"
    stop_rabbit_node
    launch_rabbit
    await_rabbit || fail "RabbitMQ did not start again"
    log "RabbitMQ restarted"
}

# ---- one service ---------------------------------------------------------------------------------

one_name() {
    case "${1:-}" in
        redis | postgres | rabbitmq) printf '%s' "$1" ;;
        *) fail "give a service: redis, postgres or rabbitmq" ;;
    esac
}

start_one_service() {
    local name=$1 port=$2
    case "$name" in
        redis) start_redis "$port" ;;
        postgres) start_postgres "$port" ;;
        rabbitmq)
            local dist epmd
            free_port dist
            free_port epmd
            write_rabbit_env "$port" "$dist" "$epmd"
            start_epmd "$epmd"
            launch_rabbit
            if ! await_rabbit; then
                # A port checked free can be bound by another server starting at the same moment; a node that
                # exited for that gets one more try on ports chosen afresh.
                log "starting RabbitMQ once more on other ports"
                stop_rabbit_node
                free_port port
                free_port dist
                printf '%s\n' "$port" >"$dir/rabbitmq.port"
                write_rabbit_env "$port" "$dist" "$epmd"
                launch_rabbit
                await_rabbit || fail "RabbitMQ did not start"
            fi
            ;;
    esac
}

cmd_start_one() {
    local name
    name=$(one_name "${1:-}")
    [ -d "$dir" ] && fail "$dir exists; stop it first"
    install_packages
    ensure_service_user
    mkdir -p "$dir"
    chmod 755 "$dir"
    : >"$dir/$marker"
    start_done=0
    trap 'if [ "$start_done" != 1 ]; then log "start failed; stopping what started"; cmd_stop; fi' EXIT
    local port
    free_port port
    printf '%s\n' "$port" >"$dir/$name.port"
    start_one_service "$name" "$port"
    port=$(cat "$dir/$name.port")
    case "$name" in
        redis) printf "export FLOWFORGE_TEST_REDIS='127.0.0.1:%s'\n" "$port" >"$dir/env" ;;
        postgres) printf "export FLOWFORGE_TEST_POSTGRES='Host=127.0.0.1;Port=%s;Username=flowforge;Password=flowforge;Database=flowforge'\n" "$port" >"$dir/env" ;;
        rabbitmq) printf "export FLOWFORGE_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:%s/'\n" "$port" >"$dir/env" ;;
    esac
    start_done=1
    trap - EXIT
    printf '%s\n' "$dir/env"
}

cmd_stop_one() {
    local name
    name=$(one_name "${1:-}")
    [ -f "$dir/$name.port" ] || fail "$name was not started with start-one in $dir"
    case "$name" in
        redis) stop_redis ;;
        postgres) stop_postgres ;;
        rabbitmq) stop_rabbit_node ;;
    esac
    log "$name stopped"
}

cmd_resume_one() {
    local name port
    name=$(one_name "${1:-}")
    [ -f "$dir/$name.port" ] || fail "$name was not started with start-one in $dir"
    port=$(cat "$dir/$name.port")
    case "$name" in
        redis) start_redis "$port" ;;
        postgres) launch_postgres "$port" ;;
        rabbitmq) launch_rabbit && { await_rabbit || fail "RabbitMQ did not start again"; } ;;
    esac
    log "$name started again on port $port"
}

cmd_status() {
    if [ ! -d "$dir" ]; then
        printf 'not started (%s)\n' "$dir"
        return 1
    fi
    local name pid all=0
    for name in postgres mariadb redis epmd rabbitmq; do
        pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
        if alive "$pid"; then printf '%-9s running (pid %s)\n' "$name" "$pid"; else printf '%-9s stopped\n' "$name"; all=1; fi
    done
    [ -f "$dir/env" ] && cat "$dir/env"
    return $all
}

# ---- shared use by test processes ---------------------------------------------------------------
#
# Test projects that dotnet test runs side by side attach to one set of servers instead of starting one each.
# Every step holds an exclusive flock on "$dir.lock"; flock -o keeps the lock's file descriptor out of the
# servers started under it, which would otherwise hold the lock for as long as they run. Each attached process
# is a file users/PID (holding its start time, so a recycled pid is not mistaken for it), and a detached
# watcher releases it when the process exits, however it ends; the last release stops the servers.

process_start_time() {
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

attached_alive() {
    local file=$1 pid
    pid=$(basename "$file")
    alive "$pid" && [ "$(process_start_time "$pid")" = "$(cat "$file" 2>/dev/null)" ]
}

cmd_attach() {
    local pid=${1:-}
    [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || fail "attach needs the pid of a running process"
    flock -o -w 900 "$dir.lock" bash "$self" attach-locked "$pid" || fail "could not attach to $dir"
}

cmd_attach_locked() {
    local pid=$1
    cmd_start >/dev/null
    mkdir -p "$dir/users"
    process_start_time "$pid" >"$dir/users/$pid"
    setsid bash "$self" watch "$pid" </dev/null >/dev/null 2>&1 &
    printf '%s\n' "$dir/env"
}

# Waits for PID to exit, then releases it. No lock is held while waiting.
cmd_watch() {
    local pid=$1
    local started
    started=$(cat "$dir/users/$pid" 2>/dev/null || true)
    while alive "$pid" && [ "$(process_start_time "$pid")" = "$started" ]; do sleep 1; done
    flock -o -w 900 "$dir.lock" bash "$self" release-locked "$pid"
}

cmd_release_locked() {
    local pid=$1 file
    # A restart after a crash emptied the folder: this process never used the servers running now.
    [ -f "$dir/users/$pid" ] || return 0
    rm -f "$dir/users/$pid"
    for file in "$dir/users/"*; do
        [ -e "$file" ] || continue
        if attached_alive "$file"; then return 0; fi
        rm -f "$file"
    done
    log "last attached process gone; stopping"
    cmd_stop
}

case "${1:-}" in
    start) cmd_start ;;
    attach) cmd_attach "${2:-}" ;;
    attach-locked) cmd_attach_locked "$2" ;;
    watch) cmd_watch "$2" ;;
    release-locked) cmd_release_locked "$2" ;;
    stop) cmd_stop ;;
    restart-rabbitmq) cmd_restart_rabbitmq ;;
    start-one) cmd_start_one "${2:-}" ;;
    stop-one) cmd_stop_one "${2:-}" ;;
    resume-one) cmd_resume_one "${2:-}" ;;
    status) cmd_status ;;
    *) fail "usage: $0 start|stop|restart-rabbitmq|status|attach PID|start-one NAME|stop-one NAME|resume-one NAME" ;;
esac
