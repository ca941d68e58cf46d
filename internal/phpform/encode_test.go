package api_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/api"
)

func ptr[T any](v T) *T { return &v }

func single(t *testing.T, s string) api.CustomFieldValue {
	t.Helper()
	var v api.CustomFieldValue
	if err := v.FromCustomFieldValue0(s); err != nil {
		t.Fatal(err)
	}
	return v
}

func multi(t *testing.T, s ...string) api.CustomFieldValue {
	t.Helper()
	var v api.CustomFieldValue
	if err := v.FromCustomFieldValue1(append([]string{}, s...)); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEncodeForm(t *testing.T) {
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
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{
				"custom_5": single(t, "High"),
				"custom_7": multi(t, "billing", "bug"),
			}
			return f
		}, "content=c&custom_5=High&custom_7%5B%5D=billing&custom_7%5B%5D=bug&group_id=1&subject=s"},
		{"custom key already with []", func() any {
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{"custom_7[]": single(t, "bug")}
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
			got, err := api.EncodeForm(tt.body())
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
func TestEncodeFormRejects(t *testing.T) {
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
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{"status2": single(t, "x")}
			return f
		}},
		{"custom value never set", "custom_5", func() any {
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{"custom_5": {}}
			return f
		}},
		{"empty multi-value", "custom_7[]", func() any {
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{"custom_7": multi(t)}
			return f
		}},
		{"custom field given twice", "custom_7[]", func() any {
			f := minimal()
			f.AdditionalProperties = map[string]api.CustomFieldValue{"custom_7": single(t, "a"), "custom_7[]": single(t, "b")}
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
			_, err := api.EncodeForm(tt.body())
			var fe *api.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FieldError", err)
			}
			if fe.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if !errors.Is(err, api.ErrInvalidRequest) {
				t.Errorf("errors.Is(err, ErrInvalidRequest) = false")
			}
		})
	}
	for _, body := range []any{nil, (*api.ComposeTicketForm)(nil), "text", 1} {
		if _, err := api.EncodeForm(body); !errors.Is(err, api.ErrInvalidRequest) {
			t.Errorf("EncodeForm(%#v) err = %v, want ErrInvalidRequest", body, err)
		}
	}
}

// The template override must stay upstream's client.tmpl with exactly one line changed,
// and the generated file must really use it.
func TestClientTemplateMatchesUpstream(t *testing.T) {
	// go test downloads only what the packages under test import, not the generator: a
	// fresh module cache lacks it, so fetch it (the version go.mod pins) when it is missing.
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/oapi-codegen/oapi-codegen/v2").Output()
	if err != nil {
		t.Fatalf("go mod download oapi-codegen: %v\n%s", err, out)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download oapi-codegen: no module folder (%v %s)\n%s", err, mod.Error, out)
	}
	dir := mod.Dir
	upstream, err := os.ReadFile(filepath.Join(dir, "pkg", "codegen", "templates", "client.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile(filepath.Join("templates", "client.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	up, our := strings.Split(string(upstream), "\n"), strings.Split(string(ours), "\n")
	if len(up) != len(our) {
		t.Fatalf("templates/client.tmpl has %d lines, upstream %d: re-copy it and change only the MarshalForm line", len(our), len(up))
	}
	const from, to = "bodyStr, err := runtime.MarshalForm(body, nil)", "bodyStr, err := EncodeForm(body)"
	changed := 0
	for i := range up {
		if up[i] == our[i] {
			continue
		}
		changed++
		if strings.TrimSpace(up[i]) != from || strings.TrimSpace(our[i]) != to || strings.Replace(up[i], from, to, 1) != our[i] {
			t.Errorf("line %d differs from upstream beyond the EncodeForm change:\nupstream: %s\nours:     %s", i+1, up[i], our[i])
		}
	}
	if changed != 1 {
		t.Errorf("%d lines differ from upstream, want exactly 1 (the EncodeForm call)", changed)
	}
	gen, err := os.ReadFile("cerb.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(gen), "EncodeForm(body)"); n < 2 {
		t.Errorf("cerb.gen.go calls EncodeForm(body) %d times, want one per form operation (2): regenerate with go generate ./", n)
	}
	if strings.Contains(string(gen), "runtime.MarshalForm") {
		t.Error("cerb.gen.go still calls runtime.MarshalForm")
	}
}
