//go:build live

package livetest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// renameAuth sends the signed Cerb-Auth header as Cerb5-Auth, its older name, and adds
// extra headers, before the recorder sees the request.
type renameAuth struct {
	next  http.RoundTripper
	extra http.Header
}

func (r renameAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if v := req.Header.Get("Cerb-Auth"); v != "" {
		req.Header.Del("Cerb-Auth")
		req.Header.Set("Cerb5-Auth", v)
	}
	for k, vs := range r.extra {
		req.Header[k] = vs
	}
	return r.next.RoundTrip(req)
}

// TestLiveCerb5Auth proves what openapi.yaml's cerb5Auth scheme and the checker say: Cerb
// 10.4.10 accepts the legacy signature under the header's older name Cerb5-Auth, and ignores
// it beside an Authorization or a Cerb-Auth header (that one decides, here a wrong one: 401).
func TestLiveCerb5Auth(t *testing.T) {
	k, r, _ := setup(t)
	if k.key == "" || k.secret == "" {
		skipOrFail(t, "set CERB_ACCESS_KEY and CERB_SECRET to test Cerb5-Auth")
	}
	client := func(extra http.Header) *cerb.Client {
		c, err := cerb.New(cerb.Config{
			BaseURL:    k.base,
			Auth:       cerb.Legacy(k.key, k.secret),
			HTTPClient: &http.Client{Timeout: 60 * time.Second, Transport: renameAuth{next: r, extra: extra}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	m := marker()
	req := cerb.ComposeRequest{GroupID: 1, Subject: "cerb-openapi live test Cerb5-Auth " + m, Content: "Signed as Cerb5-Auth.", DontSend: true}
	res, err := client(nil).Compose(context.Background(), req)
	if err != nil || res.Ticket == nil {
		t.Fatalf("compose with Cerb5-Auth alone: %+v, %v", res, err)
	}
	if got := r.last(t).req.Header.Get("Cerb5-Auth"); got == "" {
		t.Fatal("the request carried no Cerb5-Auth header")
	}
	k.ticket(t, res.Ticket.ID).want(t, "subject", req.Subject)

	_, err = client(http.Header{"Authorization": {"Bearer not-a-token"}}).Compose(context.Background(), req)
	var apiErr *cerb.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != http.StatusUnauthorized {
		t.Fatalf("Cerb5-Auth beside a wrong bearer token: err %v, want a 401 *APIError", err)
	}
	_, err = client(http.Header{"Cerb-Auth": {k.key + ":00000000000000000000000000000000"}}).Compose(context.Background(), req)
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != http.StatusUnauthorized {
		t.Fatalf("Cerb5-Auth beside a wrongly signed Cerb-Auth: err %v, want a 401 *APIError", err)
	}
}

// TestLiveLegacyBesideBearer: a valid bearer token decides; the token sent again as
// Cerb-Auth and Cerb5-Auth (an auth callback answering every scheme, as hey-api's
// auth: () => token does) is ignored: the compose succeeds, and the checker warns of the
// second copy on both headers without failing the pair.
func TestLiveLegacyBesideBearer(t *testing.T) {
	k, r, _ := setup(t)
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// On the wire, after the client (whose Bearer drops a Cerb-Auth header).
	both := addHeaders{next: r, h: http.Header{"Cerb-Auth": {k.token}, "Cerb5-Auth": {k.token}}}
	c, err := cerb.New(cerb.Config{
		BaseURL:    k.base,
		Auth:       cerb.Bearer(k.token),
		HTTPClient: &http.Client{Timeout: 60 * time.Second, Transport: both},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := cerb.ComposeRequest{GroupID: 1, Subject: "cerb-openapi live test bearer and Cerb-Auth " + marker(), Content: "Both.", DontSend: true}
	res, err := c.Compose(context.Background(), req)
	if err != nil || res.Ticket == nil {
		t.Fatalf("compose with a bearer token and the token again as Cerb-Auth: %+v, %v", res, err)
	}
	p := r.last(t)
	v := chk.Check(context.Background(), p.req, &p.resp)
	var warned []string
	for _, pr := range v.Request.Problems {
		warned = append(warned, pr.Where+" "+pr.Pointer+" "+pr.Severity)
	}
	if !v.OK() || strings.Join(warned, ",") != "header /Cerb-Auth warning,header /Cerb5-Auth warning" {
		t.Errorf("checker: OK %v, problems %q; want a conforming pair warned on both legacy headers", v.OK(), warned)
	}
}

// addHeaders adds h to every request, then sends it through next.
type addHeaders struct {
	next http.RoundTripper
	h    http.Header
}

func (a addHeaders) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, vs := range a.h {
		req.Header[k] = vs
	}
	return a.next.RoundTrip(req)
}
