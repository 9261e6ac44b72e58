#!/usr/bin/env bash
# Runs one plain harness of the benchmarks module with its classpath and the JVM flags (C2 on, Vector API added).
# Usage: [BENCH_HEAP=6g] benchmarks/scripts/run.sh <Harness> [args...]   (BENCH_HEAP sets -Xmx)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/java-home.sh
# Packaged in the reactor, not installed: the classpath names this tree's own jars (target/), never a stale copy in
# ~/.m2. Each module writes the file in turn; benchmarks comes last, so its classpath is what stays.
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
./mvnw -B -q -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile="$cpfile" \
  -Dmdep.includeScope=runtime
cp=$(cat "$cpfile")
main=$1
shift
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx${BENCH_HEAP:-6g} -cp "benchmarks/target/classes:$cp" \
  "dev.abi.benchmarks.$main" "$@"
