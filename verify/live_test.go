//go:build live

package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cerbopenapi "github.com/cerb-openapi/cerb-openapi"
	"github.com/cerb-openapi/cerb-openapi/cerb"
	"github.com/cerb-openapi/cerb-openapi/overlay"
)

// liveConfig is a run against CERB_BASE_URL with CERB_TOKEN (make live: the kit), in
// CERB_GROUP_ID.
func liveConfig(t *testing.T) Config {
	t.Helper()
	base, tok := os.Getenv("CERB_BASE_URL"), os.Getenv("CERB_TOKEN")
	if base == "" || tok == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: set CERB_BASE_URL and CERB_TOKEN")
		}
		t.Skip("set CERB_BASE_URL and CERB_TOKEN to verify a live Cerb")
	}
	// As the command refuses to run without --group-id, the test needs the group named: it
	// creates tickets there (scripts/live.sh names the kit's group 1).
	s := os.Getenv("CERB_GROUP_ID")
	if s == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true: set CERB_GROUP_ID to the test group verify may create tickets in")
		}
		t.Skip("set CERB_GROUP_ID to a test group: verify creates tickets there (dont_send=1)")
	}
	group, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("CERB_GROUP_ID=%q: %v", s, err)
	}
	return Config{BaseURL: base, Auth: cerb.Bearer(tok), Secrets: []string{tok}, GroupID: group, Seed: time.Now().UnixNano() % 1_000_000, Count: DefaultCount}
}

// runNoDrift runs verify and fails the test, with the whole report, on an error or drift.
func runNoDrift(t *testing.T, cfg Config) *Report {
	t.Helper()
	rep, err := Run(context.Background(), cfg)
	var b bytes.Buffer
	if rep != nil {
		_ = rep.WriteText(&b)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if rep.HasDrift() {
		t.Fatalf("drift:\n%s", b.String())
	}
	t.Log(rep.Summary())
	return rep
}

// TestLiveVerify: the project's spec against the live server has no drift; what the
// server accepts beyond it is known; nothing reaches the SMTP sink; --cleanup closes
// every ticket made.
func TestLiveVerify(t *testing.T) {
	cfg := liveConfig(t)
	cfg.Cleanup = true
	rep := runNoDrift(t, cfg)
	for _, k := range rep.Known {
		t.Logf("known: %s %s (%s): %s", k.Operation, k.Field, k.Keyword, k.Why)
	}
	c := rep.Counts
	if c.Positive < 60 || c.Negative < 40 || c.Random != DefaultCount || c.Unverified != 0 {
		t.Errorf("counts %+v", c)
	}
	for _, want := range [][2]string{{opCompose, "status"}, {opReply, "status"}, {opCompose, "send_at"}} {
		if !slices.ContainsFunc(rep.Known, func(k Known) bool { return k.Operation == want[0] && k.Field == want[1] }) {
			t.Errorf("%s %s is not among the known exceptions", want[0], want[1])
		}
	}
	for _, line := range rep.Cleanup {
		if !strings.HasSuffix(line, " closed") {
			t.Errorf("cleanup: %s", line)
		}
	}
	if log := os.Getenv("CERB_SMTP_LOG"); log != "" {
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		run := strings.TrimSuffix(strings.TrimPrefix(rep.Marker, "[cerbcontract verify "), "]")
		if bytes.Contains(b, []byte(run)) {
			t.Errorf("mail of this run (%s) reached the SMTP sink", run)
		}
	}
}

// TestLivePlantedDrift: the planted specs fail against the live server, naming their field.
func TestLivePlantedDrift(t *testing.T) {
	for _, tc := range []struct{ spec, kind, field string }{
		{"planted-to-required.yaml", DriftAccepted, "to"},
		{"planted-subject-integer.yaml", DriftResponse, "subject"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			cfg := liveConfig(t)
			cfg.SpecPath = filepath.Join("testdata", tc.spec)
			cfg.Doc = loadSpec(t, cfg.SpecPath)
			cfg.Cases = []string{opCompose + "/positive/minimal", opReply + "/positive/minimal"}
			if tc.field == "to" {
				cfg.Cases = append(cfg.Cases, opCompose+"/negative/to-missing")
			}
			cfg.Cleanup = true
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Drifts) == 0 {
				t.Fatal("no drift")
			}
			for _, d := range rep.Drifts {
				if d.Kind != tc.kind || d.Field != tc.field {
					t.Errorf("drift %s %s %s, want %s %s", d.Kind, d.Operation, d.Field, tc.kind, tc.field)
				}
			}
		})
	}
}

// TestLiveVerifyKitOverlay: with the overlay of the kit's custom fields, the live server
// has no drift; each typed custom field's refused values are known exceptions, the
// reason being the overlay's x-cerb-server-accepts; an unknown custom_<id> is one too.
func TestLiveVerifyKitOverlay(t *testing.T) {
	cfg := liveConfig(t)
	cfg.Cleanup = true
	cfg.SpecPath = "openapi.yaml+kit.overlay.yaml"
	var err error
	if cfg.Doc, err = overlay.Load(context.Background(), "openapi.yaml", cerbopenapi.Spec, "../customfields/testdata/kit.overlay.yaml"); err != nil {
		t.Fatal(err)
	}
	rep := runNoDrift(t, cfg)
	for _, op := range []string{opCompose, opReply} {
		for _, f := range []string{"custom_2", "custom_3", "custom_4", "custom_6", "custom_7[]", "custom_8", "custom_9", "custom_10", "custom_" + unknownID} {
			if !slices.ContainsFunc(rep.Known, func(k Known) bool { return k.Operation == op && k.Field == f }) {
				t.Errorf("%s %s is not among the known exceptions", op, f)
			}
		}
	}
}
