package contract

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
)

func init() {
	// The spec's default response is an HTML error page (from a proxy, say); openapi3filter
	// has no decoder for text/html and would reject every such response.
	if openapi3filter.RegisteredBodyDecoder("text/html") == nil {
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	}
}

// Checker validates pairs against one OpenAPI document. Build it once and share it: it is
// safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
	// bases are the path parts of the servers ("/index.php/rest", "/rest"), longest first.
	bases []string
	// writeOnly: the document has writeOnly properties, so JSON response bodies must go
	// through openapi3filter's VisitAsResponse (see checkResponse).
	writeOnly bool
	// workers is how many pairs CheckHAR checks at once.
	workers int
}

// Option configures a Checker.
type Option func(*config)

type config struct {
	doc     *openapi3.T
	workers int
}

// WithWorkers sets how many pairs CheckHAR checks in parallel (default GOMAXPROCS). Verdicts
// are delivered in file order whatever the number.
func WithWorkers(n int) Option {
	return func(c *config) { c.workers = n }
}

// WithDocument checks against doc instead of the embedded openapi.yaml. The document is not
// modified.
func WithDocument(doc *openapi3.T) Option {
	return func(c *config) { c.doc = doc }
}

// NewChecker builds a checker for the embedded openapi.yaml (or the WithDocument one).
func NewChecker(ctx context.Context, opts ...Option) (*Checker, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	doc := cfg.doc
	if doc == nil {
		var err error
		if doc, err = cerbopenapi.Load(ctx); err != nil {
			return nil, err
		}
	}
	// Recordings come from any host and any install prefix, so route on the servers' path
	// parts only, on a shallow copy that leaves the caller's document alone.
	routed := *doc
	routed.Servers = nil
	seen := map[string]bool{}
	var bases []string
	for _, s := range doc.Servers {
		p, err := serverPath(s)
		if err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			bases = append(bases, p)
			routed.Servers = append(routed.Servers, &openapi3.Server{URL: cmp.Or(p, "/")})
		}
	}
	if len(bases) == 0 {
		// No servers: OpenAPI's default server is "/", so paths start at the root.
		bases = []string{""}
		routed.Servers = openapi3.Servers{{URL: "/"}}
	}
	sort.Slice(bases, func(i, j int) bool { return len(bases[i]) > len(bases[j]) })
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("contract: build router: %w", err)
	}
	workers := cfg.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &Checker{doc: doc, router: router, bases: bases, writeOnly: hasWriteOnly(doc), workers: workers}, nil
}

// Document returns the OpenAPI document the checker uses.
func (c *Checker) Document() *openapi3.T { return c.doc }

func serverPath(s *openapi3.Server) (string, error) {
	raw := s.URL
	for name, v := range s.Variables {
		raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("contract: server %q: %w", s.URL, err)
	}
	return strings.TrimSuffix(u.Path, "/"), nil
}

// Check validates a request and, when resp is not nil, its response.
func (c *Checker) Check(ctx context.Context, req Request, resp *Response) Result {
	if pf := c.preflight(req); pf != nil {
		return Result{Request: verdict(nil), Preflight: pf}
	}
	route, pathParams, hreq, routeProblems := c.route(req)
	if route == nil {
		return Result{Request: verdict(routeProblems)}
	}
	res := Result{Operation: route.Operation.OperationID}

	in := &openapi3filter.RequestValidationInput{
		Request:    hreq,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: authenticate,
			MultiError:         true,
			// Form bodies are decoded and checked by checkBody: openapi3filter ignores
			// undeclared keys, stops at the first undecodable field and reads an empty body
			// as "missing" rather than as an empty form.
			ExcludeRequestBody: true,
		},
	}
	problems := routeProblems
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		problems = append(problems, c.requestProblems(err)...)
	}
	problems = append(problems, c.checkQuery(route.Operation, hreq.URL.Query())...)
	problems = append(problems, credentialWarnings(req.Header)...)
	if req.Unrecorded == "" {
		problems = append(problems, c.checkBody(route.Operation, req.Header, req.Body, req.Params)...)
	}
	res.Request = verdict(problems)
	res.Request.Unrecorded = req.Unrecorded

	if resp != nil {
		var rp []Problem
		if resp.Status < 100 || resp.Status > 599 {
			// HAR writers record a request that got no response (aborted, blocked by CORS,
			// failed) with status 0 or -1: there is nothing to check, and openapi3filter
			// would blame the Content-Type.
			rp = []Problem{{Where: "status", Message: noResponse(resp.Status)}}
		} else {
			rp = c.checkResponse(ctx, in, resp)
		}
		res.Response = &ResponseVerdict{Status: resp.Status, Verdict: verdict(rp)}
		res.Response.Unrecorded = resp.Unrecorded
	}
	return res
}

