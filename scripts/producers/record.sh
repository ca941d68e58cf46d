#!/usr/bin/env bash
# Re-records contract_test/testdata/producers: the same session against a real Cerb 10.4.10
# (the kit in ../shared/cerb-server), written by each real HAR producer, then redacted and
# checked for secrets. Run by hand, as root, on Debian 12, from anywhere:
#
#   scripts/producers/record.sh            # all producers
#   KEEP_RAW=1 scripts/producers/record.sh # also keep the unredacted files (in a temp dir; never commit them)
#
# It installs what it needs (Debian: chromium, mitmproxy, firefox-esr, xvfb and the kit's
# packages; npm ci here; the martian program's module), starts the kit fresh (down.sh --purge,
# up.sh), records, redacts (redact.py), verifies, and brings the kit down with down.sh --purge,
# also on failure. It replaces the whole producers folder. See the folder's README.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KIT=${CERB_KIT:-$(cd "$ROOT/../shared/cerb-server" && pwd)}
OUT=$ROOT/contract_test/testdata/producers
WORK=$(mktemp -d /tmp/producers.XXXXXX)
RAW=$WORK/raw
PIDS=()
log() { printf '\n== %s\n' "$*"; }

cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$KIT/down.sh" --purge >/dev/null 2>&1 || true
  if [ "${KEEP_RAW:-}" = 1 ]; then echo "unredacted files kept in $RAW (do not commit them)"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT

# wait_port PORT: until something listens on 127.0.0.1:PORT (plain TCP, so nothing is recorded)
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on port $1" >&2; return 1; }

# ------------------------------------------------------------------------------------------ install
log install
# the kit's own packages too: its up.sh stops with an error when none of them is installed yet
PKGS="chromium mitmproxy firefox-esr xvfb xz-utils php8.2-fpm php8.2-cli php8.2-mysql php8.2-curl php8.2-mbstring
php8.2-xml php8.2-gd php8.2-zip php-yaml php-mailparse php8.2-imap php8.2-bcmath php8.2-intl php8.2-opcache
mariadb-server nginx python3-aiosmtpd"
MISSING=
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || MISSING="$MISSING $p"; done
if [ -n "$MISSING" ]; then
  echo "installing:$MISSING"
  POLICY=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; POLICY=1; fi
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $MISSING >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; exit 1; }
  [ -z "$POLICY" ] || rm -f /usr/sbin/policy-rc.d
fi
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$HERE/martian" && go build -o "$WORK/martianhar" .)
echo "chromium $(dpkg-query -W -f='${Version}' chromium), mitmproxy $(dpkg-query -W -f='${Version}' mitmproxy), firefox-esr $(dpkg-query -W -f='${Version}' firefox-esr)"

