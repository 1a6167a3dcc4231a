#!/usr/bin/env bash
# The README's first command on this checkout: `make run` must serve the example cases.
# Starts it, waits for /healthz, signs in with the one-time token it prints, checks that the
# example cases are listed and that one is assessed, then stops it. Used by .ci/run after
# `make test`, so CI runs both README commands on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
port=8000  # make run serves on the default port
url="http://127.0.0.1:${port}"
log="$(mktemp)"
setsid make run > "$log" 2>&1 &
pid=$!
stop() { kill -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 180); do
  if curl -fsS "$url/healthz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "make run stopped:"; cat "$log"; exit 1; fi
  sleep 1
done
curl -fsS "$url/healthz" > /dev/null || { echo "make run did not answer on $url"; cat "$log"; exit 1; }
token="$(grep -o 'access token: [^ ]*' "$log" | head -1 | cut -d' ' -f3)"
[ -n "$token" ] || { echo "make run printed no access token"; cat "$log"; exit 1; }
auth=(-H "Authorization: Bearer ${token}")
cases="$(curl -fsS "${auth[@]}" "$url/v1/cases")"
for id in crc-oligoprogression-01 nsclc-egfr-brain-oligoprogression-01; do
  grep -q "$id" <<< "$cases" || { echo "example case $id is not served"; exit 1; }
done
# Whole bodies first: `curl | grep -q` can fail curl with "failure writing output" (pipefail).
report="$(curl -fsS "${auth[@]}" "$url/v1/cases/crc-oligoprogression-01/report.json")"
grep -q '"disease_state"' <<< "$report" || { echo "the example case was not assessed"; exit 1; }
sign_in="$(curl -fsS "$url/ui/sign-in")"
grep -qi "token" <<< "$sign_in" || { echo "the web UI did not answer"; exit 1; }
echo "make run: serves the examples on $url (health, cases, assessment, web UI)"
