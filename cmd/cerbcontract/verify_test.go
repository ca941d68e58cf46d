package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cerb-openapi/cerb-openapi/internal/fakecerb"
)

const verifyToken = "verify-test-token-5c2e9a1f"

// runVerify runs cerbcontract verify with the given environment.
func runVerify(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for _, k := range []string{"CERB_TOKEN", "CERB_ACCESS_KEY", "CERB_SECRET"} {
		t.Setenv(k, env[k])
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"verify"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestVerifyPlantedDrift: the acceptance test. Against a server that behaves as
// Cerb 10.4.10 does, the project's spec passes, and each planted spec exits 1 naming its
// field.
func TestVerifyPlantedDrift(t *testing.T) {
	srv := fakecerb.New(verifyToken, fakecerb.Quirks{})
	defer srv.Close()
	env := map[string]string{"CERB_TOKEN": verifyToken}
	base := srv.URL + "/rest"
	for _, tc := range []struct {
		name, spec string
		code       int
		want       []string
	}{
		{"the project's spec", "", exitOK, []string{"0 drift", "known exceptions", "composeTicket status (enum)"}},
		{"to wrongly required", "../../verify/testdata/planted-to-required.yaml", exitMismatch, []string{"accepted composeTicket to in 1 case(s)", "--case composeTicket/negative/to-missing", "Authorization: Bearer REDACTED"}},
		{"subject an integer", "../../verify/testdata/planted-subject-integer.yaml", exitMismatch, []string{"response composeTicket subject in", "response replyToTicket subject in", "body /subject: value must be an integer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--base-url", base, "--group-id", "1", "--seed", "3", "--count", "4"}
			if tc.spec != "" {
				args = append(args, "--spec", tc.spec)
			}
			code, out, errOut := runVerify(t, env, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %.2000s", code, tc.code, errOut, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			if strings.Contains(out+errOut, verifyToken) {
				t.Error("the token is in the output")
			}
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	srv := fakecerb.New(verifyToken, fakecerb.Quirks{})
	defer srv.Close()
	closed := fakecerb.New(verifyToken, fakecerb.Quirks{})
	closed.Close()
	base := srv.URL + "/rest"
	tok := map[string]string{"CERB_TOKEN": verifyToken}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // in stderr
	}{
		{"no group id", tok, []string{"--base-url", base}, "--group-id N is required"},
		{"group id 0", tok, []string{"--base-url", base, "--group-id", "0"}, "--group-id N is required"},
		{"no base URL", tok, []string{"--group-id", "1"}, "--base-url is required"},
		{"no credentials", nil, []string{"--base-url", base, "--group-id", "1"}, "no credentials"},
		{"a token on the command line", tok, []string{"--base-url", base, "--group-id", "1", "--token", verifyToken}, "flag provided but not defined"},
		{"a stray argument", tok, []string{"--base-url", base, "--group-id", "1", verifyToken}, "never from the command line"},
		{"unknown format", tok, []string{"--base-url", base, "--group-id", "1", "--format", "xml"}, "unknown format"},
		{"count above the maximum", tok, []string{"--base-url", base, "--group-id", "1", "--count", "501"}, "count 501"},
		{"cap below the plan", tok, []string{"--base-url", base, "--group-id", "1", "--max-requests", "50"}, "above the cap of 50"},
		{"cap above the hard cap", tok, []string{"--base-url", base, "--group-id", "1", "--max-requests", "5000"}, "--max-requests 5000"},
		{"unknown case", tok, []string{"--base-url", base, "--group-id", "1", "--case", "nope"}, `no case "nope"`},
		{"server down", tok, []string{"--base-url", closed.URL + "/rest", "--group-id", "1"}, "unreachable"},
		{"token refused", map[string]string{"CERB_TOKEN": "wrong-token-1234567"}, []string{"--base-url", base, "--group-id", "1"}, "HTTP 401"},
		{"group unknown", tok, []string{"--base-url", base, "--group-id", "999"}, "The given 'group_id' parameter is invalid"},
		{"legacy key refused", map[string]string{"CERB_ACCESS_KEY": "key", "CERB_SECRET": "legacy-secret-9f8e7d"}, []string{"--base-url", base, "--group-id", "1"}, "HTTP 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.Calls())
			code, out, errOut := runVerify(t, tc.env, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2\nstderr: %s", code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q lacks %q", errOut, tc.want)
			}
			for _, secret := range []string{verifyToken, "legacy-secret-9f8e7d", "wrong-token-1234567"} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("a credential is in the output")
				}
			}
			if sent := len(srv.Calls()) - before; sent > 1 {
				t.Errorf("%d requests sent, want at most the first", sent)
			}
		})
	}
	calls := srv.Calls()
	if last := calls[len(calls)-1]; last.Header.Get("Cerb-Auth") == "" || last.Header.Get("Authorization") != "" {
		t.Errorf("with CERB_ACCESS_KEY/CERB_SECRET: headers %v, want Cerb-Auth", last.Header)
	}
}

// TestVerifyJSON: one document, with the drift, the created records and the seed.
func TestVerifyJSON(t *testing.T) {
	srv := fakecerb.New(verifyToken, fakecerb.Quirks{})
	defer srv.Close()
	code, out, errOut := runVerify(t, map[string]string{"CERB_TOKEN": verifyToken}, "--base-url", srv.URL+"/rest", "--group-id", "1",
		"--format", "json", "--spec", "../../verify/testdata/planted-to-required.yaml", "--case", "composeTicket/positive/minimal,composeTicket/negative/to-missing", "--cleanup")
	if code != exitMismatch {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rep struct {
		Seed    int64
		Drifts  []struct{ Kind, Operation, Field, Case, Replay string }
		Created []struct {
			Kind    string
			Subject string
		}
		Cleanup []string
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Drifts) != 1 || rep.Drifts[0].Field != "to" || !strings.Contains(rep.Drifts[0].Replay, "--spec ../../verify/testdata/planted-to-required.yaml") {
		t.Errorf("drifts %+v", rep.Drifts)
	}
	if len(rep.Created) != 2 || len(rep.Cleanup) != 2 || !strings.HasPrefix(rep.Created[0].Subject, "[cerbcontract verify ") {
		t.Errorf("created %+v, cleanup %v", rep.Created, rep.Cleanup)
	}
}
