// Package har reads and writes HTTP Archive (HAR 1.2) files, the format in which Cerb traffic
// is recorded. The reader streams: it decodes one entry at a time, so a file of any size is
// read in memory bounded by its largest entry.
package har

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Log is the top-level "log" object without its entries (they are streamed).
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Pages   []any   `json:"pages,omitempty"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Comment string `json:"comment,omitempty"`
}

// Entry is one request/response pair.
type Entry struct {
	StartedDateTime string    `json:"startedDateTime"`
	Time            float64   `json:"time"`
	Request         *Request  `json:"request"`
	Response        *Response `json:"response"`
	Cache           struct{}  `json:"cache"`
	Timings         Timings   `json:"timings"`
	Comment         string    `json:"comment,omitempty"`
}

// Timings are the phases of an entry in milliseconds; -1 means "does not apply".
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// NameValue is a header, query parameter or form parameter.
type NameValue struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// Cookie is a request or response cookie.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Request is the recorded request.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

// PostData is the request body. Text holds the exact body; Params the decoded form fields.
// HAR 1.2 calls the two mutually exclusive; recorders (ours included) often keep both.
type PostData struct {
	MimeType string      `json:"mimeType"`
	Text     string      `json:"text"`
	Params   []NameValue `json:"params,omitempty"`
	Encoding string      `json:"encoding,omitempty"` // non-standard; "base64" if Text is base64
	// File names a sidecar file holding the body, relative to the HAR's folder (Playwright's
	// recordHar with content "attach" writes it; non-standard). LoadFiles reads it into Text.
	File    string `json:"_file,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Response is the recorded response.
type Response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

// Content is the response body; Encoding "base64" means Text is base64.
type Content struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// File names a sidecar file holding the body (see PostData.File).
	File    string `json:"_file,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Header returns the headers as an http.Header, keeping repeated names.
func Header(list []NameValue) http.Header {
	h := make(http.Header, len(list))
	for _, nv := range list {
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// Body returns the exact request body bytes. Without Text it rebuilds a url-encoded body from
// Params, as HAR writers that follow the specification to the letter store forms that way.
func (r *Request) Body() ([]byte, error) {
	if r.PostData == nil {
		return nil, nil
	}
	p := r.PostData
	if p.Text == "" && len(p.Params) > 0 {
		var b strings.Builder
		for i, nv := range p.Params {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(nv.Name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(nv.Value))
		}
		return []byte(b.String()), nil
	}
	return decodeText(p.Text, p.Encoding)
}

// Body returns the exact response body bytes.
func (r *Response) Body() ([]byte, error) {
	return decodeText(r.Content.Text, r.Content.Encoding)
}

func decodeText(text, encoding string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("body: bad base64: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("body: unsupported content encoding %q", encoding)
	}
}
