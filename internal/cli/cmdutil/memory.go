package cmdutil

import (
	"os"
	"runtime/debug"
	"sync"
)

// MemoryLimit is the Go runtime's soft memory limit for a run when the
// GOMEMLIMIT environment variable sets none. Without it the heap may grow to
// twice what is in use before the collector runs (GOGC=100), and a catalog
// of thousands of images would then take twice the memory it needs; with
// it, the collector works harder only as the heap nears the limit. It is
// soft: a run that needs more still gets it (docs/benchmarks.md).
const MemoryLimit = 96 << 20

// StartupGCPercent is the collector's GOGC until a run's first requests
// are under way. Reading the sources file and the catalog allocates a few
// megabytes in a few milliseconds; at the default of 100 the collector runs
// several times during them, on the same two processors, and delays the
// first request by a quarter. Until then the heap is small, and
// MemoryLimit still bounds it (docs/benchmarks.md).
const StartupGCPercent = 400

var endStartup = func() {}

// LimitMemory sets MemoryLimit unless GOMEMLIMIT is set, and the start-up
// collector setting unless GOGC is set. The commands' main functions call
// it; tests do not.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(StartupGCPercent)
		endStartup = sync.OnceFunc(func() { debug.SetGCPercent(prev) })
	}
}

// EndStartup gives the collector back its setting from before LimitMemory:
// the run's first requests are under way (bot.Options.Started).
func EndStartup() { endStartup() }
