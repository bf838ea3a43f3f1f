#!/usr/bin/env bash
# Pull-through mirror (issue 8), one command: time to last byte for N concurrent clients of an UNCACHED blob
# through stowage's mirror, against the same N clients pulling straight from the upstream docker-registry
# (distribution 2.8). Same client side (curl, one process per client), same run, same machine, 127.0.0.1.
#
#   benchmarks/mirror.sh
#
# For each N in CLIENTS and each of RUNS rounds: a fresh random blob of SIZE_MIB is uploaded to the registry
# (monolithic upload), N curls GET it from the registry at once ("direct"); another fresh blob is uploaded and N
# curls GET it from the mirror at once ("mirror": the first request starts the one upstream fetch, every client
# follows it). Per round: wall time from start until the last client finished (= time to last byte of the slowest
# client), the median client's time to first byte and time to last byte.
# Every blob is new to both: the registry serves it from its files, the mirror fetches it once from the registry.
# Every client's size_download must equal the blob size, else the script fails.
#
# Before the timed rounds, WARMUP (2) untimed rounds of 16 clients warm both servers (and the mirror's JIT).
#
# Env: SIZE_MIB (64), CLIENTS ("1 16 64 256"), RUNS (3), WARMUP (2), STOWAGE_HEAP (512m),
#      PEERS (/work/shared/peers).
# Output: benchmarks/results/<UTC timestamp>-mirror/: machine.txt, rounds.tsv, summary.md, server logs.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=${PEERS:-/work/shared/peers}
. "$PEERS/lib.sh"
export LC_ALL=C
SIZE_MIB=${SIZE_MIB:-64}
CLIENTS=${CLIENTS:-"1 16 64 256"}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-2}
STOWAGE_HEAP=${STOWAGE_HEAP:-512m}
for c in curl docker-registry java sha256sum awk xargs; do
  command -v "$c" >/dev/null || die "$c missing (run $PEERS/install.sh)"
done
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 || die "need at least 4096 open files"

OUT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-mirror"
mkdir -p "$OUT"
JAR="$ROOT/target/stowage.jar"
if [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "command: benchmarks/mirror.sh"
  echo "env: SIZE_MIB=$SIZE_MIB CLIENTS=\"$CLIENTS\" RUNS=$RUNS WARMUP=$WARMUP STOWAGE_HEAP=$STOWAGE_HEAP"
  echo "nproc: $(nproc)"
  echo "cpu: $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "docker-registry: $(docker-registry --version)"
  echo "stowage: $(cd "$ROOT" && git rev-parse --short HEAD) ($(cd "$ROOT" && git status --porcelain | wc -l) uncommitted files)"
  echo "loadavg before: $(cat /proc/loadavg)"
} >"$OUT/machine.txt"

mk_tmp T
trap cleanup EXIT
start_registry "$T"
SPORT=$(free_port)
cat >"$T/stowage.yml" <<EOF2
plugins:
  service:
    registry:
      mirrors:
        - upstream: 127.0.0.1:$REG_PORT
          plainHttp: true
EOF2
start_bg "$OUT/stowage.log" java "-Xmx$STOWAGE_HEAP" -jar "$JAR" serve --listen "127.0.0.1:$SPORT" \
  --root "$T/stowage" --config "$T/stowage.yml"
MIRROR_URL="http://127.0.0.1:$SPORT"
wait_until 60 curl -sf "$MIRROR_URL/v2/" || { tail -20 "$OUT/stowage.log" >&2; die "stowage did not start"; }
REPO=bench/mirror
SIZE=$((SIZE_MIB * 1048576))

