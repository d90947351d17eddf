package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"

	"github.com/osism/image-crawler/internal/lifecycle"
)

// tableFetcher answers GETs from a map and counts them.
type tableFetcher struct {
	mu     sync.Mutex
	bodies map[string]string
	gets   []string
}

func (f *tableFetcher) Get(_ context.Context, url string) (*httpclient.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets = append(f.gets, url)
	b, ok := f.bodies[url]
	if !ok {
		return nil, &httpclient.HTTPError{Method: "GET", URL: url, Status: 404}
	}
	return &httpclient.Response{URL: url, Status: 200, Body: []byte(b)}, nil
}

func (f *tableFetcher) Head(_ context.Context, url string) (*httpclient.Response, error) {
	return nil, &httpclient.HTTPError{Method: "HEAD", URL: url, Status: 405}
}

const (
	debianURL = "https://example.org/debian.csv"
	ubuntuURL = "https://example.org/ubuntu.csv"
	// Debian 12's LTS moved, and a Debian 16 the snapshot does not know.
	fetchedDebian = `version,codename,series,created,release,eol,eol-lts,eol-elts
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2028-12-31,2033-06-30
16,Nextone,nextone,2029-06-01,2031-06-10
`
)

func TestEOLRefresh(t *testing.T) {
	urls := map[string]string{"debian": debianURL, "ubuntu": ubuntuURL}
	tests := []struct {
		name     string
		bodies   map[string]string
		distros  map[string]bool
		sent     bool // the crawl sent a request
		gets     []string
		eol12    string // Debian 12's end of life afterwards
		origin12 string
		warning  string // "" = none
	}{
		{"refreshed", map[string]string{debianURL: fetchedDebian}, map[string]bool{"debian": true}, true,
			[]string{debianURL}, "2028-12-31", lifecycle.OriginDebianFetched, ""},
		{"not found: the snapshot stays", nil, map[string]bool{"debian": true}, true,
			[]string{debianURL}, "2028-06-30", lifecycle.OriginDebianTable, "404"},
		{"not a table", map[string]string{debianURL: "<html>moved</html>\n"}, map[string]bool{"debian": true}, true,
			[]string{debianURL}, "2028-06-30", lifecycle.OriginDebianTable, "not a distro-info-data table"},
		{"a bad date", map[string]string{debianURL: "version,codename,series,created,release,eol\n12,B,bookworm,2021,2023-06-10,soon\n"}, map[string]bool{"debian": true}, true,
			[]string{debianURL}, "2028-06-30", lifecycle.OriginDebianTable, `eol "soon"`},
		{"no release", map[string]string{debianURL: "version,codename,series,created,release,eol\n"}, map[string]bool{"debian": true}, true,
			[]string{debianURL}, "2028-06-30", lifecycle.OriginDebianTable, "lists no release"},
		{"no image of the distribution: no request", map[string]string{debianURL: fetchedDebian}, map[string]bool{"fedora": true}, true,
			nil, "2028-06-30", lifecycle.OriginDebianTable, ""},
		{"one request per table crawled", map[string]string{debianURL: fetchedDebian}, map[string]bool{"debian": true, "ubuntu": true}, true,
			[]string{debianURL, ubuntuURL}, "2028-12-31", lifecycle.OriginDebianFetched, "ubuntu not refreshed"},
		{"the crawl sent nothing: no request", map[string]string{debianURL: fetchedDebian}, map[string]bool{"debian": true}, false,
			nil, "2028-06-30", lifecycle.OriginDebianTable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &tableFetcher{bodies: tt.bodies}
			first, stop := make(chan struct{}), make(chan struct{})
			base := lifecycle.Builtin()
			r := startEOLRefresh(context.Background(), f, urls, tt.distros, first, stop)
			if tt.sent {
				close(first)
			}
			close(stop)
			got, warnings := r.wait(base)
			f.mu.Lock()
			gets := strings.Join(slices.Sorted(slices.Values(f.gets)), " ")
			f.mu.Unlock()
			if gets != strings.Join(tt.gets, " ") {
				t.Errorf("requests %q, want %q", gets, tt.gets)
			}
			d12, _ := got.Lookup("debian", "12")
			if d12.EOL.Format(time.DateOnly) != tt.eol12 || d12.Origin != tt.origin12 {
				t.Errorf("Debian 12: %s (%s), want %s (%s)", d12.EOL.Format(time.DateOnly), d12.Origin, tt.eol12, tt.origin12)
			}
			if w := strings.Join(warnings, "\n"); (tt.warning == "") != (w == "") || !strings.Contains(w, tt.warning) {
				t.Errorf("warnings %q, want %q", w, tt.warning)
			}
			// The tables discovery read are never changed.
			if b12, _ := base.Lookup("debian", "12"); b12.Origin != lifecycle.OriginDebianTable {
				t.Errorf("the built-in tables changed: %+v", b12)
			}
		})
	}
}

// No table is asked for before the crawl's first request is answered.
func TestEOLRefreshWaitsForTheFirstRequest(t *testing.T) {
	inner := &tableFetcher{bodies: map[string]string{debianURL: fetchedDebian, "https://mirror/img": "x"}}
	fr := newFirstRequest(inner)
	stop := make(chan struct{})
	r := startEOLRefresh(context.Background(), fr, map[string]string{"debian": debianURL}, map[string]bool{"debian": true}, fr.sent, stop)
	if _, err := fr.Get(context.Background(), "https://mirror/img"); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if _, warnings := r.wait(lifecycle.Builtin()); len(warnings) > 0 {
		t.Fatal(warnings)
	}
	if len(inner.gets) != 2 || inner.gets[0] != "https://mirror/img" || inner.gets[1] != debianURL {
		t.Fatalf("requests %v: the image's first, then the table once", inner.gets)
	}
}
