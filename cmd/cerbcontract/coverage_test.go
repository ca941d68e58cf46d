package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const minimalCompose = "../../coverage/testdata/minimal-compose.har"

func bundledHARs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../contract_test/testdata/*.har")
	if err != nil || len(files) == 0 {
		t.Fatalf("bundled recordings: %v %v", files, err)
	}
	return files
}

func runCoverage(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"coverage"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

type coverageDoc struct {
	Entries    int `json:"entries"`
	Unmatched  int `json:"unmatched"`
	Unreadable int `json:"unreadable"`
	Exercised  struct {
		Never []string `json:"never"`
	} `json:"exercised"`
	Operations []struct {
		Operation string `json:"operation"`
		Fields    struct {
			Sent, Never []string
		} `json:"fields"`
		Responses struct {
			Seen, Never []string
		} `json:"responses"`
	} `json:"operations"`
	Below []struct {
		Metric  string `json:"metric"`
		Missing int    `json:"missing"`
	} `json:"below"`
}

func coverageJSON(t *testing.T, args ...string) (int, coverageDoc, string) {
	t.Helper()
	code, out, errs := runCoverage(append([]string{"--format", "json"}, args...)...)
	var doc coverageDoc
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not a JSON document: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", out)
	}
	return code, doc, errs
}

func TestCoverageMinimalCompose(t *testing.T) {
	code, out, errs := runCoverage(minimalCompose)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	for _, want := range []string{"never sent fields:", "send_at", "file_id[]", "replyToTicket (POST /tickets/reply.json): 0 pairs", "(never: replyToTicket)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}

	code, doc, _ := coverageJSON(t, minimalCompose)
	if code != exitOK || len(doc.Exercised.Never) != 1 || doc.Exercised.Never[0] != "replyToTicket" {
		t.Fatalf("exit %d, never exercised %v", code, doc.Exercised.Never)
	}
	never := strings.Join(doc.Operations[0].Fields.Never, " ")
	if doc.Operations[0].Operation != "composeTicket" || !strings.Contains(never, "send_at") || !strings.Contains(never, "file_id[]") {
		t.Errorf("compose fields never sent: %v", doc.Operations[0].Fields.Never)
	}
}

// All bundled recordings leave fewer gaps than one minimal compose.
func TestCoverageBundledFewerGaps(t *testing.T) {
	_, min, _ := coverageJSON(t, minimalCompose)
	code, all, errs := coverageJSON(t, bundledHARs(t)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	gaps := func(d coverageDoc) (ops, fields, responses int) {
		for _, o := range d.Operations {
			fields += len(o.Fields.Never)
			responses += len(o.Responses.Never)
		}
		return len(d.Exercised.Never), fields, responses
	}
	o1, f1, r1 := gaps(min)
	o2, f2, r2 := gaps(all)
	if o2 >= o1 || f2 >= f1 || r2 >= r1 {
		t.Errorf("gaps (operations, fields, responses): bundled %d %d %d, minimal %d %d %d; want fewer on the bundled", o2, f2, r2, o1, f1, r1)
	}
	if all.Unmatched == 0 || all.Entries < 100 {
		t.Errorf("entries %d, unmatched %d", all.Entries, all.Unmatched)
	}
}

func TestCoverageMin(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr []string
	}{
		{"met", []string{"--min", "operations=50", minimalCompose}, exitOK, nil},
		{"operations below", []string{"--min", "operations=100", minimalCompose}, exitMismatch,
			[]string{"coverage below --min: operations 50% (1 of 2) is below 100% by 50 points: exercise 1 more"}},
		{"fields below, comma list", []string{"--min", "operations=50,fields=20", minimalCompose}, exitMismatch,
			[]string{"composeTicket: fields 16.6% (3 of 18) is below 20% by 3.4 points: send 1 more"}},
		{"repeated flag after files", []string{minimalCompose, "--min", "fields=0", "--min", "responses=10"}, exitMismatch,
			[]string{"composeTicket: response variants 6.6% (1 of 15) is below 10%"}},
		{"bundled meet operations=100", append([]string{"--min", "operations=100"}, bundledHARs(t)...), exitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCoverage(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errs)
			}
			for _, want := range tt.inStderr {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
		})
	}
	// The JSON document carries the shortfalls too.
	_, doc, _ := coverageJSON(t, "--min", "operations=100", minimalCompose)
	if len(doc.Below) != 1 || doc.Below[0].Metric != "operations" || doc.Below[0].Missing != 1 {
		t.Errorf("below = %+v", doc.Below)
	}
}

func TestCoverageBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.har", `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`)
	notJSON := write("notjson.har", "this is not a HAR file")
	badEntry := write("badentry.har", `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"request":{"method":"POST","url":"https://cerb.example/rest/tickets/compose.json","postData":{"mimeType":"text/plain","text":"%%%","encoding":"base64"}}}]}}`)
	badSpec := write("bad.yaml", "openapi: 3.0.3\ninfo: {}\n")
	missing := filepath.Join(dir, "missing.har")
	tests := []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no files", nil, "no HAR files given"},
		{"unknown format", []string{"--format", "junit", minimalCompose}, `unknown format "junit"`},
		{"min without =", []string{"--min", "fields", minimalCompose}, "want METRIC=PERCENT"},
		{"min unknown metric", []string{"--min", "lines=80", minimalCompose}, `unknown metric "lines"`},
		{"min not a number", []string{"--min", "fields=most", minimalCompose}, "not a percentage"},
		{"min above 100", []string{"--min", "fields=150", minimalCompose}, "not a percentage"},
		{"unknown flag", []string{"--frobnicate", minimalCompose}, "frobnicate"},
		{"missing file", []string{minimalCompose, missing}, "missing.har"},
		{"directory", []string{dir}, "is a directory"},
		{"not a HAR", []string{notJSON}, "notjson.har"},
		{"unreadable entry", []string{badEntry}, "badentry.har"},
		{"empty HAR", []string{minimalCompose, empty}, "empty.har: no entries"},
		{"missing spec", []string{"--spec", filepath.Join(dir, "nope.yaml"), minimalCompose}, "nope.yaml"},
		{"invalid spec", []string{"--spec", badSpec, minimalCompose}, "bad.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCoverage(tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, errs)
			}
			if !strings.Contains(errs, tt.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inStderr, errs)
			}
		})
	}
}

// --spec with another document: what is measured comes from it.
func TestCoverageOtherSpec(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The same document without reply: one operation, exercised in full.
	src := string(data)
	start := strings.Index(src, "  /tickets/reply.json:")
	end := strings.Index(src, "components:\n")
	if start < 0 || end < start {
		t.Fatal("openapi.yaml has changed shape")
	}
	spec := filepath.Join(dir, "compose-only.yaml")
	if err := os.WriteFile(spec, []byte(src[:start]+src[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc, errs := coverageJSON(t, "--spec", spec, "--min", "operations=100", minimalCompose)
	if code != exitOK || len(doc.Operations) != 1 || len(doc.Exercised.Never) != 0 {
		t.Errorf("exit %d, operations %d, never %v; stderr %s", code, len(doc.Operations), doc.Exercised.Never, errs)
	}
}

// The README's excerpt is real output on the bundled recordings (lines shortened with … are
// left out of the comparison).
func TestCoverageReadmeExcerpt(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(md), "## What did our traffic never exercise?")
	if !ok {
		t.Fatal(`README.md has no "## What did our traffic never exercise?" section`)
	}
	blocks := strings.Split(section, "```")
	if len(blocks) < 4 {
		t.Fatal("the README section has no output excerpt")
	}
	excerpt := strings.TrimPrefix(blocks[3], "\n")
	code, out, errs := runCoverage(bundledHARs(t)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		lines[l] = true
	}
	for _, l := range strings.Split(strings.TrimSpace(excerpt), "\n") {
		if !strings.Contains(l, "…") && !lines[l] {
			t.Errorf("README excerpt line is not in the output:\n%s\noutput:\n%s", l, out)
		}
	}
}
