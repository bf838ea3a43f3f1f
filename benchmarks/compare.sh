#!/usr/bin/env bash
# Network-path comparison, one command: stowage against docker-registry (distribution 2.8), same
# client side, same run, same machine, everything on 127.0.0.1. See benchmarks/NETWORK.md.
#
#   benchmarks/compare.sh
#
# In order:
#   1. machine facts (date, nproc, CPU model, memory, kernel, java, load average) -> machine.txt
#   2. limits.sh with SKIP_DISK=1 GROW_GIB=0: SHA-256 speed and iperf3 loopback   -> limits.log
#      and iperf3 -P 1 -C cubic (the bound of a loopback connection that stowage,
#      by default, gives cubic; see docs/config.md tcpCongestion)                  -> limits.log
#   3. docker-registry (lib.sh start_registry): registry_bench.sh, concurrency sweep,
#      1000 downloads + 200 uploads at once                                        -> registry.*.log
#   4. stowage (java -Xmx256m -jar target/stowage.jar serve, fresh temp root): the SAME
#      registry_bench.sh via REGISTRY_URL/SERVER_PID, the same sweep and stress     -> stowage.*.log
#   (in 3 and 4 also: keep-alive uploads with UploadLoad, and 64 KiB uploads with wrk and
#    benchmarks/wrk/oci_upload.lua over distinct blobs made once by benchmarks/wrk/make_blobs.py;
#    in the sweep, 256 MiB GETs with GetLoad too, a client that does not cap the server at 1 connection)
#   5. compare.py: comparison.md (ratios next to the targets of issue 6) and gnuplot PNG charts
# Output: benchmarks/results/<UTC timestamp>-network/ (raw logs kept).
#
# Env (defaults are smaller than registry_bench.sh's own so that the whole run takes ~15 min on
# 2 cores): RUNS=3 BIG_MIB=512 MID_MIB=256 SMALL_N=500 WRK_S=5 (passed to registry_bench.sh);
# SWEEP_S=5 (wrk seconds per sweep point); STRESS_S=20; STOWAGE_HEAP=256m; WARMUP=3 (untimed 128 MiB
# uploads to each server before its bench; 0 skips them);
# PEERS=/work/shared/peers (install.sh, lib.sh, registry_bench.sh, limits.sh);
# DROP_CACHES=1: before each server's bench and each keep-alive upload case, write back dirty pages and
# drop the page cache (needs root; skipped otherwise), so that neither server inherits the other's
# writeback debt: an upload right after 3 GiB of the registry's unsynced writes ran at half speed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=${PEERS:-/work/shared/peers}
. "$PEERS/lib.sh"
export LC_ALL=C
export RUNS=${RUNS:-3} BIG_MIB=${BIG_MIB:-512} MID_MIB=${MID_MIB:-256} SMALL_N=${SMALL_N:-500} WRK_S=${WRK_S:-5}
SWEEP_S=${SWEEP_S:-5}
STRESS_S=${STRESS_S:-20}
STOWAGE_HEAP=${STOWAGE_HEAP:-256m}
WARMUP=${WARMUP:-3}
DROP_CACHES=${DROP_CACHES:-1}
BIG_CONNS=${BIG_CONNS:-"1 16 64 256"}
SMALL_CONNS=${SMALL_CONNS:-"1 16 64 256 1000"}
# 256 MiB GETs with GetLoad (keep-alive, and 1 connection also with a new connection per GET, as curl makes)
GETLOAD_CONNS=${GETLOAD_CONNS:-"1 16"}
# keep-alive upload cases, SIZE:COUNT:CONCURRENCY:MODE (benchmarks/src/.../bench/UploadLoad.java)
UPLOAD_CASES=${UPLOAD_CASES:-"65536:3000:8:monolithic 65536:3000:64:monolithic 134217728:8:1:monolithic 134217728:8:1:chunked 134217728:16:4:monolithic"}
# 64 KiB uploads driven by wrk (benchmarks/wrk/oci_upload.lua) at each of these connection counts; see wrk_uploads
WRK_UPLOAD_CONNS=${WRK_UPLOAD_CONNS:-"8 64"}
WRK_WARM_MAX=${WRK_WARM_MAX:-10}
# blobs per round: more than the fastest server uploads in the round's time (a 5 s round at 64 connections ran
# out of 7000 on a faster machine)
WRK_WARM_BLOBS=7000 WRK_TIMED_BLOBS=14000
BENCH_JAR="$HERE/target/benchmarks.jar"
for c in curl wrk iperf3 jq docker-registry java python3 openssl; do
  command -v "$c" >/dev/null || die "$c missing (run $PEERS/install.sh)"
