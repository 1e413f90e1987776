#!/usr/bin/env bash
# Re-makes fixtures/demo, the synthetic demo account: serves it (server.py) on loopback and
# records a real `rds-evidence collect` against it at the account's own clock (estate.NOW,
# under faketime), so that a regeneration changes only what the estate changed. Then checks
# that the recording is whole — exit 0, nothing unknown — and writes fixtures/demo-snapshot.json
# from a replay of it.
#
#   tests/demo-account/record.sh        (run through `make demo-fixture`)
#
# Needs the venv's Python (botocore, cbor2), faketime, and a debug build of rds-evidence.
set -euo pipefail
cd "$(dirname "$0")/../.."

python=${RDS_EVIDENCE_PYTHON:-.venv-moto/bin/python}
binary=${CARGO_TARGET_DIR:-target}/debug/rds-evidence
regions=us-east-1,us-west-2
now=$(cd tests/demo-account && "$python" -c 'import estate; print(estate.NOW.strftime("%Y-%m-%d %H:%M:%S"))')

# The server lives as long as this script holds its stdin open.
coproc SERVER { exec "$python" tests/demo-account/server.py; }
# shellcheck disable=SC1083 # `{SERVER[1]}>&-` closes the coprocess's input, not a literal brace.
trap 'exec {SERVER[1]}>&-; wait "$SERVER_PID" 2>/dev/null || true' EXIT
read -r port <&"${SERVER[0]}"

# Made-up credentials and no profile or instance metadata: nothing leaves loopback.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
staging=fixtures/.demo.recording
rm -rf "$staging" "$staging.out"
status=0
FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$now" "$binary" collect --endpoint-url "http://127.0.0.1:$port" \
    --regions "$regions" --max-attempts 1 --record "$staging" --no-evaluate --out "$staging.out" \
    >"$staging.summary" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    cat "$staging.summary" >&2
    echo "record.sh: the synthetic account did not answer everything (exit $status): see above" >&2
    exit 1
fi
# The partner's side (attestations.toml and its documents) is kept across re-recordings.
cp -R fixtures/demo/attestations.toml fixtures/demo/documents "$staging/"
rm -rf "$staging.out" "$staging.summary" fixtures/demo
mv "$staging" fixtures/demo

# The checked-in snapshot is what replaying the recording gives (a test keeps them equal).
"$binary" collect --replay fixtures/demo --no-evaluate --out "$staging.out" >/dev/null
mv "$staging.out/snapshot.json" fixtures/demo-snapshot.json
rm -rf "$staging.out"
echo "recorded $(find fixtures/demo -name '*.json' | wc -l) files into fixtures/demo"
