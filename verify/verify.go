package verify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Limits. A run against a production Cerb must stay small whatever the flags say.
const (
	// MaxCount bounds Config.Count, the random combinations.
	MaxCount = 500
	// HardCap bounds the requests of one run, cleanup included.
	HardCap = 1000
	// DefaultCount is the number of random combinations when Config.Count is 0.
	DefaultCount = 20
	// maxBody bounds one response read into memory.
	maxBody = 32 << 20
)

// Errors callers branch on (the CLI's exit status 2).
var (
	// ErrUsage: the configuration cannot be run (no group, a count above MaxCount, a spec
	// without the two operations, a plan above the cap, an unknown --case).
	ErrUsage = errors.New("verify: bad usage")
	// ErrUnreachable: the server could not be asked (network, TLS, not a Cerb REST root,
	// credentials refused, the first compose refused).
	ErrUnreachable = errors.New("verify: server unreachable or not usable")
	// ErrCap: the hard cap on requests was reached.
	ErrCap = errors.New("verify: request cap reached")
	// ErrUnsafe: a request broke a safety rule (dont_send=1, @example.com recipients, a
	// reply to a ticket of this run, a marked subject) and was not sent: a bug in verify.
	ErrUnsafe = errors.New("verify: unsafe request refused")
)

// Config is one run.
type Config struct {
	// BaseURL is the REST root, e.g. https://cerb.example/rest.
	BaseURL string
	// Doc is the spec (nil: the embedded openapi.yaml); SpecPath names its file, for the
	// command that replays a drift.
	Doc      *openapi3.T
	SpecPath string
	// Auth signs each request (cerb.Bearer or cerb.Legacy).
	Auth cerb.Auth
	// Secrets are the credential values; they are removed from everything reported.
	Secrets []string
	// GroupID is the group tickets are created in; required.
	GroupID int64
	// Seed picks the random combinations; Count how many (0: DefaultCount).
	Seed  int64
	Count int
	// Cases, when not empty, sends only these (by name), to replay a drift; a reply case
	// brings the compose that makes its ticket.
	Cases []string
	// Cleanup closes every ticket created, with a reply (status=2, dont_send=1).
	Cleanup bool
	// MaxRequests lowers HardCap.
	MaxRequests int
	// HTTPClient defaults to one with a 60 s timeout that does not follow redirects.
	HTTPClient *http.Client
	// Progress, when set, gets a line per case as it is sent.
	Progress io.Writer
}

// Report is the outcome of a run.
type Report struct {
	BaseURL  string   `json:"base_url"`
	Spec     string   `json:"spec,omitempty"`
	GroupID  int64    `json:"group_id"`
	Seed     int64    `json:"seed"`
	Marker   string   `json:"marker"`
	Counts   Counts   `json:"counts"`
	Results  []Result `json:"results"`
	Drifts   []Drift  `json:"drifts"`
	Known    []Known  `json:"known"`
	Created  []Record `json:"created"`
	Cleanup  []string `json:"cleanup,omitempty"`
	Duration float64  `json:"seconds"`
}

// Counts sums up a run.
type Counts struct {
	Positive   int `json:"positive"`
	Random     int `json:"random"`
	Negative   int `json:"negative"`
	Requests   int `json:"requests"`
	OK         int `json:"ok"`
	Known      int `json:"known"`
	Unverified int `json:"unverified"`
	Drift      int `json:"drift"`
}

// Result is one case sent.
type Result struct {
	Case      string `json:"case"`
	Operation string `json:"operation"`
	Kind      string `json:"kind"`
	Field     string `json:"field,omitempty"`
	// SpecAllows is the checker's verdict on the request as sent.
	SpecAllows   bool               `json:"spec_allows"`
	SpecProblems []contract.Problem `json:"spec_problems"`
	Status       int                `json:"status"`
	Accepted     bool               `json:"accepted"`
	Message      string             `json:"message,omitempty"`
	Verdict      string             `json:"verdict"`
	Drifts       []Drift            `json:"drifts,omitempty"`
	Known        []Known            `json:"known,omitempty"`
	Seconds      float64            `json:"seconds"`
}

