//go:build live

package livetest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/internal/kitanswers"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// kitOverlay is the overlay written from the kit's recorded answers (internal/kitanswers).
const kitOverlay = "../customfields/testdata/kit.overlay.yaml"

// TestLiveCustomFieldsFetch: customfields.Fetch against the kit, with the read-only token,
// reads exactly what internal/kitanswers recorded, and writes the overlay byte for byte as
// customfields/testdata/kit.overlay.yaml, so the offline tests replay answers the server
// still gives.
func TestLiveCustomFieldsFetch(t *testing.T) {
	k := kitEnv(t)
	ctx := context.Background()
	live, err := customfields.Fetch(ctx, &http.Client{Timeout: 60 * time.Second}, k.base, cerb.Bearer(k.ro))
	if err != nil {
		t.Fatalf("Fetch %s with the read-only token: %v", k.base, err)
	}
	if live.Server != k.base {
		t.Errorf("Fetch: Server = %q, want the REST root %q", live.Server, k.base)
	}
	if live.Workers == nil {
		t.Error("Fetch with the read-only token listed no workers: the overlay would type the worker field without its ids")
	}
	recorded := replayKit(t)
	live.Server, recorded.Server = kitanswers.Base, kitanswers.Base
	if !reflect.DeepEqual(live, recorded) {
		t.Errorf("the kit's custom fields differ from internal/kitanswers (record them again, see its answers/README.md):\nlive:     %+v\nrecorded: %+v", *live, *recorded)
	}

	got, err := customfields.Overlay(live)
	if err != nil {
		t.Fatalf("Overlay of the kit: %v", err)
	}
	want, err := os.ReadFile(kitOverlay)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the overlay written from the live kit differs from customfields/testdata/kit.overlay.yaml: %s", firstDiff(got, want))
	}
}

// replayKit is the Installation Fetch reads from the recorded answers (internal/kitanswers).
func replayKit(t *testing.T) *customfields.Installation {
	t.Helper()
	srv := httptest.NewServer(kitanswers.Handler("", nil))
	defer srv.Close()
	inst, err := customfields.Fetch(context.Background(), srv.Client(), srv.URL+"/rest", nil)
	if err != nil {
		t.Fatalf("Fetch from the recorded answers: %v", err)
	}
	return inst
}

// firstDiff names the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  live:     %q\n  recorded: %q", i+1, gl, wl)
		}
	}
	return "same lines, different bytes"
}

// cfRow is one value sent in a custom field, with what the overlay says of it and what
// Cerb must store.
type cfRow struct {
	field  int64
	values []string // the value; for custom_7[] the list
	// before, for a reply, is what a compose stores first (form field → values); nil on
	// compose, where the field starts unset.
	before map[string][]string
	// reject is "" when the overlay accepts the form, else the pointer it must refuse it
	// at; claim is then words of the field's x-cerb-server-accepts the row relies on,
	// which the checker's message must carry.
	reject, claim string
	// want is custom_<id> as read back ("" unset; a multi-value field's values sorted and
	// joined with ", "); within replaces it for a time relative to the server's clock.
	want   string
	within func(stored, created int64) error
	// did is what the server does: stored as given, normalized, truncated to N bytes, kept,
	// cleared, unset (nothing stored on compose: keeping what it had and clearing look the
	// same), and for custom_7[] skipped <value> or removed <value>.
	did string
}

// cfResult is a row as it went, for the table.
type cfResult struct {
	row      cfRow
	verdict  string // ok, or where the overlay refused it
	messages []string
	stored   string
	did      string
	sent     bool
}

var fieldTypes = map[int64]string{1: "S", 2: "N", 3: "E", 4: "D", 5: "T", 6: "C", 7: "X", 8: "U", 9: "W", 10: "O"}

func (r cfRow) key() string {
	if r.field == 7 {
		return "custom_7[]"
	}
	return fmt.Sprintf("custom_%d", r.field)
}

func (r cfRow) label() string {
	var v string
	if r.field == 7 {
		q := make([]string, len(r.values))
		for i, s := range r.values {
			q[i] = strconv.Quote(s)
		}
		v = "`[" + strings.Join(q, ",") + "]`"
	} else {
		v = show(r.values[0])
	}
	if r.before == nil {
		return v
	}
	var had []string
	for _, k := range slices.Sorted(maps.Keys(r.before)) {
		had = append(had, k+"="+strings.Join(r.before[k], ","))
	}
	return fmt.Sprintf("reply %s (stored: %s)", v, strings.Join(had, " "))
}