# ------------------------------------------------------------------------------------------ kit
log "kit: fresh Cerb 10.4.10"
"$KIT/down.sh" --purge >/dev/null 2>&1 || true
"$KIT/up.sh" | tail -1
# shellcheck disable=SC1091
. /tmp/cerb-server/env
export CERB_URL CERB_TOKEN CERB_SERVER_DIR
PORT=${CERB_URL##*:}
mkdir -p "$RAW"

# ------------------------------------------------------------------------------------------ producers
# the browsers' HTTP proxy: serves /harness.html on the Cerb origin, relays the rest to Cerb
export HARNESS_PROXY=127.0.0.1:18085
python3 "$HERE/harness_proxy.py" 18085 "127.0.0.1:$PORT" "$HERE/harness.html" "$CERB_TOKEN" "http://localhost:$PORT" \
  >"$WORK/harness_proxy.log" 2>&1 &
PIDS+=($!)
wait_port 18085

log "Playwright recordHar (embed, attach, omit, .zip, APIRequestContext)"
node "$HERE/playwright.js" "$RAW/playwright"

log "chrome-har over puppeteer-core (with and without response bodies)"
node "$HERE/chromehar.mjs" "$RAW/chrome-har"

log "mitmproxy har_dump (.har and .zhar)"
HARDUMP=/usr/share/doc/mitmproxy/examples/contrib/har_dump.py
mkdir -p "$RAW/mitmproxy"
for ext in har zhar; do
  mitmdump -q --listen-host 127.0.0.1 --listen-port 18082 --set confdir="$WORK/mitmproxy-conf" \
    -s "$HARDUMP" --set hardump="$RAW/mitmproxy/session.$ext" >"$WORK/mitmdump-$ext.log" 2>&1 &
  pid=$!
  wait_port 18082
  "$HERE/curl-session.sh" http://127.0.0.1:18082 "mitmproxy $ext"
  kill -INT "$pid"; wait "$pid" || true   # har_dump writes the file in done(), on shutdown
  [ -s "$RAW/mitmproxy/session.$ext" ] || { cat "$WORK/mitmdump-$ext.log"; exit 1; }
done

log "martian v3 har.Logger"
mkdir -p "$RAW/martian"
"$WORK/martianhar" -addr 127.0.0.1:18083 -api 127.0.0.1:18084 >"$WORK/martian.log" 2>&1 &
PIDS+=($!)
wait_port 18083; wait_port 18084
"$HERE/curl-session.sh" http://127.0.0.1:18083 martian
curl -sS --fail http://127.0.0.1:18084/logs -o "$RAW/martian/session.har"   # har.NewExportHandler's bytes
kill "${PIDS[-1]}"

log "node-fetch-har"
mkdir -p "$RAW/node-fetch-har"
node "$HERE/nodefetchhar.js" "$RAW/node-fetch-har/session.har"

log "Firefox ESR devtools HAR auto-export (under Xvfb)"
mkdir -p "$RAW/firefox" "$WORK/ffprofile"
sed -e "s|__HARDIR__|$RAW/firefox|" -e "s|__PROXYPORT__|18085|" \
  -e "s|__HARNESS__|http://127.0.0.1:$PORT/harness.html?wait=1\&label=Firefox+ESR|" "$HERE/firefox-user.js" >"$WORK/ffprofile/user.js"
env -u MOZ_HEADLESS xvfb-run -a -s "-screen 0 1280x1024x24" \
  firefox-esr --no-remote --profile "$WORK/ffprofile" -devtools >"$WORK/firefox.log" 2>&1 &
XPID=$!
PIDS+=($XPID)
ok=
for _ in $(seq 90); do
  sleep 1
  # the export of the page that ran the session (an earlier export of the waiting page, if
  # the toolbox was quick, is dropped); the file must be complete JSON
  if python3 - "$RAW/firefox" <<'PY'
import glob, json, os, sys
d = sys.argv[1]
for f in sorted(glob.glob(os.path.join(d, "*.har"))):
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except ValueError:
        continue
    urls = [e["request"]["url"] for e in doc["log"]["entries"]]
    if any(u.endswith("/rest/tickets/reply.json") for u in urls) and any(e["request"]["method"] == "OPTIONS" for e in doc["log"]["entries"]):
        for g in glob.glob(os.path.join(d, "*.har")):
            if g != f:
                os.remove(g)
        if f != os.path.join(d, "session.har"):
            os.rename(f, os.path.join(d, "session.har"))
        sys.exit(0)
sys.exit(1)
PY
  then ok=1; break; fi
done
# stop Firefox (its main process, by PID); xvfb-run then stops its Xvfb
for p in $(pgrep -f "^firefox-esr --no-remote --profile $WORK/ffprofile" || true); do kill "$p" 2>/dev/null || true; done
wait "$XPID" 2>/dev/null || true
[ -n "$ok" ] || { echo "Firefox wrote no HAR in 90 s"; tail -20 "$WORK/firefox.log"; exit 1; }
ls -la "$RAW/firefox"

# ------------------------------------------------------------------------------------------ redact, gzip, verify
log "redact into $OUT"
README=
[ -f "$OUT/README.md" ] && README=$(cat "$OUT/README.md")
rm -rf "$OUT"
python3 "$HERE/redact.py" redact "$RAW" "$OUT"
[ -z "$README" ] || printf '%s\n' "$README" >"$OUT/README.md"
mkdir -p "$OUT/gzip"
gzip -n -9 -c "$OUT/playwright/embed.har" >"$OUT/gzip/playwright-embed.har.gz"

log verify
python3 "$HERE/redact.py" verify "$OUT"

log "what the server saw (nginx access log: method, URL, status)"
awk '{print $6, $7, $9}' "$CERB_SERVER_DIR/logs/nginx-access.log" | tr -d '"' | sort | uniq -c | sort -k2,3
du -sh "$OUT"
find "$OUT" -type f | sort | xargs ls -l