// Record is a ticket or draft the run created.
type Record struct {
	Kind    string `json:"kind"` // ticket or draft
	ID      int64  `json:"id"`
	Mask    string `json:"mask,omitempty"`
	Subject string `json:"subject,omitempty"`
	Case    string `json:"case"`
	message int64
}

// HasDrift reports whether any case drifted.
func (r *Report) HasDrift() bool { return len(r.Drifts) > 0 }

// Plan returns the cases a configuration would send, without sending anything.
func Plan(ctx context.Context, cfg Config) ([]Case, error) {
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return r.cases, nil
}

// Run sends the cases and classifies every answer. The report is returned also with an
// error (what was sent and created until then).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	r, err := newRunner(ctx, cfg)
	if err != nil {
		return nil, err
	}
	rep := r.report
	err = r.run(ctx)
	if err == nil && cfg.Cleanup {
		err = r.cleanup(ctx)
	}
	rep.Duration = time.Since(start).Seconds()
	return rep, err
}

type runner struct {
	cfg     Config
	chk     *contract.Checker
	ops     map[string]*operation
	cases   []Case
	client  *http.Client
	limit   int
	sent    int
	report  *Report
	tickets []Record // tickets made, for replies
	next    int      // round robin over tickets
}

func newRunner(ctx context.Context, cfg Config) (*runner, error) {
	switch {
	case cfg.GroupID <= 0:
		return nil, fmt.Errorf("%w: a group id is required (--group-id N): every ticket is created in it", ErrUsage)
	case cfg.Count < 0 || cfg.Count > MaxCount:
		return nil, fmt.Errorf("%w: count %d: want 0 to %d", ErrUsage, cfg.Count, MaxCount)
	case cfg.Auth == nil:
		return nil, fmt.Errorf("%w: no credentials", ErrUsage)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q: want http(s)://host/…/rest", ErrUsage, cfg.BaseURL)
	}
	if cfg.Count == 0 {
		cfg.Count = DefaultCount
	}
	var opts []contract.Option
	if cfg.Doc != nil {
		opts = append(opts, contract.WithDocument(cfg.Doc))
	}
	chk, err := contract.NewChecker(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	ops, err := operations(chk.Document())
	if err != nil {
		return nil, err
	}
	run := randomID()
	marker := "[cerbcontract verify " + run + "]"
	p := &planner{ops: ops, chk: chk, base: cfg.BaseURL, group: cfg.GroupID, marker: marker, run: run, now: time.Now()}
	cases, err := p.plan(ctx, cfg.Seed, cfg.Count)
	if err != nil {
		return nil, err
	}
	if len(cfg.Cases) > 0 {
		if cases, err = pick(cases, cfg.Cases); err != nil {
			return nil, err
		}
	}
	limit := HardCap
	if cfg.MaxRequests > 0 && cfg.MaxRequests < limit {
		limit = cfg.MaxRequests
	}
	need := len(cases)
	if cfg.Cleanup {
		for _, c := range cases {
			if c.Operation == opCompose {
				need++
			}
		}
	}
	if need > limit {
		return nil, fmt.Errorf("%w: the plan needs up to %d requests, above the cap of %d (lower --count)", ErrUsage, need, limit)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &runner{cfg: cfg, chk: chk, ops: ops, cases: cases, client: client, limit: limit,
		report: &Report{BaseURL: cfg.BaseURL, Spec: cfg.SpecPath, GroupID: cfg.GroupID, Seed: cfg.Seed, Marker: marker, Results: []Result{}, Drifts: []Drift{}, Known: []Known{}, Created: []Record{}}}, nil
}

// pick keeps the named cases, and the first positive compose when a reply needs a ticket.
func pick(cases []Case, names []string) ([]Case, error) {
	var out []Case
	needTicket := false
	for _, n := range names {
		i := slices.IndexFunc(cases, func(c Case) bool { return c.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("%w: no case %q for this spec and seed", ErrUsage, n)
		}
		out = append(out, cases[i])
		needTicket = needTicket || cases[i].Operation == opReply
	}
	if needTicket && !slices.ContainsFunc(out, func(c Case) bool { return c.Name == cases[0].Name }) {
		out = append([]Case{cases[0]}, out...)
	}
	return out, nil
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (r *runner) run(ctx context.Context) error {
	for i, c := range r.cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := r.send(ctx, c)
		if err != nil {
			if i == 0 && !errors.Is(err, ErrUnsafe) && !errors.Is(err, ErrCap) {
				return fmt.Errorf("%w: %v", ErrUnreachable, err)
			}
			return err
		}
		if i == 0 && !res.Accepted && (res.Status != http.StatusOK || strings.Contains(res.Message, "'group_id'") || invalidTicket.MatchString(res.Message)) {
			// Nothing else can be judged: the URL, the credentials or the group is wrong
			// (Invalid ticket id: the token's worker is not a member of the group).
			hint := ""
			if invalidTicket.MatchString(res.Message) {
				hint = fmt.Sprintf(" (the token's worker is not a member of group %d: Cerb created the ticket but does not show it to them)", r.cfg.GroupID)
			}
			return fmt.Errorf("%w: the first request (%s) was refused: HTTP %d %s%s", ErrUnreachable, c.Name, res.Status, quote(res.Message), hint)
		}
		r.add(res)
	}
	return nil
}

func (r *runner) add(res Result) {
	rep := r.report
	rep.Results = append(rep.Results, res)
	switch res.Kind {
	case Positive:
		rep.Counts.Positive++
	case Random:
		rep.Counts.Random++
	case Negative:
		rep.Counts.Negative++
	}
	switch res.Verdict {
	case VerdictOK:
		rep.Counts.OK++
	case VerdictKnown:
		rep.Counts.Known++
	case VerdictUnverified:
		rep.Counts.Unverified++
	case VerdictDrift:
		rep.Counts.Drift++
	}
	rep.Drifts = append(rep.Drifts, res.Drifts...)
	for _, k := range res.Known {
		if !slices.Contains(rep.Known, k) {
			rep.Known = append(rep.Known, k)
		}
	}
}

// send sends one case and classifies the answer.
func (r *runner) send(ctx context.Context, c Case) (Result, error) {
	o := r.ops[c.Operation]
	var msgID int64
	if slices.ContainsFunc(c.Form, func(f Field) bool { return f.Value == msgRef }) {
		if len(r.tickets) == 0 {
			// Every compose so far was refused (that is drift, reported): nothing to reply to.
			return Result{Case: c.Name, Operation: c.Operation, Kind: c.Kind, Field: c.Field, SpecProblems: []contract.Problem{},
				Verdict: VerdictUnverified, Message: "not sent: no ticket of this run to reply to"}, nil
		}
		t := r.tickets[r.next%len(r.tickets)]
		r.next++
		msgID = t.message
	}
	if err := r.safe(c, msgID); err != nil {
		return Result{}, err
	}
	ct, body, err := c.encode(msgID)
	if err != nil {
		return Result{}, err
	}
	u := caseURL(r.cfg.BaseURL, o, c)
	start := time.Now()
	status, header, rbody, hdr, err := r.do(ctx, u, ct, body)
	took := time.Since(start).Seconds()
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", c.Name, err)
	}
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "cerbcontract verify: %s → HTTP %d\n", c.Name, status)
	}
	chk := r.chk.Check(ctx, contract.Request{Method: http.MethodPost, URL: u, Header: hdr, Body: body},
		&contract.Response{Status: status, Header: header, Body: rbody})
	out := r.outcome(c, status, rbody)
	res := Result{Case: c.Name, Operation: c.Operation, Kind: c.Kind, Field: c.Field, SpecAllows: chk.Request.OK,
		SpecProblems: chk.Request.Problems, Status: status, Accepted: out.accepted, Message: out.message, Seconds: took}
	var respProblems []contract.Problem
	if chk.Response != nil {
		respProblems = chk.Response.Problems
	}
	res.Verdict, res.Drifts, res.Known = classify(o, c, chk.Request.Problems, respProblems, out)
	if len(res.Drifts) > 0 {
		red := redactRequest(http.MethodPost, u, hdr, c, msgID, r.cfg.Secrets)
		for i := range res.Drifts {
			res.Drifts[i].Case, res.Drifts[i].Seed, res.Drifts[i].Request = c.Name, r.cfg.Seed, red
			res.Drifts[i].Replay = r.report.replay(c.Name)
		}
	}
	if status == http.StatusUnauthorized {
		return res, fmt.Errorf("%w: HTTP 401 %s: the credentials were refused", ErrUnreachable, quote(out.message))
	}
	return res, nil
}