func noResponse(status int) string {
	switch status {
	case 0:
		return "status 0 is not an HTTP status: the request got no response (HAR writers such as Chrome, Firefox and chrome-har record 0 for a request that was aborted, blocked or failed)"
	case -1:
		return "status -1 is not an HTTP status: the request got no response (Playwright records -1 for a request that was aborted, blocked or failed)"
	}
	return fmt.Sprintf("status %d is not an HTTP status: the recording has no usable response", status)
}

// preflight recognises a CORS preflight: OPTIONS with Access-Control-Request-Method, which
// a browser sends by itself before a cross-origin call with an Authorization header.
func (c *Checker) preflight(req Request) *Preflight {
	if !strings.EqualFold(req.Method, http.MethodOptions) {
		return nil
	}
	method := strings.TrimSpace(req.Header.Get("Access-Control-Request-Method"))
	if method == "" {
		return nil
	}
	pf := &Preflight{Method: strings.ToUpper(method)}
	if u, err := url.Parse(req.URL); err == nil {
		pf.Path = u.Path
	}
	target := req
	target.Method = pf.Method
	if route, _, _, _ := c.route(target); route != nil {
		pf.Operation = route.Operation.OperationID
	}
	return pf
}

// route finds the operation. Routing ignores scheme, host and any install prefix before a
// server's base path. A trailing slash, which Cerb accepts, routes with a problem.
func (c *Checker) route(req Request) (*routers.Route, map[string]string, *http.Request, []Problem) {
	if req.URL == "" {
		return nil, nil, nil, []Problem{{Where: "route", Message: "request has no URL"}}
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, nil, nil, []Problem{{Where: "route", Message: fmt.Sprintf("unparsable URL: %v", err)}}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		return nil, nil, nil, []Problem{{Where: "route", Message: "request has no method"}}
	}
	if s := strings.ToLower(u.Scheme); s != "" && s != "http" && s != "https" {
		// Browsers' HAR files hold data:, blob: and about: loads beside the API calls.
		return nil, nil, nil, []Problem{{Where: "route", Message: fmt.Sprintf("a %s: URL, not an HTTP request: no operation applies", s)}}
	}
	path := u.Path
	rel := ""
	for _, b := range c.bases {
		if b == "" {
			// A server at the root: no install prefix can be told apart from the path.
			rel = path
			break
		}
		if i := strings.LastIndex(path, b+"/"); i >= 0 {
			rel = path[i:]
			break
		}
	}
	if rel == "" {
		return nil, nil, nil, []Problem{{Where: "route", Message: fmt.Sprintf("no operation in the spec for %s %s: the path is under none of the server base paths (%s)", method, path, strings.Join(c.bases, ", "))}}
	}
	build := func(p string) *http.Request {
		ru := *u
		ru.Scheme, ru.Host, ru.Path, ru.RawPath = "", "", p, ""
		h := req.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		// No body: checkBody reads req.Body itself, and openapi3filter would copy it once
		// per security requirement for nothing.
		return &http.Request{Method: method, URL: &ru, Header: h, Host: u.Host, Body: http.NoBody}
	}
	hreq := build(rel)
	route, params, err := c.router.FindRoute(hreq)
	if err == nil {
		return route, params, hreq, nil
	}
	if strings.HasSuffix(rel, "/") && len(rel) > 1 {
		trimmed := strings.TrimRight(rel, "/")
		hreq = build(trimmed)
		if route, params, err2 := c.router.FindRoute(hreq); err2 == nil {
			return route, params, hreq, []Problem{{Where: "route", Message: fmt.Sprintf("trailing slash: the spec's path is %s (Cerb answers %s the same)", trimmed, rel)}}
		}
	}
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		allowed := c.methodsFor(rel)
		return nil, nil, nil, []Problem{{Where: "route", Message: fmt.Sprintf("no operation %s %s in the spec (the path has %s only)", method, rel, strings.Join(allowed, ", "))}}
	}
	return nil, nil, nil, []Problem{{Where: "route", Message: fmt.Sprintf("no operation in the spec matches %s %s", method, rel)}}
}

func (c *Checker) methodsFor(rel string) []string {
	var out []string
	for _, b := range c.bases {
		if !strings.HasPrefix(rel, b+"/") {
			continue
		}
		if item := c.doc.Paths.Find(strings.TrimPrefix(rel, b)); item != nil {
			for m := range item.Operations() {
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}
