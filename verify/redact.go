package verify

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/redact"
)

// Redacted is a request as a drift report shows it: credentials replaced by REDACTED,
// values longer than maxShown cut (the case name and seed give the whole request back).
type Redacted struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header"`
	// Media is the body's media type; Body its fields url-encoded, whatever the media type.
	Media string `json:"media"`
	Body  string `json:"body"`
}

const maxShown = 120

// shownHeaders are the request headers a report shows; no others are kept.
var shownHeaders = []string{"Authorization", "Cerb-Auth", "Content-Type", "X-Date"}

func redactRequest(method, u string, h http.Header, c Case, msgID int64, secrets []string) *Redacted {
	out := &Redacted{Method: method, URL: redact.URL(u), Header: map[string]string{}, Media: "application/x-www-form-urlencoded"}
	for _, name := range shownHeaders {
		if v := h.Get(name); v != "" {
			out.Header[name] = redact.Header(name, v)
		}
	}
	switch {
	case c.JSON:
		out.Media = "application/json"
	case c.Multipart:
		out.Media = "multipart/form-data"
	}
	fields := make([]Field, len(c.Form))
	for i, f := range c.Form {
		if f.Value == msgRef {
			f.Value = strconv.FormatInt(msgID, 10)
		}
		if len(f.Value) > maxShown {
			f.Value = fmt.Sprintf("%s…(%d bytes)", cut(f.Value, maxShown/2), len(f.Value))
		}
		fields[i] = f
	}
	out.Body = redact.Form(formText(fields))
	// And wherever else a credential shows up (a token pasted into a field, say).
	for _, s := range secrets {
		if s == "" {
			continue
		}
		out.URL = strings.ReplaceAll(out.URL, s, redact.Mark)
		out.Body = strings.ReplaceAll(out.Body, s, redact.Mark)
		for k, v := range out.Header {
			out.Header[k] = strings.ReplaceAll(v, s, redact.Mark)
		}
	}
	return out
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// headerNames lists a redacted request's headers in a stable order.
func (r *Redacted) headerNames() []string {
	var out []string
	for k := range r.Header {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
