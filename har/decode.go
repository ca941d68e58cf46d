package har

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cerb-openapi/cerb-openapi/internal/jsonstr"
)

// fastDecode decodes an entry the way json.Unmarshal into Entry does, several times faster:
// no reflection, and strings without escapes are copied rather than unquoted byte by byte.
// It validates everything it reads (values it does not need are checked by validValue) and
// accepts only the ordinary shape: field names spelled as in the struct tags, each once,
// values of the declared JSON types (no null, numbers that fit), with any other keys
// ignored. On anything else it reports false and the caller asks encoding/json, for the
// value or for its error. The data must be valid UTF-8 (RawEntry.Decode checks that first).
func fastDecode(data []byte) (Entry, bool) {
	d := decoder{b: data}
	var e Entry
	if !d.entry(&e) {
		return Entry{}, false
	}
	d.ws()
	if d.i != len(d.b) {
		return Entry{}, false
	}
	return e, true
}

type decoder struct {
	b []byte
	i int
}

func (d *decoder) ws() { d.i = skipSpace(d.b, d.i) }

// object calls field for each key of the object at d.i, positioned at its value; field
// must consume the value. Keys with escapes give false (encoding/json decides then).
func (d *decoder) object(field func(key string) bool) bool {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return false
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return true
	}
	for {
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return false
		}
		start := d.i + 1
		end, st := scanString(d.b, d.i)
		if st != scanOK {
			return false
		}
		key := d.b[start : end-1]
		for _, c := range key {
			if c == '\\' || c >= utf8.RuneSelf {
				return false
			}
		}
		d.i = end
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return false
		}
		d.i++
		d.ws()
		if !field(string(key)) {
			return false
		}
		d.ws()
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// array calls elem for each element of the array at d.i.
func (d *decoder) array(elem func() bool) bool {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return false
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return true
	}
	for {
		d.ws()
		if !elem() {
			return false
		}
		d.ws()
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// skip checks and skips the value of an unknown key, unless its name matches a field's
// case-insensitively: encoding/json would then decode it into that field.
func (d *decoder) skip(key string, fields ...string) bool {
	for _, f := range fields {
		if strings.EqualFold(key, f) {
			return false
		}
	}
	end, st := validValue(d.b, d.i)
	if st != scanOK {
		return false
	}
	d.i = end
	return true
}

// once marks field bit n as seen; a key given twice goes to encoding/json.
func once(seen *uint32, n uint) bool {
	if *seen&(1<<n) != 0 {
		return false
	}
	*seen |= 1 << n
	return true
}

func (d *decoder) str(p *string) bool {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return false
	}
	end, st := scanString(d.b, d.i)
	if st != scanOK {
		return false
	}
	s, ok := jsonstr.Unquote(d.b[d.i+1 : end-1])
	if !ok {
		return false
	}
	*p = s
	d.i = end
	return true
}

func (d *decoder) number() (string, bool) {
	if d.i >= len(d.b) {
		return "", false
	}
	if c := d.b[d.i]; c != '-' && (c < '0' || c > '9') {
		return "", false
	}
	end, st := scanNumber(d.b, d.i)
	if st != scanOK && !(st == scanMore && end == len(d.b)) {
		return "", false
	}
	s := string(d.b[d.i:end])
	d.i = end
	return s, true
}

func (d *decoder) int64(p *int64) bool {
	s, ok := d.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return false
	}
	*p = v
	return true
}

func (d *decoder) int(p *int) bool {
	var v int64
	if !d.int64(&v) || int64(int(v)) != v {
		return false
	}
	*p = int(v)
	return true
}

func (d *decoder) float(p *float64) bool {
	s, ok := d.number()
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	*p = v
	return true
}

func (d *decoder) bool(p *bool) bool {
	switch {
	case strings.HasPrefix(string(d.b[d.i:min(d.i+4, len(d.b))]), "true"):
		*p = true
		d.i += 4
	case strings.HasPrefix(string(d.b[d.i:min(d.i+5, len(d.b))]), "false"):
		*p = false
		d.i += 5
	default:
		return false
	}
	return true
}

func (d *decoder) entry(e *Entry) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "startedDateTime":
			return once(&seen, 0) && d.str(&e.StartedDateTime)
		case "time":
			return once(&seen, 1) && d.float(&e.Time)
		case "request":
			e.Request = new(Request)
			return once(&seen, 2) && d.request(e.Request)
		case "response":
			e.Response = new(Response)
			return once(&seen, 3) && d.response(e.Response)
		case "cache":
			return once(&seen, 4) && d.object(func(k string) bool { return d.skip(k) })
		case "timings":
			return once(&seen, 5) && d.timings(&e.Timings)
		case "comment":
			return once(&seen, 6) && d.str(&e.Comment)
		}
		return d.skip(k, "startedDateTime", "time", "request", "response", "cache", "timings", "comment")
	})
}

func (d *decoder) timings(t *Timings) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "blocked":
			return once(&seen, 0) && d.float(&t.Blocked)
		case "dns":
			return once(&seen, 1) && d.float(&t.DNS)
		case "connect":
			return once(&seen, 2) && d.float(&t.Connect)
		case "send":
			return once(&seen, 3) && d.float(&t.Send)
		case "wait":
			return once(&seen, 4) && d.float(&t.Wait)
		case "receive":
			return once(&seen, 5) && d.float(&t.Receive)
		case "ssl":
			return once(&seen, 6) && d.float(&t.SSL)
		}
		return d.skip(k, "blocked", "dns", "connect", "send", "wait", "receive", "ssl")
	})
}

