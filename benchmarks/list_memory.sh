#!/usr/bin/env bash
# list_memory.sh: does listing stream with constant memory? GET /v1/content (a streamed JSON array of every blob's
# Info) from `stowage serve` with a small capped heap (LIST_HEAP, default 32m), on stores holding 10 000 and 100 000
# blobs (LIST_COUNTS), read once fast (curl to a file) and once slowly (curl --limit-rate 1M, so the server must
# hold back rather than buffer). Per listing: entries, seconds, the server's peak RSS (VmHWM) and the largest heap
# left live after any GC during the listing (-Xlog:gc); under constant memory the live heap does not grow with the
# count. Stores are made once under $LIST_DIR (default /tmp/stowage-list) by io.stowage.bench.Populate (the store
# API: ingest + commit with a label, so every blob has its row). Results: benchmarks/results/<UTC>-list/.
# Build first: mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package -DskipTests
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/target/stowage.jar"; BENCH="$HERE/target/benchmarks.jar"
HEAP=${LIST_HEAP:-32m}; COUNTS=${LIST_COUNTS:-"10000 100000"}; W=${LIST_DIR:-/tmp/stowage-list}; PORT=${LIST_PORT:-5097}
OUT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-list"; mkdir -p "$OUT" "$W"
{ echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"; echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "java: $(java -version 2>&1 | head -1)"; echo "stowage: $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "heap: -Xmx$HEAP"; echo "file system: $(df -T "$W" | awk 'NR==2 {print $1 ", " $2}')"; } > "$OUT/machine.txt"
for n in $COUNTS; do
  store="$W/root-$n"
  if [ ! -f "$store/.populated" ]; then
    rm -rf "$store"
    java -Xmx512m -cp "$BENCH" io.stowage.bench.Populate "$store" "$n" 512 8 | tee -a "$OUT/populate.log"
    touch "$store/.populated"
  fi
  gc="$OUT/gc-$n.log"; log="$OUT/serve-$n.log"
  setsid java "-Xmx$HEAP" "-Xlog:gc:file=$gc" -jar "$JAR" serve --listen "127.0.0.1:$PORT" --root "$store" >"$log" 2>&1 &
  for i in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/v1/content/sha256:$(printf '0%.0s' $(seq 64))/info" -o /dev/null -w '%{http_code}' 2>/dev/null | grep -q 404 && break; sleep 0.2; done
  pid=$(pgrep -f "serve --listen 127.0.0.1:$PORT")
  for mode in fast slow; do
    g0=$(wc -l <"$gc"); t0=$(date +%s.%N)
    if [ $mode = fast ]; then curl -sf -o "$W/list.json" "http://127.0.0.1:$PORT/v1/content"
    else curl -sf --limit-rate 1M -o "$W/list.json" "http://127.0.0.1:$PORT/v1/content"; fi
    t1=$(date +%s.%N)
    entries=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$W/list.json")
    live=$(tail -n +"$((g0 + 1))" "$gc" | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' | sort -n | tail -1)
    gcs=$(tail -n +"$((g0 + 1))" "$gc" | grep -c 'Pause' || true)
    echo "LISTMEM count=$n mode=$mode entries=$entries bytes=$(stat -c %s "$W/list.json") seconds=$(echo "$t1 - $t0" | bc | cut -c1-6) peak_rss_mib=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$pid/status) max_live_heap_mib=${live:-none} gcs=$gcs" | tee -a "$OUT/list.log"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
rm -f "$W/list.json"
echo "results in $OUT"
