#!/usr/bin/env bash
# Runs the JMH benchmarks and keeps everything needed to read the figures later:
#   results/<UTC timestamp>/machine.txt  nproc, CPU model, kernel, JVM, file system, load average before and after
#   results/<UTC timestamp>/result.json  JMH JSON (-rf json)
#   results/<UTC timestamp>/run.log      JMH console output (includes the "# cpu ..." lines)
#   results/<UTC timestamp>/table.md     report.py's table: MB/s, ratio to the lower bare limit, CPU-s/GiB
# Arguments are passed to JMH (default: every benchmark with the settings in the annotations), e.g.
#   benchmarks/run.sh IngestBenchmark -p size=67108864
# Build first: mvn -B -q install -DskipTests && mvn -B -q -f benchmarks/pom.xml package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
scratch="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.io.tmpdir = //p')"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "cpu flags: $(grep -m1 -o -w 'sha_ni\|avx2\|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "scratch dir: $scratch ($(df -T "$scratch" | awk 'NR==2 {print $1 ", " $2}'))"
  echo "loadavg before: $(cat /proc/loadavg)"
  echo "args: $*"
} > "$out/machine.txt"
java -jar "$here/target/benchmarks.jar" -rf json -rff "$out/result.json" "$@" 2>&1 | tee "$out/run.log"
echo "loadavg after: $(cat /proc/loadavg)" >> "$out/machine.txt"
python3 "$here/report.py" "$out/result.json" > "$out/table.md"
cat "$out/machine.txt" "$out/table.md"
echo "results in $out"
