#!/usr/bin/env bash
# docs/lineage.png: the Dagster UI's global asset lineage graph, after one build of the
# sample reports, captured with headless Chromium. Everything runs on loopback in a
# throwaway DAGSTER_HOME; nothing in the repository but the PNG is touched.
#
#   scripts/screenshot_lineage.sh [OUT.png]
#
# Needs the venv (`make install`), curl, and Debian's Chromium with CJK fonts:
#   apt-get install -y chromium fonts-noto-cjk
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-docs/lineage.png}
PY=.venv/bin/python
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
PORT=${PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d)
WS=""
cleanup() {
    if [ -n "$WS" ]; then
        kill -TERM -- "-$WS" 2>/dev/null || true  # the webserver's process group: it and its code server
        wait "$WS" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export DAGSTER_HOME="$WORK/dagster_home" INDICATORS_DB="$WORK/indicators.duckdb"
mkdir -p "$DAGSTER_HOME" "$(dirname "$OUT")"
cp dagster.yaml "$DAGSTER_HOME/dagster.yaml"
# No "join the community" dialog over the graph.
printf '\nnux:\n  enabled: false\n' >>"$DAGSTER_HOME/dagster.yaml"

# One build recorded in this instance, so the graph shows materialized assets and checks.
.venv/bin/indicators build --reports seeds/reports --db "$INDICATORS_DB" >/dev/null

# Job control: the webserver gets its own process group, so cleanup stops it and its code
# server together (it ignores SIGTERM otherwise when started from a script: notes trap 7).
set -m
.venv/bin/dagster-webserver -m pipelines.definitions -h 127.0.0.1 -p "$PORT" >"$WORK/webserver.log" 2>&1 &
WS=$!
set +m

query='{"query": "{ assetNodes { id } }"}'
for _ in $(seq 120); do
    if curl -sf -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$PORT/graphql" | grep -q '"id"'; then
        break
    fi
    sleep 0.5
done
curl -sf -H 'Content-Type: application/json' -d "$query" "http://127.0.0.1:$PORT/graphql" | grep -q '"id"' \
    || { echo "webserver did not serve the asset graph:" >&2; cat "$WORK/webserver.log" >&2; exit 1; }

# The global lineage page, both asset groups expanded (the UI collapses groups by default;
# `expanded` takes group ids, global@global:<group>). 1200 px high, not 1000: the UI
# centres the graph at its minimum zoom, and at 1000 px the warehouse group's top is cut off.
URL="http://127.0.0.1:$PORT/asset-groups?expanded=global%40global%3Areports%2Cglobal%40global%3Awarehouse"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chromium" --window-size=1600,1200 --virtual-time-budget=15000 \
    --screenshot="$OUT" "$URL" 2>/dev/null
echo "wrote $OUT"
