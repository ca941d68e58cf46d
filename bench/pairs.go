package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	contracttest "github.com/cerb-openapi/cerb-openapi/contract_test"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// Pair is one bundled compose/reply entry, decoded once.
type Pair struct {
	Name  string          // file#index comment
	Raw   json.RawMessage // the entry's JSON, for the decode-only baseline
	Entry har.Entry
	Req   contract.Request
	Resp  *contract.Response
}

// Excluded recordings: oversized.har holds two 1 MiB bodies that would dominate every mean.
var Excluded = map[string]bool{"testdata/oversized.har": true}

var composeReply = regexp.MustCompile(`/rest/tickets/(compose|reply)\.json$`)

// LoadPairs returns the bundled POST compose.json/reply.json pairs with a response, in file
// and entry order, skipping Excluded files.
func LoadPairs() ([]Pair, error) {
	return LoadPairsFrom(contracttest.Recordings(), Excluded)
}

// LoadPairsFrom is LoadPairs on any set of HAR files.
func LoadPairsFrom(fsys fs.FS, exclude map[string]bool) ([]Pair, error) {
	names, err := fs.Glob(fsys, "testdata/*.har")
	if err != nil {
		return nil, err
	}
	var out []Pair
	for _, n := range names {
		if exclude[n] {
			continue
		}
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Log struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		for i, raw := range doc.Log.Entries {
			var e har.Entry
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, fmt.Errorf("%s#%d: %w", n, i, err)
			}
			if e.Request == nil || e.Response == nil || e.Request.Method != http.MethodPost {
				continue
			}
			u, err := url.Parse(e.Request.URL)
			if err != nil || !composeReply.MatchString(u.Path) {
				continue
			}
			req, resp, err := contract.FromHAR(e)
			if err != nil || resp == nil {
				continue
			}
			out = append(out, Pair{Name: fmt.Sprintf("%s#%d %s", n, i, e.Comment), Raw: raw, Entry: e, Req: req, Resp: resp})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no compose/reply pairs in the recordings")
	}
	return out, nil
}

// HTTPRequest builds a fresh *http.Request for the pair, its URL reduced to path and query
// (the recordings' host is not the spec's), with a body that can be read once.
func (p *Pair) HTTPRequest() *http.Request {
	u, err := url.Parse(p.Req.URL)
	if err != nil {
		panic(err)
	}
	host := u.Host
	u.Scheme, u.Host = "", ""
	r := &http.Request{Method: p.Req.Method, URL: u, Header: p.Req.Header, Host: host,
		Body: io.NopCloser(bytes.NewReader(p.Req.Body)), ContentLength: int64(len(p.Req.Body))}
	return r
}

// HTTPResponse builds a fresh *http.Response for the pair.
func (p *Pair) HTTPResponse(req *http.Request) *http.Response {
	return &http.Response{StatusCode: p.Resp.Status, Header: p.Resp.Header, Request: req,
		Body: io.NopCloser(bytes.NewReader(p.Resp.Body)), ContentLength: int64(len(p.Resp.Body))}
}

// DecodeOnly is the baseline: decode the entry with encoding/json and, when the response is
// JSON, its body.
func DecodeOnly(raw json.RawMessage) error {
	var e har.Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return err
	}
	if _, err := e.Request.Body(); err != nil {
		return err
	}
	body, err := e.Response.Body()
	if err != nil {
		return err
	}
	if strings.Contains(e.Response.Content.MimeType, "json") {
		var v any
		return json.Unmarshal(body, &v)
	}
	return nil
}

// Kin validates pairs with plain openapi3filter: gorillamux router on the document with its
// servers rewritten to /rest, ValidateRequest (form body included) and ValidateResponse,
// MultiError, no-op authentication.
type Kin struct {
	router routers.Router
}

// NewKin loads the embedded document and builds the router.
func NewKin(ctx context.Context) (*Kin, error) {
	doc, err := cerbopenapi.Load(ctx)
	if err != nil {
		return nil, err
	}
	routed := *doc
	routed.Servers = openapi3.Servers{{URL: "/rest"}}
	r, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, err
	}
	return &Kin{router: r}, nil
}

// Validate checks one pair; the error is the validator's verdict (nil: conforms), or a
// routing failure.
func (k *Kin) Validate(ctx context.Context, p *Pair) error {
	req := p.HTTPRequest()
	route, params, err := k.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("route: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	respErr := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: p.Resp.Status, Header: p.Resp.Header,
		Body:    io.NopCloser(bytes.NewReader(p.Resp.Body)),
		Options: &openapi3filter.Options{MultiError: true},
	})
	if reqErr != nil || respErr != nil {
		return fmt.Errorf("request: %v; response: %v", reqErr, respErr)
	}
	return nil
}

var serversBlock = regexp.MustCompile(`(?ms)^servers:\n.*?^(\S)`)

// SpecWithRestServer is openapi.yaml with its servers replaced by the single relative
// server /rest, as the raw validators are given it.
func SpecWithRestServer() []byte {
	loc := serversBlock.FindSubmatchIndex(cerbopenapi.Spec)
	if loc == nil {
		panic("bench: no servers block in openapi.yaml")
	}
	var b bytes.Buffer
	b.Write(cerbopenapi.Spec[:loc[0]])
	b.WriteString("servers:\n  - url: /rest\n")
	b.Write(cerbopenapi.Spec[loc[2]:])
	return b.Bytes()
}