// name says which field and value a message is about.
func (r cfRow) name() string {
	return fmt.Sprintf("%s (%s) %s", r.key(), fieldTypes[r.field], r.label())
}

// show is a value as the table prints it: long runs of one character are counted.
func show(s string) string {
	if s == "" {
		return `""`
	}
	rs := []rune(s)
	if len(rs) <= 40 {
		return "`" + s + "`"
	}
	last := rs[len(rs)-1]
	i := len(rs)
	for i > 0 && rs[i-1] == last {
		i--
	}
	d := fmt.Sprintf("%d×%q", len(rs)-i, string(last))
	if i > 0 {
		d = "`" + string(rs[:i]) + "` + " + d
	}
	return fmt.Sprintf("%s (%d bytes, %d characters)", d, len(s), utf8.RuneCountInString(s))
}

func rep(n int, s string) string { return strings.Repeat(s, n) }

// cfRows: per field type of the kit, values the overlay accepts and values it refuses.
func cfRows() []cfRow {
	tomorrow := func(stored, created int64) error {
		// strtotime("tomorrow"): the next midnight on the server's clock and timezone.
		if stored <= created || stored > created+25*3600 {
			return fmt.Errorf("%d is not the next midnight after the ticket's creation (%d)", stored, created)
		}
		return nil
	}
	one := func(s string) []string { return []string{s} }
	return []cfRow{
		{field: 1, values: one("ORD-1"), want: "ORD-1", did: "stored as given"},
		{field: 1, values: one(rep(300, "a")), reject: "/custom_1", claim: "keeps the first 255 bytes", want: rep(255, "a"), did: "truncated to 255 bytes"},
		// maxLength counts characters, Cerb 255 bytes: the overlay's x-cerb-max-bytes (which
		// the checker enforces) refuses these, and Cerb cuts at byte 255, storing nothing
		// when the cut splits a character.
		{field: 1, values: one(rep(200, "é")), reject: "/custom_1", claim: "it stores nothing: the field is cleared", want: "", did: "unset"},
		{field: 1, values: one("a" + rep(200, "é")), reject: "/custom_1", claim: "keeps the first 255 bytes", want: "a" + rep(127, "é"), did: "truncated to 255 bytes"},
		{field: 1, values: one(rep(256, "é")), reject: "/custom_1", claim: "it stores nothing: the field is cleared", want: "", did: "unset"},

		{field: 2, values: one("42"), want: "42", did: "stored as given"},
		{field: 2, values: one("-7"), want: "-7", did: "stored as given"},
		{field: 2, values: one("0"), want: "", did: "unset"}, // "0 is no value"
		{field: 2, values: one("12abc"), reject: "/custom_2", claim: "`12abc` is 12", want: "12", did: "normalized"},
		{field: 2, values: one("abc"), reject: "/custom_2", claim: "a value without one clears the field", want: "", did: "unset"},
		{field: 2, values: one("99999999999999999999"), reject: "/custom_2", claim: "9223372036854775807", want: "9223372036854775807", did: "normalized"},
		{field: 2, values: one("-99999999999999999999"), reject: "/custom_2", claim: "-9223372036854775808", want: "-9223372036854775808", did: "normalized"},

		{field: 3, values: one("1795780003"), want: "1795780003", did: "stored as given"},
		{field: 3, values: one("2026-12-31"), want: "1798675200", did: "normalized"}, // midnight in the kit's timezone, UTC
		{field: 3, values: one("2026-12-31T09:30:00Z"), want: "1798709400", did: "normalized"},
		{field: 3, values: one("tomorrow"), reject: "/custom_3", claim: "`tomorrow`", within: tomorrow, did: "normalized"},
		{field: 3, values: one("not a date"), reject: "/custom_3", claim: "text it cannot read clears the field", want: "", did: "unset"},
		{field: 3, values: one("0"), want: "", did: "unset"}, // "0 is no value"

		{field: 4, values: one("High"), want: "High", did: "stored as given"},
		{field: 4, values: one("Hgih"), reject: "/custom_4", claim: "the field keeps what it had", want: "", did: "unset"},
		{field: 4, values: one("high"), reject: "/custom_4", claim: "the field keeps what it had", want: "", did: "unset"},
		{field: 4, values: one(""), want: "", did: "unset"},

		{field: 6, values: one("1"), want: "1", did: "stored as given"},
		{field: 6, values: one("0"), want: "", did: "unset"}, // unchecked reads as ""
		{field: 6, values: one("yes"), reject: "/custom_6", claim: "checks the box for any other non-empty value", want: "1", did: "normalized"},
		{field: 6, values: one("false"), reject: "/custom_6", claim: "`false`, `no` and `off` included", want: "1", did: "normalized"},
		{field: 6, values: one("no"), reject: "/custom_6", claim: "`false`, `no` and `off` included", want: "1", did: "normalized"},
		{field: 6, values: one("off"), reject: "/custom_6", claim: "`false`, `no` and `off` included", want: "1", did: "normalized"},
		{field: 6, values: one(""), want: "", did: "unset"},

		{field: 7, values: []string{"billing", "bug"}, want: "billing, bug", did: "stored as given"},
		{field: 7, values: []string{"billing", "nope"}, reject: "/custom_7[]/1", claim: "skips a value that is not one of the options", want: "billing", did: "skipped nope"},
		{field: 7, values: []string{"-bug"}, reject: "/custom_7[]/0", claim: "removes nothing", want: "", did: "unset"},
		{field: 7, values: []string{"+bug"}, reject: "/custom_7[]/0", claim: "it strips a leading + (`+bug` adds bug)", want: "bug", did: "stored as given"}, // as bug: the + is an operator

		{field: 8, values: one("https://cerb.ai/docs/"), want: "https://cerb.ai/docs/", did: "stored as given"},
		{field: 8, values: one("not a url"), reject: "/custom_8", claim: "stores any text as given", want: "not a url", did: "stored as given"},
		{field: 8, values: one("ftp://x"), want: "ftp://x", did: "stored as given"},
		{field: 8, values: one("https://x.example/" + rep(300, "a")), reject: "/custom_8", claim: "keeps the first 255 bytes", want: ("https://x.example/" + rep(300, "a"))[:255], did: "truncated to 255 bytes"},
		// 168 characters, 318 bytes.
		{field: 8, values: one("https://x.example/" + rep(150, "é")), reject: "/custom_8", claim: "it stores nothing", want: "", did: "unset"},

		{field: 9, values: one("1"), want: "1", did: "stored as given"},
		{field: 9, values: one("2"), want: "2", did: "stored as given"},
		{field: 9, values: one("999"), reject: "/custom_9", claim: "even one no worker has", want: "999", did: "stored as given"},
		{field: 9, values: one("abc"), reject: "/custom_9", claim: "0 or text without a number clears the field", want: "", did: "unset"},
		{field: 9, values: one("0"), reject: "/custom_9", claim: "0 or text without a number clears the field", want: "", did: "unset"},

		{field: 10, values: one("19.99"), want: "1999", did: "normalized"},
		{field: 10, values: one("19.999"), reject: "/custom_10", claim: "cuts the places after the first 2", want: "1999", did: "normalized"},
		{field: 10, values: one("-5"), reject: "/custom_10", claim: "`-5` is 5", want: "500", did: "normalized"},
		{field: 10, values: one("1,234.50"), reject: "/custom_10", claim: "thousands separator is dropped", want: "123450", did: "normalized"},
		{field: 10, values: one("abc"), reject: "/custom_10", claim: "text without a digit clears the field", want: "", did: "unset"},
		{field: 10, values: one("0.5"), want: "50", did: "normalized"},
		{field: 10, values: one("0"), want: "", did: "unset"}, // "0 is no value"

		// Replies, on a ticket composed with a value first.
		{field: 4, before: map[string][]string{"custom_4": {"Critical"}}, values: one("Blocker"), reject: "/custom_4", claim: "the field keeps what it had", want: "Critical", did: "kept"},
		{field: 4, before: map[string][]string{"custom_4": {"Critical"}}, values: one(""), want: "", did: "cleared"},
		{field: 2, before: map[string][]string{"custom_2": {"17"}}, values: one("abc"), reject: "/custom_2", claim: "a value without one clears the field", want: "", did: "cleared"},
		{field: 2, before: map[string][]string{"custom_2": {"17"}}, values: one("0"), want: "", did: "cleared"},
		{field: 7, before: map[string][]string{"custom_7[]": {"billing", "bug"}}, values: []string{"-bug"}, want: "billing", did: "removed bug"},
		{field: 1, before: map[string][]string{"custom_1": {"first"}}, values: one(rep(200, "é")), reject: "/custom_1", claim: "the field is cleared, on reply as well", want: "", did: "cleared"},
	}
}