func (d *decoder) request(r *Request) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "method":
			return once(&seen, 0) && d.str(&r.Method)
		case "url":
			return once(&seen, 1) && d.str(&r.URL)
		case "httpVersion":
			return once(&seen, 2) && d.str(&r.HTTPVersion)
		case "cookies":
			return once(&seen, 3) && d.cookies(&r.Cookies)
		case "headers":
			return once(&seen, 4) && d.nameValues(&r.Headers)
		case "queryString":
			return once(&seen, 5) && d.nameValues(&r.QueryString)
		case "postData":
			r.PostData = new(PostData)
			return once(&seen, 6) && d.postData(r.PostData)
		case "headersSize":
			return once(&seen, 7) && d.int64(&r.HeadersSize)
		case "bodySize":
			return once(&seen, 8) && d.int64(&r.BodySize)
		case "comment":
			return once(&seen, 9) && d.str(&r.Comment)
		}
		return d.skip(k, "method", "url", "httpVersion", "cookies", "headers", "queryString", "postData", "headersSize", "bodySize", "comment")
	})
}

func (d *decoder) response(r *Response) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "status":
			return once(&seen, 0) && d.int(&r.Status)
		case "statusText":
			return once(&seen, 1) && d.str(&r.StatusText)
		case "httpVersion":
			return once(&seen, 2) && d.str(&r.HTTPVersion)
		case "cookies":
			return once(&seen, 3) && d.cookies(&r.Cookies)
		case "headers":
			return once(&seen, 4) && d.nameValues(&r.Headers)
		case "content":
			return once(&seen, 5) && d.content(&r.Content)
		case "redirectURL":
			return once(&seen, 6) && d.str(&r.RedirectURL)
		case "headersSize":
			return once(&seen, 7) && d.int64(&r.HeadersSize)
		case "bodySize":
			return once(&seen, 8) && d.int64(&r.BodySize)
		case "comment":
			return once(&seen, 9) && d.str(&r.Comment)
		}
		return d.skip(k, "status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize", "comment")
	})
}

func (d *decoder) content(c *Content) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "size":
			return once(&seen, 0) && d.int64(&c.Size)
		case "mimeType":
			return once(&seen, 1) && d.str(&c.MimeType)
		case "text":
			return once(&seen, 2) && d.str(&c.Text)
		case "encoding":
			return once(&seen, 3) && d.str(&c.Encoding)
		case "comment":
			return once(&seen, 4) && d.str(&c.Comment)
		case "_file":
			return once(&seen, 5) && d.str(&c.File)
		}
		return d.skip(k, "size", "mimeType", "text", "encoding", "comment", "_file")
	})
}

func (d *decoder) postData(p *PostData) bool {
	var seen uint32
	return d.object(func(k string) bool {
		switch k {
		case "mimeType":
			return once(&seen, 0) && d.str(&p.MimeType)
		case "text":
			return once(&seen, 1) && d.str(&p.Text)
		case "params":
			return once(&seen, 2) && d.nameValues(&p.Params)
		case "encoding":
			return once(&seen, 3) && d.str(&p.Encoding)
		case "comment":
			return once(&seen, 4) && d.str(&p.Comment)
		case "_file":
			return once(&seen, 5) && d.str(&p.File)
		}
		return d.skip(k, "mimeType", "text", "params", "encoding", "comment", "_file")
	})
}

func (d *decoder) nameValues(p *[]NameValue) bool {
	out := []NameValue{}
	ok := d.array(func() bool {
		var nv NameValue
		var seen uint32
		if !d.object(func(k string) bool {
			switch k {
			case "name":
				return once(&seen, 0) && d.str(&nv.Name)
			case "value":
				return once(&seen, 1) && d.str(&nv.Value)
			case "comment":
				return once(&seen, 2) && d.str(&nv.Comment)
			}
			return d.skip(k, "name", "value", "comment")
		}) {
			return false
		}
		out = append(out, nv)
		return true
	})
	*p = out
	return ok
}

func (d *decoder) cookies(p *[]Cookie) bool {
	out := []Cookie{}
	ok := d.array(func() bool {
		var c Cookie
		var seen uint32
		if !d.object(func(k string) bool {
			switch k {
			case "name":
				return once(&seen, 0) && d.str(&c.Name)
			case "value":
				return once(&seen, 1) && d.str(&c.Value)
			case "path":
				return once(&seen, 2) && d.str(&c.Path)
			case "domain":
				return once(&seen, 3) && d.str(&c.Domain)
			case "expires":
				return once(&seen, 4) && d.str(&c.Expires)
			case "httpOnly":
				return once(&seen, 5) && d.bool(&c.HTTPOnly)
			case "secure":
				return once(&seen, 6) && d.bool(&c.Secure)
			case "comment":
				return once(&seen, 7) && d.str(&c.Comment)
			}
			return d.skip(k, "name", "value", "path", "domain", "expires", "httpOnly", "secure", "comment")
		}) {
			return false
		}
		out = append(out, c)
		return true
	})
	*p = out
	return ok
}
