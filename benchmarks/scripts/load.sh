#!/usr/bin/env bash
# Load on the local server with authentication and rate limits on: wrk drives queries and upserts over loopback.
# Usage: benchmarks/scripts/load.sh [seconds=60] [query-connections=16] [rate-limit-per-second=3000]
# Prints throughput, p50/p99 latency and the replies by status (429s are the rate limit at work; anything else
# non-2xx is an error). Installs wrk with apt-get when it is missing and this runs as root; otherwise it skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
conns=${2:-16}
rate=${3:-3000}
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then (apt-get install -y wrk || (apt-get update && apt-get install -y wrk)) >/dev/null;
  else echo "load.sh skipped: wrk is not installed (apt-get install wrk)"; exit 0; fi
fi
. scripts/java-home.sh
./mvnw -B -q -DskipTests -pl core,functions -am install
port=18123
data=$(mktemp -d)
boot=load-bootstrap-key-$(date +%s)
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx1g -Dquarkus.http.port=$port -Dabi.data-dir="$data" \
  -Dabi.auth.enabled=true -Dabi.auth.bootstrap-key=$boot \
  -Dabi.rate-limits.load.algorithm=token-bucket -Dabi.rate-limits.load.limit=$rate -Dabi.rate-limits.load.window=1S \
  -Dquarkus.log.level=WARN -jar functions/target/quarkus-app/quarkus-run.jar > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf localhost:$port/health >/dev/null && break; sleep 1; done
key=$(curl -sf -X POST localhost:$port/v1/admin/keys -H "Authorization: Bearer $boot" -H 'Content-Type: application/json' \
  -d '{"name":"load","grants":["write:load"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
python3 - "$port" "$key" <<'PY'
import json, random, sys, urllib.request
port, key = sys.argv[1], sys.argv[2]
random.seed(7)
for b in range(10):
    body = {"vectors": [{"id": f"v{b*1000+i}", "values": [random.uniform(-0.5, 0.5) for _ in range(128)]}
                        for i in range(1000)]}
    req = urllib.request.Request(f"http://localhost:{port}/v1/namespaces/load/vectors", json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY
echo "10,000 vectors of 128 dimensions loaded; auth on (API key), rate limit $rate requests/s per key (token bucket)"
# upserts are commits to one namespace's log: a few concurrent writers, not $conns (they would only contend)
for script in query upsert; do
  c=$conns; [ $script = upsert ] && c=4
  echo "== $script: wrk -t2 -c$c -d${seconds}s"
  wrk -t2 -c"$c" -d"${seconds}s" --latency -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -s benchmarks/scripts/load/$script.lua http://127.0.0.1:$port | grep -E "Requests/sec|STATUS|P50_MS|P99_MS|Socket errors"
done
