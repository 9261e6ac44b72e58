#!/usr/bin/env bash
# ANN benchmark: this project's index vs jvector 4.0.2 and Lucene 10.6.0 and exact search, in one JVM.
# Usage: benchmarks/scripts/ann.sh [--datasets fashion,syn128,syn384] [--queries 1000] [--n 100000] [--out docs/benchmarks]
# Installs Debian's dataset-fashion-mnist when it is missing and apt-get can run; otherwise that dataset is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/java-home.sh
if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  (apt-get install -y dataset-fashion-mnist || (apt-get update && apt-get install -y dataset-fashion-mnist)) >/dev/null 2>&1 \
    || echo "could not install dataset-fashion-mnist: Fashion-MNIST will be skipped" >&2
fi
./mvnw -B -q -DskipTests -pl benchmarks -am install
cp=$(./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
# C2 stays on (no TieredStopAtLevel): the Vector API needs it. Heap for three 100k x 384 copies plus graphs.
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx14g -XX:+UseParallelGC \
  -cp "benchmarks/target/classes:$cp" dev.abi.benchmarks.ann.AnnBenchmark "$@"
