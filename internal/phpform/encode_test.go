package phpform_test

import (
	"errors"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/api"
	"github.com/cerb-openapi/cerb-openapi/internal/phpform"
)

func ptr[T any](v T) *T { return &v }

func single(t *testing.T, s string) customValue {
	t.Helper()
	var v customValue
	if err := v.FromString(s); err != nil {
		t.Fatal(err)
	}
	return v
}

func multi(t *testing.T, s ...string) customValue {
	t.Helper()
	var v customValue
	if err := v.FromStrings(append([]string{}, s...)); err != nil {
		t.Fatal(err)
	}
	return v
}

// customMinimal is a minimal compose form with custom fields (see customForm).
func customMinimal() customForm { return customForm{GroupId: 1, Subject: "s", Content: "c"} }

func TestEncode(t *testing.T) {
	minimal := func() api.ComposeTicketForm {
		return api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c"}
	}
	tests := []struct {
		name string
		body func() any
		want string
	}{
		{"required only", func() any { return minimal() },
			"content=c&group_id=1&subject=s"},
		{"pointer to the body", func() any { f := minimal(); return &f },
			"content=c&group_id=1&subject=s"},
		{"file_id[] repeated, never file_id[][0]", func() any {
			f := minimal()
			f.FileId = &api.FileIDs{1, 2}
			return f
		}, "content=c&file_id%5B%5D=1&file_id%5B%5D=2&group_id=1&subject=s"},
		{"empty file_id[] sends nothing", func() any {
			f := minimal()
			f.FileId = &api.FileIDs{}
			return f
		}, "content=c&group_id=1&subject=s"},
		{"status 0 and owner_id 0 are sent when set", func() any {
			f := minimal()
			f.Status = ptr(api.TicketStatusCodeOpen)
			f.OwnerId = ptr[int64](0)
			return f
		}, "content=c&group_id=1&owner_id=0&status=0&subject=s"},
		{"flags as 0/1", func() any {
			f := minimal()
			f.DontSend = ptr(api.FlagYes)
			f.ShowMetaField = ptr(api.FlagNo)
			return f
		}, "content=c&dont_send=1&group_id=1&show_meta=0&subject=s"},
		{"custom fields at top level, multi with []", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{
				"custom_5": single(t, "High"),
				"custom_7": multi(t, "billing", "bug"),
			}
			return f
		}, "content=c&custom_5=High&custom_7%5B%5D=billing&custom_7%5B%5D=bug&group_id=1&subject=s"},
		{"custom key already with []", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{"custom_7[]": single(t, "bug")}
			return f
		}, "content=c&custom_7%5B%5D=bug&group_id=1&subject=s"},
		{"reopen_at and send_at as given", func() any {
			f := minimal()
			f.ReopenAt = ptr("1795862801")
			f.SendAt = ptr("@1795783602")
			return f
		}, "content=c&group_id=1&reopen_at=1795862801&send_at=%401795783602&subject=s"},
		{"reply: message_id, status, expand field", func() any {
			return api.ReplyToTicketForm{MessageId: 56, Content: "x", Status: ptr(api.TicketStatusCodeWaiting), ExpandFields: ptr("custom_")}
		}, "content=x&expand=custom_&message_id=56&status=1"},
		{"a plain struct: form tag wins, bool as 1", func() any {
			return struct {
				A    string `form:"a" json:"x"`
				B    bool   `json:"b"`
				Skip string `json:"-"`
				Zero int    `json:"zero,omitempty"`
			}{A: "1", B: true, Skip: "no"}
		}, "a=1&b=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := phpform.Encode(tt.body())
			if err != nil {
				t.Fatal(err)
			}
			if got.Encode() != tt.want {
				t.Errorf("got  %s\nwant %s", got.Encode(), tt.want)
			}
		})
	}
}

// Nothing set is ever dropped: what cannot be represented is an error naming the field.
func TestEncodeRejects(t *testing.T) {
	minimal := func() api.ComposeTicketForm {
		return api.ComposeTicketForm{GroupId: 1, Subject: "s", Content: "c"}
	}
	tests := []struct {
		name, field string
		body        func() any
	}{
		{"flag outside 0/1", "dont_send", func() any { f := minimal(); f.DontSend = ptr(api.Flag(2)); return f }},
		{"status outside enum", "status", func() any { f := minimal(); f.Status = ptr(api.TicketStatusCode(9)); return f }},
		{"content_format outside enum", "content_format", func() any {
			f := minimal()
			f.ContentFormat = ptr(api.ContentFormat("rtf"))
			return f
		}},
		{"extra key that is not a custom field", "status2", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{"status2": single(t, "x")}
			return f
		}},
		{"custom value never set", "custom_5", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{"custom_5": {}}
			return f
		}},
		{"empty multi-value", "custom_7[]", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{"custom_7": multi(t)}
			return f
		}},
		{"custom field given twice", "custom_7[]", func() any {
			f := customMinimal()
			f.AdditionalProperties = map[string]customValue{"custom_7": single(t, "a"), "custom_7[]": single(t, "b")}
			return f
		}},
		{"list without [] in its name", "ids", func() any {
			return struct {
				IDs []int `json:"ids"`
			}{IDs: []int{1}}
		}},
		{"nested object", "m", func() any {
			return struct {
				M map[string]string `json:"m"`
			}{M: map[string]string{"a": "b"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := phpform.Encode(tt.body())
			var fe *phpform.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FieldError", err)
			}
			if fe.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if !errors.Is(err, phpform.ErrInvalidRequest) {
				t.Errorf("errors.Is(err, ErrInvalidRequest) = false")
			}
		})
	}
	for _, body := range []any{nil, (*api.ComposeTicketForm)(nil), "text", 1} {
		if _, err := phpform.Encode(body); !errors.Is(err, phpform.ErrInvalidRequest) {
			t.Errorf("Encode(%#v) err = %v, want ErrInvalidRequest", body, err)
		}
	}
}
