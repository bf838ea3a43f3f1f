#!/usr/bin/env bash
# containerd_compare.sh: the large-blob ingest against containerd in one session (issue 6: >= 2x containerd's
# ingest at <= 0.5x its CPU per GiB). Three parts, one after the other, into benchmarks/results/<UTC>-containerd/:
#   1. containerd.log: /work/shared/peers/containerd_bench.sh (RUNS=3): `ctr content ingest` of 1 GiB over
#      containerd's socket, with containerd's CPU per GiB;
#   2. stowage-cli-ingest.log: the same through the network like ctr: `stowage content ingest` (CLI, WebSocket write
#      session) of a 1 GiB random file into `stowage serve -Xmx256m` on 127.0.0.1, CLI_RUNS (5) fresh refs, with
#      the server's CPU per GiB;
#   3. jmh/: benchmarks/run.sh IngestBenchmark -p size=1073741824 (in process, next to the bare limits).
# Build first: mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package -DskipTests
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/.." && pwd)"; JAR="$ROOT/target/stowage.jar"
PEERS=${PEERS:-/work/shared/peers}; RUNS_CLI=${CLI_RUNS:-5}; PORT=${CLI_PORT:-5098}
OUT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-containerd"; mkdir -p "$OUT"
echo "stowage: $(git -C "$ROOT" rev-parse --short HEAD)" > "$OUT/machine.txt"
RUNS=3 bash "$PEERS/containerd_bench.sh" >"$OUT/containerd.log" 2>"$OUT/containerd.err"
W=$(mktemp -d); head -c 1073741824 /dev/urandom >"$W/blob"
setsid java -Xmx256m -jar "$JAR" serve --listen "127.0.0.1:$PORT" --root "$W/root" >"$W/serve.log" 2>&1 &
for i in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/content" && break; sleep 0.2; done
pid=$(pgrep -f "serve --listen 127.0.0.1:$PORT")
cpu() { awk '{print ($14+$15)/100}' "/proc/$pid/stat"; }
{
  echo "# stowage content ingest (CLI, WebSocket write session) -> stowage serve -Xmx256m, 1 GiB random, one fresh ref per run, server CPU from /proc/$pid/stat"
  for r in $(seq "$RUNS_CLI"); do
    # each run's content differs in its first bytes, so no run finds its blob already stored
    printf 'run %08d' "$r" | dd of="$W/blob" conv=notrunc status=none
    c0=$(cpu); t0=$(date +%s.%N)
    java -jar "$JAR" --address "127.0.0.1:$PORT" content ingest "cli-$r-$RANDOM" --total 1073741824 <"$W/blob" >/dev/null
    t1=$(date +%s.%N); c1=$(cpu)
    awk -v s="$(echo "$t1 - $t0" | bc)" -v c="$(echo "$c1 - $c0" | bc)" -v r="$r" \
      'BEGIN { printf "run %d: %.0f MB/s, server %.2f CPU-s/GiB\n", r, 1073.741824 / s, c }'
  done
} | tee "$OUT/stowage-cli-ingest.log"
kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$W"
"$HERE/run.sh" IngestBenchmark -p size=1073741824 >"$OUT/jmh.log" 2>&1
grep -A6 '^| benchmark' "$OUT/jmh.log" | tee "$OUT/jmh-table.md"
echo "results in $OUT"
