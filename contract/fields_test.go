package contract_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

func TestFormFields(t *testing.T) {
	tests := []struct {
		name, ct, body string
		want           []contract.FormField
		err            bool
		notForm        bool
	}{
		{name: "empty", want: nil},
		{name: "url-encoded, PHP split", ct: "application/x-www-form-urlencoded; charset=utf-8", body: "a=1&b=x+y&a=2&&c",
			want: []contract.FormField{{"a", "1"}, {"b", "x y"}, {"a", "2"}, {"c", ""}}},
		{name: "malformed pair kept apart", ct: "application/x-www-form-urlencoded", body: "a=%zz&b=1",
			want: []contract.FormField{{"b", "1"}}, err: true},
		{name: "multipart", ct: "multipart/form-data; boundary=B", body: "--B\r\nContent-Disposition: form-data; name=\"custom_7[]\"\r\n\r\nv\r\n--B--\r\n",
			want: []contract.FormField{{"custom_7[]", "v"}}},
		{name: "JSON is not a form", ct: "application/json", body: `{"a":1}`, err: true, notForm: true},
		{name: "bad Content-Type", ct: "a/b; =", body: "x", err: true, notForm: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := contract.FormFields(tt.ct, []byte(tt.body))
			if (err != nil) != tt.err || errors.Is(err, contract.ErrNotForm) != tt.notForm {
				t.Errorf("err = %v, want error %v (not a form: %v)", err, tt.err, tt.notForm)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("fields = %q, want %q", got, tt.want)
			}
		})
	}
}
