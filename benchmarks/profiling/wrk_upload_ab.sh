#!/bin/bash
# wrk_upload_ab.sh JAR LABEL PORT   (blobs first: python3 benchmarks/wrk/make_blobs.py $WB 60000 65536)
# 64 KiB OCI monolithic uploads with wrk (benchmarks/wrk/oci_upload.lua) at 8 connections against a fresh
# `stowage serve -Xmx256m` on 127.0.0.1:PORT: six untimed 3 s rounds, then three timed 3 s rounds, each over blobs
# no round has used. Prints the timed rounds' WRKUPLOAD lines with the server's CPU seconds over each (cpu_s=).
# Alternate the jars of an A/B run by run: the file system's state (how many inodes it freed lately) moves the
# figures as much as a change does (benchmarks/README.md, profiling item 14).
# PROFILE=OUT.collapsed: the timed rounds under async-profiler instead (AP_LIB=libasyncProfiler.so).
JAR=$1; L=$2; PORT=$3; WB=${WB:-/tmp/ab/blobs}; H="$(cd "$(dirname "$0")/.." && pwd)"
R=$(mktemp -d); LOG=$R.log
setsid java -Xmx256m -jar "$JAR" serve --listen 127.0.0.1:$PORT --root "$R" > "$LOG" 2>&1 &
for i in $(seq 100); do curl -sf http://127.0.0.1:$PORT/v2/ >/dev/null && break; sleep 0.2; done
pid=$(pgrep -f "serve --listen 127.0.0.1:$PORT")
cpu() { awk '{print ($14+$15)/100}' /proc/$pid/stat; }
at=0
round() { local s=$1 n=$2 tag=$3 c0 c1 line; c0=$(cpu)
  line=$(BLOBS=$WB/blobs.bin DIGESTS=$WB/digests.txt SIZE=65536 FIRST=$at LAST=$((at+n)) REPO=bench/$L-$at \
    wrk -t1 -c8 -d${s}s -s "$H/wrk/oci_upload.lua" http://127.0.0.1:$PORT | grep '^WRKUPLOAD'); c1=$(cpu)
  at=$((at+n)); echo "$L $tag $line cpu_s=$(echo "$c1-$c0" | bc)"; }
for i in 1 2 3 4 5 6; do round 3 5000 warm >/dev/null; done
if [ -n "$PROFILE" ]; then
  jcmd $pid JVMTI.agent_load "${AP_LIB:?set AP_LIB}" "\"start,event=cpu,interval=1ms,file=$PROFILE\"" >/dev/null
fi
for i in 1 2 3; do round 3 8000 timed; done
if [ -n "$PROFILE" ]; then
  jcmd $pid JVMTI.agent_load "$AP_LIB" "\"stop,file=$PROFILE,collapsed\"" >/dev/null
fi
kill $pid; wait 2>/dev/null; rm -rf "$R" "$LOG"
