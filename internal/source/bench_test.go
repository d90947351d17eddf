package source

import "testing"

// BenchmarkDefault is loading the built-in sources file, which every run
// does before its first request (docs/benchmarks.md).
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
