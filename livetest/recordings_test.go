//go:build live

package livetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/contract"
	"github.com/cerb-openapi/cerb-openapi/expect"
	"github.com/cerb-openapi/cerb-openapi/har"
)

// TestLiveRecordings re-sends every compose and reply request of the bundled recordings
// (contract_test/testdata, copies of ../shared/recordings) to the live server, with the
// ids of records the recordings made remapped to records made now (the reply fixture's
// message 56, message 25 of the ticket with an attachment, message 96 in group Sales,
// attachments 1 and 2), absolute send_at/reopen_at times moved by the time since the
// recording, and real credentials (legacy requests signed again). It requires the
// recorded outcome: __status, the error message, ticket or draft, and the ticket's
// status; and the verdict of the contract checker on the live pair must be the one
// contract_test/testdata/manifest.json expects of the recorded pair. A difference means
// the recordings, the spec or the server moved: the failure names the case.
//
// The recorded requests mail their recipients (customer@example.com and the like): the
// test runs only with the kit's SMTP sink.
func TestLiveRecordings(t *testing.T) {
	k, _, c := setup(t)
	k.needSMTP(t)
	dir := filepath.Join("..", "contract_test", "testdata")
	man, err := expect.Load(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	chk, err := contract.NewChecker(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// The records the recordings used, made again.
	m := marker()
	files := map[string]int64{"1": k.upload(t, m+"-notes.txt", "notes "+m), "2": k.upload(t, m+"-pixel.txt", "pixel "+m)}
	msgs := map[string]int64{
		"56": compose(t, c, cerb.ComposeRequest{Subject: "Reply fixture " + m, To: "customer@example.com"}).InitialMessageID,
		"25": compose(t, c, cerb.ComposeRequest{Subject: "Attachment fixture " + m, DontSend: true, FileIDs: []int64{files["1"]}}).InitialMessageID,
		"96": compose(t, c, cerb.ComposeRequest{GroupID: 2, Subject: "Sales fixture " + m, DontSend: true}).InitialMessageID,
	}
	tokens := map[string]string{
		"Bearer REDACTED": "Bearer " + k.token, "Bearer REDACTED-JANE-TOKEN": "Bearer " + k.jane,
		"Bearer REDACTED-READONLY-SCOPE-TOKEN": "Bearer " + k.ro,
		"Bearer REDACTED-TAMPERED-SIGNATURE":   "Bearer " + tamper(k.token),
		"Basic REDACTED":                       "Basic " + base64.StdEncoding.EncodeToString([]byte("admin@cerb.example:wrong")),
		"Bearer not-a-real-token":              "Bearer not-a-real-token",
		"Bearer ":                              "Bearer ",
	}
	reMsg := regexp.MustCompile(`(^|&)(message_id=)(\d+)`)
	reFile := regexp.MustCompile(`(file_id(?:%5B%5D|\[\])=)(\d+)`)
	reTime := regexp.MustCompile(`((?:^|&)(?:send_at=%40|send_at=|reopen_at=))(\d{9,11})`)

	for _, name := range []string{"compose-ok.har", "compose-errors.har", "reply-ok.har", "reply-errors.har", "auth-errors.har"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		log, err := har.ReadAll(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]expect.Expectation{}
		for _, e := range man.Files[name] {
			want[e.Entry] = e
		}
		for i, e := range log.Entries {
			cs, _, _ := strings.Cut(e.Comment, ":")
			t.Run(fmt.Sprintf("%s#%d %s", name, i, cs), func(t *testing.T) {
				recorded, err := time.Parse(time.RFC3339, e.StartedDateTime)
				if err != nil {
					t.Fatalf("startedDateTime %q: %v", e.StartedDateTime, err)
				}
				shift := time.Since(recorded).Truncate(time.Second)
				body, err := e.Request.Body()
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(e.Request.PostData.MimeType, "json") {
					s := string(body)
					s = reMsg.ReplaceAllStringFunc(s, func(x string) string {
						g := reMsg.FindStringSubmatch(x)
						if id, ok := msgs[g[3]]; ok {
							return g[1] + g[2] + strconv.FormatInt(id, 10)
						}
						return x
					})
					s = reFile.ReplaceAllStringFunc(s, func(x string) string {
						g := reFile.FindStringSubmatch(x)
						if id, ok := files[g[2]]; ok {
							return g[1] + strconv.FormatInt(id, 10)
						}
						return x
					})
					s = reTime.ReplaceAllStringFunc(s, func(x string) string {
						g := reTime.FindStringSubmatch(x)
						n, _ := strconv.ParseInt(g[2], 10, 64)
						return g[1] + strconv.FormatInt(n+int64(shift/time.Second), 10)
					})
					body = []byte(s)
				}
				u, err := url.Parse(e.Request.URL)
				if err != nil {
					t.Fatal(err)
				}
				target := k.base + strings.TrimPrefix(u.Path, "/rest")
				if u.RawQuery != "" {
					target += "?" + u.RawQuery
				}
				req, err := http.NewRequest(e.Request.Method, target, bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				signed, date := false, time.Now().UTC()
				for _, h := range e.Request.Headers {
					switch http.CanonicalHeaderKey(h.Name) {
					case "Date": // legacy signing: the same age as when recorded
						if d, err := http.ParseTime(h.Value); err == nil {
							date = d.Add(shift).UTC()
						}
					case "Host", "Content-Length":
					case "Authorization":
						v, ok := tokens[h.Value]
						if !ok {
							t.Fatalf("Authorization %q: no live credential for it", h.Value)
						}
						req.Header.Set("Authorization", v)
					case "Cerb-Auth", "Cerb5-Auth":
						signed = true
					default:
						req.Header.Add(h.Name, h.Value)
					}
				}
				if signed {
					secret := k.secret
					if strings.Contains(cs, "bad-signature") {
						secret = "wrong-secret"
					}
					d := date.Format(http.TimeFormat)
					req.Header.Set("Date", d)
					req.Header.Set("Cerb-Auth", cerb.LegacySignature(k.key, secret, req.Method, d, req.URL.EscapedPath(), req.URL.RawQuery, body))
				}
				resp, err := (&http.Client{Timeout: 120 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}

				was, now := outcome(e.Response.Status, []byte(e.Response.Content.Text)), outcome(resp.StatusCode, got)
				t.Logf("recorded: %s; live: %s", was, now)
				if was != now {
					t.Errorf("%s: recorded %s, the live server now gives %s\nsent: %.300s\nlive answer: %.300s", cs, was, now, body, got)
				}

				res := chk.Check(context.Background(), contract.Request{Method: req.Method, URL: req.URL.String(), Header: req.Header, Body: body},
					&contract.Response{Status: resp.StatusCode, Header: resp.Header, Body: got})
				obs := expect.Observed(contract.EntryResult{File: name, Entry: i, Comment: e.Comment, Method: req.Method, URL: req.URL.String(), Result: res})
				if w, ok := want[i]; !ok {
					t.Errorf("%s#%d is not in the manifest", name, i)
				} else if obs.Operation != w.Operation || !slices.Equal(obs.Request, w.Request) || !slices.Equal(obs.Response, w.Response) {
					t.Errorf("%s: the contract's verdict on the live pair is %s request %q response %q; the manifest expects %s %q %q of the recording",
						cs, obs.Operation, obs.Request, obs.Response, w.Operation, w.Request, w.Response)
				}
			})
		}
	}
}

// outcome is what the recordings promise of a response: the HTTP status, __status,
// ticket or draft, the ticket's status, and the error message (ids in it replaced).
func outcome(status int, body []byte) string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Sprintf("HTTP %d, not JSON", status)
	}
	s := fmt.Sprintf("HTTP %d %v", status, m["__status"])
	switch m["_context"] {
	case "cerberusweb.contexts.ticket":
		s += fmt.Sprintf(" ticket status=%v", m["status"])
	case "cerberusweb.contexts.mail.draft":
		s += " draft"
	case nil:
	default:
		s += fmt.Sprintf(" %v", m["_context"])
	}
	if msg, ok := m["message"].(string); ok {
		s += fmt.Sprintf(" %v %q", m["__error"], regexp.MustCompile(`[0-9]+`).ReplaceAllString(msg, "N"))
	}
	return s
}

// tamper changes one character inside a JWT's signature (not the last one, whose low
// bits may be padding that decodes to the same bytes).
func tamper(jwt string) string {
	if len(jwt) < 8 {
		return jwt + "x"
	}
	b := []byte(jwt)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
