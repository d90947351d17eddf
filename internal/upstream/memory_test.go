package upstream

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// hostileListing is a directory listing of about 10 MB: n links of the form
// a mirror could serve, the real builds among them.
func hostileListing(n int, dirs bool, builds ...string) []byte {
	var b strings.Builder
	b.WriteString("<html><body><pre>\n")
	for _, v := range builds {
		fmt.Fprintf(&b, "<a href=\"release-%s/\">release-%s/</a>\n", v, v)
	}
	suffix := ""
	if dirs {
		suffix = "/"
	}
	for i := range n {
		fmt.Fprintf(&b, "<a href=\"x%07d%s\">xxxxxxxx</a>\n", i, suffix)
	}
	b.WriteString("</pre></body></html>\n")
	return []byte(b.String())
}

// Memory stays bounded whatever a mirror lists: a 10 MB listing of 300,000
// entries costs a few megabytes, not hundreds, because only the entries the
// strategy can use are kept. Measured as bytes allocated by the crawl
// (runtime.MemStats.TotalAlloc, which bounds the peak), not by timing.
func TestHostileListingMemory(t *testing.T) {
	for _, dirs := range []bool{true, false} {
		t.Run(fmt.Sprintf("dirs=%v", dirs), func(t *testing.T) {
			m, c, img := plainWorld(t)
			body := hostileListing(300_000, dirs, sigBuilds...)
			if len(body) < 8<<20 {
				t.Fatalf("listing is only %d bytes", len(body))
			}
			m.Fault(sigBase, mirror.Fault{Body: body})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			out := Crawl(context.Background(), c, []source.Image{img}, map[string]Known{img.Name: oldKnown}, 1, nil)
			runtime.ReadMemStats(&after)
			if out[0].Err != nil {
				t.Fatalf("the image failed: %v", out[0].Err)
			}
			if out[0].Result.Version != "20260705" {
				t.Fatalf("version %q", out[0].Result.Version)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %d MB for a %d MB listing", alloc>>20, len(body)>>20)
			if alloc > 128<<20 {
				t.Fatalf("crawling a hostile listing allocated %d MB, want under 128 MB", alloc>>20)
			}
		})
	}
}