// cfSuite sends the rows: the kit, the recorder (every pair is also checked against the
// base contract at the end), and the checker of openapi.yaml with the kit's overlay.
type cfSuite struct {
	k   kit
	r   *recorder
	hc  *http.Client
	chk *contract.Checker
}

// TestLiveCustomFieldValues: each row of cfRows is checked by the overlay the live kit's
// fields give, sent to the kit in a compose (or, after a compose that sets a value, a
// reply) with expand=custom_, and read back. A value the overlay accepts must be stored
// as the row says; one it refuses must be refused at the field's own pointer, with the
// x-cerb-server-accepts words the row relies on, and the server must do what they say.
// The table of what happened is logged, and written to CERB_FIELDS_TABLE when set.
func TestLiveCustomFieldValues(t *testing.T) {
	k := kitEnv(t)
	ctx := context.Background()
	r := &recorder{}
	t.Cleanup(func() { r.verify(t) })
	hc := &http.Client{Timeout: 60 * time.Second, Transport: r}

	inst, err := customfields.Fetch(ctx, &http.Client{Timeout: 60 * time.Second}, k.base, cerb.Bearer(k.ro))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	ovBytes, err := customfields.Overlay(inst)
	if err != nil {
		t.Fatalf("Overlay: %v", err)
	}
	ov, err := overlay.Parse("the kit's overlay", ovBytes)
	if err != nil {
		t.Fatal(err)
	}
	merged, warnings, err := ov.Apply("openapi.yaml", cerbopenapi.Spec)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("apply the kit's overlay: %v %v", err, warnings)
	}
	doc, err := cerbopenapi.LoadBytes(ctx, "openapi.yaml+the kit's overlay", merged)
	if err != nil {
		t.Fatal(err)
	}
	chk, err := contract.NewChecker(ctx, contract.WithDocument(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := &cfSuite{k: k, r: r, hc: hc, chk: chk}

	var results []*cfResult
	for _, row := range cfRows() {
		res := &cfResult{row: row}
		results = append(results, res)
		t.Run(strings.ReplaceAll(row.name(), "`", ""), func(t *testing.T) { s.run(t, res) })
	}

	table := cfTable(results)
	t.Logf("custom field values, Cerb 10.4.10 and the kit's overlay:\n%s", table)
	if path := os.Getenv("CERB_FIELDS_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("CERB_FIELDS_TABLE: %v", err)
		}
	}
}

