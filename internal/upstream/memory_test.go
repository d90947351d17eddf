package upstream

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

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

// Only the entries keep accepts are stored, and a listing that yields more
// than MaxListingEntries is refused, however large it is.
func TestParseListingFuncBounds(t *testing.T) {
	base, _ := url.Parse("https://example.org/d/")
	body := hostileListing(MaxListingEntries+1, true, "20260705")
	keep := func(name string, dir bool) bool { return dir && strings.HasPrefix(name, "release-") }
	es, err := ParseListingFunc(bytes.NewReader(body), base, keep)
	if err != nil || len(es) != 1 || es[0].Name != "release-20260705" {
		t.Fatalf("%v %+v", err, es)
	}
	if _, err := ParseListing(bytes.NewReader(body), base); err == nil || !strings.Contains(err.Error(), "more than 20000 entries") {
		t.Fatalf("error %v", err)
	}
}

// The client remembers at most MaxCachedBytes of bodies; past that answers
// are fetched again rather than kept.
func TestClientCacheBounded(t *testing.T) {
	m := mirror.New(t)
	big := make([]byte, 10<<20)
	n := int(MaxCachedBytes/int64(len(big))) + 3
	for i := range n {
		m.File(fmt.Sprintf("/f%d", i), big, time.Time{})
	}
	c := NewClient(Options{Retries: -1, MaxBody: 32 << 20})
	for i := range n {
		if _, err := c.Get(context.Background(), fmt.Sprintf("%s/f%d", m.URL, i)); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	cached := c.cached
	c.mu.Unlock()
	if cached > MaxCachedBytes {
		t.Fatalf("%d bytes cached, more than %d", cached, MaxCachedBytes)
	}
	// The first file is remembered: asking again costs no request.
	before := m.CountPath("GET", "/f0")
	if _, err := c.Get(context.Background(), m.URL+"/f0"); err != nil {
		t.Fatal(err)
	}
	if m.CountPath("GET", "/f0") != before {
		t.Fatal("a remembered body was fetched again")
	}
	last := fmt.Sprintf("/f%d", n-1)
	before = m.CountPath("GET", last)
	if _, err := c.Get(context.Background(), m.URL+last); err != nil {
		t.Fatal(err)
	}
	if m.CountPath("GET", last) != before+1 {
		t.Fatal("a body past the cache bound was not fetched again")
	}
}
