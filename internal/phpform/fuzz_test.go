package phpform_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/internal/phpform"
)

// jsonRoundTrip is what a generated union (customValue's From methods) holds for s: the
// generated code marshals with encoding/json, which turns invalid UTF-8 into U+FFFD before
// Encode ever sees the value. (cerb.Client's Compose and Reply reject such values.)
func jsonRoundTrip(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

var fuzzCustomKey = regexp.MustCompile(`^custom_[0-9]+(\[\])?$`)

// wantInvalid checks that err is the clear error Encode promises: a *FieldError (or
// an error matching ErrInvalidRequest) that names the field.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, phpform.ErrInvalidRequest) {
		t.Fatalf("%s: error %v (%T) does not match phpform.ErrInvalidRequest", what, err, err)
	}
	var fe *phpform.FieldError
	if errors.As(err, &fe) && (fe.Field == "" || !strings.Contains(err.Error(), fe.Field)) {
		t.Fatalf("%s: error %q does not name its field %q", what, err, fe.Field)
	}
}

func roundTrip(t *testing.T, what string, got url.Values, want url.Values) {
	t.Helper()
	parsed, err := url.ParseQuery(got.Encode())
	if err != nil {
		t.Fatalf("%s: url.ParseQuery(%q): %v", what, got.Encode(), err)
	}
	if !reflect.DeepEqual(parsed, want) {
		t.Fatalf("%s: encoded %q\nparsed back %q\nwant        %q", what, got.Encode(), parsed, want)
	}
}

// FuzzEncode builds compose and reply bodies from fuzzed strings and integers (custom
// fields single and multi, file_id[] lists, empty strings, zeros, non-ASCII, invalid UTF-8),
// encodes them with Encode, parses the result with url.ParseQuery and requires every
// field and value back exactly, or a clear error naming the field. (cerb's FuzzCompose
// does the same through cerb.Client.Compose.)
func FuzzEncode(f *testing.F) {
	f.Add("Subject", "Hello", "customer@example.com", "High", "billing", "bug", int64(1), int64(0), int64(5), int64(7), int64(1), int64(2), uint8(2), uint8(0xff))
	f.Add("", "", "", "", "", "", int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), uint8(0), uint8(0))
	f.Add("Grüße 日本 \u2028", "a&b=c;d%20+e", "x@y", "é", "\x00", "[]", int64(-1), int64(-9223372036854775808), int64(7), int64(7), int64(9223372036854775807), int64(-3), uint8(3), uint8(0x12))
	f.Add("\xff\xfe", "content", "no-at-sign", "\xc3", "v", "w", int64(42), int64(3), int64(12), int64(12), int64(1), int64(1), uint8(1), uint8(0x3d))
	f.Add("s", "c", "12", "1", "2", "3", int64(1), int64(4), int64(1000), int64(2000), int64(0), int64(5), uint8(7), uint8(0xc0))
	f.Fuzz(func(t *testing.T, s1, s2, s3, cf1, cf2, cf3 string, n1, n2, id1, id2, fa, fb int64, nFiles, flags uint8) {
		ids := []int64{fa, fb, 0, fa}[:nFiles%5]

		// Custom field keys: ids folded to 0..999 so that collisions happen; a fuzzed key
		// when flags&64 (usually not custom_<digits>: an error).
		key1 := "custom_" + strconv.FormatInt(int64(uint64(id1)%1000), 10)
		key2 := "custom_" + strconv.FormatInt(int64(uint64(id2)%1000), 10)
		if flags&16 != 0 {
			key2 += "[]"
		}
		if flags&64 != 0 {
			key1 = "custom_" + s3
		}
		multiVals := []string{cf2, cf3}
		if flags&32 != 0 {
			multiVals = nil // an empty multi-value field: an error
		}

		// 1. A compose form as oapi-codegen generates it with custom fields (customForm),
		// straight into Encode.
		{
			form := customForm{GroupId: n1, Subject: s1, Content: s2}
			want := url.Values{"group_id": {strconv.FormatInt(n1, 10)}, "subject": {s1}, "content": {s2}}
			bad := false
			if flags&1 != 0 {
				form.To = &s3
				want["to"] = []string{s3}
			}
			if flags&2 != 0 {
				owner := n2 // 0 is sent when set
				form.OwnerId = &owner
				want["owner_id"] = []string{strconv.FormatInt(n2, 10)}
			}
			if flags&4 != 0 {
				st := api.TicketStatusCode(uint64(n2) % 5)
				form.Status = &st
				want["status"] = []string{strconv.Itoa(int(st))}
				bad = bad || !st.Valid()
			}
			if len(ids) > 0 || flags&8 != 0 {
				list := append(api.FileIDs{}, ids...)
				form.FileId = &list // an empty list sends nothing
				for _, id := range ids {
					want["file_id[]"] = append(want["file_id[]"], strconv.FormatInt(id, 10))
				}
			}
			if flags&128 != 0 {
				m := map[string]customValue{}
				var v1, v2 customValue
				if err := v1.FromString(cf1); err != nil {
					t.Fatal(err)
				}
				if err := v2.FromStrings(append([]string{}, multiVals...)); err != nil {
					t.Fatal(err)
				}
				m[key1] = v1
				m[key2] = v2 // may replace key1's value
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				bases := map[string]bool{}
				for _, k := range keys {
					base := strings.TrimSuffix(k, "[]")
					if !fuzzCustomKey.MatchString(k) || bases[base] {
						bad = true
						continue
					}
					bases[base] = true
					if k == key2 { // the multi value
						if len(multiVals) == 0 {
							bad = true
						}
						for _, s := range multiVals {
							want[base+"[]"] = append(want[base+"[]"], jsonRoundTrip(s))
						}
					} else {
						want[k] = []string{jsonRoundTrip(cf1)}
					}
				}
				form.AdditionalProperties = m
			}
			got, err := phpform.Encode(form)
			switch {
			case err != nil && !bad:
				t.Fatalf("compose form: unexpected error %v", err)
			case err != nil:
				wantInvalid(t, "compose form", err)
			case bad:
				t.Fatalf("compose form: encoded %q, want an error", got.Encode())
			default:
				roundTrip(t, "compose form", got, want)
			}
		}

		// 2. A generated ReplyToTicketForm: flags as 0/1 (others are errors), pointers to zero.
		{
			dontSend := api.Flag(uint64(fa) % 3)
			form := api.ReplyToTicketForm{MessageId: n2, Content: s1, Subject: &s2, GroupId: &n1, DontSend: &dontSend, FileId: &ids}
			want := url.Values{"message_id": {strconv.FormatInt(n2, 10)}, "content": {s1}, "subject": {s2}, "group_id": {strconv.FormatInt(n1, 10)}, "dont_send": {strconv.Itoa(int(dontSend))}}
			for _, id := range ids {
				want["file_id[]"] = append(want["file_id[]"], strconv.FormatInt(id, 10))
			}
			if flags&1 != 0 {
				form.ReopenAt, form.SendAt = &cf1, &cf2
				want["reopen_at"], want["send_at"] = []string{cf1}, []string{cf2}
			}
			got, err := phpform.Encode(&form)
			switch {
			case err != nil && dontSend.Valid():
				t.Fatalf("reply form: unexpected error %v", err)
			case err != nil:
				wantInvalid(t, "reply form", err)
			case !dontSend.Valid():
				t.Fatalf("reply form: dont_send=%d encoded as %q, want an error", dontSend, got.Encode())
			default:
				roundTrip(t, "reply form", got, want)
			}
		}
	})
}
