package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/customfields"
	"github.com/cerb-openapi/cerb-openapi/internal/kitanswers"
)

const kitOverlay = "../../customfields/testdata/kit.overlay.yaml"

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// kitReplay answers as the test kit did (internal/kitanswers) to the token "tok".
func kitReplay(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(kitanswers.Handler("tok", nil))
	t.Cleanup(srv.Close)
	return srv
}

func TestFieldsFromServer(t *testing.T) {
	srv := kitReplay(t)
	t.Setenv("CERB_TOKEN", "tok")
	out := filepath.Join(t.TempDir(), "fields.overlay.yaml")
	code, _, stderr := runArgs(t, "fields", "--base-url", srv.URL+"/rest", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(kitOverlay)
	// The same overlay as the kit's but for the server's address, which it names.
	got = bytes.ReplaceAll(got, []byte(srv.URL+"/rest"), []byte(kitanswers.Base))
	if !bytes.Equal(got, want) {
		t.Errorf("fields --base-url wrote an overlay other than %s for the same answers", kitOverlay)
	}
	if !strings.Contains(stderr, "10 custom fields written to "+out) {
		t.Errorf("stderr %q", stderr)
	}
	if strings.Contains(string(got), "tok") {
		t.Error("the token reached the overlay")
	}
}

func TestFieldsGoAndApply(t *testing.T) {
	code, stdout, stderr := runArgs(t, "fields", "--from", kitOverlay)
	if want, _ := os.ReadFile(kitOverlay); code != exitOK || stdout != string(want) {
		t.Errorf("fields --from %s: exit %d (%s), output differs from the file: %v", kitOverlay, code, stderr, stdout != string(want))
	}
	code, stdout, stderr = runArgs(t, "fields", "--from", kitOverlay, "--format", "go", "--package", "kitfields")
	want, _ := os.ReadFile("../../internal/kitfields/kitfields.go")
	if code != exitOK || stdout != string(want) {
		t.Errorf("--format go: exit %d (%s), output differs from internal/kitfields: %v", code, stderr, stdout != string(want))
	}
	code, stdout, stderr = runArgs(t, "fields", "--from", kitOverlay, "--apply")
	if code != exitOK || !strings.Contains(stdout, "custom_7[]:") || !strings.Contains(stdout, "CustomField4:") || !strings.HasPrefix(stdout, "openapi: 3.0.3") {
		t.Errorf("--apply: exit %d (%s), %.200s", code, stderr, stdout)
	}
}

func TestFieldsUsage(t *testing.T) {
	srv := kitReplay(t)
	notOverlay := filepath.Join(t.TempDir(), "spec.yaml")
	os.WriteFile(notOverlay, []byte("openapi: 3.0.3\n"), 0o644)
	for _, tc := range []struct {
		name  string
		token string
		args  []string
		want  string
	}{
		{"no source", "tok", []string{}, "--base-url URL or --from OVERLAY"},
		{"two sources", "tok", []string{"--base-url", srv.URL, "--from", kitOverlay}, "one of them"},
		{"format", "tok", []string{"--from", kitOverlay, "--format", "json"}, `unknown format "json"`},
		{"go without package", "tok", []string{"--from", kitOverlay, "--format", "go"}, "needs --package NAME"},
		{"package not an identifier", "tok", []string{"--from", kitOverlay, "--format", "go", "--package", "my-pkg"}, `(got "my-pkg")`},
		{"apply with go", "tok", []string{"--from", kitOverlay, "--format", "go", "--package", "p", "--apply"}, "does not go with --format go"},
		{"spec without apply", "tok", []string{"--from", kitOverlay, "--spec", "x.yaml"}, "add --apply"},
		{"token on the command line", "tok", []string{"--base-url", srv.URL, "s3cret"}, "1 unexpected argument(s), not shown"},
		{"no credentials", "", []string{"--base-url", srv.URL + "/rest"}, "no credentials"},
		{"wrong token", "nope", []string{"--base-url", srv.URL + "/rest"}, "HTTP 401: Access denied! (Invalid token)"},
		{"not the REST root", "tok", []string{"--base-url", srv.URL + "/api"}, "Unknown command"},
		{"unreachable", "tok", []string{"--base-url", "http://127.0.0.1:1/rest"}, "connection refused"},
		{"missing overlay", "tok", []string{"--from", "nope.yaml"}, "nope.yaml: no such file"},
		{"not an overlay", "tok", []string{"--from", notOverlay}, notOverlay + `: not an Overlay document`},
		{"apply to another spec", "tok", []string{"--from", kitOverlay, "--apply", "--spec", notOverlay}, "did not match any targets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CERB_TOKEN", tc.token)
			t.Setenv("CERB_ACCESS_KEY", "")
			code, stdout, stderr := runArgs(t, append([]string{"fields"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %.80q; want exit 2 and %q", code, stderr, stdout, tc.want)
			}
			if strings.Contains(stderr, "s3cret") {
				t.Error("a credential-like argument was echoed")
			}
		})
	}
}

// TestCheckOverlay: check --overlay flags the recorded dropdown value that is not an
// option, on its field and with what Cerb did; a broken overlay is exit 2 naming it.
func TestCheckOverlay(t *testing.T) {
	dir := t.TempDir()
	file := writeHAR(t, dir, "dropdown.har", bundledEntry(t, "compose-ok.har", 40))
	code, stdout, _ := runArgs(t, "check", file)
	if code != exitOK {
		t.Fatalf("without the overlay: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr := runArgs(t, "check", "--overlay", kitOverlay, file)
	if code != exitMismatch || !strings.Contains(stdout, "body /custom_4: value is not one of the allowed values") ||
		!strings.Contains(stdout, "Cerb skips any other value without an error: the field keeps what it had.") {
		t.Errorf("with the overlay: exit %d\n%s%s", code, stdout, stderr)
	}
	broken := filepath.Join(dir, "broken.overlay.yaml")
	os.WriteFile(broken, []byte("overlay: 1.0.0\ninfo: {title: t}\nactions: []\n"), 0o644)
	code, _, stderr = runArgs(t, "check", "--overlay", broken, file)
	if code != exitUsage || !strings.Contains(stderr, broken+": invalid overlay") || !strings.Contains(stderr, "info version must be defined") {
		t.Errorf("broken overlay: exit %d, %s", code, stderr)
	}
	code, _, stderr = runArgs(t, "check", "--overlay", filepath.Join(dir, "nope.yaml"), file)
	if code != exitUsage || !strings.Contains(stderr, "nope.yaml: no such file") {
		t.Errorf("missing overlay: exit %d, %s", code, stderr)
	}
}

// TestServeOverlay: serve --overlay serves another installation's fields: its own are
// stored and typed as Cerb does, the kit's are gone.
func TestServeOverlay(t *testing.T) {
	inst := &customfields.Installation{Fields: []customfields.Field{
		{ID: 21, Name: "Tier", Type: customfields.Picklist, Options: []string{"Gold", "Silver"}},
		{ID: 22, Name: "Seats", Type: customfields.Number},
		{ID: 23, Name: "Contract", Type: "L"},
	}, Workers: []customfields.Worker{}}
	ov, err := customfields.Overlay(inst)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other.overlay.yaml")
	os.WriteFile(path, ov, 0o644)

	srv := startServe(t, "--overlay", path)
	b := srv.compose(t, url.Values{"group_id": {"1"}, "subject": {"s"}, "content": {"c"}, "expand": {"custom_"},
		"custom_21": {"Gold"}, "custom_22": {"abc"}, "custom_4": {"High"}})
	for _, want := range []string{`"custom_21":"Gold"`, `"custom_22":""`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("response lacks %s: %.400s", want, b)
		}
	}
	if strings.Contains(string(b), `"custom_4"`) {
		t.Errorf("the kit's field 4 is still served: %.400s", b)
	}
	if !strings.Contains(srv.stderr.String(), `custom field 23 "Contract" (record link) is left out`) {
		t.Errorf("stderr %q does not name the field left out", srv.stderr.String())
	}
	if c := srv.stop(); c != exitOK {
		t.Errorf("exit %d", c)
	}
}

func TestServeOverlayRefused(t *testing.T) {
	code, _, stderr := runArgs(t, "serve", "--listen", "127.0.0.1:0", "--overlay", "../../interop/nope.yaml")
	if code != exitUsage || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("exit %d, %s", code, stderr)
	}
}
