package breaking

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oasdiffBin is built once per test binary from tools/oasdiff (cached by the Go build cache).
var oasdiffBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oasdiff-bin-")
	if err != nil {
		panic(err)
	}
	oasdiffBin = filepath.Join(dir, "oasdiff")
	if err := BuildOasdiff(context.Background(), filepath.Join("..", "..", "tools", "oasdiff"), oasdiffBin); err != nil {
		os.RemoveAll(dir)
		fmt.Fprintln(os.Stderr, "internal/breaking tests need oasdiff (the Go module proxy on a cold cache):", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tool() Oasdiff {
	return Oasdiff{Bin: oasdiffBin, SeverityLevels: filepath.Join("..", "..", "tools", "oasdiff", "severity-levels.txt")}
}

// Each testdata file is base.yaml with one change; wantErr lists the ERR-level check ids.
func TestOasdiffClassifiesChanges(t *testing.T) {
	ctx := context.Background()
	base := filepath.Join("testdata", "base.yaml")
	for _, tc := range []struct {
		file    string
		wantErr []string
		base    string // default base.yaml
	}{
		{"request-property-removed.yaml", []string{"request-property-removed"}, ""},
		{"response-property-removed.yaml", []string{"response-optional-property-removed"}, ""},
		{"optional-made-required.yaml", []string{"request-property-became-required"}, ""},
		{"enum-narrowed.yaml", []string{"request-property-enum-value-removed"}, ""},
		// openapi.yaml's shape: oasdiff rated this WARN (not breaking) before --flatten-allof,
		// so narrowing status to 0-2 in 2.0.0 passed the gate unnoticed.
		{"allof-enum-narrowed.yaml", []string{"request-property-enum-value-removed"}, "allof-base.yaml"},
		{"optional-added.yaml", nil, ""},
		{"base.yaml", nil, ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rev := filepath.Join("testdata", tc.file)
			base := base
			if tc.base != "" {
				base = filepath.Join("testdata", tc.base)
			}
			changes, err := tool().Changes(ctx, base, rev)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range Errors(changes) {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tc.wantErr) {
				t.Errorf("ERR-level changes = %q, want %q (all findings: %+v)", got, tc.wantErr, changes)
			}
			text, err := tool().Report(ctx, "text", base, rev)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("oasdiff breaking base.yaml %s:\n%s", tc.file, text)
			if tc.wantErr == nil {
				return
			}
			gha, err := tool().Report(ctx, "githubactions", base, rev)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(gha, "::error title="+tc.wantErr[0]) {
				t.Errorf("GitHub annotation = %q, want ::error title=%s…", gha, tc.wantErr[0])
			}
		})
	}
}

func TestAllow(t *testing.T) {
	v2 := []Entry{{Version: "2.0.0", Body: "### Breaking\n- status 3 removed\n"}, {Version: "1.0.0"}}
	for _, tc := range []struct {
		name, base, next string
		changelog        []Entry
		wantErr          string // substring; "" means allowed
	}{
		{"new major recorded", "1.0.0", "2.0.0", v2, ""},
		{"from 0.x", "0.3.1", "1.0.0", []Entry{{Version: "1.0.0", Body: "Breaking: x"}}, ""},
		{"same version", "1.0.0", "1.0.0", v2, "needs 2.0.0"},
		{"minor bump", "1.0.0", "1.1.0", []Entry{{Version: "1.1.0", Body: "breaking"}}, "keeps major version 1"},
		{"changelog behind", "1.0.0", "2.0.0", []Entry{{Version: "1.0.0"}}, "newest CHANGELOG.md entry is 1.0.0"},
		{"entry says nothing", "1.0.0", "2.0.0", []Entry{{Version: "2.0.0", Body: "### Added\n- cc\n"}}, "does not mention"},
		{"not semver", "1.0", "2.0.0", v2, "not a semantic version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Allow(tc.base, tc.next, tc.changelog)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Allow = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Allow = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseChangelog(t *testing.T) {
	entries, err := ParseChangelog([]byte("# Changelog\n\n## [Unreleased]\n- wip\n\n## [2.0.0] - 2027-01-02\n### Breaking\n- x\n\n## [1.0.0] - 2026-11-29\n- first\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Version != "2.0.0" || entries[1].Version != "1.0.0" {
		t.Fatalf("entries = %+v, want 2.0.0 then 1.0.0", entries)
	}
	if !strings.Contains(entries[0].Body, "### Breaking") || strings.Contains(entries[0].Body, "first") {
		t.Errorf("2.0.0 body = %q", entries[0].Body)
	}
	for _, bad := range []string{"# Changelog\n", "## 1.0.0\n", "## [1.0] - x\n", "## [v1.0.0]\n"} {
		if _, err := ParseChangelog([]byte(bad)); err == nil {
			t.Errorf("ParseChangelog(%q) = nil error, want one", bad)
		}
	}
}

// repo is a throwaway git repository for the base-ref logic of Run.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	// Keep the user's and system's git configuration out of it.
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_AUTHOR_NAME", "test")
	t.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "test")
	t.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// commit writes openapi.yaml from a testdata file (with info.version set) and CHANGELOG.md.
func (r *repo) commit(testdata, version, changelog string) {
	r.t.Helper()
	spec, err := os.ReadFile(filepath.Join("testdata", testdata))
	if err != nil {
		r.t.Fatal(err)
	}
	spec = []byte(strings.Replace(string(spec), "  version: 1.0.0\n", "  version: "+version+"\n", 1))
	if err := os.WriteFile(filepath.Join(r.dir, "openapi.yaml"), spec, 0o644); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "CHANGELOG.md"), []byte(changelog), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git("add", "-A")
	r.git("commit", "-q", "-m", testdata+" "+version)
}

func (r *repo) run(base string) (Result, error) {
	r.t.Helper()
	var log strings.Builder
	res, err := Run(context.Background(), Options{
		Dir: r.dir, Spec: "openapi.yaml", Changelog: "CHANGELOG.md", Base: base, Oasdiff: tool(),
		Log: func(format string, args ...any) {
			log.WriteString(strings.TrimSpace(fmt.Sprintf(format, args...)) + "\n")
		},
	})
	r.t.Logf("gate output:\n%s", log.String())
	return res, err
}

const changelog1 = "# Changelog\n\n## [1.0.0] - 2026-11-29\n- first\n"
const changelog2 = "# Changelog\n\n## [2.0.0] - 2026-12-01\n### Breaking\n- `status` 3 is gone\n\n## [1.0.0] - 2026-11-29\n- first\n"

func TestRunSkipsWithoutBase(t *testing.T) {
	r := newRepo(t)
	r.commit("base.yaml", "1.0.0", changelog1)
	res, err := r.run("")
	if err != nil || res.Skipped == "" {
		t.Fatalf("single-commit repo: Run = %+v, %v; want a skip notice and no error", res, err)
	}
	if _, err := r.run("no-such-ref"); err == nil || errors.Is(err, ErrBreaking) {
		t.Errorf("explicit missing base: err = %v, want a plain error", err)
	}
}

func TestRunFailsOnBreakingChangeAgainstPreviousCommit(t *testing.T) {
	r := newRepo(t)
	r.commit("base.yaml", "1.0.0", changelog1)
	r.commit("enum-narrowed.yaml", "1.1.0", "# Changelog\n\n## [1.1.0] - 2026-11-30\n- drop 3\n"+changelog1[len("# Changelog\n"):])
	res, err := r.run("")
	if !errors.Is(err, ErrBreaking) {
		t.Fatalf("Run = %v, want ErrBreaking", err)
	}
	if res.Base != "HEAD~1" || len(res.Errors) != 1 {
		t.Errorf("base %q, %d errors; want HEAD~1, 1", res.Base, len(res.Errors))
	}
}

func TestRunAllowsNewMajorAgainstLatestTag(t *testing.T) {
	r := newRepo(t)
	r.commit("base.yaml", "1.0.0", changelog1)
	r.git("tag", "v1.0.0")
	r.commit("optional-added.yaml", "1.1.0", changelog1) // not breaking: moves nothing
	r.commit("request-property-removed.yaml", "2.0.0", changelog2)
	res, err := r.run("")
	if err != nil {
		t.Fatalf("Run = %v, want allowed under 2.0.0", err)
	}
	if res.Base != "v1.0.0" || len(res.Errors) != 1 || res.Allowed == "" {
		t.Errorf("Run = %+v; want base v1.0.0, 1 error, allowed", res)
	}
	// The same change without the changelog entry fails.
	r.commit("request-property-removed.yaml", "2.0.0", changelog1)
	if _, err := r.run("v1.0.0"); !errors.Is(err, ErrBreaking) {
		t.Errorf("without a 2.0.0 entry: Run = %v, want ErrBreaking", err)
	}
}

func TestRunNonBreakingChangePasses(t *testing.T) {
	r := newRepo(t)
	r.commit("base.yaml", "1.0.0", changelog1)
	r.commit("optional-added.yaml", "1.0.0", changelog1)
	res, err := r.run("HEAD~1")
	if err != nil || len(res.Errors) != 0 || res.Skipped != "" {
		t.Fatalf("Run = %+v, %v; want compared, no errors", res, err)
	}
}
