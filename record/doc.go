// Package record is a recording reverse proxy for the Cerb REST API. Every request is
// forwarded to the upstream Cerb unchanged (apart from hop-by-hop headers, which a proxy
// must not forward, and the Host header, which names the upstream) and every completed
// request/response pair is redacted (package redact) and appended to a HAR 1.2 file through
// har.Writer, so the file on disk is valid HAR after every pair and a crash loses at most the
// pairs in flight. Bodies are stored exactly: as text when they are UTF-8, else base64.
//
// Memory is bounded by Config.MaxBodyBytes (default 16 MiB, `record --max-body`): a request
// or response body up to it is kept and recorded; a larger one is still passed through whole,
// streamed, and its pair is recorded without that body's text but with its real size
// (postData/content size, bodySize), a comment on the entry and on the body saying it was
// over the limit, and a log line. With a checker, such a pair's request is checked alone, or
// not at all when the request body is the one missing.
//
// Pairs are appended in completion order, each whole, whatever the number of requests in
// flight. With a contract.Checker, each recorded pair is checked as it passes and the
// problems are logged (they are computed from the redacted pair, so no secret is logged).
package record
