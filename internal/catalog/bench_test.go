package catalog

import (
	"context"
	"testing"
)

// BenchmarkLoadOsism is loading the image manager's own catalog, which a run
// on it does before its first request (docs/benchmarks.md).
func BenchmarkLoadOsism(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r, err := OpenRepo("../cli/testdata/osism", "etc/images")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
