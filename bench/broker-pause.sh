#!/usr/bin/env bash
# Runs the PostgreSQL one-worker shape (bench/run-all.sh --only scaled-postgres-w1-diamond) and stops its RabbitMQ for
# a few seconds inside the closed loop: the api goes on accepting runs whose publishes wait, and the figures show how
# fast what it deferred reaches the queue once the broker answers again (the closed loop's created → finished max).
#
#   bench/broker-pause.sh [--seconds N] [--after N] [--out DIR] [--bench-arg ARG]...
#
# --seconds N (1–60, default 10): how long the broker's processes are stopped (SIGSTOP, then SIGCONT).
# --after N (default 133): when, counted from the shape's start; the shape warms up for 120 s and its servers take a few,
#   so 133 lands about 10 s into the 20 s closed loop.
# --bench-arg ARG: passed on to run-all.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=10
after=133
out="$root/artifacts/bench/broker-pause-$(date -u +%Y%m%dT%H%M%SZ)"
passed=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds)
      [[ "${2:-}" =~ ^[1-9][0-9]?$ && "$2" -le 60 ]] || { echo "--seconds takes 1 to 60" >&2; exit 2; }
      seconds=$2; shift ;;
    --after)
      [[ "${2:-}" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--after takes 1 to 999 seconds" >&2; exit 2; }
      after=$2; shift ;;
    --out) [[ -n "${2:-}" ]] || { echo "--out takes a folder" >&2; exit 2; }; out=$2; shift ;;
    --bench-arg) [[ $# -ge 2 ]] || { echo "--bench-arg takes an argument" >&2; exit 2; }; passed+=(--bench-arg "$2"); shift ;;
    *) echo "usage: bench/broker-pause.sh [--seconds N] [--after N] [--out DIR] [--bench-arg ARG]..." >&2; exit 2 ;;
  esac
  shift
done

mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$root/bench/run-all.sh" --only scaled-postgres-w1-diamond --out "$out" "${passed[@]}" > "$out/run.log" 2>&1 &
bench=$!
trap 'kill -CONT ${stopped:-} 2>/dev/null || true' EXIT

for _ in $(seq 1 1200); do
  grep -q "shape scaled-postgres-w1-diamond" "$out/run.log" 2>/dev/null && break
  kill -0 "$bench" 2>/dev/null || break
  sleep 0.5
done
grep -q "shape scaled-postgres-w1-diamond" "$out/run.log" || { cat "$out/run.log" >&2; wait "$bench"; exit 1; }
started="$(date -u +%T)"
sleep "$after"

# run-all.sh's RabbitMQ: its start script and the node under it.
pidfile="$(ls -td /tmp/flowforge-bench-*/rabbitmq/rabbitmq.pid 2>/dev/null | head -1)"
[[ -n "$pidfile" ]] || { echo "broker-pause: the bench's RabbitMQ was not found" >&2; wait "$bench"; exit 1; }
pid="$(cat "$pidfile")"
stopped="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
for child in $(pgrep -P "$pid"); do stopped="$stopped $(pgrep -P "$child" | tr '\n' ' ')"; done
paused="$(date -u +%T)"
kill -STOP $stopped
sleep "$seconds"
kill -CONT $stopped
resumed="$(date -u +%T)"
stopped=""

status=0
wait "$bench" || status=$?
printf 'shape started %s UTC; RabbitMQ stopped %s, resumed %s (%s s)\n' "$started" "$paused" "$resumed" "$seconds" | tee "$out/pause.txt"
cat "$out/results.md"
# run-all.sh fails a shape whose runs did not all finish within 5 minutes of the last start: that is a result here too.
exit "$status"