// do sends one request, within the cap.
func (r *runner) do(ctx context.Context, u, ct string, body []byte) (int, http.Header, []byte, http.Header, error) {
	if r.sent >= r.limit {
		return 0, nil, nil, nil, fmt.Errorf("%w (%d requests)", ErrCap, r.limit)
	}
	r.sent++
	r.report.Counts.Requests = r.sent
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, nil, err
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("User-Agent", "cerbcontract-verify")
	if err := r.cfg.Auth.Authenticate(ctx, req); err != nil {
		return 0, nil, nil, nil, err
	}
	sentHeader := req.Header.Clone()
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, nil, nil, scrub(err, r.cfg.Secrets)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, nil, scrub(err, r.cfg.Secrets)
	}
	return resp.StatusCode, resp.Header, b, sentHeader, nil
}

// scrub removes the credentials from an error's text (a proxy or transport may echo a URL
// or header).
func scrub(err error, secrets []string) error {
	msg := err.Error()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "REDACTED")
		}
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

var invalidTicket = regexp.MustCompile(`^Invalid ticket id '([0-9]+)'$`)

// outcome reads what the server made of the request, and keeps what it created.
func (r *runner) outcome(c Case, status int, body []byte) outcome {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return outcome{message: fmt.Sprintf("HTTP %d, not a JSON envelope: %.80q", status, body)}
	}
	msg, _ := m["message"].(string)
	if m["__status"] != "success" || status != http.StatusOK {
		// A compose by a worker outside the group creates the ticket all the same.
		if g := invalidTicket.FindStringSubmatch(msg); g != nil && c.Operation == opCompose {
			id, _ := strconv.ParseInt(g[1], 10, 64)
			r.created(Record{Kind: "ticket", ID: id, Case: c.Name})
		}
		return outcome{message: msg}
	}
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(fmt.Sprint(m[k]), 10, 64)
		return n
	}
	switch m["_context"] {
	case "cerberusweb.contexts.ticket":
		if c.Operation == opCompose {
			subj, _ := m["subject"].(string)
			mask, _ := m["mask"].(string)
			rec := Record{Kind: "ticket", ID: num("id"), Mask: mask, Subject: subj, Case: c.Name, message: num("initial_message_id")}
			r.created(rec)
			if sent, _ := c.get("subject"); rec.message > 0 && strings.HasPrefix(sent, r.report.Marker) {
				r.tickets = append(r.tickets, rec)
			}
		}
	case "cerberusweb.contexts.mail.draft":
		subj, _ := m["subject"].(string)
		r.created(Record{Kind: "draft", ID: num("id"), Subject: subj, Case: c.Name})
	}
	return outcome{accepted: true}
}

