#!/bin/bash
# profrun.sh JAR OUT.collapsed "LOAD COMMAND" [WARM_RUNS]
# Starts a fresh `stowage serve` on 127.0.0.1:$PORT (default 5091), runs LOAD WARM_RUNS times untimed, then
# once more under async-profiler (loaded into the running server with jcmd, CPU samples every 1 ms) and writes
# collapsed stacks to OUT; prints the server's CPU ticks (1/100 s) during the profiled run.
# AP_LIB: libasyncProfiler.so (e.g. unzip tools.profiler:async-profiler:3.0 from Maven Central, linux-x64/).
# Summarise with: python3 benchmarks/profiling/cat.py OUT.collapsed
JAR=$1; OUT=$2; LOAD=$3; WARM=${4:-2}; EV=${EV:-cpu}; PORT=${PORT:-5091}
AP_LIB=${AP_LIB:?set AP_LIB to libasyncProfiler.so}
ROOT=$(mktemp -d); LOG=$ROOT.log
(STOWAGE_ROOT=$ROOT setsid java -Xmx256m -jar "$JAR" serve --listen 127.0.0.1:$PORT > "$LOG" 2>&1 &)
for i in $(seq 50); do grep -q listening "$LOG" && break; sleep 0.2; done
pid=$(pgrep -f "listen 127.0.0.1:$PORT")
for i in $(seq "$WARM"); do eval "$LOAD" 2>&1 | grep -E 'UPLOAD|MB/s'; done
jcmd "$pid" JVMTI.agent_load "$AP_LIB" "\"start,event=$EV,interval=1ms\"" >/dev/null
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
eval "$LOAD" 2>&1 | grep -E 'UPLOAD|MB/s'
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
jcmd "$pid" JVMTI.agent_load "$AP_LIB" "\"stop,collapsed,file=$OUT\"" >/dev/null
echo "server cpu ticks during profiled run: $((t1-t0))"
kill "$pid"; rm -rf "$ROOT" "$LOG"
