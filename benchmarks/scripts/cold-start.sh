#!/usr/bin/env bash
# Cold start to first answered query of the packaged local server (data already on disk).
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"; d=$(mktemp -d); port=18080
scripts/serve -Dquarkus.http.port=$port -Dabi.data-dir=$d >/dev/null 2>&1 & pid=$!
until curl -sf localhost:$port/health >/dev/null; do sleep 0.05; done
curl -sf -X POST localhost:$port/v1/namespaces/iris/vectors -H 'Content-Type: application/json' -d @samples/corpus/iris/upsert.json >/dev/null
kill $pid; wait $pid 2>/dev/null || true
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  scripts/serve -Dquarkus.http.port=$port -Dabi.data-dir=$d >/dev/null 2>&1 & pid=$!
  until curl -sf -X POST localhost:$port/v1/namespaces/iris/query -H 'Content-Type: application/json' -d '{"vector":[6.5,3.0,5.5,2.0],"topK":3}' >/dev/null 2>&1; do sleep 0.01; done
  t1=$(date +%s%N); echo "run $i: $(( (t1-t0)/1000000 )) ms"
  kill $pid; wait $pid 2>/dev/null || true
done
