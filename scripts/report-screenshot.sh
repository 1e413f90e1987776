#!/usr/bin/env bash
# Screenshot of a bundle's report.html with headless Chromium, offline: the whole page, or its
# top HEIGHT pixels.
#
#   scripts/report-screenshot.sh BUNDLE_DIR OUT.png [WIDTH [HEIGHT]]
#
# Chromium's --screenshot captures the window only, so for the whole page it is first measured:
# a wrapper page frames the report at WIDTH and writes its height into the DOM that --dump-dom
# prints. Chromium is $RDS_EVIDENCE_CHROMIUM, else `chromium` (apt-get install chromium).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
    echo "usage: $0 BUNDLE_DIR OUT.png [WIDTH [HEIGHT]]" >&2
    exit 2
fi
report="$(cd "$1" && pwd)/report.html"
out="$2"
width="${3:-1280}"
height="${4:-}"
browser="${RDS_EVIDENCE_CHROMIUM:-chromium}"

[[ -f "$report" ]] || { echo "$report: no such file" >&2; exit 1; }
command -v "$browser" >/dev/null || { echo "$browser not found: apt-get install chromium" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# No network: every host resolves to nothing and every request goes to a closed port.
chromium_offline() {
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --disable-default-apps \
        --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --user-data-dir="$work/profile" "$@" 2>"$work/stderr.log"
}

# The whole page's height at WIDTH, as the report's own document reports it.
measure() {
    cat >"$work/measure.html" <<HTML
<!DOCTYPE html><html><body style="margin:0">
<iframe id="report" src="file://$report" style="width:${width}px;height:100px;border:0"
  onload="document.body.dataset.height = this.contentDocument.documentElement.scrollHeight"></iframe>
</body></html>
HTML
    chromium_offline --allow-file-access-from-files --dump-dom "file://$work/measure.html" \
        | sed -n 's/.*data-height="\([0-9]*\)".*/\1/p'
}

if [[ -z "$height" ]]; then
    height="$(measure)"
    if [[ -z "$height" ]]; then
        echo "could not measure the page's height; Chromium said:" >&2
        cat "$work/stderr.log" >&2
        exit 1
    fi
fi

chromium_offline --screenshot="$work/shot.png" --window-size="$width,$height" "file://$report" >/dev/null
mv "$work/shot.png" "$out"
echo "$out: ${width}x${height}"
