package cerb

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// APIError is an error answered by Cerb itself: a body with "__status":"error". Cerb uses
// HTTP 200 for validation errors and for a token whose scope does not cover the call, and
// 401 for missing or rejected credentials. Test for it with errors.As.
//
// Note "Invalid ticket id '<id>'" on compose: the ticket WAS created and mailed, but the
// caller may not read it back (not a member of the group). Do not retry it.
type APIError struct {
	Operation  string // "compose" or "reply"
	HTTPStatus int    // 200 or 401
	Code       string // __error: "ERROR", "ERROR_PERMISSIONS", ...; "" for auth and scope errors
	Message    string // message
	Version    string // __version, e.g. "10.4.10"; "" for auth and scope errors
	Build      int64  // __build, e.g. 2024030901; 0 for auth and scope errors
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cerb: %s: Cerb answered", e.Operation)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	fmt.Fprintf(&b, ": %s (HTTP %d", e.Message, e.HTTPStatus)
	if e.Version != "" {
		fmt.Fprintf(&b, ", Cerb %s build %d", e.Version, e.Build)
	}
	b.WriteString(")")
	return b.String()
}

// Unauthorized reports a 401: no credentials, or credentials the server rejected.
func (e *APIError) Unauthorized() bool { return e.HTTPStatus == 401 }

// ScopeDenied reports the HTTP 200 error of a valid token whose OAuth scope does not
// cover the call (for example api:read-only): it has no __error code and no version.
func (e *APIError) ScopeDenied() bool {
	return e.HTTPStatus == 200 && e.Code == "" && e.Version == ""
}

// UnexpectedResponseError is a response that is not a Cerb JSON envelope: an HTML error
// page from a proxy, a redirect, a body that is not JSON, JSON of an unexpected shape, or a
// body cut short (Err then wraps the read error: io.ErrUnexpectedEOF, context.DeadlineExceeded).
type UnexpectedResponseError struct {
	Operation   string
	HTTPStatus  int
	ContentType string
	BodyStart   string // the first bytes of the body (at most 200), for the message
	Err         error  // the decoding error, if any
}

func (e *UnexpectedResponseError) Error() string {
	msg := fmt.Sprintf("cerb: %s: unexpected response: HTTP %d, Content-Type %q", e.Operation, e.HTTPStatus, e.ContentType)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg + fmt.Sprintf(", body starts %q", e.BodyStart)
}

func (e *UnexpectedResponseError) Unwrap() error { return e.Err }

const bodyStartLen = 200

func bodyStart(b []byte) string {
	if len(b) > bodyStartLen {
		b = b[:bodyStartLen]
		for len(b) > 0 && !utf8.Valid(b) { // do not cut a rune in half
			b = b[:len(b)-1]
		}
	}
	return string(b)
}

// ErrInvalidRequest is matched (errors.Is) by every error that refuses a request before
// anything is sent: a value the spec forbids, or one a PHP form cannot carry.
var ErrInvalidRequest = errors.New("invalid request")

// FieldError is a request refused before anything was sent; Field is the form field's
// wire name, e.g. "send_at", "custom_7" or "file_id[0]". errors.Is(err,
// ErrInvalidRequest) is true for every FieldError.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %s: %v", e.Field, e.Err) }

func (e *FieldError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidRequest) true for every FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidRequest }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}
