// Package gcpolicy sets the garbage collector for cerbcontract's batch runs.
//
// Checking a HAR file allocates a lot (every entry, body and decoded response) while keeping
// little alive (the document and a few entries per worker, a few MB), so with Go's default
// GOGC=100 the collector runs every few MB of allocation, about a thousand times on a
// 10,000-pair file, and the workers spend their time helping it. Apply lets the heap grow to
// several times the live data, bounded by a memory limit, so that a run collects tens of
// times instead, and peak memory stays under about 100 MB whatever the size of the file.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

const (
	// Percent is the GOGC the CLI runs with.
	Percent = 800
	// Limit is the soft memory limit (GOMEMLIMIT) the CLI runs with: the collector runs
	// whenever the Go heap would pass it, whatever Percent allows.
	Limit = 64 << 20
)

// Apply sets Percent and Limit, unless the user set GOGC or GOMEMLIMIT in the environment,
// which then rule as usual. It returns a function that restores the previous settings.
func Apply() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldLimit := debug.SetMemoryLimit(Limit)
	oldPercent := debug.SetGCPercent(Percent)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
