#!/usr/bin/env bash
# Cold start of the local server and of the Lambda package (through Quarkus's mock Lambda event server), with and
# without priming: process start to first answered event, and to the first text query answered. Prints a table.
# Build first: ./mvnw -B -DskipTests install.   Usage: benchmarks/scripts/cold-start.sh [runs]
set -euo pipefail
exec "$(dirname "$0")/run.sh" ColdStartBenchmark "$@"
