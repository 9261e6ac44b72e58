#!/usr/bin/env bash
# Runs one plain harness of the benchmarks module with its classpath and the JVM flags (C2 on, Vector API added).
# Usage: [BENCH_HEAP=6g] benchmarks/scripts/run.sh <Harness> [args...]   (BENCH_HEAP sets -Xmx)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/java-home.sh
./mvnw -B -q -DskipTests -pl benchmarks -am install
cp=$(./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
main=$1
shift
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx${BENCH_HEAP:-6g} -cp "benchmarks/target/classes:$cp" \
  "dev.abi.benchmarks.$main" "$@"
