#!/usr/bin/env bash
# Records a fixture from the emulator: starts moto on loopback, builds an estate in it with a
# script from this folder, and runs a real `collect --record --anonymize` against it.
#
#   tests/emulator/record-fixture.sh DIR ESTATE_SCRIPT REGIONS [SCRIPT ARGS...]
#   e.g. tests/emulator/record-fixture.sh fixtures/emulator-demo build_estate.py us-east-1,eu-west-1
#
# Run through `make fixtures`. The recording replaces DIR whole, or leaves it untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=$1 estate=$2 regions=$3
shift 3
python=${RDS_EVIDENCE_PYTHON:-.venv-moto/bin/python}
binary=${CARGO_TARGET_DIR:-target}/debug/rds-evidence

# The server lives as long as this script holds its stdin open.
coproc MOTO { MOTO_RDS_SNAPSHOT_LIMIT=100000 exec "$python" tests/emulator/moto_server.py; }
trap 'exec {MOTO[1]}>&-; wait "$MOTO_PID" 2>/dev/null || true' EXIT
read -r port <&"${MOTO[0]}"
endpoint="http://127.0.0.1:$port"
"$python" "tests/emulator/$estate" --endpoint-url "$endpoint" "$@" >/dev/null

# Static emulator credentials; no profile, no instance metadata: nothing leaves loopback.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
staging="$dir.recording"
rm -rf "$staging"
status=0
"$binary" collect --endpoint-url "$endpoint" --regions "$regions" \
    --record "$staging" --anonymize --no-evaluate --out "$staging.out" >"$staging.summary" || status=$?
# 4: recorded, but some answers were errors; those errors are part of the recording.
if [ "$status" -ne 0 ] && [ "$status" -ne 4 ]; then
    cat "$staging.summary" >&2
    exit "$status"
fi
sed -n '/^Unknown/,/^Snapshot/p' "$staging.summary" | grep -v '^Snapshot'
rm -rf "$staging.out" "$staging.summary" "$dir"
mv "$staging" "$dir"
echo "recorded $(find "$dir" -name '*.json' | wc -l) files into $dir"
