package verify

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/internal/fakecerb"
)

const token = "tok-3f9a8c7e1b2d4f60a9e8"

func fake(t *testing.T, q fakecerb.Quirks) *fakecerb.Server {
	t.Helper()
	s := fakecerb.New(token, q)
	t.Cleanup(s.Close)
	return s
}

func config(s *fakecerb.Server) Config {
	return Config{BaseURL: s.URL + "/rest", Auth: cerb.Bearer(token), Secrets: []string{token}, GroupID: 1, Seed: 7, Count: 10}
}

func loadSpec(t *testing.T, name string) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cerbopenapi.LoadBytes(context.Background(), name, b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestProjectSpecAgainstCerbBehaviour: against a server that behaves as the recordings of
// Cerb 10.4.10 show, the project's spec has no drift, and what the server accepts beyond
// the spec is listed as known with its reason.
func TestProjectSpecAgainstCerbBehaviour(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	rep, err := Run(context.Background(), config(s))
	if err != nil {
		t.Fatal(err)
	}
	if rep.HasDrift() {
		var b bytes.Buffer
		_ = rep.WriteText(&b)
		t.Fatalf("drift against a faithful server:\n%s", b.String())
	}
	c := rep.Counts
	if c.Positive < 60 || c.Negative < 40 || c.Random != 10 || c.Requests != c.Positive+c.Negative+c.Random {
		t.Errorf("counts %+v", c)
	}
	for _, want := range []Known{
		{opCompose, "status", "enum", ""}, {opReply, "status", "enum", ""}, {opCompose, "send_at", "pattern", ""},
		{opCompose, "to", "pattern", ""}, {opReply, "is_forward", "type", ""},
	} {
		if !slices.ContainsFunc(rep.Known, func(k Known) bool {
			return k.Operation == want.Operation && k.Field == want.Field && k.Keyword == want.Keyword && k.Why != ""
		}) {
			t.Errorf("known exceptions %+v: want %s %s (%s)", rep.Known, want.Operation, want.Field, want.Keyword)
		}
	}
	// Every field of both bodies was sent at least once, and every enum value.
	for _, id := range []string{opCompose, opReply} {
		o := testOps(t)[id]
		for _, name := range o.props {
			sent := false
			for _, call := range s.Calls() {
				sent = sent || strings.HasSuffix(call.Path, o.path) && call.Body.Has(name)
			}
			if !sent {
				t.Errorf("%s: field %s never sent", id, name)
			}
		}
	}
	for _, v := range []string{"0", "1", "2"} {
		if !slices.ContainsFunc(rep.Results, func(r Result) bool { return r.Case == opReply+"/positive/status="+v && r.Verdict == VerdictOK }) {
			t.Errorf("reply status=%s not sent or not ok", v)
		}
	}
	if !slices.ContainsFunc(rep.Created, func(r Record) bool { return r.Kind == "draft" }) {
		t.Error("no draft composed (send_at in the future)")
	}
}

// TestSafetyOnTheWire: what reached the server, not what verify meant to send.
func TestSafetyOnTheWire(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	rep, err := Run(context.Background(), config(s))
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	for _, c := range rep.Created {
		if c.Kind == "ticket" && !strings.HasPrefix(c.Subject, rep.Marker) {
			t.Errorf("ticket %d has subject %q, not marked %q", c.ID, c.Subject, rep.Marker)
		}
	}
	for _, r := range rep.Created {
		created[strconv.FormatInt(r.message, 10)] = true
	}
	calls := s.Calls()
	if len(calls) != rep.Counts.Requests {
		t.Errorf("%d calls, %d counted", len(calls), rep.Counts.Requests)
	}
	for i, c := range calls {
		json := strings.HasPrefix(c.Header.Get("Content-Type"), "application/json")
		if got := c.Body["dont_send"]; !json && (len(got) != 1 || got[0] != "1") {
			t.Errorf("call %d: dont_send %q, want exactly one 1", i, got)
		}
		for _, k := range []string{"to", "cc", "bcc"} {
			for _, v := range c.Form[k] {
				if !strings.Contains(v, "@") {
					continue // names nobody: Cerb drops it
				}
				list, err := mail.ParseAddressList(v)
				if err != nil {
					t.Errorf("call %d: %s=%q: %v", i, k, v, err)
				}
				for _, a := range list {
					if !strings.HasSuffix(a.Address, "@example.com") {
						t.Errorf("call %d: %s %s is not at example.com", i, k, a.Address)
					}
				}
			}
		}
		if strings.HasSuffix(c.Path, "/reply.json") {
			id := c.Form.Get("message_id")
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 && id != unknownID && !created[id] {
				t.Errorf("call %d: reply to message %s, not one of this run's tickets", i, id)
			}
		}
		if sub := c.Form.Get("subject"); sub != "" && !strings.HasPrefix(sub, rep.Marker) {
			t.Errorf("call %d: subject %q not marked", i, sub)
		}
	}
}

func TestSafeRefuses(t *testing.T) {
	r := &runner{report: &Report{Marker: "[m]"}, tickets: []Record{{message: 5}}}
	ok := []Field{{"subject", "[m] x"}, {"content", "x"}, {"dont_send", "1"}}
	for _, tc := range []struct {
		name  string
		form  []Field
		query []Field
	}{
		{"no dont_send", without(ok, "dont_send"), nil},
		{"dont_send=0", with(ok, "dont_send", "0"), nil},
		{"dont_send twice", append(slices.Clone(ok), Field{"dont_send", "1"}), nil},
		{"a real address", with(ok, "to", "someone@gmail.com"), nil},
		{"a real address among example.com ones", with(ok, "cc", "a@example.com; B <b@cerb.ai>"), nil},
		{"example.com as a subdomain only", with(ok, "bcc", "x@example.com.evil.test"), nil},
		{"a subject without the marker", with(ok, "subject", "Hello"), nil},
		{"a reply to a message of another ticket", with(ok, "message_id", "4"), nil},
		{"recipients in the query string", ok, []Field{{"to", "x@example.com"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.safe(Case{Name: "c", Form: tc.form, Query: tc.query}, 0)
			if !errors.Is(err, ErrUnsafe) {
				t.Errorf("err = %v, want ErrUnsafe", err)
			}
		})
	}
	for _, form := range [][]Field{
		ok,
		with(ok, "to", "a@example.com, Person <b@EXAMPLE.com>"),
		with(ok, "to", "nobody at example.com"), // names nobody
		with(ok, "message_id", "5"),
		with(ok, "message_id", unknownID),
		with(ok, "message_id", "abc"),
		with(ok, "subject", ""),
	} {
		if err := r.safe(Case{Name: "c", Form: form}, 0); err != nil {
			t.Errorf("%v: %v", form, err)
		}
	}
}

// TestPlantedDrift: the planted specs fail against a server that behaves as Cerb does,
// each naming its field; so do a faithful spec against servers that depart from Cerb.
func TestPlantedDrift(t *testing.T) {
	for _, tc := range []struct {
		name        string
		spec        string
		quirks      fakecerb.Quirks
		kind, op    string
		field, seen string // seen: a case that must be among the drifting ones
	}{
		{"to wrongly required", "planted-to-required.yaml", fakecerb.Quirks{}, DriftAccepted, opCompose, "to", opCompose + "/negative/to-missing"},
		{"subject an integer", "planted-subject-integer.yaml", fakecerb.Quirks{}, DriftResponse, opCompose, "subject", opCompose + "/positive/minimal"},
		{"server requires to", "", fakecerb.Quirks{RequireTo: true}, DriftRefused, opCompose, "to", opCompose + "/positive/minimal/multipart"},
		{"server sends subject as a number", "", fakecerb.Quirks{SubjectNumber: true}, DriftResponse, opReply, "subject", opReply + "/positive/minimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fake(t, tc.quirks)
			cfg := config(s)
			if tc.spec != "" {
				cfg.SpecPath = filepath.Join("testdata", tc.spec)
				cfg.Doc = loadSpec(t, cfg.SpecPath)
			}
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			fields := map[string]bool{}
			found := false
			for _, d := range rep.Drifts {
				fields[d.Field] = true
				if d.Kind == tc.kind && d.Operation == tc.op && d.Field == tc.field && d.Case == tc.seen {
					found = true
					if d.Seed != 7 || !strings.Contains(d.Replay, "--seed 7") || !strings.Contains(d.Replay, "--case '"+tc.seen+"'") && !strings.Contains(d.Replay, "--case "+tc.seen) {
						t.Errorf("replay %q: want the seed and the case", d.Replay)
					}
					if d.Request == nil || d.Request.Header["Authorization"] != "Bearer REDACTED" || !strings.Contains(d.Request.Body, "dont_send=1") {
						t.Errorf("request %+v: want it redacted, with its body", d.Request)
					}
				}
			}
			if !found {
				t.Errorf("drifts %+v: want %s %s %s in %s", rep.Drifts, tc.kind, tc.op, tc.field, tc.seen)
			}
			if len(fields) != 1 {
				t.Errorf("drift names %v: want %s only", fields, tc.field)
			}
		})
	}
}

func TestRedaction(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	cfg := config(s)
	cfg.SpecPath = filepath.Join("testdata", "planted-to-required.yaml")
	cfg.Doc = loadSpec(t, cfg.SpecPath)
	rep, err := Run(context.Background(), cfg)
	if err != nil || !rep.HasDrift() {
		t.Fatalf("err %v, drift %v", err, rep.HasDrift())
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := rep.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), token) {
			t.Errorf("%s report holds the token", f)
		}
		if !strings.Contains(b.String(), "Bearer REDACTED") {
			t.Errorf("%s report shows no redacted request", f)
		}
	}
	// A token pasted into a field is removed too.
	red := redactRequest("POST", s.URL+"/rest/tickets/compose.json?x="+token, map[string][]string{"Authorization": {"Bearer " + token}, "Cookie": {"Devblocks=abc"}},
		Case{Form: []Field{{"content", "my token is " + token}, {"subject", strings.Repeat("é", 200)}}}, 0, []string{token})
	all := red.URL + red.Body
	for _, v := range red.Header {
		all += v
	}
	if strings.Contains(all, token) || red.Header["Cookie"] != "" {
		t.Errorf("redacted %+v", red)
	}
	if !strings.Contains(red.Body, "%28400+bytes%29") || len(red.Body) > 300 {
		t.Errorf("a long value is not cut: %d bytes", len(red.Body))
	}
}

