// Package breaking is the breaking-change gate of openapi.yaml: it diffs the spec against
// the version at a base git ref with oasdiff (a pinned tool in tools/oasdiff, kept out of the
// main module so that it never moves our kin-openapi), and lets breaking changes through only
// when they ship under a new major version recorded in CHANGELOG.md.
package breaking

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Oasdiff levels, as in its JSON output.
const (
	LevelInfo = 1
	LevelWarn = 2
	LevelErr  = 3
)

// Change is one finding of `oasdiff breaking -f json`.
type Change struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Level       int    `json:"level"`
	Operation   string `json:"operation"`
	OperationID string `json:"operationId"`
	Path        string `json:"path"`
}

// BuildOasdiff builds the oasdiff version pinned in toolsDir (tools/oasdiff) into out.
// The Go build cache makes a repeated build take about a second.
func BuildOasdiff(ctx context.Context, toolsDir, out string) error {
	out, err := filepath.Abs(out) // go build -C resolves -o against toolsDir
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-C", toolsDir, "-o", out, "github.com/oasdiff/oasdiff")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build oasdiff from %s: %w\n%s", toolsDir, err, msg)
	}
	return nil
}

// Oasdiff runs one oasdiff binary with this project's severity levels.
type Oasdiff struct {
	Bin string
	// SeverityLevels is tools/oasdiff/severity-levels.txt. It raises two removals to ERR that
	// oasdiff rates lower (request-property-removed: WARN, response-optional-property-removed:
	// INFO): each deletes a field from the generated Go and TypeScript types, which breaks the
	// build of every client that used it even where the wire stays compatible.
	SeverityLevels string
}

func (o Oasdiff) run(ctx context.Context, format, base, revision string) ([]byte, error) {
	// --flatten-allof: openapi.yaml writes a described $ref as allOf [$ref]; compared branch
	// by branch, oasdiff rates a change inside it WARN ("another branch may describe it"),
	// and narrowing status to 0-2 passed as not breaking.
	args := []string{"breaking", base, revision, "--format", format, "--allow-external-refs=false", "--flatten-allof"}
	if format == "text" {
		args = append(args, "--color", "never")
	}
	if o.SeverityLevels != "" {
		args = append(args, "--severity-levels", o.SeverityLevels)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, o.Bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("oasdiff %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// Changes returns every breaking-change finding (all levels) from base to revision.
func (o Oasdiff) Changes(ctx context.Context, base, revision string) ([]Change, error) {
	out, err := o.run(ctx, "json", base, revision)
	if err != nil {
		return nil, err
	}
	var changes []Change
	if err := json.Unmarshal(bytes.TrimSpace(out), &changes); err != nil {
		return nil, fmt.Errorf("oasdiff json output: %w: %.200s", err, out)
	}
	return changes, nil
}

// Report returns oasdiff's rendering of the findings: "text" or "githubactions".
func (o Oasdiff) Report(ctx context.Context, format, base, revision string) (string, error) {
	out, err := o.run(ctx, format, base, revision)
	return string(out), err
}

// Errors returns the changes at ERR level: the ones that break clients.
func Errors(changes []Change) []Change {
	var errs []Change
	for _, c := range changes {
		if c.Level >= LevelErr {
			errs = append(errs, c)
		}
	}
	return errs
}

// semverRE is semver.org's core grammar (no leading zeros), with optional pre-release and build.
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

// Major returns the major version of a semantic version, or an error if v is not one.
func Major(v string) (int, error) {
	m := semverRE.FindStringSubmatch(v)
	if m == nil {
		return 0, fmt.Errorf("%q is not a semantic version (MAJOR.MINOR.PATCH)", v)
	}
	return strconv.Atoi(m[1])
}

// Entry is one release section of CHANGELOG.md.
type Entry struct {
	Version string
	Body    string
}

var headingRE = regexp.MustCompile(`^## \[([^\]]+)\]`)

// ParseChangelog reads the `## [X.Y.Z] - date` sections of a Keep a Changelog file, newest
// first. An `## [Unreleased]` section is skipped: it is not a release.
func ParseChangelog(data []byte) ([]Entry, error) {
	var entries []Entry
	var cur *Entry
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			cur = nil
			m := headingRE.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("line %d: release heading %q is not `## [X.Y.Z] - YYYY-MM-DD`", i+1, line)
			}
			if strings.EqualFold(m[1], "unreleased") {
				continue
			}
			if _, err := Major(m[1]); err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			entries = append(entries, Entry{Version: m[1]})
			cur = &entries[len(entries)-1]
			continue
		}
		if cur != nil {
			cur.Body += line + "\n"
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("no `## [X.Y.Z]` release entry")
	}
	return entries, nil
}

// Allow decides whether breaking changes from a spec at baseVersion to one at newVersion may
// ship: only under a new major version that is also the newest CHANGELOG.md entry and whose
// entry says what breaks (mentions "breaking").
func Allow(baseVersion, newVersion string, changelog []Entry) error {
	baseMajor, err := Major(baseVersion)
	if err != nil {
		return fmt.Errorf("base info.version: %w", err)
	}
	newMajor, err := Major(newVersion)
	if err != nil {
		return fmt.Errorf("info.version: %w", err)
	}
	if newMajor <= baseMajor {
		return fmt.Errorf("info.version %s keeps major version %d of the base (%s): a breaking change needs %d.0.0, with a CHANGELOG.md entry that describes it",
			newVersion, newMajor, baseVersion, baseMajor+1)
	}
	if len(changelog) == 0 || changelog[0].Version != newVersion {
		latest := "none"
		if len(changelog) > 0 {
			latest = changelog[0].Version
		}
		return fmt.Errorf("info.version is %s but the newest CHANGELOG.md entry is %s: add `## [%s] - YYYY-MM-DD` describing the breaking changes",
			newVersion, latest, newVersion)
	}
	if !strings.Contains(strings.ToLower(changelog[0].Body), "breaking") {
		return fmt.Errorf("CHANGELOG.md entry %s does not mention the breaking changes: add a `### Breaking` list", newVersion)
	}
	return nil
}

// specVersion returns info.version. The document is parsed, not validated: an old base
// need not pass today's validation.
func specVersion(ctx context.Context, data []byte) (string, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return "", err
	}
	if doc.Info == nil {
		return "", errors.New("no info object")
	}
	return doc.Info.Version, nil
}

