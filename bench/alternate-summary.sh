#!/usr/bin/env bash
# bench/alternate-summary.sh DIR: the markdown summary of `bench/run-all.sh --alternate N` from the JSON of its runs in
# DIR (scaled-DATABASE-wWORKERS-diamond-aK.json): every run's closed loop in the order it ran, then per database the
# median closed flows/s of one and of two workers and the ratio of the two medians; then the same comparison at the same
# machine speed: the machine's CPU per flow over the api's (the api does the same work per flow whatever the worker count,
# so its CPU per flow moves with the machine's speed), one worker's median over two workers'. Both are CPU time from
# /proc, the runtime's compiling included: its JIT counter is the compiling threads' wall clock, their waits for a core
# counted too, so on two saturated cores it exceeds their CPU and moves with the hour; it is listed per run (it tells a
# process still warming up from one at its steady state) and not subtracted.
set -euo pipefail
dir=${1:?usage: bench/alternate-summary.sh DIR}
shopt -s nullglob
files=("$dir"/scaled-*-w[12]-diamond-a*.json)
((${#files[@]} > 0)) || { echo "no scaled-*-wN-diamond-aK.json in $dir" >&2; exit 1; }

jq -rs '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r($n): if . == null then null else (. * $n | round) / $n end;
  # The median of the machine CPU per flow over the api CPU per flow of runs that have both (a run with no flows has neither).
  def sameSpeed: [.[] | select(.machine != null and .api != null and .api > 0) | .machine / .api] | median;
  # The JIT milliseconds per flow of a process (none read: 0).
  def jit: (.countersPerFlow.dotnet_jit_compilation_time_seconds_total // 0) * 1000;
  [ .[] | . as $doc | (.phases[] | select(.mode == "closed")) as $p
    | { database: (if (.serveArgs | index("postgres")) then "PostgreSQL" else "MariaDB" end),
        workers: ([$p.processes[] | select(.runsNodes)] | length),
        started: .startedAt,
        flows: $p.flowsPerSecond,
        errors: $p.errors,
        tx: $p.dbTransactionsPerFlow,
        busy: $p.machineBusyCores,
        machine: (if $p.flowsPerSecond > 0 then ($p.machineBusyCores / $p.flowsPerSecond * 1000 | r(1000)) else null end),
        api: ([$p.processes[] | select(.name == "api" and .cpuMsPerFlow != null) | .cpuMsPerFlow] | first),
        cpu: ([$p.processes[] | select(.cpuMsPerFlow != null) | "\(.name) \(.cpuMsPerFlow)"] | join(", ")),
        jit: ([$p.processes[] | select(.countersPerFlow != null)
          | "\(.name) \(jit | r(1000))"] | join(", ")) } ]
  | sort_by(.started) as $runs
  | "| start (UTC) | database | workers | closed flows/s | errors | DB transactions per flow | busy cores | machine CPU ms per flow | CPU ms per flow by process | of which JIT |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ($runs[] | "| \(.started[11:19]) | \(.database) | \(.workers) | \(.flows) | \(.errors) | \(.tx) | \(.busy) | \(.machine) | \(.cpu) | \(.jit) |"),
    "",
    "| database | runs (1 worker / 2 workers) | median closed flows/s, 1 worker | 2 workers | 2 workers ÷ 1 | median machine CPU ms per flow, 1 worker | 2 workers | median machine ÷ api CPU per flow, 1 worker | 2 workers | 2 workers ÷ 1 at the same speed |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ($runs | group_by(.database)[] as $db
      | [$db[] | select(.workers == 1)] as $w1 | [$db[] | select(.workers == 2)] as $w2
      | [$w1[].flows] as $one | [$w2[].flows] as $two
      | ($one | median | r(10)) as $m1 | ($two | median | r(10)) as $m2
      | ([$w1[].machine] | median | r(1000)) as $c1 | ([$w2[].machine] | median | r(1000)) as $c2
      | ($w1 | sameSpeed) as $s1 | ($w2 | sameSpeed) as $s2
      | "| \($db[0].database) | \($one | length) / \($two | length) | \($m1 // "—") | \($m2 // "—") | \(if $m1 and $m2 then ($m2 / $m1 | r(100)) else "—" end) | \($c1 // "—") | \($c2 // "—") | \($s1 | r(100) // "—") | \($s2 | r(100) // "—") | \(if $s1 and $s2 then ($s1 / $s2 | r(100)) else "—" end) |")
' "${files[@]}"