func (r *runner) created(rec Record) {
	for _, x := range r.report.Created {
		if x.Kind == rec.Kind && x.ID == rec.ID {
			return
		}
	}
	r.report.Created = append(r.report.Created, rec)
}

// cleanup closes the tickets this run created, with a reply the spec allows.
func (r *runner) cleanup(ctx context.Context) error {
	o := r.ops[opReply]
	for _, t := range r.tickets {
		c := Case{Name: fmt.Sprintf("cleanup/ticket-%d", t.ID), Operation: opReply, Form: []Field{
			{"message_id", strconv.FormatInt(t.message, 10)},
			{"content", "Closed by cerbcontract verify --cleanup."},
			{"status", "2"},
			{"dont_send", "1"},
		}}
		if err := r.safe(c, 0); err != nil {
			return err
		}
		ct, body, _ := c.encode(0)
		status, _, rbody, _, err := r.do(ctx, caseURL(r.cfg.BaseURL, o, c), ct, body)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("ticket %d closed", t.ID)
		if out := r.outcome(c, status, rbody); !out.accepted {
			line = fmt.Sprintf("ticket %d not closed: HTTP %d %s", t.ID, status, quote(out.message))
		}
		r.report.Cleanup = append(r.report.Cleanup, line)
	}
	return nil
}
