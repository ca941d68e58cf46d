package cerb_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

// The test vector from Cerb's documentation (spec-notes.md, openapi.yaml cerbAuth).
func TestCerbAuthSignatureVector(t *testing.T) {
	got := cerb.LegacySignature("pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc",
		"POST", "Wed, 08 Feb 2017 19:53:35 GMT", "/rest/tickets/search.json", "show_meta=0",
		[]byte("expand=custom_&q=status%3Ao"))
	if want := "pjlfmn339fgh:0cfe2f3b06552c060c8e77f7a0c875ee"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestCerbAuthSortsQuery(t *testing.T) {
	sig := func(q string) string {
		return cerb.LegacySignature("k", "s", "POST", "Wed, 08 Feb 2017 19:53:35 GMT", "/rest/x.json", q, nil)
	}
	tests := []struct{ a, b string }{
		{"show_meta=0&expand=custom_", "expand=custom_&show_meta=0"},
		{"b=2&a=1&a=0", "a=1&a=0&b=2"}, // same name: order kept
		{"q=a%26b&a=1", "a=1&q=a%26b"}, // kept percent-encoded
	}
	for _, tt := range tests {
		if sig(tt.a) != sig(tt.b) {
			t.Errorf("signature(%q) != signature(%q)", tt.a, tt.b)
		}
	}
	if sig("a=1&a=0") == sig("a=0&a=1") {
		t.Error("duplicates must keep their order")
	}
}

// The client signs exactly what it sends: the fake server recomputes the signature from
// the request it received (path with install prefix, query, body, X-Date).
func TestLegacyAuthSignsTheWireRequest(t *testing.T) {
	const key, secret = "pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc"
	ticket := recorded(t, "reply-ok.har", "reply-legacy-cerb-auth")
	srv := newFakeCerb(t, replay(ticket))
	c := newClient(t, srv.baseURL(), cerb.Legacy(key, secret))
	_, err := c.Reply(context.Background(), cerb.ReplyRequest{MessageID: 56, Content: "Signed legacy reply.", Expand: []string{"custom_"}, ShowMeta: true})
	if err != nil {
		t.Fatal(err)
	}
	ex := srv.last(t)
	u, _ := url.Parse(ex.URL)
	date := ex.Header.Get("X-Date")
	d, err := http.ParseTime(date)
	if err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("X-Date = %q (%v)", date, err)
	}
	want := cerb.LegacySignature(key, secret, ex.Method, date, u.EscapedPath(), u.RawQuery, ex.Body)
	if got := ex.Header.Get("Cerb-Auth"); got != want {
		t.Errorf("Cerb-Auth = %s, want %s", got, want)
	}
	if ex.Header.Get("Authorization") != "" {
		t.Error("Authorization sent with Cerb-Auth: Cerb would ignore Cerb-Auth")
	}
	if !strings.HasPrefix(u.Path, basePath) {
		t.Errorf("path %s", u.Path)
	}
}

type countingSource struct{ n int }

func (s *countingSource) Token() (*oauth2.Token, error) {
	s.n++
	return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", s.n), TokenType: "bearer"}, nil
}

type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) { return nil, errors.New("refresh failed") }

func TestBearer(t *testing.T) {
	ticket := recorded(t, "compose-ok.har", "compose-minimal")
	req := cerb.ComposeRequest{GroupID: 1, Subject: "s", Content: "c"}

	srv := newFakeCerb(t, replay(ticket))
	if _, err := newClient(t, srv.baseURL(), cerb.Bearer("static-token")).Compose(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).Header.Get("Authorization"); got != "Bearer static-token" {
		t.Errorf("Authorization = %q", got)
	}

	src := &countingSource{}
	c := newClient(t, srv.baseURL(), cerb.BearerTokenSource(src))
	for i := 1; i <= 2; i++ {
		if _, err := c.Compose(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if got, want := srv.last(t).Header.Get("Authorization"), fmt.Sprintf("Bearer tok-%d", i); got != want {
			t.Errorf("Authorization = %q, want %q (a token per request)", got, want)
		}
	}

	n := len(srv.exchanges())
	_, err := newClient(t, srv.baseURL(), cerb.BearerTokenSource(failingSource{})).Compose(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "refresh failed") {
		t.Errorf("err = %v", err)
	}
	_, err = newClient(t, srv.baseURL(), cerb.Bearer("")).Compose(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("err = %v", err)
	}
	if len(srv.exchanges()) != n {
		t.Error("a request was sent without a token")
	}
}

// Secrets never appear in String, GoString, any fmt verb, slog, JSON or errors.
func TestSecretsAreRedacted(t *testing.T) {
	const secret = "s3cr3t-VALUE"
	auths := map[string]cerb.Auth{
		"bearer": cerb.Bearer(secret),
		"source": cerb.BearerTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: secret})),
		"legacy": cerb.Legacy(secret, secret),
	}
	sum := md5.Sum([]byte(secret)) // Legacy keeps only this, which signs as well as the secret
	secretMD5 := hex.EncodeToString(sum[:])
	for name, a := range auths {
		t.Run(name, func(t *testing.T) {
			c, err := cerb.New(cerb.Config{BaseURL: "https://cerb.example/rest", Auth: a})
			if err != nil {
				t.Fatal(err)
			}
			var outs []string
			for _, v := range []any{a, c, struct{ A cerb.Auth }{a}, []any{c}} {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
					outs = append(outs, fmt.Sprintf(verb, v))
				}
				outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v))
				if b, err := json.Marshal(v); err == nil {
					outs = append(outs, string(b))
				}
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "auth", a, "client", c)
			slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "auth", a, "client", c)
			outs = append(outs, buf.String())
			for _, o := range outs {
				if strings.Contains(o, secret) || strings.Contains(strings.ToLower(o), fmt.Sprintf("%x", secret)) || strings.Contains(o, secretMD5) {
					t.Fatalf("secret leaked: %s", o)
				}
			}
			if !strings.Contains(fmt.Sprint(a), "REDACTED") {
				t.Errorf("String() = %s, want REDACTED", a)
			}
		})
	}

	// An error from a rejected token does not carry it either.
	e := recorded(t, "auth-errors.har", "reply-wrong-token")
	srv := newFakeCerb(t, replay(e))
	_, err := newClient(t, srv.baseURL(), cerb.Bearer(secret)).Reply(context.Background(), cerb.ReplyRequest{MessageID: 56, Content: "x"})
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
		t.Errorf("err = %v", err)
	}
}
