package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// The request minimum (issue 6): a changed image costs at most three GETs
// and one HEAD, an unchanged one exactly one GET, and image bodies are never
// downloaded. The lists are exact, so any extra request fails the test.
func TestRequestMinimum(t *testing.T) {
	w := newWorld(t)
	w.mirror.ResetCounts()
	if r := w.run(nil, append(w.args("run"), "--signatures", "off")...); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := []string{
		// Debian 12 is new to the catalog: its release is looked for in
		// the series directories. Ubuntu 24.04, held, needs no listing.
		"GET /debian/images/cloud/",
		"GET /debian/images/cloud/bookworm/",
		"GET /debian/images/cloud/bookworm/20250210-2019/SHA512SUMS",
		"GET /debian/images/cloud/bookworm/latest/SHA512SUMS",
		"GET /ubuntu/releases/noble/",
		"GET /ubuntu/releases/noble/release-20260705/SHA256SUMS",
		"GET /ubuntu/releases/noble/release/SHA256SUMS",
		"HEAD /debian/images/cloud/bookworm/20250210-2019/" + debianName + "-20250210-2019.qcow2",
		"HEAD /ubuntu/releases/noble/release-20260705/" + ubuntuFile,
	}
	if got := requests(w.mirror); !slices.Equal(got, want) {
		t.Fatalf("first run requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	w.mirror.ResetCounts()
	if r := w.run(nil, append(w.args("run"), "--signatures", "off")...); r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want = []string{
		"GET /debian/images/cloud/bookworm/latest/SHA512SUMS",
		"GET /ubuntu/releases/noble/release/SHA256SUMS",
	}
	if got := requests(w.mirror); !slices.Equal(got, want) {
		t.Fatalf("unchanged run requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// requests lists what the mirror was asked, sorted (the crawl is concurrent).
func requests(m *mirror.Server) []string {
	var out []string
	for _, r := range m.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	slices.Sort(out)
	return out
}