func (s *cfSuite) run(t *testing.T, res *cfResult) {
	row := res.row
	key := row.key()
	form := url.Values{"content": {"Created by the cerb-openapi live suite (custom field values)."},
		"dont_send": {"1"}, "expand": {"custom_"}}
	op, path := "composeTicket", "compose"
	before := ""
	if row.before != nil {
		// The ticket to reply to, with the value the reply changes.
		seed := url.Values{
			"group_id":  {"1"},
			"subject":   {"cerb-openapi live custom fields " + marker()},
			"content":   {"Created by the cerb-openapi live suite (custom field values)."},
			"to":        {"someone@example.com"},
			"dont_send": {"1"},
			"expand":    {"custom_"},
		}
		for k, v := range row.before {
			seed[k] = v
		}
		cr, tk := s.send(t, "compose", seed)
		if !cr.Request.OK {
			t.Fatalf("%s: the overlay refuses the compose that sets %v first: %v", row.name(), row.before, cr.Request.Problems)
		}
		before = s.stored(t, row.field, tk.int(t, "id"))
		if want := strings.Join(slices.Sorted(slices.Values(row.before[key])), ", "); before != want {
			t.Fatalf("%s: the compose before the reply stored %q, want %q", row.name(), before, want)
		}
		form.Set("message_id", tk.str("initial_message_id"))
		op, path = "replyToTicket", "reply"
	} else {
		form.Set("group_id", "1")
		form.Set("subject", "cerb-openapi live custom fields "+marker())
		form.Set("to", "someone@example.com")
	}
	form[key] = row.values

	cr, tk := s.send(t, path, form)
	res.sent = true
	if cr.Operation != op {
		t.Errorf("%s: the checker matched operation %q, want %s", row.name(), cr.Operation, op)
	}
	for _, p := range cr.Request.Problems {
		res.messages = append(res.messages, fmt.Sprintf("%s: %s", p.Pointer, p.Message))
	}
	if row.reject == "" {
		res.verdict = "ok"
		if !cr.Request.OK {
			t.Errorf("%s: the overlay must accept it, it refuses: %v", row.name(), cr.Request.Problems)
		}
	} else {
		res.verdict = "rejected at `" + row.reject + "`"
		if len(cr.Request.Problems) == 0 {
			res.verdict = "ok"
			t.Errorf("%s: the overlay must refuse it at %s, it accepts it", row.name(), row.reject)
		}
		for _, p := range cr.Request.Problems {
			if p.Where != "body" || p.Pointer != row.reject {
				t.Errorf("%s: refused at %s %s, want only body %s: %s", row.name(), p.Where, p.Pointer, row.reject, p.Message)
				continue
			}
			res.verdict = fmt.Sprintf("rejected at `%s` (%s)", p.Pointer, keyword(p.Message))
			if !strings.Contains(p.Message, row.claim) {
				t.Errorf("%s: the message does not say %q (x-cerb-server-accepts): %s", row.name(), row.claim, p.Message)
			}
		}
	}
	if cr.Response == nil || !cr.Response.OK {
		t.Errorf("%s: the answer breaks the overlaid contract: %+v", row.name(), cr.Response)
	}

	id := tk.int(t, "id")
	res.stored = s.stored(t, row.field, id)
	if got := answered(tk, row.field); got != res.stored {
		t.Errorf("%s: the %s answer has custom_%d = %q, but the ticket read back has %q", row.name(), path, row.field, got, res.stored)
	}
	if row.within != nil {
		n, err := strconv.ParseInt(res.stored, 10, 64)
		if err == nil {
			err = row.within(n, tk.int(t, "created"))
		}
		if err != nil {
			t.Errorf("%s: stored %q: %v", row.name(), res.stored, err)
		}
	} else if res.stored != row.want {
		t.Errorf("%s: Cerb 10.4.10 stored %s, want %s (%s)", row.name(), show(res.stored), show(row.want), verb(row))
	}
	if row.field == 7 {
		res.did = observeMulti(row.values, before, res.stored)
	} else {
		res.did = observeSingle(row.field, row.values[0], before, res.stored)
	}
	if res.did != row.did {
		t.Errorf("%s: the server %s, want %s (%s)", row.name(), res.did, row.did, verb(row))
	}
}

