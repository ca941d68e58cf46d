// Command gencorpus writes a large HAR file for timing the CLI: the bundled recordings'
// compose/reply pairs (bench.LoadPairs), repeated in order until -pairs entries are written.
// Entries are copied byte for byte and streamed through a buffer, so memory stays flat
// whatever -pairs is.
//
//	go run ./bench/cmd/gencorpus -pairs 10000 -out /tmp/corpus.har
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/cerb-openapi/cerb-openapi/bench"
)

func main() {
	n := flag.Int("pairs", 10000, "number of entries to write")
	out := flag.String("out", "", "output HAR file (required)")
	flag.Parse()
	if *out == "" || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(n int, out string) error {
	pairs, err := bench.LoadPairs()
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"gencorpus","version":"1"},"comment":"bundled compose/reply pairs, repeated","entries":[` + "\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			w.WriteString(",\n")
		}
		w.Write(pairs[i%len(pairs)].Raw)
	}
	w.WriteString("\n]}}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gencorpus: wrote %d entries (%d distinct pairs) to %s\n", n, len(pairs), out)
	return nil
}
