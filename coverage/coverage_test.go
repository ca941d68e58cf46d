package coverage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/coverage"
	"github.com/cerb-openapi/cerb-openapi/har"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

const minimalHAR = "testdata/minimal-compose.har"

func bundled(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../contract_test/testdata/*.har")
	if err != nil || len(files) < 5 {
		t.Fatalf("bundled recordings: %v %v", files, err)
	}
	return files
}

// measure runs the checker over files and returns the coverage report.
func measure(t *testing.T, doc *openapi3.T, files ...string) *coverage.Report {
	t.Helper()
	ctx := context.Background()
	var opts []contract.Option
	if doc != nil {
		opts = append(opts, contract.WithDocument(doc))
	}
	checker, err := contract.NewChecker(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := coverage.New(checker.Document())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := checker.CheckFile(ctx, f, func(r contract.EntryResult) error { cov.Add(r); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return cov.Report()
}

func op(t *testing.T, r *coverage.Report, id string) coverage.Operation {
	t.Helper()
	for _, o := range r.Operations {
		if o.Operation == id {
			return o
		}
	}
	t.Fatalf("no operation %s in the report", id)
	return coverage.Operation{}
}

func TestMinimalCompose(t *testing.T) {
	r := measure(t, nil, minimalHAR)
	if !slices.Equal(r.Exercised.Never, []string{"replyToTicket"}) {
		t.Errorf("operations never exercised = %v, want [replyToTicket]", r.Exercised.Never)
	}
	compose := op(t, r, "composeTicket")
	if compose.Pairs != 1 || r.Entries != 1 || r.Pairs != 1 {
		t.Errorf("pairs: compose %d, report %d of %d entries; want 1", compose.Pairs, r.Pairs, r.Entries)
	}
	if want := []string{"content", "group_id", "subject"}; !slices.Equal(compose.Fields.Sent, want) {
		t.Errorf("fields sent = %v, want %v", compose.Fields.Sent, want)
	}
	for _, f := range []string{"send_at", "file_id[]", "status", "to"} {
		if !slices.Contains(compose.Fields.Never, f) {
			t.Errorf("field %s not among those never sent: %v", f, compose.Fields.Never)
		}
	}
	if want := []string{"200 Ticket"}; !slices.Equal(compose.Responses.Seen, want) {
		t.Errorf("responses seen = %v, want %v", compose.Responses.Seen, want)
	}
	for _, v := range []string{"200 Draft", "200 ScopeError", "200 ApiError: The 'subject' parameter is required", "401 AuthError: Unauthorized request"} {
		if !slices.Contains(compose.Responses.Never, v) {
			t.Errorf("response variant %q not among those never seen: %v", v, compose.Responses.Never)
		}
	}
	if want := []string{"custom_<id>", "custom_<id>[]"}; !slices.Equal(compose.Custom.Never, want) {
		t.Errorf("custom forms never sent = %v, want %v", compose.Custom.Never, want)
	}
	if st := compose.Enums.Fields["status"]; !slices.Equal(st.Never, []string{"0", "1", "2"}) {
		t.Errorf("status values never sent = %v, want [0 1 2]", st.Never)
	}
}

// The bundled recordings exercise more than one minimal compose: every kind of gap shrinks
// (or was already closed), and the ones that matter for this suite close.
func TestBundledHasFewerGaps(t *testing.T) {
	min := measure(t, nil, minimalHAR)
	all := measure(t, nil, bundled(t)...)
	gaps := func(r *coverage.Report) map[string]int {
		g := map[string]int{"operations": len(r.Exercised.Never)}
		for _, o := range r.Operations {
			g["fields"] += len(o.Fields.Never)
			g["enums"] += o.Enums.Total - o.Enums.Sent
			g["custom"] += len(o.Custom.Never)
			g["responses"] += len(o.Responses.Never)
		}
		return g
	}
	gmin, gall := gaps(min), gaps(all)
	for _, k := range []string{"operations", "fields", "enums", "custom", "responses"} {
		if gall[k] >= gmin[k] && gmin[k] > 0 {
			t.Errorf("%s: %d gaps on all recordings, %d on one minimal compose; want fewer", k, gall[k], gmin[k])
		}
	}
	if all.Unmatched == 0 || all.Unreadable != 0 || all.Pairs+all.Unmatched != all.Entries {
		t.Errorf("entries %d = pairs %d + unmatched %d (+ unreadable %d)?", all.Entries, all.Pairs, all.Unmatched, all.Unreadable)
	}
	compose := op(t, all, "composeTicket")
	for _, v := range []string{"200 Ticket", "200 Draft", "200 ScopeError", "200 ApiError: The 'subject' parameter is required", "401 AuthError: Unauthorized request"} {
		if !slices.Contains(compose.Responses.Seen, v) {
			t.Errorf("compose: %q not seen in the bundled recordings", v)
		}
	}
	if len(compose.Responses.Unlisted) != 0 || compose.Responses.Unclassified != 0 {
		t.Errorf("compose: every response should fit a listed variant: unlisted %v, unclassified %d", compose.Responses.Unlisted, compose.Responses.Unclassified)
	}
	if !slices.Contains(compose.Enums.Fields["status"].Other, "9") {
		t.Errorf("compose status=9 not reported outside the enum: %+v", compose.Enums.Fields["status"])
	}
	if !slices.Contains(compose.Custom.Keys["custom_<id>[]"], "custom_7[]") && len(compose.Custom.Keys["custom_<id>[]"]) == 0 {
		t.Errorf("compose: no multi-value custom keys recorded: %v", compose.Custom.Keys)
	}
}

// check runs one request/response through the checker and the coverage of doc.
func check(t *testing.T, doc *openapi3.T, entries ...contract.Pair) *coverage.Report {
	t.Helper()
	ctx := context.Background()
	checker, err := contract.NewChecker(ctx, contract.WithDocument(doc))
	if err != nil {
		t.Fatal(err)
	}
	cov, err := coverage.New(doc)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range entries {
		res := checker.Check(ctx, p.Request, p.Response)
		cov.Add(contract.EntryResult{File: "t", Entry: i, Method: p.Request.Method, URL: p.Request.URL, Result: res, Pair: &p})
	}
	return cov.Report()
}

func load(t *testing.T, path string) *openapi3.T {
	t.Helper()
	if path == "" {
		doc, err := cerbopenapi.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cerbopenapi.LoadBytes(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func compose(body string) contract.Request {
	return contract.Request{Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Bearer x"}}, Body: []byte(body)}
}

func jsonResp(status int, body string) *contract.Response {
	return &contract.Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
}

const ticketJSON = `{"__status":"success","__version":"10.4.10","__build":1,"_context":"cerberusweb.contexts.ticket","_label":"x","id":1,"mask":"M","subject":"s","status":"open","status_id":0,"group_id":1,"bucket_id":1,"org_id":0,"owner_id":0,"importance":50,"created":1,"updated":1,"closed":0,"closed_at":0,"reopen_date":0,"num_messages":1,"spam_score":0,"spam_training":"","initial_message_id":1,"initial_response_message_id":0,"latest_message_id":1,"url":"u","record_url":"u","elapsed_response_first":"0","elapsed_resolution_first":"0"}`

// Each response lands in the variant the spec's discriminators and branches give it.
func TestResponseVariants(t *testing.T) {
	doc := load(t, "")
	apiErr := func(msg string) string {
		b, _ := json.Marshal(map[string]any{"__status": "error", "__version": "10.4.10", "__build": 1, "__error": "ERROR", "message": msg})
		return string(b)
	}
	tests := []struct {
		name     string
		resp     *contract.Response
		variant  string // seen, or "" for none
		unlisted string
		unclass  int
		none     int
	}{
		{name: "ticket", resp: jsonResp(200, ticketJSON), variant: "200 Ticket"},
		{name: "draft", resp: jsonResp(200, `{"__status":"success","__version":"10.4.10","__build":1,"_context":"cerberusweb.contexts.mail.draft","id":"1","type":"mail.compose","token":"t"}`), variant: "200 Draft"},
		{name: "known message", resp: jsonResp(200, apiErr("The 'group_id' parameter is required")), variant: "200 ApiError: The 'group_id' parameter is required"},
		{name: "template", resp: jsonResp(200, apiErr("Invalid ticket id '4711'")), variant: "200 ApiError: Invalid ticket id '<id>'"},
		{name: "unlisted message", resp: jsonResp(200, apiErr("Something new")), unlisted: "Something new"},
		{name: "scope", resp: jsonResp(200, `{"__status":"error","message":"Your token does not have permission to use this endpoint."}`), variant: "200 ScopeError"},
		{name: "401", resp: jsonResp(401, `{"__status":"error","message":"Access denied! (Invalid timestamp)"}`), variant: "401 AuthError: Access denied! (Invalid timestamp)"},
		{name: "html from a proxy", resp: &contract.Response{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>")}, unclass: 1},
		{name: "200 not JSON", resp: &contract.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("<html>")}, unclass: 1},
		{name: "200 fits no branch", resp: jsonResp(200, `{"__status":"weird"}`), unclass: 1},
		{name: "no response", none: 1},
		{name: "status 0: no answer", resp: &contract.Response{Status: 0}, none: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, doc, contract.Pair{Request: compose("group_id=1&subject=s&content=c"), Response: tt.resp})
			rs := op(t, r, "composeTicket").Responses
			var want []string
			if tt.variant != "" {
				want = []string{tt.variant}
			}
			if !slices.Equal(rs.Seen, want) && !(len(rs.Seen) == 0 && len(want) == 0) {
				t.Errorf("seen = %q, want %q", rs.Seen, want)
			}
			var unlisted []string
			for _, u := range rs.Unlisted {
				unlisted = append(unlisted, u.Message)
			}
			if (tt.unlisted == "") != (len(unlisted) == 0) || (tt.unlisted != "" && unlisted[0] != tt.unlisted) {
				t.Errorf("unlisted = %q, want %q", unlisted, tt.unlisted)
			}
			if rs.Unclassified != tt.unclass || rs.NoResponse != tt.none {
				t.Errorf("unclassified %d, no response %d; want %d, %d", rs.Unclassified, rs.NoResponse, tt.unclass, tt.none)
			}
		})
	}
}

// Fields are read as the checker reads them, in both form media types; each is counted once
// per pair.
func TestRequestFields(t *testing.T) {
	doc := load(t, "")
	multipart := contract.Request{Method: "POST", URL: "https://cerb.example/rest/tickets/compose.json",
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=XX"}},
		Body: []byte("--XX\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\ns\r\n" +
			"--XX\r\nContent-Disposition: form-data; name=\"custom_7[]\"\r\n\r\na\r\n--XX--\r\n")}
	jsonBody := compose(`{"subject":"s"}`)
	jsonBody.Header.Set("Content-Type", "application/json")
	query := compose("subject=s")
	query.URL += "?expand=custom_&other=1"
	tests := []struct {
		name                 string
		req                  contract.Request
		fields, custom       []string
		undeclared           []string
		status, statusOther  []string
		contentFormat, query []string
	}{
		{name: "url-encoded", req: compose("subject=s&subject=t&status=2&status=9&content_format=&custom_4=High&custom_7%5B%5D=a&custom_7%5B%5D=b&file_id%5B%5D%5B0%5D=1"),
			fields: []string{"content_format", "status", "subject"}, custom: []string{"custom_<id>", "custom_<id>[]"},
			undeclared: []string{"file_id[][0]"}, status: []string{"2"}, statusOther: []string{"9"}, contentFormat: []string{""}},
		{name: "multipart", req: multipart, fields: []string{"subject"}, custom: []string{"custom_<id>[]"}},
		{name: "JSON is the empty form", req: jsonBody},
		{name: "query parameters apart", req: query, fields: []string{"subject"}, query: []string{"expand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := op(t, check(t, doc, contract.Pair{Request: tt.req}), "composeTicket")
			eq := func(what string, got, want []string) {
				t.Helper()
				if len(got) != 0 || len(want) != 0 {
					if !slices.Equal(got, want) {
						t.Errorf("%s = %q, want %q", what, got, want)
					}
				}
			}
			eq("fields", o.Fields.Sent, tt.fields)
			eq("custom", o.Custom.Sent, tt.custom)
			var und []string
			for k := range o.Undeclared {
				und = append(und, k)
			}
			eq("undeclared", und, tt.undeclared)
			eq("status", o.Enums.Fields["status"].Sent, tt.status)
			eq("status other", o.Enums.Fields["status"].Other, tt.statusOther)
			eq("content_format", o.Enums.Fields["content_format"].Sent, tt.contentFormat)
			eq("query", o.Query.Sent, tt.query)
			for f, n := range o.Fields.Pairs {
				if n != 1 {
					t.Errorf("field %s counted %d times in one pair", f, n)
				}
			}
		})
	}
}

// Another document: fields, enums (through allOf), key forms, variants and messages all come
// from it; operations without pairs, and responses declared only as default, count as such.
func TestAnotherDocument(t *testing.T) {
	doc := load(t, "testdata/widgets.yaml")
	req := func(body string) contract.Request {
		return contract.Request{Method: "POST", URL: "https://example.com/api/widgets?dry_run=1",
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(body)}
	}
	r := check(t, doc,
		contract.Pair{Request: req("name=a&size=2&tag_1=x&zzz=1"), Response: jsonResp(201, `{"id":1}`)},
		contract.Pair{Request: req("name=a"), Response: jsonResp(201, `{"message":"Widget 'a' exists"}`)},
		contract.Pair{Request: req("name=a"), Response: jsonResp(500, `{}`)},
	)
	if !slices.Equal(r.Exercised.Never, []string{"listGadgets"}) {
		t.Errorf("never exercised = %v", r.Exercised.Never)
	}
	w := op(t, r, "makeWidget")
	checks := []struct {
		what      string
		got, want []string
	}{
		{"fields sent", w.Fields.Sent, []string{"name", "size"}},
		{"fields never", w.Fields.Never, []string{"color"}},
		{"query sent", w.Query.Sent, []string{"dry_run"}},
		{"size never", w.Enums.Fields["size"].Never, []string{"1", "3"}},
		{"color never", w.Enums.Fields["color"].Never, []string{"red", "blue"}},
		{"custom sent", w.Custom.Sent, []string{"tag_<n>"}},
		{"responses seen", w.Responses.Seen, []string{"201 Widget", "201 Failure: Widget '<name>' exists"}},
		{"responses never", w.Responses.Never, []string{"201 Failure: No name", "404"}},
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if w.Undeclared["zzz"] != 1 || w.Responses.Unclassified != 1 {
		t.Errorf("undeclared %v, unclassified %d; want zzz once, 1 (the 500 is default only)", w.Undeclared, w.Responses.Unclassified)
	}
}

// Malformed extensions are errors that name what is wrong.
func TestBadExtensions(t *testing.T) {
	base, err := os.ReadFile("testdata/widgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, from, to, want string }{
		{"bad pattern", `'^tag_[0-9]+$'`, `'^tag_[0-9+$'`, "x-cerb-key-patterns.tag_<n>"},
		{"messages of no schema", "            Failure:\n              - No name", "            Failur:\n              - No name", `names "Failur"`},
		{"messages not a list", "            Failure:\n              - No name\n              - Widget '<name>' exists", "            Failure: No name", "want a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.from, tt.to, 1)
			if src == string(base) {
				t.Fatalf("%q not in widgets.yaml", tt.from)
			}
			doc, err := cerbopenapi.LoadBytes(context.Background(), "widgets.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := coverage.New(doc); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// A body sent but not recorded says nothing about fields: the pair is counted apart.
func TestUnrecordedBody(t *testing.T) {
	doc := load(t, "")
	ctx := context.Background()
	checker, err := contract.NewChecker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := coverage.New(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := contract.Pair{Request: compose("group_id=1&subject=s&content=c"), Response: jsonResp(200, ticketJSON)}
	res := checker.Check(ctx, p.Request, p.Response)
	res.Request.Unrecorded = "request body not recorded"
	cov.Add(contract.EntryResult{Result: res, Pair: &p})
	r := cov.Report()
	o := op(t, r, "composeTicket")
	if r.Unrecorded != 1 || o.Unrecorded != 1 || len(o.Fields.Sent) != 0 || o.Pairs != 1 {
		t.Errorf("unrecorded %d/%d, fields sent %v, pairs %d; want 1/1, none, 1", r.Unrecorded, o.Unrecorded, o.Fields.Sent, o.Pairs)
	}
	if !slices.Equal(o.Responses.Seen, []string{"200 Ticket"}) {
		t.Errorf("the response was recorded and counts: seen %v", o.Responses.Seen)
	}
}

// The JSON document names every list, empty or not, so a script can read it without checks.
func TestJSONShape(t *testing.T) {
	r := measure(t, nil, minimalHAR)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("null")) {
		t.Errorf("a list or map is null in %s", b)
	}
	var doc struct {
		Operations []struct {
			Operation string `json:"operation"`
			Fields    struct {
				Never []string `json:"never"`
			} `json:"fields"`
			Responses struct {
				Never []string `json:"never"`
			} `json:"responses"`
		} `json:"operations"`
		Exercised struct {
			Never []string `json:"never"`
		} `json:"exercised"`
		Unmatched *int `json:"unmatched"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Operations) != 2 || len(doc.Operations[0].Fields.Never) == 0 || len(doc.Operations[0].Responses.Never) == 0 || doc.Unmatched == nil || len(doc.Exercised.Never) != 1 {
		t.Errorf("unexpected shape: %s", b)
	}
}

// Text puts each operation's gaps before what was covered.
func TestText(t *testing.T) {
	var buf bytes.Buffer
	if err := measure(t, nil, minimalHAR).WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"never sent fields:", "send_at", "file_id[]", "never seen responses:", "200 Draft", "replyToTicket (POST /tickets/reply.json): 0 pairs\n  NEVER EXERCISED", "operations: 1/2 (50%) exercised (never: replyToTicket)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "never sent fields:") > strings.Index(out, "covered:") {
		t.Errorf("gaps must come before what was covered:\n%s", out)
	}
}

func TestParseMin(t *testing.T) {
	tests := []struct {
		in      string
		want    []coverage.Min
		wantErr string
	}{
		{in: "fields=80", want: []coverage.Min{{Metric: "fields", Percent: 80}}},
		{in: "responses=50%,operations=100", want: []coverage.Min{{Metric: "responses", Percent: 50}, {Metric: "operations", Percent: 100}}},
		{in: "enums=12.5", want: []coverage.Min{{Metric: "enums", Percent: 12.5}}},
		{in: "fields", wantErr: "want METRIC=PERCENT"},
		{in: "fields=", wantErr: "want METRIC=PERCENT"},
		{in: "=80", wantErr: "want METRIC=PERCENT"},
		{in: "lines=80", wantErr: `unknown metric "lines"`},
		{in: "fields=abc", wantErr: "not a percentage"},
		{in: "fields=101", wantErr: "not a percentage"},
		{in: "fields=-1", wantErr: "not a percentage"},
		{in: "fields=NaN", wantErr: "not a percentage"},
	}
	for _, tt := range tests {
		got, err := coverage.ParseMin(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMin(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseMin(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckThresholds(t *testing.T) {
	r := measure(t, nil, minimalHAR) // compose: fields 3 of 18; operations 1 of 2
	tests := []struct {
		min  string
		want []string // messages, by prefix
	}{
		{"fields=16", []string{"replyToTicket: fields 0% (0 of 23) is below 16% by 16 points: send 4 more"}},
		{"fields=17", []string{"composeTicket: fields 16.6% (3 of 18) is below 17% by 0.4 points: send 1 more", "replyToTicket: fields 0% (0 of 23)"}},
		{"operations=100", []string{"operations 50% (1 of 2) is below 100% by 50 points: exercise 1 more (never: replyToTicket)"}},
		{"operations=50", nil},
		{"custom=0", nil},
	}
	for _, tt := range tests {
		mins, err := coverage.ParseMin(tt.min)
		if err != nil {
			t.Fatal(err)
		}
		got := r.Check(mins)
		if len(got) != len(tt.want) {
			t.Errorf("--min %s: %d shortfalls %v, want %d", tt.min, len(got), got, len(tt.want))
			continue
		}
		for i, s := range got {
			if !strings.HasPrefix(s.Message, tt.want[i]) {
				t.Errorf("--min %s: %q, want it to start with %q", tt.min, s.Message, tt.want[i])
			}
		}
	}
}

// Form fields a HAR kept decoded instead of the body text count as sent; a CORS preflight
// is neither a pair nor unmatched.
func TestParamsAndPreflight(t *testing.T) {
	doc := load(t, "")
	params := compose("")
	params.Params = []har.NameValue{{Name: "subject", Value: "s"}, {Name: "status", Value: "1"}}
	preflight := contract.Request{Method: "OPTIONS", URL: "https://cerb.example/rest/tickets/compose.json",
		Header: http.Header{"Origin": {"https://app.example"}, "Access-Control-Request-Method": {"POST"}}}
	r := check(t, doc, contract.Pair{Request: params}, contract.Pair{Request: preflight})
	o := op(t, r, "composeTicket")
	if !slices.Equal(o.Fields.Sent, []string{"status", "subject"}) || !slices.Equal(o.Enums.Fields["status"].Sent, []string{"1"}) {
		t.Errorf("fields from params: sent %v, status %v", o.Fields.Sent, o.Enums.Fields["status"].Sent)
	}
	if r.Preflights != 1 || r.Unmatched != 0 || r.Pairs != 1 || r.Entries != 2 {
		t.Errorf("preflights %d, unmatched %d, pairs %d, entries %d; want 1, 0, 1, 2", r.Preflights, r.Unmatched, r.Pairs, r.Entries)
	}
}

// x-cerb-error-messages repeats, for machines, the messages each operation's description
// lists for people: the two must not drift apart.
func TestErrorMessagesMatchDescriptions(t *testing.T) {
	doc := load(t, "")
	span := regexp.MustCompile("`([^`]+)`")
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, o := range doc.Paths.Value(path).Operations() {
			_, known, ok := strings.Cut(o.Description, "Known error messages")
			if !ok {
				t.Errorf("%s: the description lists no known error messages", o.OperationID)
				continue
			}
			var described []string
			for _, m := range span.FindAllStringSubmatch(strings.Join(strings.Fields(known), " "), -1) {
				if !strings.HasPrefix(m[1], "__") {
					described = append(described, m[1])
				}
			}
			ext, _ := o.Responses.Status(200).Value.Extensions[coverage.ExtErrorMessages].(map[string]any)
			var listed []string
			for _, m := range ext["ApiError"].([]any) {
				listed = append(listed, m.(string))
			}
			slices.Sort(described)
			slices.Sort(listed)
			if !slices.Equal(described, listed) {
				t.Errorf("%s: the description names %q, %s lists %q", o.OperationID, described, coverage.ExtErrorMessages, listed)
			}
		}
	}
}

// TestKitOverlay: with the kit's overlay each custom field is a declared field of its own
// (custom forms leave the count), and the recorded picklist value that is not an option
// is listed as sent outside the enum.
func TestKitOverlay(t *testing.T) {
	doc, err := overlay.Load(context.Background(), "openapi.yaml", cerbopenapi.Spec, "../customfields/testdata/kit.overlay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := op(t, measure(t, doc, bundled(t)...), "composeTicket")
	for _, f := range []string{"custom_1", "custom_4", "custom_7[]", "custom_10"} {
		if !slices.Contains(c.Fields.Sent, f) {
			t.Errorf("%s not among the fields sent: %v", f, c.Fields.Sent)
		}
	}
	if len(c.Custom.Sent)+len(c.Custom.Never) != 0 {
		t.Errorf("custom forms %+v with every field declared", c.Custom)
	}
	if got := c.Enums.Fields["custom_4"].Other; !slices.Contains(got, "Blocker") {
		t.Errorf("custom_4 outside the enum = %v, want Blocker", got)
	}
}