// verb says why a row expects what it does.
func verb(r cfRow) string {
	if r.reject == "" {
		return "the overlay accepts it: Cerb must store it as the schema describes"
	}
	return "the overlay refuses it and x-cerb-server-accepts says: …" + r.claim + "…"
}

// send posts form to /tickets/<path>.json through the recorder, and returns the checker's
// verdict on the pair (overlay applied) and the ticket answered.
func (s *cfSuite) send(t *testing.T, path string, form url.Values) (contract.Result, rec) {
	t.Helper()
	m := s.k.rawVia(t, s.hc, http.MethodPost, "/tickets/"+path+".json", form)
	p := s.r.last(t)
	return s.chk.Check(context.Background(), p.req, &p.resp), rec(m)
}

// stored is custom_<field> of ticket id read back (GET /rest/tickets/<id>.json): a
// multi-value field's values sorted and joined with ", ".
func (s *cfSuite) stored(t *testing.T, field, id int64) string {
	t.Helper()
	tk := s.k.ticket(t, id)
	if field == 7 {
		return strings.Join(slices.Sorted(slices.Values(tk.multi(7))), ", ")
	}
	return tk.str(fmt.Sprintf("custom_%d", field))
}

// answered is custom_<field> in a compose or reply answer, as stored reads it.
func answered(tk rec, field int64) string {
	v := tk.str(fmt.Sprintf("custom_%d", field))
	if field != 7 || v == "" {
		return v
	}
	parts := strings.Split(v, ", ")
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// observeSingle: what a single value did, from the value before and after; only text
// (single line, URL) is truncated, a typed value cut short is normalized (`12abc` is 12).
func observeSingle(field int64, sent, before, stored string) string {
	switch {
	case stored == sent && sent != "":
		return "stored as given"
	case stored == "" && before == "":
		return "unset"
	case stored == "":
		return "cleared"
	case stored == before:
		return "kept"
	case (field == 1 || field == 8) && strings.HasPrefix(sent, stored):
		return fmt.Sprintf("truncated to %d bytes", len(stored))
	}
	return "normalized"
}

// observeMulti: what a custom_7[] list did, from the values before and after.
func observeMulti(sent []string, before, stored string) string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ", ")
	}
	had, has := split(before), split(stored)
	if len(has) == 0 {
		if len(had) == 0 {
			return "unset"
		}
		return "cleared"
	}
	var notes []string
	for _, v := range sent {
		switch {
		case strings.HasPrefix(v, "-"):
			o := v[1:]
			if slices.Contains(had, o) && !slices.Contains(has, o) {
				notes = append(notes, "removed "+o)
			} else if slices.Contains(has, o) {
				notes = append(notes, "skipped "+v)
			}
		case !slices.Contains(has, strings.TrimPrefix(v, "+")):
			notes = append(notes, "skipped "+v)
		}
	}
	if len(notes) == 0 {
		return "stored as given"
	}
	return strings.Join(notes, "; ")
}

