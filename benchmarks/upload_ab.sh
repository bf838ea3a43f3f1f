#!/bin/bash
# usage: benchmarks/upload_ab.sh JAR PORT (needs /tmp/prof/blob: head -c 536870912 /dev/urandom, and /tmp/prof/digest: its sha256:...)
#  -- 4 monolithic 512 MiB uploads, prints MB/s and server CPU ticks (1/100 s) per upload
JAR=$1; PORT=$2; D=$(cat /tmp/prof/digest); rm -rf /tmp/prof/root$PORT
(STOWAGE_ROOT=/tmp/prof/root$PORT java -Xmx256m -jar $JAR serve --listen 127.0.0.1:$PORT > /tmp/prof/serve$PORT.log 2>&1 &)
for i in $(seq 50); do grep -q listening /tmp/prof/serve$PORT.log && break; sleep 0.2; done
pid=$(pgrep -f "serve --listen 127.0.0.1:$PORT")
for i in 1 2 3 4; do
  loc=$(curl -s -D - -o /dev/null -X POST http://127.0.0.1:$PORT/v2/p/r$i/blobs/uploads/ | grep -i '^location' | tr -d '\r' | awk '{print $2}')
  case $loc in http*) ;; *) loc="http://127.0.0.1:$PORT$loc";; esac
  sep='?'; [[ $loc == *\?* ]] && sep='&'
  t0=$(awk '{print $14+$15}' /proc/$pid/stat); s=$(date +%s.%N)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/octet-stream' --data-binary @/tmp/prof/blob "$loc${sep}digest=$D")
  e=$(date +%s.%N); t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  echo "$code $(echo "536.870912/($e-$s)" | bc -l | cut -c1-6) MB/s cpu=$((t1-t0)) ticks"
  curl -s -X DELETE http://127.0.0.1:$PORT/v1/content/$D -o /dev/null
done
kill $pid
