package customfields_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/internal/kitanswers"
)

// kitServer answers as the test kit did (internal/kitanswers) to the token "tok".
func kitServer(t *testing.T, override map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(kitanswers.Handler("tok", override))
	t.Cleanup(srv.Close)
	return srv
}

func fetchKit(t *testing.T) *customfields.Installation {
	t.Helper()
	srv := kitServer(t, nil)
	inst, err := customfields.Fetch(context.Background(), srv.Client(), srv.URL+"/rest/", cerb.Bearer("tok"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inst.Server, srv.URL) {
		t.Fatalf("Server = %q, want %s/rest", inst.Server, srv.URL)
	}
	inst.Server = kitanswers.Base // where the answers were recorded
	return inst
}

func TestFetchKit(t *testing.T) {
	inst := fetchKit(t)
	if inst.Version != "10.4.10" {
		t.Errorf("server %q version %q", inst.Server, inst.Version)
	}
	var got []string
	for _, f := range inst.Fields {
		got = append(got, f.Type)
	}
	if strings.Join(got, "") != "SNEDTCXUWO" {
		t.Errorf("types by id = %s, want the kit's SNEDTCXUWO", strings.Join(got, ""))
	}
	sev, topics, refund := inst.Fields[3], inst.Fields[6], inst.Fields[9]
	if sev.Name != "Severity" || strings.Join(sev.Options, ",") != "Low,Medium,High,Critical" {
		t.Errorf("field 4 = %+v", sev)
	}
	if topics.Key() != "custom_7[]" || strings.Join(topics.Options, ",") != "billing,bug,feature" {
		t.Errorf("field 7 = %+v, key %s", topics, topics.Key())
	}
	if refund.DecimalAt != 2 {
		t.Errorf("field 10 decimal_at = %d, want 2 (from records/custom_field/10.json)", refund.DecimalAt)
	}
	if len(inst.Workers) != 2 || inst.Workers[0].Name != "Admin User" || inst.Workers[1].ID != 2 {
		t.Errorf("workers = %+v", inst.Workers)
	}
}

func TestFetchErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		base     string
		token    string
		override map[string]string
		want     string
		server   bool // errors.Is(err, ErrServer)
	}{
		{name: "bad base URL", base: "cerb.example/rest", token: "tok", want: "want the REST root"},
		{name: "wrong token", token: "nope", want: "HTTP 401: Access denied! (Invalid token)", server: true},
		{name: "error envelope", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `{"__status":"error","message":"Unknown command (rest/x)"}`},
			want: "HTTP 200: Unknown command (rest/x)", server: true},
		{name: "not JSON", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `<html>login</html>`},
			want: `not Cerb's JSON: "<html>login</html>"`, server: true},
		{name: "truncated", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `{"__status":"success","custom_1":{"id":1,`},
			want: "not Cerb's JSON", server: true},
		{name: "key and id differ", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `{"__status":"success","custom_1":{"id":2,"name":"x","type":"S"}}`},
			want: "key custom_1 holds field id 2", server: true},
		{name: "picklist without options", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `{"__status":"success","custom_1":{"id":1,"name":"P","type":"D","options":null}}`},
			want: `field 1 "P": a picklist without options`},
		{name: "option Cerb reads as an operator", token: "tok", override: map[string]string{"/rest/customfields/tickets.json": `{"__status":"success","custom_1":{"id":1,"name":"X","type":"X","options":["-1","ok"]}}`},
			want: `option "-1" cannot be sent`},
		{name: "decimal record refused", token: "tok", override: map[string]string{"/rest/records/custom_field/10.json": `{"__status":"error","message":"Not found"}`},
			want: "decimal field 10: cerb: GET /rest/records/custom_field/10.json: HTTP 200: Not found", server: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kitServer(t, tc.override)
			base := tc.base
			if base == "" {
				base = srv.URL + "/rest"
			}
			_, err := customfields.Fetch(context.Background(), srv.Client(), base, cerb.Bearer(tc.token))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if errors.Is(err, customfields.ErrServer) != tc.server {
				t.Errorf("errors.Is(err, ErrServer) = %v, want %v", !tc.server, tc.server)
			}
		})
	}
}

func TestFetchOptionsWithGaps(t *testing.T) {
	// PHP's json_encode writes a list with a deleted option as an object by position.
	srv := kitServer(t, map[string]string{"/rest/customfields/tickets.json": `{"__status":"success","__version":"10.4.10",
		"custom_4":{"id":4,"name":"Severity","type":"D","options":{"0":"Low","2":"High","10":"Critical"}}}`})
	inst, err := customfields.Fetch(context.Background(), srv.Client(), srv.URL+"/rest", cerb.Bearer("tok"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(inst.Fields[0].Options, ","); got != "Low,High,Critical" {
		t.Errorf("options = %s", got)
	}
}

func TestFetchWorkersNotListed(t *testing.T) {
	// A token that may not read workers still describes the fields.
	srv := kitServer(t, map[string]string{"/rest/records/workers/search.json": `{"__status":"error","message":"Access denied"}`})
	inst, err := customfields.Fetch(context.Background(), srv.Client(), srv.URL+"/rest", cerb.Bearer("tok"))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Workers != nil || len(inst.Fields) != 10 {
		t.Errorf("workers %v, %d fields", inst.Workers, len(inst.Fields))
	}
}
