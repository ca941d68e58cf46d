// Command gencorpus writes a large HAR file for timing the CLI: the bundled recordings'
// compose/reply pairs (bench.LoadPairs), taken in turn until -pairs entries are written, each
// with generated bodies (bench.WriteCorpus: long and unicode subjects and contents, some sent
// as multipart; drafts, validation-error envelopes and 401s as recorded). With -verbatim the
// pairs are repeated byte for byte instead. The output depends on -pairs alone and is
// streamed, so memory stays flat whatever -pairs is.
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
	verbatim := flag.Bool("verbatim", false, "repeat the bundled pairs byte for byte instead of varying their bodies")
	flag.Parse()
	if *out == "" || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*n, *out, *verbatim); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(n int, out string, verbatim bool) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if verbatim {
		err = writeVerbatim(f, n)
	} else {
		var st bench.CorpusStats
		st, err = bench.WriteCorpus(f, n)
		if err == nil {
			fmt.Fprintf(os.Stderr, "gencorpus: wrote %d entries (%d with generated bodies, %d multipart), %d bytes, to %s\n", st.Entries, st.Varied, st.Multipart, st.Bytes, out)
		}
	}
	if err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeVerbatim(f *os.File, n int) error {
	pairs, err := bench.LoadPairs()
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
		return err
	}
	fmt.Fprintf(os.Stderr, "gencorpus: wrote %d entries (%d distinct pairs, verbatim) to %s\n", n, len(pairs), f.Name())
	return nil
}
