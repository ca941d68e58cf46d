// Command breaking is the breaking-change gate behind `make breaking`: it compares
// openapi.yaml with its version at a base git ref using the pinned oasdiff, prints the findings
// as text and as GitHub annotations, and exits 1 when a breaking change is not released under
// a new major version recorded in CHANGELOG.md. Run it from the repository root.
//
//	go run ./cmd/breaking [-base REF]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cerb-openapi/cerb-openapi/internal/breaking"
)

func main() {
	base := flag.String("base", "", "git ref to compare with (default: latest v* tag, else merge base with main, else HEAD~1)")
	spec := flag.String("spec", "openapi.yaml", "the spec, relative to the repository root")
	changelog := flag.String("changelog", "CHANGELOG.md", "the changelog, relative to the repository root")
	bin := flag.String("oasdiff", "", "oasdiff binary (default: build tools/oasdiff into bin/oasdiff)")
	flag.Parse()

	ctx := context.Background()
	if *bin == "" {
		*bin = filepath.Join("bin", "oasdiff")
		if err := breaking.BuildOasdiff(ctx, filepath.Join("tools", "oasdiff"), *bin); err != nil {
			fmt.Fprintln(os.Stderr, "breaking:", err)
			os.Exit(2)
		}
	}
	_, err := breaking.Run(ctx, breaking.Options{
		Dir:       ".",
		Spec:      *spec,
		Changelog: *changelog,
		Base:      *base,
		Oasdiff: breaking.Oasdiff{
			Bin:            *bin,
			SeverityLevels: filepath.Join("tools", "oasdiff", "severity-levels.txt"),
		},
		Log: func(format string, args ...any) { fmt.Printf(format, args...) },
	})
	switch {
	case errors.Is(err, breaking.ErrBreaking):
		fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "breaking:", err)
		os.Exit(2)
	}
}
