// Package record is a recording reverse proxy for the Cerb REST API. Every request is
// forwarded to the upstream Cerb unchanged (apart from hop-by-hop headers, which a proxy
// must not forward, and the Host header, which names the upstream) and every completed
// request/response pair is redacted (package redact) and appended to a HAR 1.2 file through
// har.Writer, so the file on disk is valid HAR after every pair and a crash loses at most the
// pairs in flight. Bodies are stored exactly: as text when they are UTF-8, else base64.
//
// Pairs are appended in completion order, each whole, whatever the number of requests in
// flight. With a contract.Checker, each recorded pair is checked as it passes and the
// problems are logged (they are computed from the redacted pair, so no secret is logged).
package record