// git runs git in dir and returns its trimmed stdout.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

func commitExists(ctx context.Context, dir, ref string) bool {
	_, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	return err == nil
}

// DefaultBase picks the ref to compare with, and says why: the latest `v*` tag reachable from
// HEAD; else the merge base with main (origin/main) when that is not HEAD itself; else HEAD~1.
// It returns "" when none exists (a single-commit or shallow clone).
func DefaultBase(ctx context.Context, dir string) (ref, why string) {
	if tag, err := git(ctx, dir, "describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD"); err == nil && tag != "" {
		return tag, "the latest v* tag"
	}
	head, _ := git(ctx, dir, "rev-parse", "HEAD")
	for _, branch := range []string{"main", "origin/main"} {
		if mb, err := git(ctx, dir, "merge-base", "HEAD", branch); err == nil && mb != "" && mb != head {
			return mb, "the merge base with " + branch
		}
	}
	if commitExists(ctx, dir, "HEAD~1") {
		return "HEAD~1", "the previous commit: no v* tag, no merge base with main but HEAD"
	}
	return "", "no v* tag, no merge base with main and no previous commit (single-commit or shallow clone?)"
}

// Options configure one run of the gate.
type Options struct {
	Dir       string // the repository work tree (commands run here)
	Spec      string // the spec, relative to Dir, in the work tree and at Base
	Changelog string // CHANGELOG.md, relative to Dir
	Base      string // a git ref; "" means DefaultBase
	Oasdiff   Oasdiff
	Log       func(format string, args ...any)
}

// Result is what the gate found.
type Result struct {
	Base    string   // the ref compared with, "" when skipped
	Skipped string   // why the comparison was skipped, if it was
	Changes []Change // all findings
	Errors  []Change // the ERR-level ones
	Allowed string   // why ERR-level changes were let through, if they were
}

