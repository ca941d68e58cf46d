package cerb_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cerb-openapi/cerb-openapi/cerb"
)

var errCaptured = errors.New("captured, not sent")

// captureTransport keeps the request body and answers nothing: the fuzz target sends no
// traffic.
type captureTransport struct {
	n    int
	body []byte
}

func (c *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n++
	if req.Body != nil {
		c.body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	return nil, errCaptured
}

// wantInvalid checks that err is the clear error the client promises for a request it
// refuses: it matches ErrInvalidRequest, and a *FieldError names its field.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, cerb.ErrInvalidRequest) {
		t.Fatalf("%s: error %v (%T) does not match cerb.ErrInvalidRequest", what, err, err)
	}
	var fe *cerb.FieldError
	if !errors.As(err, &fe) || fe.Field == "" || !strings.Contains(err.Error(), fe.Field) {
		t.Fatalf("%s: error %q is not a *FieldError naming its field", what, err)
	}
}

// badMultiValue is a value the client refuses in a multi-value list: Cerb skips an empty
// value and reads a leading - or + as an operator.
func badMultiValue(s string) bool {
	return s == "" || s[0] == '-' || s[0] == '+' || !utf8.ValidString(s)
}

// FuzzCompose sends compose and reply requests built from fuzzed strings and integers
// (custom fields single, Multi, Add, Remove and Replace, file_id[] lists, empty strings,
// zeros, non-ASCII, invalid UTF-8) through Client.Compose and Client.Reply, parses what
// reached the wire with url.ParseQuery and requires every field and value back exactly,
// in order, or a *FieldError naming the field with nothing sent.
func FuzzCompose(f *testing.F) {
	f.Add("Subject", "Hello", "customer@example.com", "High", "billing", "bug", int64(1), int64(0), int64(5), int64(7), int64(1), int64(2), uint8(2), uint8(0xff))
	f.Add("", "", "", "", "", "", int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), uint8(0))
	f.Add("Grüße 日本 \u2028", "a&b=c;d%20+e", "x@y", "é", "\x00", "[]", int64(-1), int64(-9223372036854775808), int64(7), int64(7), int64(9223372036854775807), int64(-3), uint8(3), uint8(0x12))
	f.Add("\xff\xfe", "content", "no-at-sign", "\xc3", "v", "w", int64(42), int64(3), int64(12), int64(12), int64(1), int64(1), uint8(1), uint8(0x3d))
	f.Add("s", "c", "12", "1", "-2", "+3", int64(1), int64(4), int64(1000), int64(2000), int64(0), int64(5), uint8(7), uint8(0xc0))
	f.Fuzz(func(t *testing.T, s1, s2, s3, cf1, cf2, cf3 string, n1, n2, id1, id2, fa, fb int64, nFiles, flags uint8) {
		ids := []int64{fa, fb, 0, fa}[:nFiles%5]
		cid1, cid2 := int64(uint64(id1)%1000), int64(uint64(id2)%1000)
		multiVals := []string{cf2, cf3}
		if flags&32 != 0 {
			multiVals = nil // an empty list: refused
		}
		transport := &captureTransport{}
		c, err := cerb.New(cerb.Config{BaseURL: "https://cerb.example/rest", HTTPClient: &http.Client{Transport: transport}})
		if err != nil {
			t.Fatal(err)
		}

		// The custom fields: a single value, and a list whose kind depends on the operation
		// and on flags (compose: Multi; reply: Add, Remove or Replace).
		reply := flags&4 != 0
		fields := cerb.CustomFields{cid1: cerb.Single(cf1)}
		var list []string // as they must reach the wire
		raw := multiVals  // as given
		switch {
		case !reply:
			fields[cid2] = cerb.Multi(multiVals...)
			list = multiVals
		case flags&64 != 0:
			fields[cid2] = cerb.Remove(multiVals...)
			for _, v := range multiVals {
				list = append(list, "-"+v)
			}
		case flags&16 != 0:
			fields[cid2] = cerb.Replace([]string{cf1}, multiVals...)
			list = append([]string{"-" + cf1}, multiVals...)
			raw = append([]string{cf1}, multiVals...)
		default:
			fields[cid2] = cerb.Add(multiVals...)
			list = multiVals
		}
		want := url.Values{"content": {s2}}
		bad := s2 == "" || !utf8.ValidString(s2) || cid1 <= 0 || cid2 <= 0 || len(list) == 0
		if cid1 != cid2 {
			want["custom_"+strconv.FormatInt(cid1, 10)] = []string{cf1}
			bad = bad || !utf8.ValidString(cf1)
		}
		name := "custom_" + strconv.FormatInt(cid2, 10) + "[]"
		for _, v := range raw {
			bad = bad || badMultiValue(v)
		}
		for _, v := range list {
			want[name] = append(want[name], v)
		}
		if flags&1 != 0 {
			want["to"] = []string{s3}
			// An empty To is "not set" (not sent, below); any other must be an address.
			bad = bad || s3 != "" && (!utf8.ValidString(s3) || !strings.Contains(s3, "@"))
		}
		if flags&2 != 0 {
			want["owner_id"] = []string{strconv.FormatInt(n2, 10)}
			bad = bad || n2 < 0
		}
		for _, id := range ids {
			want["file_id[]"] = append(want["file_id[]"], strconv.FormatInt(id, 10))
			bad = bad || id < 1
		}
		to := ""
		if flags&1 != 0 {
			to = s3
			if s3 == "" {
				delete(want, "to") // an empty string is not sent
			}
		}
		owner := cerb.OptionalID{}
		if flags&2 != 0 {
			owner = cerb.ID(n2)
		}

		op := "Compose"
		if reply {
			op = "Reply"
			want["message_id"] = []string{strconv.FormatInt(n1, 10)}
			bad = bad || n1 < 1
			_, err = c.Reply(context.Background(), cerb.ReplyRequest{MessageID: n1, Content: s2, To: to, OwnerID: owner, FileIDs: ids, CustomFields: fields})
		} else {
			want["group_id"] = []string{strconv.FormatInt(n1, 10)}
			want["subject"] = []string{s1}
			bad = bad || n1 < 1 || s1 == "" || !utf8.ValidString(s1)
			_, err = c.Compose(context.Background(), cerb.ComposeRequest{GroupID: n1, Subject: s1, Content: s2, To: to, OwnerID: owner, FileIDs: ids, CustomFields: fields})
		}
		switch {
		case errors.Is(err, errCaptured):
			if bad {
				t.Fatalf("%s sent %q, want it refused", op, transport.body)
			}
			got, perr := url.ParseQuery(string(transport.body))
			if perr != nil {
				t.Fatalf("%s sent %q: %v", op, transport.body, perr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s sent %q\nparsed back %q\nwant        %q", op, transport.body, got, want)
			}
		case err == nil:
			t.Fatalf("%s: no error from a transport that always fails", op)
		default:
			if !bad {
				t.Fatalf("%s: unexpected error %v", op, err)
			}
			wantInvalid(t, op, err)
			if transport.n != 0 {
				t.Fatalf("%s refused the request (%v) but sent it anyway", op, err)
			}
		}
	})
}