func TestUsageAndUnreachable(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	closed := fake(t, fakecerb.Quirks{})
	closed.Close()
	notMember := fake(t, fakecerb.Quirks{NotMember: true})
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want error
	}{
		{"no group", func(c *Config) { c.GroupID = 0 }, ErrUsage},
		{"count above the maximum", func(c *Config) { c.Count = MaxCount + 1 }, ErrUsage},
		{"plan above the cap", func(c *Config) { c.MaxRequests = 20 }, ErrUsage},
		{"no credentials", func(c *Config) { c.Auth = nil }, ErrUsage},
		{"not a URL", func(c *Config) { c.BaseURL = "cerb.example/rest" }, ErrUsage},
		{"unknown case", func(c *Config) { c.Cases = []string{"composeTicket/positive/nope"} }, ErrUsage},
		{"server down", func(c *Config) { c.BaseURL = closed.URL + "/rest" }, ErrUnreachable},
		{"token refused", func(c *Config) { c.Auth = cerb.Bearer("wrong") }, ErrUnreachable},
		{"group unknown", func(c *Config) { c.GroupID = 999 }, ErrUnreachable},
		{"not a member of the group", func(c *Config) { c.BaseURL = notMember.URL + "/rest" }, ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(s)
			tc.edit(&cfg)
			n := len(s.Calls())
			rep, err := Run(context.Background(), cfg)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == ErrUnreachable && cfg.BaseURL == notMember.URL+"/rest" && (rep == nil || len(rep.Created) != 1) {
				t.Errorf("the ticket Cerb created all the same is not listed: %+v", rep)
			}
			if strings.Contains(err.Error(), token) {
				t.Error("the error holds the token")
			}
			if sent := len(s.Calls()) - n; tc.want == ErrUsage && sent > 0 || tc.want == ErrUnreachable && sent > 1 {
				t.Errorf("%d requests sent", sent)
			}
		})
	}
}

