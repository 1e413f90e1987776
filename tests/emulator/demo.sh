#!/usr/bin/env bash
# The demo: a moto emulator on loopback, the demo estate built in it, and a real collect run
# against it. Leaves demo-out/snapshot.json. Run through `make demo`.
set -euo pipefail
cd "$(dirname "$0")/../.."

python=${RDS_EVIDENCE_PYTHON:-.venv-moto/bin/python}
binary=${CARGO_TARGET_DIR:-target}/debug/rds-evidence

# The server lives as long as this script holds its stdin open.
coproc MOTO { exec "$python" tests/emulator/moto_server.py; }
trap 'exec {MOTO[1]}>&-; wait "$MOTO_PID" 2>/dev/null || true' EXIT
read -r port <&"${MOTO[0]}"
endpoint="http://127.0.0.1:$port"
echo "Emulator listening on $endpoint; building the demo estate…"
"$python" tests/emulator/build_estate.py --endpoint-url "$endpoint" >/dev/null

# Static emulator credentials; no profile, no instance metadata: nothing leaves loopback.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
status=0
"$binary" collect --endpoint-url "$endpoint" --regions us-east-1,eu-west-1 --out demo-out || status=$?
# 4 = written with unknowns, which the summary lists; anything else non-zero is a failure.
[ "$status" -eq 0 ] || [ "$status" -eq 4 ]
