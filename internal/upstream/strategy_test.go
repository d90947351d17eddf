package upstream

import (
	"context"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// mirroredHost is a test mirror standing in for one real host: every URL
// under from is fetched from the mirror's prefix, as --mirror does.
type mirroredHost struct {
	m      *mirror.Server
	opts   httpclient.Options // what a cold client is made of
	client *httpclient.Client // for tests that make several requests in one run
}

// newMirroredHost serves the real host from (e.g. "https://download.opensuse.org/")
// from the prefix path of a new test mirror.
func newMirroredHost(t *testing.T, from, prefix string) *mirroredHost {
	t.Helper()
	m := mirror.New(t)
	opts := httpclient.Options{Mirrors: []httpclient.Mirror{{From: from, To: m.URL + prefix}}}
	return &mirroredHost{m: m, opts: opts, client: testClient(opts)}
}

// resolve runs the strategy of img's type once, as a run of the crawler
// does (with a client of its own, so nothing is remembered from earlier
// calls), and returns its result and the requests it made ("GET /path").
func (h *mirroredHost) resolve(t *testing.T, img source.Image, known Known) (Result, []string, error) {
	t.Helper()
	h.m.ResetCounts()
	s, err := NewStrategy(img.Type, testClient(h.opts))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Resolve(context.Background(), img, known)
	var reqs []string
	for _, r := range h.m.Requests() {
		reqs = append(reqs, r.Method+" "+r.Path)
	}
	return res, reqs, err
}

// wantRequests fails unless got is exactly want, in order.
func wantRequests(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// wantResult fails unless res is the new build described.
func wantResult(t *testing.T, res Result, version, checksum, url, date, checksumURL string) {
	t.Helper()
	want := Result{Version: version, Checksum: checksum, URL: url, BuildDate: date, ChecksumURL: checksumURL}
	if res != want {
		t.Fatalf("result\n  %+v\nwant\n  %+v", res, want)
	}
}

// wantErr fails unless err says all of parts.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not say %q", err, p)
		}
	}
}

func TestBuildPattern(t *testing.T) {
	groups := map[string]string{"version": `[0-9]+(?:\.[0-9]+)+`}
	tests := []struct {
		pinned, name string
		want         string // version, "" for no match
		wantErr      string
	}{
		{pinned: "x-Build{version}.qcow2", name: "x-Build19.146.qcow2", want: "19.146"},
		{pinned: "x-Build{version}.qcow2", name: "x-Build19.146.qcow2.sha256"},
		{pinned: "x-Build{version}.qcow2", name: "prefix-x-Build19.146.qcow2"},
		{pinned: "x-Build{version}.qcow2", name: "x-Build19.qcow2"},
		{pinned: "x.y(z)-{version}+.img", name: "x.y(z)-1.2+.img", want: "1.2"},
		{pinned: "x.y(z)-{version}+.img", name: "xay(z)-1.2+.img"},
		{pinned: "x-{release}.qcow2", wantErr: "unknown placeholder {release}"},
		{pinned: "x.qcow2", wantErr: "{version} is missing"},
		{pinned: "x-{version}-{version}.qcow2", wantErr: "appears twice"},
		{pinned: "x-{version.qcow2", wantErr: "unbalanced"},
	}
	for _, tt := range tests {
		re, err := buildPattern(tt.pinned, groups)
		if tt.wantErr != "" {
			wantErr(t, err, tt.wantErr)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.pinned, err)
		}
		got := ""
		if m := re.FindStringSubmatch(tt.name); m != nil {
			got = group(re, m, "version")
		}
		if got != tt.want {
			t.Errorf("%s matching %s: %q, want %q", tt.pinned, tt.name, got, tt.want)
		}
	}
}

func TestSidecarSuffix(t *testing.T) {
	if got, err := sidecarSuffix(source.Upstream{Filename: "a.qcow2", Checksums: "a.qcow2.sha256"}); err != nil || got != ".sha256" {
		t.Fatalf("suffix %q, %v", got, err)
	}
	for _, sums := range []string{"b.qcow2.sha256", "a.qcow2", "SHA256SUMS"} {
		_, err := sidecarSuffix(source.Upstream{Filename: "a.qcow2", Checksums: sums})
		wantErr(t, err, "upstream.checksums", sums)
	}
}

// TestEveryTypeHasAStrategy holds strategies and source.Types together: a
// type the sources file accepts but no strategy serves would fail every
// image of it at crawl time, and a strategy without a type is unreachable.
func TestEveryTypeHasAStrategy(t *testing.T) {
	for typ := range source.Types {
		if _, ok := strategies[typ]; !ok {
			t.Errorf("type %q has no strategy", typ)
		}
	}
	for typ := range strategies {
		if _, ok := source.Types[typ]; !ok {
			t.Errorf("strategy %q is no type of the sources file", typ)
		}
	}
}
