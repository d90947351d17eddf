package cli

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the Go runtime's soft memory limit for a run when the
// GOMEMLIMIT environment variable sets none. Without it the heap may grow to
// twice what is in use before the collector runs (GOGC=100), and a catalog
// of thousands of images would then take twice the memory it needs; with
// it, the collector works harder only as the heap nears the limit. It is
// soft: a run that needs more still gets it (docs/benchmarks.md).
const MemoryLimit = 96 << 20

// LimitMemory sets MemoryLimit unless GOMEMLIMIT is set. The commands' main
// functions call it; tests do not.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
