#!/usr/bin/env bash
# Reproduces docs/analytics.png from benchmark runs: three load cells of the bench (one model each,
# paced differently, one embedded PostgreSQL data directory), then the server on that database and
# /analytics in headless Chromium (Debian's package). Usage: bench/analytics-screenshot.sh [OUT.png]
# Needs JAVA_HOME (21+) and chromium on the PATH (or CHROMIUM_PATH); MAVEN_ARGS is passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/analytics.png}")
chromium=${CHROMIUM_PATH:-$(command -v chromium)}
data=$(mktemp -d)
port=${SCREENSHOT_PORT:-18095}
server=
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

./mvnw -q -DskipTests package -pl bench -am

# model, tokens per second, provider delay before the first token (ms)
cell() {
  echo "bench: $1 at $2 tokens/s, first token after $3 ms"
  VCTT_ROUTES="analyst=$1" java -jar bench/target/vctt-bench.jar load --streams 60 --rounds 2 --tokens 120 \
    --rate "$2" --ttft-ms "$3" --warmup-streams 0 --stagger-ms 3000 --data-dir "$data/db" | tail -n 4
}
cell gpt-4o 25 180
cell gpt-4o-mini 60 60
cell grok-4-1-fast-non-reasoning 40 320

# the server on the bench's database; no provider is called, only /api/stats/* is read
PORT=$port VCTT_HOST=127.0.0.1 VCTT_DATA_DIR="$data/db" VCTT_LOG_LEVEL=WARN java -jar bootstrap/target/vctt-stream.jar &
server=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null

mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1440,2050 \
  --virtual-time-budget=15000 --screenshot="$out" "http://127.0.0.1:$port/analytics?window=3600,5m" 2>/dev/null
echo "screenshot: $out"
