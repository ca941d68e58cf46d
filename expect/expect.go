package expect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cerb-openapi/cerb-openapi/contract"
)

// Expectation is the expected verdict on one entry.
type Expectation struct {
	Entry int `json:"entry"`
	// Case names the entry (the part of the HAR entry's comment before any colon).
	Case      string `json:"case"`
	Operation string `json:"operation"`
	// Request lists the expected request problems as "where pointer" (pointer may be
	// empty), sorted; for an entry that cannot be read, "har " and the error.
	Request []string `json:"request"`
	// Response lists the expected response problems; nil when no operation matched.
	Response []string `json:"response"`
	// Unrecorded lists the sides ("request", "response") whose body was sent but not
	// recorded; omitted when both were.
	Unrecorded []string `json:"unrecorded,omitempty"`
	// Preflight is set for a CORS preflight: the method and path it asks about.
	Preflight string `json:"preflight,omitempty"`
}

// Manifest holds the expected verdicts of a set of HAR files.
type Manifest struct {
	// Path is where the manifest was read from; file keys are relative to its folder.
	Path string
	// Files maps a HAR file's path, relative to the manifest's folder and with forward
	// slashes, to its entries' expectations.
	Files map[string][]Expectation
}

// Load reads a manifest. Errors name the file and, for malformed JSON, the byte offset.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Parse reads a manifest from data; path is where it lives (file keys are relative to its
// folder). Unknown fields, duplicate entries and keys that leave the folder are errors:
// a typo in a manifest must not turn into an expectation that is never checked.
func Parse(path string, data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	files := map[string][]Expectation{}
	if err := dec.Decode(&files); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s: byte %d: %w", path, se.Offset, err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s: byte %d: %w", path, te.Offset, err)
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("%s: empty file: not a manifest", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: byte %d: data after the manifest object", path, dec.InputOffset())
	}
	m := &Manifest{Path: path, Files: map[string][]Expectation{}}
	for key, es := range files {
		clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(key)))
		if key == "" || filepath.IsAbs(filepath.FromSlash(key)) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("%s: file %q: want a path relative to the manifest's folder, inside it", path, key)
		}
		if _, dup := m.Files[clean]; dup {
			return nil, fmt.Errorf("%s: file %q is listed twice", path, key)
		}
		seen := map[int]bool{}
		for _, e := range es {
			if e.Entry < 0 {
				return nil, fmt.Errorf("%s: file %q: entry %d: want an index from 0", path, key, e.Entry)
			}
			if seen[e.Entry] {
				return nil, fmt.Errorf("%s: file %q: entry %d is listed twice", path, key, e.Entry)
			}
			seen[e.Entry] = true
		}
		m.Files[clean] = es
	}
	return m, nil
}

// Dir is the folder that file keys are relative to.
func (m *Manifest) Dir() string { return filepath.Dir(m.Path) }

// Paths returns the manifest's HAR files as paths usable from the current directory, in
// the order of their keys.
func (m *Manifest) Paths() []string {
	keys := make([]string, 0, len(m.Files))
	for k := range m.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = filepath.Join(m.Dir(), filepath.FromSlash(k))
	}
	return keys
}