// keyword names the schema keyword of a checker message.
func keyword(msg string) string {
	switch {
	case strings.Contains(msg, "regular expression"):
		return "pattern"
	case strings.Contains(msg, "string length"):
		return "maxLength"
	case strings.Contains(msg, "allowed values"):
		return "enum"
	}
	reason, _, _ := strings.Cut(msg, " — ")
	return truncateCell(reason, 60)
}

func truncateCell(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// storedCell is a read-back value as the table prints it.
func storedCell(field int64, v string) string {
	if v == "" {
		return "unset (`\"\"`)"
	}
	out := show(v)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		switch field {
		case 3:
			out += " = " + time.Unix(n, 0).UTC().Format(time.RFC3339)
		case 10:
			out += fmt.Sprintf(" = %d.%02d", n/100, n%100)
		}
	}
	return out
}

var typeNames = map[int64]string{1: "single line", 2: "number", 3: "date", 4: "picklist", 6: "checkbox",
	7: "multiple checkboxes", 8: "URL", 9: "worker", 10: "decimal (2 places)"}

// cfTable is the markdown table of the rows, then the checker's messages for the refused
// values (with the x-cerb-server-accepts text each ends with).
func cfTable(results []*cfResult) string {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	var b strings.Builder
	b.WriteString("What the server did: stored as given, normalized, truncated, kept (a reply left the value it had), " +
		"cleared (a reply left none), unset (a compose stored nothing: there, keeping what the field had and clearing it look the same).\n\n")
	b.WriteString("| type | value sent | overlay verdict | stored by Cerb 10.4.10 | what the server did |\n")
	b.WriteString("|---|---|---|---|---|\n")
	seen := map[string]bool{}
	var msgs []string
	for _, r := range results {
		if !r.sent {
			fmt.Fprintf(&b, "| %s `%s` %s | %s | (not sent) | | |\n", fieldTypes[r.row.field], r.row.key(), typeNames[r.row.field], cell(r.row.label()))
			continue
		}
		did := r.did
		if did != r.row.did {
			did += fmt.Sprintf(" **(expected: %s)**", r.row.did)
		}
		fmt.Fprintf(&b, "| %s `%s` %s | %s | %s | %s | %s |\n", fieldTypes[r.row.field], r.row.key(), typeNames[r.row.field],
			cell(r.row.label()), cell(r.verdict), cell(storedCell(r.row.field, r.stored)), cell(did))
		for _, m := range r.messages {
			// One line per field and message: the refused value is not in the message.
			if !seen[m] {
				seen[m] = true
				msgs = append(msgs, m)
			}
		}
	}
	if len(msgs) > 0 {
		b.WriteString("\nThe checker's messages for the refused values (each ends with the field's x-cerb-server-accepts):\n\n")
		for _, m := range msgs {
			fmt.Fprintf(&b, "- `%s\n", strings.Replace(m, ":", "`:", 1))
		}
	}
	return b.String()
}
