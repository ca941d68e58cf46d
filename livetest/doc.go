// Package livetest runs the Go client (package cerb) against a real Cerb and proves what
// the README says about the server: every row of "Field types on the wire" and every
// claim of "What to know" is sent by the client and read back from the server (GET
// /rest/tickets/<id>.json with expand, GET /rest/messages/<id>.json, the kit's SMTP
// sink), not taken from the client's own result. Every compose and reply pair the suite
// makes goes through the contract checker, strictly: a request sent against the spec on
// purpose is declared with expectViolation. TestLiveRecordings re-sends the bundled
// recordings' compose, reply and auth requests and requires the recorded outcome and
// the manifest's verdict.
//
//	make live                      # starts ../shared/cerb-server, runs the suite, stops it
//	CERB_BASE_URL=https://cerb.example/rest CERB_TOKEN=... make live   # another Cerb
//
// scripts/live.sh does the work; in CI (CI=true) a test that cannot run fails instead of
// skipping. Without the live build tag nothing runs; without CERB_BASE_URL and
// CERB_TOKEN every test skips.
//
// The claim tests need the kit's fixture records (groups 1, 2 and 5, buckets 5 to 7,
// worker 2, org 3, HTML template 2, ticket custom fields 1 to 10) and its credentials
// (CERB_READONLY_TOKEN, CERB_JANE_TOKEN, CERB_ACCESS_KEY, CERB_SECRET): they run when
// CERB_SERVER_DIR (the kit's env) or CERB_KIT_FIXTURES=1 is set. Tests that really mail
// (the mail flags, the re-sent recordings) run only with the kit's sink (CERB_SMTP_LOG).
// Against any other server the suite creates tickets with dont_send=1, subjects starting
// "cerb-openapi live", recipients only at @example.com, and deletes nothing.
//
// TestLiveDifferentialScenarios and TestLiveDifferentialRandom send the same requests to
// the server and to internal/standin (cerbcontract serve) and fail on any answer that
// differs once ids, masks, times and URLs are normalized; CERB_DIFF_SEED and
// CERB_DIFF_COUNT replay or widen the random part. They need the kit's fixtures too.
//
// Optional: CERB_GROUP_ID (default 1), CERB_CUSTOM_FIELD_ID (a single-line text ticket
// field, default 1), CERB_MULTI_FIELD_ID (a multiple-checkbox ticket field with the
// options billing, bug and feature, default 7).
package livetest