// Key returns the manifest key of a HAR file path (as given on a command line, relative to
// the current directory or absolute), or "" when the file lies outside the manifest's folder.
func (m *Manifest) Key(file string) string {
	dir, err := filepath.Abs(m.Dir())
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// Count returns the number of entries the manifest covers.
func (m *Manifest) Count() int {
	n := 0
	for _, es := range m.Files {
		n += len(es)
	}
	return n
}

// Observed turns a verdict into the manifest's form.
func Observed(r contract.EntryResult) Expectation {
	name, _, _ := strings.Cut(r.Comment, ":")
	e := Expectation{Entry: r.Entry, Case: name, Operation: r.Operation, Request: keys(r.Request.Problems)}
	if r.Err != nil {
		e.Request = []string{"har " + r.Err.Error()}
	}
	if r.Response != nil {
		e.Response = keys(r.Response.Problems)
	}
	if r.Err == nil {
		if r.Request.Unrecorded != "" {
			e.Unrecorded = append(e.Unrecorded, "request")
		}
		if r.Response != nil && r.Response.Unrecorded != "" {
			e.Unrecorded = append(e.Unrecorded, "response")
		}
		if pf := r.Preflight; pf != nil {
			e.Preflight = pf.Method + " " + pf.Path
		}
	}
	return e
}

// Listed returns the expectations of a HAR file and whether the manifest lists it at all
// (an empty list says the file is expected to hold no entries).
func (m *Manifest) Listed(file string) ([]Expectation, bool) {
	key := m.Key(file)
	if key == "" {
		return nil, false
	}
	es, ok := m.Files[key]
	return es, ok
}

func keys(ps []contract.Problem) []string {
	out := []string{}
	for _, p := range ps {
		k := strings.TrimSpace(p.Where + " " + p.Pointer)
		if p.Severity != "" {
			k = p.Severity + " " + k // "warning body /subject"
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Difference is one way in which the verdicts differ from the manifest.
type Difference struct {
	File  string // the HAR file as it was checked
	Entry int
	Case  string // the manifest's name for the entry, if it has one
	// What says how it differs: "not in the manifest", "expected but not checked", or the
	// operation or problems seen against those expected.
	What string
}

func (d Difference) String() string {
	if d.Case == "" {
		return fmt.Sprintf("%s#%d: %s", d.File, d.Entry, d.What)
	}
	return fmt.Sprintf("%s#%d (%s): %s", d.File, d.Entry, d.Case, d.What)
}

// Comparison compares verdicts with a manifest as they come. Not safe for concurrent use.
type Comparison struct {
	m *Manifest
	// scope: the keys whose entries must all be seen; nil for every file of the manifest.
	scope    map[string]bool
	seen     map[string]map[int]bool // key → entries seen
	files    map[string]string       // key → file name as checked
	diffs    []Difference
	compared int
}

// Compare starts a comparison in which every entry of every file of the manifest must be
// seen.
func (m *Manifest) Compare() *Comparison {
	return &Comparison{m: m, seen: map[string]map[int]bool{}, files: map[string]string{}}
}

// CompareFiles starts a comparison of the given HAR files only: the manifest's other files
// need not be checked, but every expected entry of these must be.
func (m *Manifest) CompareFiles(files []string) *Comparison {
	c := m.Compare()
	c.scope = map[string]bool{}
	for _, f := range files {
		if k := m.Key(f); k != "" {
			c.scope[k] = true
			c.files[k] = f
		}
	}
	return c
}

// Seen marks an entry as read without comparing its verdict (one left out by a filter):
// it is not reported as expected but not checked.
func (c *Comparison) Seen(r contract.EntryResult) {
	key := c.m.Key(r.File)
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][r.Entry] = true
	c.files[key] = r.File
}

// Add compares one verdict and returns the difference, if any.
func (c *Comparison) Add(r contract.EntryResult) (Difference, bool) {
	c.Seen(r)
	c.compared++
	key := c.m.Key(r.File)
	var want Expectation
	found := false
	for _, e := range c.m.Files[key] {
		if e.Entry == r.Entry {
			want, found = e, true
			break
		}
	}
	if !found {
		d := Difference{File: r.File, Entry: r.Entry, What: "not in the manifest " + c.m.Path}
		if key == "" {
			d.What = "the file is outside the manifest's folder " + c.m.Dir()
		}
		c.diffs = append(c.diffs, d)
		return d, true
	}
	got := Observed(r)
	var what []string
	if got.Operation != want.Operation {
		what = append(what, fmt.Sprintf("operation %q, want %q", got.Operation, want.Operation))
	}
	if !slices.Equal(got.Request, want.Request) {
		what = append(what, fmt.Sprintf("request problems %q, want %q", got.Request, want.Request))
	}
	if (got.Response == nil) != (want.Response == nil) || !slices.Equal(got.Response, want.Response) {
		what = append(what, fmt.Sprintf("response problems %s, want %s", quoteOrNone(got.Response), quoteOrNone(want.Response)))
	}
	if !slices.Equal(got.Unrecorded, want.Unrecorded) {
		what = append(what, fmt.Sprintf("bodies not recorded %q, want %q", got.Unrecorded, want.Unrecorded))
	}
	if got.Preflight != want.Preflight {
		what = append(what, fmt.Sprintf("CORS preflight %q, want %q", got.Preflight, want.Preflight))
	}
	if len(what) == 0 {
		return Difference{}, false
	}
	d := Difference{File: r.File, Entry: r.Entry, Case: want.Case, What: strings.Join(what, "; ")}
	c.diffs = append(c.diffs, d)
	return d, true
}

func quoteOrNone(s []string) string {
	if s == nil {
		return "none (no response checked)"
	}
	return fmt.Sprintf("%q", s)
}

// Compared returns how many verdicts Add compared.
func (c *Comparison) Compared() int { return c.compared }

// Finish returns every difference: those Add found, then each expected entry that was
// never seen, in file and entry order.
func (c *Comparison) Finish() []Difference {
	out := slices.Clone(c.diffs)
	keys := make([]string, 0, len(c.m.Files))
	for k := range c.m.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c.scope != nil && !c.scope[k] {
			continue
		}
		es := slices.Clone(c.m.Files[k])
		slices.SortFunc(es, func(a, b Expectation) int { return a.Entry - b.Entry })
		name := c.files[k]
		if name == "" {
			name = filepath.Join(c.m.Dir(), filepath.FromSlash(k))
		}
		for _, e := range es {
			if !c.seen[k][e.Entry] {
				out = append(out, Difference{File: name, Entry: e.Entry, Case: e.Case, What: "expected but not checked (file missing, cut short or not given)"})
			}
		}
	}
	return out
}

// Write writes a manifest of the given verdicts to path, with file keys relative to its
// folder. Verdicts are kept in the order given within each file. Each of files is listed
// even when no verdict names it, with an empty list: a HAR file expected to be empty.
func Write(path string, results []contract.EntryResult, files ...string) error {
	m := &Manifest{Path: path}
	byKey := map[string][]Expectation{}
	for _, f := range files {
		key := m.Key(f)
		if key == "" {
			return fmt.Errorf("manifest %s: %s is outside the manifest's folder %s", path, f, m.Dir())
		}
		byKey[key] = []Expectation{}
	}
	files = nil
	for _, r := range results {
		key := m.Key(r.File)
		if key == "" {
			return fmt.Errorf("manifest %s: %s is outside the manifest's folder %s", path, r.File, m.Dir())
		}
		byKey[key] = append(byKey[key], Observed(r))
	}
	b, err := json.MarshalIndent(byKey, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}