upload() { # FILE DIGEST: monolithic upload to the registry
  local out loc code
  out=$(curl -s -o /dev/null -w '%{http_code} %header{location}' -X POST "$REG_URL/v2/$REPO/blobs/uploads/")
  code=${out%% *}; loc=${out#* }
  [ "$code" = 202 ] || die "POST uploads answered $code"
  case "$loc" in http://*) ;; *) loc="$REG_URL$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$2" ;; *) loc="$loc?digest=$2" ;; esac
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' -H 'Content-Type: application/octet-stream' \
         -T "$1" "$loc")
  [ "$code" = 201 ] || die "PUT of $2 answered $code"
}

fresh_blob() { # prints the digest of a new random blob uploaded to the registry
  rand_file "$T/blob" "$SIZE"
  local d="sha256:$(sha256sum "$T/blob" | cut -d' ' -f1)"
  upload "$T/blob" "$d"
  echo "$d"
}

# med VALUES...: the median, full precision
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.6f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# pull N URL: N curls at once; prints "wall ttfb_median ttlb_median ttlb_max"; fails on a short or bad answer
pull() {
  local n=$1 url=$2 t0 wall
  t0=$(now)
  seq "$n" | xargs -P "$n" -I{} curl -s -o /dev/null \
      -w '%{http_code} %{size_download} %{time_starttransfer} %{time_total}\n' "$url" >"$T/clients" || true
  wall=$(elapsed "$t0")
  awk -v size="$SIZE" -v n="$n" '$1 != 200 || $2 != size { bad++ } END { if (NR != n || bad) exit 1 }' \
      "$T/clients" || { cat "$T/clients" >&2; die "a client of $url got a bad answer"; }
  echo "$wall $(med $(awk '{print $3}' "$T/clients")) $(med $(awk '{print $4}' "$T/clients"))"
}

for w in $(seq "$WARMUP"); do
  pull 16 "$REG_URL/v2/$REPO/blobs/$(fresh_blob)" >/dev/null
  pull 16 "$MIRROR_URL/v2/$REPO/blobs/$(fresh_blob)" >/dev/null
done

printf 'clients\ttarget\trun\twall_s\tttfb_median_s\tttlb_median_s\n' >"$OUT/rounds.tsv"
for n in $CLIENTS; do
  for run in $(seq "$RUNS"); do
    d=$(fresh_blob)
    read -r wall ttfb ttlb <<<"$(pull "$n" "$REG_URL/v2/$REPO/blobs/$d")"
    printf '%s\tdirect\t%s\t%s\t%s\t%s\n' "$n" "$run" "$wall" "$ttfb" "$ttlb" | tee -a "$OUT/rounds.tsv" >&2
    d=$(fresh_blob)
    read -r wall ttfb ttlb <<<"$(pull "$n" "$MIRROR_URL/v2/$REPO/blobs/$d")"
    printf '%s\tmirror\t%s\t%s\t%s\t%s\n' "$n" "$run" "$wall" "$ttfb" "$ttlb" | tee -a "$OUT/rounds.tsv" >&2
  done
done
echo "loadavg after: $(cat /proc/loadavg)" >>"$OUT/machine.txt"

# summary: medians over the runs of each (clients, target)
{
  echo "| clients | direct: time to last byte (all) | mirror, uncached: time to last byte (all) | mirror / direct | direct TTFB (median client) | mirror TTFB (median client) |"
  echo "|---|---|---|---|---|---|"
  for n in $CLIENTS; do
    dw=$(med $(awk -F'\t' -v n="$n" '$1==n && $2=="direct"{print $4}' "$OUT/rounds.tsv"))
    mw=$(med $(awk -F'\t' -v n="$n" '$1==n && $2=="mirror"{print $4}' "$OUT/rounds.tsv"))
    dt=$(med $(awk -F'\t' -v n="$n" '$1==n && $2=="direct"{print $5}' "$OUT/rounds.tsv"))
    mt=$(med $(awk -F'\t' -v n="$n" '$1==n && $2=="mirror"{print $5}' "$OUT/rounds.tsv"))
    awk -v n="$n" -v dw="$dw" -v mw="$mw" -v dt="$dt" -v mt="$mt" \
      'BEGIN{printf "| %d | %.2f s | %.2f s | %.2f | %.3f s | %.3f s |\n", n, dw, mw, mw/dw, dt, mt}'
  done
} >"$OUT/summary.md"
grep -E 'WARN|ERROR|Exception' "$OUT/stowage.log" | head -50 >"$OUT/stowage.warnings.log" || true
cat "$OUT/summary.md"
log "results in $OUT"
