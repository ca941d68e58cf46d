package standin

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Cerb's version and build, as every envelope carries them.
const (
	Version = "10.4.10"
	Build   = 2024030901
)

// maxBody bounds a request body, as the kit's post_max_size (32M) does.
const maxBody = 32 << 20

// Server is the stand-in: an http.Handler for a Cerb site root (it answers /rest/...).
// It is safe for concurrent use; requests are handled one at a time, as their effects
// on the shared state must be.
type Server struct {
	fx  Fixtures
	now func() time.Time

	mu       sync.Mutex
	rng      *rand.Rand
	tickets  map[int64]*ticket
	messages map[int64]*message
	drafts   map[int64]*draft
	files    map[int64]*Attachment // made by the API (HTML parts)
	lastID   struct{ ticket, message, draft, attachment int64 }
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now (tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithSeed makes masks and draft tokens reproducible.
func WithSeed(seed uint64) Option {
	return func(s *Server) { s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// New returns a stand-in with the fixtures' records and no tickets yet.
func New(fx Fixtures, opts ...Option) *Server {
	if fx.BaseURL == "" {
		fx.BaseURL = Default().BaseURL
	}
	s := &Server{
		fx: fx, now: time.Now,
		rng:     rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1)),
		tickets: map[int64]*ticket{}, messages: map[int64]*message{}, drafts: map[int64]*draft{},
		files: map[int64]*Attachment{},
	}
	for _, a := range fx.Attachments {
		s.lastID.attachment = max(s.lastID.attachment, a.ID)
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// request is one call as Cerb's PHP sees it.
type request struct {
	method string
	path   string
	query  url.Values
	// form is $_REQUEST (query, then the body's fields over it), post is $_POST.
	form, post url.Values
	worker     *Worker
}

// get is importGPC($_REQUEST[name], 'string'), empty when absent: PHP keeps the last of repeated
// scalar fields.
func (r *request) get(name string) string {
	v := r.form[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (r *request) has(name string) bool { _, ok := r.form[name]; return ok }

// reply is what the server answers: a status and a JSON body, or other text.
type reply struct {
	status      int
	contentType string
	body        []byte
}

func jsonReply(status int, body []byte) reply {
	return reply{status: status, contentType: "application/json; charset=utf-8", body: body}
}

// apiError is the controller's error envelope, in Cerb's fixed key order.
func apiError(code, msg string) reply {
	m, _ := json.Marshal(msg)
	return jsonReply(200, []byte(`{"__status":"error","__version":"`+Version+`","__build":2024030901,"__error":"`+code+`","message":`+string(phpJSONString(string(m)))+`}`))
}

// authError is the REST front controller's short error: no __version, __build or
// __error.
func authError(status int, msg string) reply {
	m, _ := json.Marshal(msg)
	return jsonReply(status, []byte(`{"__status":"error","message":`+string(phpJSONString(string(m)))+`}`))
}

// phpJSONString re-encodes a JSON string Go wrote the way PHP writes it.
func phpJSONString(quoted string) []byte {
	var s string
	_ = json.Unmarshal([]byte(quoted), &s)
	return phpJSON(s)
}

func success(rec map[string]any) reply {
	rec["__status"], rec["__version"], rec["__build"] = "success", Version, Build
	return jsonReply(200, phpJSON(rec))
}

var (
	errNotImplemented = apiError("ERROR_NOT_IMPLEMENTED", "Not implemented.")
	numericID         = regexp.MustCompile(`^[0-9]+$`)
)

// ServeHTTP answers as Cerb behind nginx: the session cookie and no-cache headers on
// every REST answer, 501 for HEAD and OPTIONS before anything else.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead || r.Method == http.MethodOptions {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotImplemented)
		if r.Method == http.MethodOptions {
			io.WriteString(w, "Not implemented")
		}
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/rest/")
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "Not found: the stand-in answers /rest/ only")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request body: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	s.mu.Lock()
	out := s.handle(r, rest, body)
	s.mu.Unlock()

	h := w.Header()
	h.Set("Content-Type", out.contentType)
	h.Set("Set-Cookie", "Devblocks="+s.token(26)+"; path=/; HttpOnly; SameSite=Lax")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Expires", "Thu, 19 Nov 1981 08:52:00 GMT")
	h.Set("Cache-Control", "no-store, no-cache, must-revalidate")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(out.status)
	w.Write(out.body)
}

func (s *Server) handle(r *http.Request, rest string, body []byte) reply {
	req := &request{method: r.Method, path: r.URL.Path, query: r.URL.Query()}
	req.form, req.post = parseForm(r.Header.Get("Content-Type"), r.URL.Query(), body)
	worker, denied := s.authenticate(r, req, body)
	if worker == nil {
		return denied
	}
	req.worker = worker

	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	controller := parts[0]
	if controller != "tickets" && controller != "messages" {
		return authError(200, "Unknown command ("+strings.Join(parts, "/")+")")
	}
	if len(parts) != 2 {
		return errNotImplemented
	}
	// The action and the output format come from the last segment's extension; the
	// action runs first, the format is applied when rendering.
	action, format, hasExt := strings.Cut(parts[1], ".")
	if !hasExt {
		return reply{status: 200, contentType: "text/plain; charset=utf-8", body: []byte("'" + action + "' is not implemented.")}
	}
	var out reply
	switch {
	case controller == "tickets" && r.Method == http.MethodPost && action == "compose":
		out = s.compose(req)
	case controller == "tickets" && r.Method == http.MethodPost && action == "reply":
		out = s.reply(req)
	case controller == "tickets" && r.Method == http.MethodGet && numericID.MatchString(action):
		out = s.getTicket(req, intval(action))
	case controller == "messages" && r.Method == http.MethodGet && numericID.MatchString(action):
		out = s.getMessage(req, intval(action))
	default:
		out = errNotImplemented
	}
	if format != "json" {
		return reply{status: 200, contentType: "text/plain; charset=utf-8", body: []byte("'" + format + "' is not implemented.")}
	}
	return out
}

// authenticate is Cerb's REST front controller: an Authorization header is an OAuth2
// bearer token (any other scheme is refused), otherwise Cerb-Auth (or Cerb5-Auth) is the
// legacy signature; nothing at all is 401 Unauthorized request.
func (s *Server) authenticate(r *http.Request, req *request, body []byte) (*Worker, reply) {
	denied := authError(401, "The resource owner or authorization server denied the request.")
	if auth := r.Header.Get("Authorization"); auth != "" {
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || strings.TrimSpace(tok) == "" {
			return nil, denied
		}
		scope, workerID := ScopeAPI, int64(1)
		if len(s.fx.Tokens) > 0 {
			found := false
			for _, t := range s.fx.Tokens {
				if t.Token == tok {
					found, workerID, scope = true, t.WorkerID, t.Scope
				}
			}
			if !found {
				return nil, denied
			}
		}
		w := s.worker(workerID)
		if w == nil {
			return nil, denied
		}
		if scope == ScopeReadOnly && r.Method != http.MethodGet {
			return nil, authError(200, "Your token does not have permission to use this endpoint.")
		}
		return w, reply{}
	}
	sig := r.Header.Get("Cerb-Auth")
	if sig == "" {
		sig = r.Header.Get("Cerb5-Auth")
	}
	if sig == "" {
		return nil, authError(401, "Unauthorized request")
	}
	date := r.Header.Get("X-Date")
	if date == "" {
		date = r.Header.Get("Date")
	}
	if at, ok := strtotime(date, s.now()); !ok || absDiff(s.now().Unix(), at) >= 600 {
		return nil, authError(401, "Access denied! (Invalid timestamp)")
	}
	key, signature, _ := strings.Cut(sig, ":")
	var cred *APIKey
	for i := range s.fx.APIKeys {
		if s.fx.APIKeys[i].AccessKey == key {
			cred = &s.fx.APIKeys[i]
		}
	}
	if cred == nil {
		return nil, authError(401, "Access denied! (Invalid credentials: access key)")
	}
	w := s.worker(cred.WorkerID)
	if w == nil {
		return nil, authError(401, "Access denied! (Invalid credentials: worker)")
	}
	secret := md5.Sum([]byte(cred.Secret))
	toSign := r.Method + "\n" + date + "\n" + r.URL.Path + "\n" + sortQuery(r.URL.RawQuery) + "\n" + string(signedBody(r, body)) + "\n" + hex.EncodeToString(secret[:]) + "\n"
	want := md5.Sum([]byte(toSign))
	if signature != hex.EncodeToString(want[:]) {
		return nil, authError(401, "Access denied! (Invalid credentials: checksum)")
	}
	return w, reply{}
}

// signedBody is the payload PHP reads from php://input: empty for multipart bodies.
func signedBody(r *http.Request, body []byte) []byte {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return nil
	}
	return body
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// sortQuery is Cerb's _sortQueryString: the raw parts, grouped by name, names sorted.
func sortQuery(q string) string {
	if q == "" {
		return ""
	}
	byName := map[string][]string{}
	var names []string
	for _, part := range strings.Split(q, "&") {
		name, _, _ := strings.Cut(part, "=")
		if _, ok := byName[name]; !ok {
			names = append(names, name)
		}
		byName[name] = append(byName[name], part)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, byName[n]...)
	}
	return strings.Join(out, "&")
}

// parseForm fills $_REQUEST and $_POST as PHP does: the query string, then the fields
// of a url-encoded or multipart body over it; a JSON body is not read. Bracketed names
// (file_id[], custom_7[]) become the array under the bare name.
func parseForm(contentType string, query url.Values, body []byte) (form, post url.Values) {
	form, post = url.Values{}, url.Values{}
	add := func(into url.Values, k string, v []string) {
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			into[name] = append(into[name], v...)
			return
		}
		into[k] = v
	}
	for k, v := range query {
		add(form, k, v)
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/x-www-form-urlencoded":
		vals, _ := url.ParseQuery(string(body))
		for k, v := range vals {
			add(post, k, v)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			add(post, p.FormName(), []string{string(b)})
		}
	}
	for k, v := range post {
		form[k] = v // $_POST over $_GET in $_REQUEST
	}
	return form, post
}

func (s *Server) worker(id int64) *Worker {
	return byID(s.fx.Workers, id, func(x *Worker) int64 { return x.ID })
}

const maskLetters = "ABCDEFGHIJKLMNPQRSTUVWXYZ"

// token is a random string of n letters and digits.
func (s *Server) token(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[s.rng.IntN(len(chars))]
	}
	return string(b)
}