// ErrBreaking is returned (wrapped) when breaking changes are not covered by a new major.
var ErrBreaking = errors.New("breaking changes")

// Run diffs the spec in the work tree against the one at the base ref, logs oasdiff's text
// and GitHub-annotation reports, and returns an error wrapping ErrBreaking when ERR-level
// changes are not released under a new major version. When no default base is in the clone
// (single-commit or shallow), or the base has no spec yet, it logs a notice and passes: there
// is nothing to compare with. An explicit Base that is not a commit is an error (a typo).
func Run(ctx context.Context, o Options) (Result, error) {
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	var res Result
	base, why := o.Base, "given"
	if base == "" {
		base, why = DefaultBase(ctx, o.Dir)
	} else if !commitExists(ctx, o.Dir, base) {
		// A ref named by hand that does not exist is a typo, not a shallow clone.
		return res, fmt.Errorf("base ref %q is not a commit in %s", base, o.Dir)
	}
	if base == "" || !commitExists(ctx, o.Dir, base) {
		res.Skipped = fmt.Sprintf("no base commit (%s): nothing to compare with", why)
		if base != "" {
			res.Skipped = fmt.Sprintf("base ref %s is not in this clone (%s): nothing to compare with", base, why)
		}
		logf("NOTICE: %s; the breaking-change check passes.\n", res.Skipped)
		return res, nil
	}
	old, err := git(ctx, o.Dir, "show", base+":./"+filepath.ToSlash(o.Spec))
	if err != nil {
		res.Skipped = fmt.Sprintf("%s does not exist at %s", o.Spec, base)
		logf("NOTICE: %s; the breaking-change check passes.\n", res.Skipped)
		return res, nil
	}
	res.Base = base
	tmp, err := os.MkdirTemp("", "breaking-base-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	baseFile := filepath.Join(tmp, filepath.Base(o.Spec))
	if err := os.WriteFile(baseFile, []byte(old+"\n"), 0o644); err != nil {
		return res, err
	}
	revision := filepath.Join(o.Dir, o.Spec)
	logf("Comparing %s with %s:%s (%s).\n", o.Spec, base, o.Spec, why)

	if res.Changes, err = o.Oasdiff.Changes(ctx, baseFile, revision); err != nil {
		return res, err
	}
	res.Errors = Errors(res.Changes)
	if len(res.Changes) == 0 {
		logf("No breaking changes.\n")
		return res, nil
	}
	for _, format := range []string{"text", "githubactions"} {
		report, err := o.Oasdiff.Report(ctx, format, baseFile, revision)
		if err != nil {
			return res, err
		}
		logf("%s\n", strings.TrimRight(strings.ReplaceAll(report, baseFile, base+":"+o.Spec), "\n"))
	}
	if len(res.Errors) == 0 {
		logf("%d finding(s) below ERR level: not breaking.\n", len(res.Changes))
		return res, nil
	}

	baseVersion, err := specVersion(ctx, []byte(old))
	if err != nil {
		return res, fmt.Errorf("%s at %s: %w", o.Spec, base, err)
	}
	cur, err := os.ReadFile(revision)
	if err != nil {
		return res, err
	}
	newVersion, err := specVersion(ctx, cur)
	if err != nil {
		return res, fmt.Errorf("%s: %w", o.Spec, err)
	}
	cl, err := os.ReadFile(filepath.Join(o.Dir, o.Changelog))
	if err != nil {
		return res, fmt.Errorf("%w: %d at ERR level, and %v", ErrBreaking, len(res.Errors), err)
	}
	entries, err := ParseChangelog(cl)
	if err != nil {
		return res, fmt.Errorf("%s: %w", o.Changelog, err)
	}
	if err := Allow(baseVersion, newVersion, entries); err != nil {
		return res, fmt.Errorf("%w: %d at ERR level against %s: %v", ErrBreaking, len(res.Errors), base, err)
	}
	res.Allowed = fmt.Sprintf("released as %s, recorded in %s", entries[0].Version, o.Changelog)
	logf("%d breaking change(s), %s.\n", len(res.Errors), res.Allowed)
	return res, nil
}
