#!/bin/bash
# ab.sh "JAR1 JAR2 ..." SIZE COUNT CONCURRENCY [MODE]   (run from the repository root, benchmarks built)
# For each jar in turn: a fresh `stowage serve` on 127.0.0.1:5093, an untimed UploadLoad round of WARM blobs
# (default COUNT), then the timed one (after UploadLoad's own warm rounds); prints MB/s, blobs/s, p99 and the
# server's CPU per GiB and per blob over the timed round.
SIZE=$2; COUNT=$3; CONC=$4; MODE=${5:-monolithic}; BENCH=benchmarks/target/benchmarks.jar
for j in $1; do
  root=$(mktemp -d)
  (STOWAGE_ROOT=$root setsid java -Xmx256m -jar "$j" serve --listen 127.0.0.1:5093 > "$root.log" 2>&1 &)
  for i in $(seq 50); do grep -q listening "$root.log" && break; sleep 0.2; done
  pid=$(pgrep -f 'listen 127.0.0.1:5093')
  java -Xmx1g -cp $BENCH io.stowage.bench.UploadLoad http://127.0.0.1:5093 $SIZE ${WARM:-$COUNT} $CONC $MODE >/dev/null 2>&1
  out=$(java -Xmx1g -DserverPid=$pid -cp $BENCH io.stowage.bench.UploadLoad http://127.0.0.1:5093 $SIZE $COUNT $CONC $MODE 2>&1 | grep UPLOAD)
  echo "$(basename "$j") $(grep -o 'mb_per_s=[0-9.]*\|blobs_per_s=[0-9.]*\|p99_ms=[0-9.]*\|cpu_s_per_gib=[0-9.]*\|cpu_ms_per_blob=[0-9.]*' <<<"$out" | tr '\n' ' ')"
  kill "$pid"; rm -rf "$root" "$root.log"
done
