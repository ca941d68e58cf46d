package cerb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
)

// fakeCerbFor serves one recorded response (testdata/*.har) under /rest, and calls see
// with each request's form body. A request or response that breaks the contract prints a
// line, which fails the example's Output.
func fakeCerbFor(file, caseID string, see func(r *http.Request, body string)) *httptest.Server {
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		panic(err)
	}
	var h struct{ Log struct{ Entries []harEntry } }
	if err := json.Unmarshal(b, &h); err != nil {
		panic(err)
	}
	var e harEntry
	for _, x := range h.Log.Entries {
		if strings.HasPrefix(x.Comment, caseID+":") {
			e = x
		}
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if see != nil {
			see(r, string(body))
		}
		checkerOnce.Do(func() { checker, checkerErr = contract.NewChecker(context.Background()) })
		if checkerErr != nil {
			fmt.Println("CONTRACT CHECKER:", checkerErr)
		} else {
			u := *r.URL
			u.Scheme, u.Host = "http", r.Host
			res := checker.Check(r.Context(), contract.Request{Method: r.Method, URL: u.String(), Header: r.Header, Body: body},
				&contract.Response{Status: e.Response.Status, Header: http.Header{"Content-Type": {e.Response.Content.MimeType}}, Body: []byte(e.Response.Content.Text)})
			if !res.OK() {
				fmt.Printf("CONTRACT: %+v\n", res)
			}
		}
		w.Header().Set("Content-Type", e.Response.Content.MimeType)
		w.WriteHeader(e.Response.Status)
		io.WriteString(w, e.Response.Content.Text)
	}))
}

func ExampleClient_Compose() {
	srv := fakeCerbFor("compose-ok.har", "compose-minimal", nil)
	defer srv.Close()

	c, err := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	if err != nil {
		panic(err)
	}
	res, err := c.Compose(context.Background(), cerb.ComposeRequest{
		GroupID: 1,
		To:      "customer@example.com",
		Subject: "Minimal compose",
		Content: "Hello, this is a minimal compose.",
	})
	if err != nil {
		panic(err)
	}
	t := res.Ticket
	fmt.Println(t.ID, t.Mask, t.Status, t.Subject)
	fmt.Println("reply to message", t.InitialMessageID)
	// Output:
	// 2 ZAA-87972-656 open Minimal compose
	// reply to message 2
}

func ExampleClient_Compose_scheduled() {
	srv := fakeCerbFor("compose-ok.har", "compose-send-at-future-at-unix", func(_ *http.Request, body string) {
		v, _ := url.ParseQuery(body)
		fmt.Println("send_at =", v.Get("send_at"))
	})
	defer srv.Close()

	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	res, err := c.Compose(context.Background(), cerb.ComposeRequest{
		GroupID: 1, To: "customer@example.com", Subject: "Scheduled (@unix)", Content: "Later.",
		SendAt: cerb.At(time.Unix(1795783602, 0)), // or cerb.TimeText("+1 day")
	})
	if err != nil {
		panic(err)
	}
	if res.Queued() {
		fmt.Println("queued as draft", res.Draft.ID, res.Draft.Kind)
	}
	// Output:
	// send_at = @1795783602
	// queued as draft 2 mail.compose
}

