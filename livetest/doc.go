// Package livetest runs the Go client (package cerb) against a real Cerb install and checks
// every request/response pair it made against openapi.yaml with the contract checker. It
// also pins what the spec says about the server: multi-value custom fields change by
// delta on reply (cerb.Add, Remove, Replace), and status=3 is accepted and ignored.
//
//	CERB_BASE_URL=https://cerb.example/rest CERB_TOKEN=... go test -tags live ./livetest/
//
// Without the live build tag, or without CERB_BASE_URL and CERB_TOKEN, nothing runs.
// Optional: CERB_GROUP_ID (default 1), CERB_CUSTOM_FIELD_ID (a single-line text ticket
// field, default 1), CERB_MULTI_FIELD_ID (a multiple-checkbox ticket field with the
// options billing, bug and feature, default 7 as in ../shared/cerb-server's fixtures; the
// test is skipped on an install without it), CERB_ACCESS_KEY and CERB_SECRET (legacy
// Cerb-Auth). The suite creates tickets with dont_send=1 and no recipients, so nothing is
// mailed.
package livetest
