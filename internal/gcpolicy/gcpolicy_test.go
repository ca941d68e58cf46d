package gcpolicy

import (
	"math"
	"runtime/debug"
	"testing"
)

// Apply sets the batch policy unless the user chose one, and restore puts back what was.
func TestApply(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{"no user setting", nil, Percent, Limit},
		{"GOGC set", map[string]string{"GOGC": "100"}, 100, math.MaxInt64},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			// A known starting point: what a process without GOGC/GOMEMLIMIT has.
			prevPercent := debug.SetGCPercent(100)
			prevLimit := debug.SetMemoryLimit(math.MaxInt64)
			defer func() { debug.SetGCPercent(prevPercent); debug.SetMemoryLimit(prevLimit) }()

			restore := Apply()
			gotPercent := debug.SetGCPercent(-1)
			debug.SetGCPercent(gotPercent)
			gotLimit := debug.SetMemoryLimit(-1)
			if gotPercent != tt.wantPercent || gotLimit != tt.wantLimit {
				t.Errorf("after Apply: GOGC %d, limit %d; want %d, %d", gotPercent, gotLimit, tt.wantPercent, tt.wantLimit)
			}
			restore()
			gotPercent = debug.SetGCPercent(-1)
			debug.SetGCPercent(gotPercent)
			if gotPercent != 100 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
				t.Errorf("restore left GOGC %d", gotPercent)
			}
		})
	}
}
