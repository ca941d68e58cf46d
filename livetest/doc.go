// Package livetest runs the Go client against a real Cerb install and checks every
// request/response pair it made against openapi.yaml with the contract checker.
//
//	CERB_BASE_URL=https://cerb.example/rest CERB_TOKEN=... go test -tags live ./livetest/
//
// Without the live build tag, or without CERB_BASE_URL and CERB_TOKEN, nothing runs.
// Optional: CERB_GROUP_ID (default 1), CERB_CUSTOM_FIELD_ID (a single-line text ticket
// field, default 1), CERB_ACCESS_KEY and CERB_SECRET (legacy Cerb-Auth). The suite
// creates tickets with dont_send=1 and no recipients, so nothing is mailed.
package livetest
