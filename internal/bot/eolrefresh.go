package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/osism/image-crawler/internal/httpclient"

	"github.com/osism/image-crawler/internal/lifecycle"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// firstRequest is the run's Fetcher, which says when the first request of
// the crawl (or of release discovery) has been answered: the end-of-life
// tables are fetched only after it, so they never delay the first image,
// and any observer sees the image's request first.
type firstRequest struct {
	upstream.Fetcher
	once sync.Once
	sent chan struct{}
}

func newFirstRequest(f upstream.Fetcher) *firstRequest {
	return &firstRequest{Fetcher: f, sent: make(chan struct{})}
}

func (f *firstRequest) Get(ctx context.Context, url string) (*httpclient.Response, error) {
	defer f.once.Do(func() { close(f.sent) })
	return f.Fetcher.Get(ctx, url)
}

func (f *firstRequest) Head(ctx context.Context, url string) (*httpclient.Response, error) {
	defer f.once.Do(func() { close(f.sent) })
	return f.Fetcher.Head(ctx, url)
}

// eolRefresh fetches, beside the crawl, the release tables the sources
// file names under end_of_life (docs/lifecycle.md): one request per table
// and run, for a distribution the run crawls an image of, once the crawl's
// first request is answered. What it fetched takes the built-in snapshot's
// place in the end-of-life report; a table that cannot be fetched or read
// is a warning, and the snapshot stays.
type eolRefresh struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	tables   map[string][]lifecycle.Release
	warnings []string
}

// startEOLRefresh starts one fetch per table of urls whose distribution is
// in distros. Each waits for first; stop (closed once the crawl is over)
// ends the wait of a run that sent no request at all.
func startEOLRefresh(ctx context.Context, f upstream.Fetcher, urls map[string]string, distros map[string]bool, first, stop <-chan struct{}) *eolRefresh {
	r := &eolRefresh{tables: map[string][]lifecycle.Release{}}
	for _, d := range slices.Sorted(mapKeysOf(urls)) {
		if !distros[d] {
			continue
		}
		u := urls[d]
		r.wg.Go(func() {
			select {
			case <-first:
			case <-ctx.Done():
				return
			case <-stop:
				select {
				case <-first: // both at once: the crawl did send requests
				default:
					return
				}
			}
			rs, err := fetchTable(ctx, f, d, u)
			r.mu.Lock()
			defer r.mu.Unlock()
			if err != nil {
				r.warnings = append(r.warnings, fmt.Sprintf("end of life of %s not refreshed from %s, the built-in tables are used: %v", d, u, err))
				return
			}
			r.tables[d] = rs
		})
	}
	return r
}

// ErrNoReleases is a fetched table without a single release.
var ErrNoReleases = errors.New("the table lists no release")

func fetchTable(ctx context.Context, f upstream.Fetcher, distro, url string) ([]lifecycle.Release, error) {
	resp, err := f.Get(ctx, url)
	if err != nil {
		return nil, err
	}
	rs, err := lifecycle.Parse(distro, bytes.NewReader(resp.Body))
	if err != nil {
		return nil, err
	}
	rs = slices.DeleteFunc(rs, func(r lifecycle.Release) bool { return r.Version == "" && r.Codename == "" })
	if len(rs) == 0 {
		return nil, ErrNoReleases
	}
	for i := range rs {
		rs[i].Origin = lifecycle.FetchedOrigin(distro)
	}
	return rs, nil
}

// wait waits for every fetch and returns base with what they fetched in
// place of its rows (base itself is not changed: discovery reads it
// concurrently), and the warnings.
func (r *eolRefresh) wait(base *lifecycle.Tables) (*lifecycle.Tables, []string) {
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.tables) == 0 {
		return base, r.warnings
	}
	t := base.Clone()
	for _, d := range slices.Sorted(mapKeysOf(r.tables)) {
		t.Refresh(d, r.tables[d])
	}
	return t, r.warnings
}

// imageDistro is the distribution an image's release belongs to, as the
// release tables name it: its meta.os_distro, else its type.
func imageDistro(img source.Image) string {
	if v, ok := img.Meta.Properties.Get("os_distro"); ok {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return img.Type
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