func ExampleClient_Reply() {
	srv := fakeCerbFor("reply-ok.har", "reply-status-1", func(_ *http.Request, body string) {
		fmt.Println(body)
	})
	defer srv.Close()

	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	t, err := c.Reply(context.Background(), cerb.ReplyRequest{
		MessageID: 56,
		Content:   "Set waiting.",
		Status:    cerb.StatusWaiting, // without Status the reply REOPENS the ticket
		OwnerID:   cerb.ID(0),         // unassign; leave unset to keep the owner
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Status, t.LatestMessageID)
	// Output:
	// content=Set+waiting.&message_id=56&owner_id=0&status=1
	// waiting 60
}

func ExampleCustomFields() {
	srv := fakeCerbFor("compose-ok.har", "compose-custom-fields-all-expand", func(_ *http.Request, body string) {
		fmt.Println(body)
	})
	defer srv.Close()

	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	res, err := c.Compose(context.Background(), cerb.ComposeRequest{
		GroupID: 1, Subject: "Custom fields", Content: "x",
		CustomFields: cerb.CustomFields{
			4: cerb.Single("High"),
			6: cerb.Checkbox(true),
			7: cerb.Multi("billing", "bug"),
		},
		Expand: []string{"custom_"}, // echo them back
	})
	if err != nil {
		panic(err)
	}
	v, _ := res.Ticket.Custom(7)
	fmt.Printf("custom 7: %q\n", v)
	// Output:
	// content=x&custom_4=High&custom_6=1&custom_7%5B%5D=billing&custom_7%5B%5D=bug&group_id=1&subject=Custom+fields
	// custom 7: ["billing" "bug"]
}

func ExampleAPIError() {
	srv := fakeCerbFor("compose-errors.har", "compose-group-nonexistent", nil)
	defer srv.Close()

	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	_, err := c.Compose(context.Background(), cerb.ComposeRequest{GroupID: 999, Subject: "s", Content: "c"})

	var apiErr *cerb.APIError
	var unexpected *cerb.UnexpectedResponseError
	switch {
	case errors.As(err, &apiErr) && apiErr.Unauthorized():
		fmt.Println("check the token")
	case errors.As(err, &apiErr):
		fmt.Println(apiErr.HTTPStatus, apiErr.Code, apiErr.Message)
	case errors.As(err, &unexpected):
		fmt.Println("not Cerb:", unexpected.BodyStart)
	case errors.Is(err, cerb.ErrInvalidRequest):
		fmt.Println("fix the request:", err)
	}
	fmt.Println(err)

	// Refused before anything is sent: Cerb would mail at once on a bare timestamp.
	_, err = c.Compose(context.Background(), cerb.ComposeRequest{GroupID: 1, Subject: "s", Content: "c", SendAt: cerb.TimeText("1795783602")})
	var fieldErr *cerb.FieldError
	fmt.Println(errors.As(err, &fieldErr), fieldErr.Field)
	// Output:
	// 200 ERROR The given 'group_id' parameter is invalid
	// cerb: compose: Cerb answered ERROR: The given 'group_id' parameter is invalid (HTTP 200, Cerb 10.4.10 build 2024030901)
	// true send_at
}

func ExampleLegacy() {
	const accessKey, secret = "pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc"
	srv := fakeCerbFor("reply-ok.har", "reply-legacy-cerb-auth", func(r *http.Request, body string) {
		// What the server does: recompute the signature from the request as received.
		want := cerb.LegacySignature(accessKey, secret, r.Method, r.Header.Get("X-Date"), r.URL.EscapedPath(), r.URL.RawQuery, []byte(body))
		fmt.Println("signature valid:", r.Header.Get("Cerb-Auth") == want)
	})
	defer srv.Close()

	auth := cerb.Legacy(accessKey, secret)
	fmt.Println(auth) // secrets never print
	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: auth})
	t, err := c.Reply(context.Background(), cerb.ReplyRequest{MessageID: 56, Content: "Signed legacy reply."})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.ID)
	// Output:
	// cerb.Legacy(REDACTED)
	// signature valid: true
	// 56
}

func ExampleReplace() {
	srv := fakeCerbFor("reply-ok.har", "reply-custom-fields", func(_ *http.Request, body string) {
		b, _ := url.QueryUnescape(body)
		fmt.Println(b)
	})
	defer srv.Close()

	c, _ := cerb.New(cerb.Config{BaseURL: srv.URL + "/rest", Auth: cerb.Bearer("my-oauth-token")})
	// What custom field 7 (multiple checkboxes) holds now: from ticket.Custom(7) after a
	// compose or reply with Expand: []string{"custom_"}.
	stored := []string{"billing", "bug"}
	_, err := c.Reply(context.Background(), cerb.ReplyRequest{
		MessageID: 56, Content: "Retagged.", Status: cerb.StatusOpen,
		CustomFields: cerb.CustomFields{
			7: cerb.Replace(stored, "feature"), // or cerb.Add("feature"), cerb.Remove("bug")
		},
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// content=Retagged.&custom_7[]=-billing&custom_7[]=-bug&custom_7[]=feature&message_id=56&status=0
}
