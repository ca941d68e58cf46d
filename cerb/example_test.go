package api_test

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

	"github.com/cerb-openapi/cerb-openapi/api"
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

	c, err := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: api.Bearer("my-oauth-token")})
	if err != nil {
		panic(err)
	}
	res, err := c.Compose(context.Background(), api.ComposeRequest{
		GroupID: 1,
		To:      "customer@example.com",
		Subject: "Minimal compose",
		Content: "Hello, this is a minimal compose.",
	})
	if err != nil {
		panic(err)
	}
	t := res.Ticket
	fmt.Println(t.ID, t.Mask, t.Status, t.SubjectText())
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

	c, _ := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: api.Bearer("my-oauth-token")})
	res, err := c.Compose(context.Background(), api.ComposeRequest{
		GroupID: 1, To: "customer@example.com", Subject: "Scheduled (@unix)", Content: "Later.",
		SendAt: api.At(time.Unix(1795783602, 0)), // or api.Text("+1 day")
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

	c, _ := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: api.Bearer("my-oauth-token")})
	t, err := c.Reply(context.Background(), api.ReplyRequest{
		MessageID: 56,
		Content:   "Set waiting.",
		Status:    api.Status(api.StatusWaiting), // without Status the reply REOPENS the ticket
		OwnerID:   api.ID(0),                     // unassign; leave unset to keep the owner
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Status, t.StatusID, t.LatestMessageID)
	// Output:
	// content=Set+waiting.&message_id=56&owner_id=0&status=1
	// waiting 1 60
}

func ExampleCustomFields() {
	srv := fakeCerbFor("compose-ok.har", "compose-custom-fields-all-expand", func(_ *http.Request, body string) {
		fmt.Println(body)
	})
	defer srv.Close()

	c, _ := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: api.Bearer("my-oauth-token")})
	res, err := c.Compose(context.Background(), api.ComposeRequest{
		GroupID: 1, Subject: "Custom fields", Content: "x",
		CustomFields: api.CustomFields{
			4: api.Single("High"),
			6: api.Checkbox(true),
			7: api.Multi("billing", "bug"),
		},
		Expand: []string{"custom_"}, // echo them back
	})
	if err != nil {
		panic(err)
	}
	v, _ := res.Ticket.Custom(7)
	fmt.Printf("custom_7 = %q\n", v)
	// Output:
	// content=x&custom_4=High&custom_6=1&custom_7%5B%5D=billing&custom_7%5B%5D=bug&group_id=1&subject=Custom+fields
	// custom_7 = "billing, bug"
}

func ExampleAPIError() {
	srv := fakeCerbFor("compose-errors.har", "compose-group-nonexistent", nil)
	defer srv.Close()

	c, _ := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: api.Bearer("my-oauth-token")})
	_, err := c.Compose(context.Background(), api.ComposeRequest{GroupID: 999, Subject: "s", Content: "c"})

	var apiErr *api.APIError
	var unexpected *api.UnexpectedResponseError
	switch {
	case errors.As(err, &apiErr) && apiErr.Unauthorized():
		fmt.Println("check the token")
	case errors.As(err, &apiErr):
		fmt.Println(apiErr.HTTPStatus, apiErr.Code, apiErr.Message)
	case errors.As(err, &unexpected):
		fmt.Println("not Cerb:", unexpected.BodyStart)
	case errors.Is(err, api.ErrInvalidRequest):
		fmt.Println("fix the request:", err)
	}
	fmt.Println(err)

	// Refused before anything is sent: Cerb would mail at once on a bare timestamp.
	_, err = c.Compose(context.Background(), api.ComposeRequest{GroupID: 1, Subject: "s", Content: "c", SendAt: api.Text("1795783602")})
	var fieldErr *api.FieldError
	fmt.Println(errors.As(err, &fieldErr), fieldErr.Field)
	// Output:
	// 200 ERROR The given 'group_id' parameter is invalid
	// api: compose: cerb error ERROR: The given 'group_id' parameter is invalid (HTTP 200, Cerb 10.4.10 build 2024030901)
	// true send_at
}

func ExampleLegacy() {
	const accessKey, secret = "pjlfmn339fgh", "fw4y9fjjd5tqjlsk3u9zkjjr154xbftc"
	srv := fakeCerbFor("reply-ok.har", "reply-legacy-cerb-auth", func(r *http.Request, body string) {
		// What the server does: recompute the signature from the request as received.
		want := api.CerbAuthSignature(accessKey, secret, r.Method, r.Header.Get("X-Date"), r.URL.EscapedPath(), r.URL.RawQuery, []byte(body))
		fmt.Println("signature valid:", r.Header.Get("Cerb-Auth") == want)
	})
	defer srv.Close()

	auth := api.Legacy(accessKey, secret)
	fmt.Println(auth) // secrets never print
	c, _ := api.New(api.Config{BaseURL: srv.URL + "/rest", Auth: auth})
	t, err := c.Reply(context.Background(), api.ReplyRequest{MessageID: 56, Content: "Signed legacy reply."})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.ID)
	// Output:
	// api.Legacy(REDACTED)
	// signature valid: true
	// 56
}

func ExampleEncodeForm() {
	ids := api.FileIDs{1, 2}
	status := api.TicketStatusCodeOpen
	form := api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c", FileId: &ids, Status: &status}
	form.AdditionalProperties = map[string]api.CustomFieldValue{}
	var v api.CustomFieldValue
	_ = v.FromCustomFieldValue1([]string{"a", "b"})
	form.Set("custom_7", v)
	vals, err := api.EncodeForm(form)
	if err != nil {
		panic(err)
	}
	fmt.Println(vals.Encode())
	// Output:
	// content=c&custom_7%5B%5D=a&custom_7%5B%5D=b&file_id%5B%5D=1&file_id%5B%5D=2&group_id=1&status=0&subject=s
}