// TestHardCap: the sender itself stops at the cap, whatever the plan.
func TestHardCap(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	r, err := newRunner(context.Background(), config(s))
	if err != nil {
		t.Fatal(err)
	}
	r.limit = 3
	if err := r.run(context.Background()); !errors.Is(err, ErrCap) {
		t.Fatalf("err = %v, want ErrCap", err)
	}
	if n := len(s.Calls()); n != 3 {
		t.Errorf("%d requests reached the server, want 3", n)
	}
}

// TestReplay: a case name and the seed send the same request again; a reply brings the
// compose that makes its ticket.
func TestReplay(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	all, err := Plan(context.Background(), config(s))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(c Case) bool { return c.Operation == opReply && c.Kind == Random })
	cfg := config(s)
	cfg.Cases = []string{all[i].Name}
	again, err := Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The same request but for the subject's marker, which is new in every run.
	if len(again) != 2 || again[0].Name != all[0].Name || !slices.Equal(without(again[1].Form, "subject"), without(all[i].Form, "subject")) {
		t.Errorf("replay of %s plans %+v", all[i].Name, again)
	}
	other := config(s)
	other.Seed = 8
	if o, _ := Plan(context.Background(), other); slices.EqualFunc(o, all, func(a, b Case) bool { return slices.Equal(a.Form, b.Form) }) {
		t.Error("another seed gives the same random cases")
	}
}

func TestCleanupClosesTickets(t *testing.T) {
	s := fake(t, fakecerb.Quirks{})
	cfg := config(s)
	cfg.Cases, cfg.Cleanup = []string{opCompose + "/positive/minimal", opCompose + "/positive/status=1"}, true
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != 2 || len(rep.Cleanup) != 2 {
		t.Fatalf("created %+v, cleanup %v", rep.Created, rep.Cleanup)
	}
	for _, c := range rep.Created {
		if st, ok := s.TicketStatus(c.ID); !ok || st != 2 {
			t.Errorf("ticket %d: status %d, want 2 (closed)", c.ID, st)
		}
	}
}

// TestJUnitXSD validates the JUnit report (drift, known, unverified cases) against the
// schema the check command's report is held to (report/testdata/junit.xsd).
func TestJUnitXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint not installed in CI: apt-get install libxml2-utils")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	s := fake(t, fakecerb.Quirks{})
	cfg := config(s)
	cfg.SpecPath = filepath.Join("testdata", "planted-to-required.yaml")
	cfg.Doc = loadSpec(t, cfg.SpecPath)
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep.Results = append(rep.Results, Result{Case: "c", Operation: opCompose, Verdict: VerdictUnverified, Message: "m"})
	path := filepath.Join(t.TempDir(), "verify.xml")
	var b bytes.Buffer
	if err := rep.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<failure", "<skipped", "<system-out>known exception"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %s in the report", want)
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("..", "report", "testdata", "junit.xsd"), path).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}
