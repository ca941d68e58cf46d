#!/usr/bin/env bash
# The recorded session, sent with curl through an HTTP proxy (mitmproxy, martian).
# usage: curl-session.sh PROXY_URL LABEL   (env: CERB_URL, CERB_TOKEN)
# (a) compose url-encoded with custom_7[] and unicode, (b) compose multipart/form-data,
# (c) reply status=1 to (a)'s message, (d) compose without subject, (e) GET the ticket of (a).
set -euo pipefail
proxy=$1 label=$2
c() { curl -sS --fail-with-body -x "$proxy" --noproxy '' -H "Authorization: Bearer $CERB_TOKEN" "$@"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

a=$(c "$CERB_URL/rest/tickets/compose.json" \
  --data-urlencode group_id=1 --data-urlencode to=customer@example.com \
  --data-urlencode "subject=$label compose: Grüße ✓ 日本語" \
  --data-urlencode "content=Héllo — ünïcödé content from $label 👋" \
  --data-urlencode 'custom_7[]=billing' --data-urlencode 'custom_7[]=bug')
ticket=$(field id <<<"$a") message=$(field initial_message_id <<<"$a")
echo "a $(field __status <<<"$a") ticket $ticket message $message"

b=$(c "$CERB_URL/rest/tickets/compose.json" -F group_id=1 -F to=customer@example.com \
  -F "subject=$label multipart compose" -F 'content=Sent as multipart/form-data.' -F custom_1=MP-1)
echo "b $(field __status <<<"$b") ticket $(field id <<<"$b")"

r=$(c "$CERB_URL/rest/tickets/reply.json" --data-urlencode "message_id=$message" \
  --data-urlencode "content=Reply from $label." --data-urlencode status=1)
echo "c $(field __status <<<"$r")"

d=$(c "$CERB_URL/rest/tickets/compose.json" --data-urlencode group_id=1 \
  --data-urlencode to=customer@example.com --data-urlencode 'content=No subject.')
echo "d $(field __status <<<"$d") $(field message <<<"$d")"

e=$(c "$CERB_URL/rest/tickets/$ticket.json")
echo "e $(field __status <<<"$e") $(field id <<<"$e")"