done
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 || die "need at least 4096 open files for 1000 connections"

OUT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-network"
mkdir -p "$OUT"
JAR="$ROOT/target/stowage.jar"
if [ ! -f "$JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building $JAR and $BENCH_JAR"
  (cd "$ROOT" && mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package -DskipTests)
fi

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "command: benchmarks/compare.sh"
  echo "env: RUNS=$RUNS BIG_MIB=$BIG_MIB MID_MIB=$MID_MIB SMALL_N=$SMALL_N WRK_S=$WRK_S SWEEP_S=$SWEEP_S STRESS_S=$STRESS_S WARMUP=$WARMUP STOWAGE_HEAP=$STOWAGE_HEAP"
  echo "upload cases: $UPLOAD_CASES"
  echo "nproc: $(nproc)"
  echo "cpu: $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "tcp congestion control (system default): $(cat /proc/sys/net/ipv4/tcp_congestion_control)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "docker-registry: $(docker-registry --version)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "stowage: $(cd "$ROOT" && git rev-parse --short HEAD) ($(cd "$ROOT" && git status --porcelain | wc -l) uncommitted files)"
  echo "loadavg before: $(cat /proc/loadavg)"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# ---------------------------------------------------------------- loopback bound
log "limits.sh (SHA + iperf3 loopback)"
SKIP_DISK=1 GROW_GIB=0 JAVAS=java "$PEERS/limits.sh" >"$OUT/limits.log" 2>"$OUT/limits.err"
# The same single-stream bound with cubic, the algorithm stowage gives loopback connections by default: with a
# pacing system default (bbr) iperf3's own figure is a paced one, and a server on cubic is not bound by it.
loopback_cubic() {
  local port vals=() i bps
  port=$(free_port)
  start_bg "$OUT/iperf3-cubic.server.log" iperf3 -s -B 127.0.0.1 -p "$port"
  local ipid=$BG_PID
  wait_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || die "iperf3 server did not start"
  for i in $(seq "$RUNS"); do
    bps=$(iperf3 -c 127.0.0.1 -p "$port" -t 5 -P 1 -C cubic -J | jq '.end.sum_received.bits_per_second')
    vals+=("$(awk -v b="$bps" 'BEGIN{printf "%.0f", b/8/1e6}')")
  done
  stop_pid "$ipid"
  echo "LOOPBACK cc=cubic streams=1 mbps_median=$(printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}') runs=${vals[*]}"
}
loopback_cubic >>"$OUT/limits.log" 2>>"$OUT/limits.err" || log "iperf3 -C cubic failed (see limits.err)"

# ---------------------------------------------------------------- wrk scripts
mk_tmp T
cat >"$T/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK bytes=%d us=%d requests=%d errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.bytes, summary.duration, summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
EOF
cat >"$T/random_blobs.lua" <<'EOF'
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
local digests = {}
function init(args)
  for line in io.lines(os.getenv("DIGEST_LIST")) do digests[#digests + 1] = line end
  math.randomseed(tid * 7919 + os.time())
end
local prefix = os.getenv("BLOB_PREFIX")
function request()
  return wrk.format("GET", prefix .. digests[math.random(#digests)])
end
EOF
cat "$T/report.lua" >>"$T/random_blobs.lua"
REPO=sweep/blobs
export BLOB_PREFIX="/v2/$REPO/blobs/"

# put_blob URL FILE: POST + monolithic PUT, prints the digest; non-zero exit on any failure
put_blob() {
  local url=$1 f=$2 dg out loc code
  dg="sha256:$(openssl dgst -sha256 -r "$f" | cut -d' ' -f1)"
  out=$(curl -s -o /dev/null -w '%{http_code} %header{location}' -X POST "$url/v2/$REPO/blobs/uploads/")
  [ "${out%% *}" = 202 ] || { echo "POST answered ${out%% *}" >&2; return 1; }
  loc=${out#* }; case "$loc" in http*) ;; *) loc="$url$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$dg" ;; *) loc="$loc?digest=$dg" ;; esac
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$f" "$loc")
  [ "$code" = 201 ] || { echo "PUT answered $code" >&2; return 1; }
  echo "$dg"
}
export REPO
export -f put_blob

wrk_field() { sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" <<<"$2"; }

# sweep NAME URL PID: GETs of one 256 MiB blob and of 200 random 64 KiB blobs against concurrency.
# One line per point: SWEEP kind=.. conns=.. mbps=.. reqs=.. p50_ms=.. p99_ms=.. errors=.. non2xx=.. cpu_s_per_gib=..
sweep() {
  local name=$1 url=$2 pid=$3 d big dg c threads out s bytes c0 c1
  d="$T/$name"; mkdir -p "$d/small"
  big="$d/big.bin"; rand_file "$big" $((256 * 1048576))
  dg=$(put_blob "$url" "$big") || die "$name: upload of the sweep blob failed"
  rm -f "$big"
  head -c $((200 * 65536)) /dev/urandom | split -b 65536 -d -a 4 - "$d/small/s"
  ls "$d"/small/s* | xargs -P 8 -n 1 bash -c 'put_blob "$0" "$1"' "$url" >"$d/digests" \
    || die "$name: upload of the sweep small blobs failed"
  [ "$(wc -l <"$d/digests")" = 200 ] || die "$name: only $(wc -l <"$d/digests") small blobs uploaded"
  for c in $BIG_CONNS; do
    threads=$(( c < 2 ? c : 2 ))
    c0=$(proc_cpu_s "$pid")
    out=$(wrk -t "$threads" -c "$c" -d "${SWEEP_S}s" --timeout 120s -s "$T/report.lua" "$url/v2/$REPO/blobs/$dg" | grep '^WRK') \
      || die "$name: wrk -c $c failed"
    c1=$(proc_cpu_s "$pid")
    s=$(awk -v u="$(wrk_field us "$out")" 'BEGIN{print u/1e6}'); bytes=$(wrk_field bytes "$out")
    echo "SWEEP kind=big256MiB conns=$c mbps=$(mbps "$bytes" "$s") reqs=$(rate "$(wrk_field requests "$out")" "$s") p50_ms=$(awk -v u="$(wrk_field p50_us "$out")" 'BEGIN{printf "%.2f", u/1000}') p99_ms=$(awk -v u="$(wrk_field p99_us "$out")" 'BEGIN{printf "%.2f", u/1000}') errors=$(wrk_field errors "$out") non2xx=$(wrk_field non2xx "$out") cpu_s_per_gib=$(per_gib "$c0" "$c1" "$bytes")"
  done
  getload "$url" "$pid" "$dg"
  for c in $SMALL_CONNS; do
    threads=$(( c < 2 ? c : 2 ))
    c0=$(proc_cpu_s "$pid")
    out=$(DIGEST_LIST="$d/digests" wrk -t "$threads" -c "$c" -d "${SWEEP_S}s" --timeout 10s -s "$T/random_blobs.lua" "$url" | grep '^WRK') \
      || die "$name: wrk -c $c failed"
    c1=$(proc_cpu_s "$pid")
    s=$(awk -v u="$(wrk_field us "$out")" 'BEGIN{print u/1e6}'); bytes=$(wrk_field bytes "$out")
    echo "SWEEP kind=small64KiB conns=$c mbps=$(mbps "$bytes" "$s") reqs=$(rate "$(wrk_field requests "$out")" "$s") p50_ms=$(awk -v u="$(wrk_field p50_us "$out")" 'BEGIN{printf "%.2f", u/1000}') p99_ms=$(awk -v u="$(wrk_field p99_us "$out")" 'BEGIN{printf "%.2f", u/1000}') errors=$(wrk_field errors "$out") non2xx=$(wrk_field non2xx "$out") cpu_s_per_gib=$(per_gib "$c0" "$c1" "$bytes")"
  done
}

# getload URL PID DIGEST: the 256 MiB blob with GetLoad (benchmarks/src/.../bench/GetLoad.java: a thread, a blocking
# socket and a 1 MiB buffer per connection; curl polls before and writes after every 100 KiB, and wrk reads 8 KiB
# at a time, each capping a sendfile server below the loopback), 2 s untimed then SWEEP_S s, at GETLOAD_CONNS
# keep-alive connections and at 1 connection with a new connection per GET.
# One line each: GETLOAD case=keepalive|newconn <GetLoad's fields> (with the server's CPU over the timed part).
getload() {
  local url=$1 pid=$2 dg=$3 c out
  for c in $GETLOAD_CONNS; do
    out=$(java -Xmx256m -DserverPid="$pid" -cp "$BENCH_JAR" io.stowage.bench.GetLoad "$url/v2/$REPO/blobs/$dg" "$c" "$SWEEP_S" | grep '^GETLOAD') \
      || die "GetLoad at $c connections against $url failed"
    echo "GETLOAD case=keepalive ${out#GETLOAD }"
  done
  out=$(java -Xmx256m -DnewConnection=true -DserverPid="$pid" -cp "$BENCH_JAR" io.stowage.bench.GetLoad "$url/v2/$REPO/blobs/$dg" 1 "$SWEEP_S" | grep '^GETLOAD') \
    || die "GetLoad with new connections against $url failed"
  echo "GETLOAD case=newconn ${out#GETLOAD }"
}

# stress NAME URL PID: 1000 connections of random 64 KiB GETs for STRESS_S seconds while 200
# uploads of 1 MiB run at once (200 curl processes); errors and the server's peak RSS (VmHWM).
stress() {
  local name=$1 url=$2 pid=$3 d out ok fail
  d="$T/$name"; mkdir -p "$d/up"
  head -c $((200 * 1048576)) /dev/urandom | split -b 1048576 -d -a 4 - "$d/up/u"
  DIGEST_LIST="$d/digests" wrk -t 2 -c 1000 -d "${STRESS_S}s" --timeout 30s -s "$T/random_blobs.lua" "$url" >"$d/stress.wrk" 2>&1 &
  local wpid=$!
  sleep 2
  ls "$d"/up/u* | xargs -P 200 -n 1 bash -c 'put_blob "$0" "$1" || echo FAIL' "$url" >"$d/up.out" 2>"$d/up.err" || true
  wait "$wpid" || true
  cp "$d/stress.wrk" "$OUT/$name.stress.wrk.log"; cp "$d/up.err" "$OUT/$name.stress.uploads.err"
  out=$(grep '^WRK' "$d/stress.wrk" || echo "WRK missing")
  fail=$(grep -c FAIL "$d/up.out" || true); ok=$(grep -c '^sha256:' "$d/up.out" || true)
  echo "STRESS downloads_conns=1000 uploads_parallel=200 uploads_ok=$ok uploads_failed=$fail get_requests=$(wrk_field requests "$out") get_errors=$(wrk_field errors "$out") get_non2xx=$(wrk_field non2xx "$out") get_p99_ms=$(awk -v u="$(wrk_field p99_us "$out")" 'BEGIN{printf "%.2f", u/1000}') peak_rss_mib=$(awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$pid/status")"
  sed 's/^/  /' "$d/up.err" | sort | uniq -c | head -5 >&2
}

# warm NAME URL: untimed warm-up, the same for both servers (a fresh JVM runs its first uploads
# interpreted and compiling): WARMUP uploads of 128 MiB, 100 x 64 KiB, 3 s of GETs.
warm() {
  local name=$1 url=$2 d i dg
  d="$T/$name-warm"; mkdir -p "$d/small"
  rand_file "$d/w.bin" $((128 * 1048576))
  for i in $(seq "$WARMUP"); do
    head -c 64 /dev/urandom | dd of="$d/w.bin" bs=64 count=1 conv=notrunc status=none
    dg=$(put_blob "$url" "$d/w.bin") || die "$name: warm-up upload failed"
  done
  head -c $((100 * 65536)) /dev/urandom | split -b 65536 -d -a 4 - "$d/small/s"
  ls "$d"/small/s* | xargs -P 8 -n 1 bash -c 'put_blob "$0" "$1"' "$url" >/dev/null || die "$name: warm-up small uploads failed"
  wrk -t 2 -c 16 -d 3s "$url/v2/$REPO/blobs/$dg" >/dev/null
  rm -rf "$d"
}

# uploads NAME URL PID: the OCI upload paths with a keep-alive client (UploadLoad, one Reactor Netty client,
# no process per request, so that the client does not cap either server), each case untimed warm rounds (at
# least 3 s) then the timed one. One line per case: UPLOADLOAD case=.. <UploadLoad's fields>, among them the
# server's CPU over the timed round (cpu_s_per_gib=.. cpu_ms_per_blob=..).
uploads() {
  local name=$1 url=$2 pid=$3 spec size count conc mode out
  for spec in $UPLOAD_CASES; do
    IFS=: read -r size count conc mode <<<"$spec"
    settle
    out=$(java -Xmx1g -DserverPid="$pid" -cp "$BENCH_JAR" io.stowage.bench.UploadLoad "$url" "$size" "$count" "$conc" "$mode" 2>>"$OUT/$name.uploads.err" | grep '^UPLOAD') \
      || die "$name: UploadLoad $spec failed (see $name.uploads.err)"
    echo "UPLOADLOAD case=$spec ${out#UPLOAD }"
  done
}

# wrk_uploads NAME URL PID: 64 KiB monolithic uploads with wrk as the client (a JVM client took ~0.9 of the 2
# cores at this size and capped the faster server). Per connection count in WRK_UPLOAD_CONNS: untimed 3 s rounds
# until the server's CPU per blob stops falling (two rounds in a row within 5 % of the round before or above it;
# at least 3, at most WRK_WARM_MAX rounds: a JVM keeps compiling this path for tens of seconds, and one noisy
# round had ended the warm-up early), then the timed 5 s round. Every round takes blobs no round has used (the set
# make_blobs.py wrote once into $WB; each server starts empty); a round that runs out of them (exhausted=N > 0:
# it then only POSTs) is reported as such by compare.py rather than counted.
# One line per case, UPLOADLOAD case=65536:wrk:CONNS:monolithic with UploadLoad's fields, and a WRKWARM line.
wrk_uploads() {
  local name=$1 url=$2 pid=$3 conns at=0 i prev=0 per line steady flat
  for conns in $WRK_UPLOAD_CONNS; do
    settle
    prev=0 flat=0
    for i in $(seq "$WRK_WARM_MAX"); do
      line=$(wrk_round "$url" "$pid" "$conns" "$at" $((at + WRK_WARM_BLOBS)) 3 "$name-warm-$conns")
      at=$((at + WRK_WARM_BLOBS))
      per=$(sed -n 's/.* cpu_ms_per_blob=\([0-9.]*\).*/\1/p' <<<"$line")
      flat=$(awk -v p="$per" -v q="$prev" -v f="$flat" 'BEGIN { print (q > 0 && p >= 0.95 * q) ? f + 1 : 0 }')
      prev=$per
      steady=$(( flat >= 2 && i >= 3 ? 1 : 0 ))
      [ "$steady" = 1 ] && break
    done
    echo "WRKWARM conns=$conns rounds=$i last_cpu_ms_per_blob=$per steady=$steady"
    line=$(wrk_round "$url" "$pid" "$conns" "$at" $((at + WRK_TIMED_BLOBS)) 5 "$name-timed-$conns")
    at=$((at + WRK_TIMED_BLOBS))
    echo "UPLOADLOAD case=65536:wrk:$conns:monolithic ${line#WRKUPLOAD }"
  done
}

# wrk_round URL PID CONNS FIRST LAST SECONDS REPO: one oci_upload.lua run over blobs FIRST..LAST-1; its WRKUPLOAD
# line with the server's CPU over the run appended (server_cpu_s= cpu_ms_per_blob= cpu_s_per_gib=)
wrk_round() {
  local c0 c1 line
  c0=$(proc_cpu_s "$2")
  line=$(BLOBS="$WB/blobs.bin" DIGESTS="$WB/digests.txt" SIZE=65536 FIRST=$4 LAST=$5 REPO="bench/$7" \
    wrk -t1 -c"$3" -d"$6"s -s "$HERE/wrk/oci_upload.lua" "$1" 2>>"$OUT/wrk-uploads.err" | grep '^WRKUPLOAD') \
    || die "wrk upload round against $1 failed (see wrk-uploads.err)"
  c1=$(proc_cpu_s "$2")
  awk -v a="$c0" -v b="$c1" -v line="$line" 'BEGIN {
    match(line, / blobs=[0-9]+/); n = substr(line, RSTART + 7, RLENGTH - 7) + 0; c = b - a
    printf "%s server_cpu_s=%.2f cpu_ms_per_blob=%.3f cpu_s_per_gib=%.3f\n", line, c, (n > 0 ? c * 1000 / n : 0),
      (n > 0 ? c / (n * 65536 / 1073741824) : 0) }'
}

# settle: dirty pages written back and the page cache dropped (DROP_CACHES=1 and root), untimed.
settle() {
  sync
  if [ "$DROP_CACHES" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then echo 3 >/proc/sys/vm/drop_caches; fi
}

# run_all NAME URL PID
run_all() {
  local name=$1 url=$2 pid=$3
  settle
  log "$name: warm-up ($WARMUP x 128 MiB, 100 x 64 KiB uploads, 3 s of GETs; untimed)"
  warm "$name" "$url"
  log "$name: registry_bench.sh against $url (server pid $pid)"
  REGISTRY_URL="$url" SERVER_PID="$pid" "$PEERS/registry_bench.sh" >"$OUT/$name.bench.log" 2>"$OUT/$name.bench.err"
  log "$name: uploads with a keep-alive client ($UPLOAD_CASES)"
  uploads "$name" "$url" "$pid" >"$OUT/$name.uploads.log"
  log "$name: 64 KiB uploads with wrk at $WRK_UPLOAD_CONNS connections (warm-up until steady, then 5 s)"
  wrk_uploads "$name" "$url" "$pid" >>"$OUT/$name.uploads.log"
  log "$name: concurrency sweep"
  sweep "$name" "$url" "$pid" >"$OUT/$name.sweep.log"
  log "$name: stress (1000 downloads + 200 uploads)"
  stress "$name" "$url" "$pid" >>"$OUT/$name.sweep.log"
  echo "server CPU seconds total: $(proc_cpu_s "$pid"); peak RSS: $(awk '/VmHWM/{print $2, $3}' "/proc/$pid/status")" >>"$OUT/$name.sweep.log"
}

# ---------------------------------------------------------------- blobs for the wrk uploads (both servers)
mk_tmp WB
n_conns=$(wc -w <<<"$WRK_UPLOAD_CONNS")
log "making $((n_conns * (WRK_WARM_MAX * WRK_WARM_BLOBS + WRK_TIMED_BLOBS))) distinct 64 KiB blobs for the wrk uploads"
python3 "$HERE/wrk/make_blobs.py" "$WB" $((n_conns * (WRK_WARM_MAX * WRK_WARM_BLOBS + WRK_TIMED_BLOBS))) 65536

# ---------------------------------------------------------------- docker-registry
mk_tmp RD
start_registry "$RD"
run_all registry "$REG_URL" "$(server_pid "$REG_PID")"
stop_pid "$REG_PID"
rm -rf "$RD/registry"   # ~15 GiB by now; the disk must hold stowage's run too

# ---------------------------------------------------------------- stowage
mk_tmp SD
SPORT=$(free_port)
start_bg "$SD/stowage.log" java "-Xmx$STOWAGE_HEAP" -jar "$JAR" serve --listen "127.0.0.1:$SPORT" --root "$SD/root"
S_WRAP=$BG_PID
wait_until 60 curl -sf "http://127.0.0.1:$SPORT/v2/" || { tail -20 "$SD/stowage.log" >&2; die "stowage did not start"; }
run_all stowage "http://127.0.0.1:$SPORT" "$(server_pid "$S_WRAP")"
stop_pid "$S_WRAP"
grep -E 'WARN|ERROR|Exception' "$SD/stowage.log" | head -50 >"$OUT/stowage.server-warnings.log" || true

echo "loadavg after: $(cat /proc/loadavg)" >>"$OUT/machine.txt"

# ---------------------------------------------------------------- report
python3 "$HERE/compare.py" "$OUT"
if command -v gnuplot >/dev/null; then
  (cd "$OUT" && gnuplot "$HERE/compare.gp") || log "gnuplot failed; charts missing"
else
  log "gnuplot not installed (apt-get install -y gnuplot-nox); charts skipped"
fi
log "done: $OUT"
cat "$OUT/comparison.md"
