package upstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
)

// blockingFetcher holds every request to host "a.example" until release is
// closed and fails every other at once, counting the requests under way.
type blockingFetcher struct {
	release chan struct{}
	arrived chan struct{} // one send per request to a.example

	mu            sync.Mutex
	inA, maxInA   int
	otherRequests int
}

var errTest = errors.New("test: no such file")

func (f *blockingFetcher) Get(ctx context.Context, u string) (*httpclient.Response, error) {
	if HostOf(u) != "a.example" {
		f.mu.Lock()
		f.otherRequests++
		f.mu.Unlock()
		return nil, errTest
	}
	f.mu.Lock()
	f.inA++
	f.maxInA = max(f.maxInA, f.inA)
	f.mu.Unlock()
	f.arrived <- struct{}{}
	<-f.release
	f.mu.Lock()
	f.inA--
	f.mu.Unlock()
	return nil, errTest
}

func (f *blockingFetcher) Head(ctx context.Context, u string) (*httpclient.Response, error) {
	return f.Get(ctx, u)
}

func scheduleImage(host string, i int) source.Image {
	return source.Image{
		Name: fmt.Sprintf("%s %d", host, i), Type: "ubuntu",
		Upstream: source.Upstream{URL: fmt.Sprintf("https://%s/img-%d/", host, i), Checksums: "SHA256SUMS", Algorithm: "sha256", Filename: "x.img"},
	}
}

// Images of one host never wait behind another host's, and no more than
// perHost x ImagesPerRequestSlot images of one host are under way at once.
func TestCrawlByHost(t *testing.T) {
	const perHost = 2
	limit := perHost * ImagesPerRequestSlot
	var imgs []source.Image
	for i := range 3 * limit {
		imgs = append(imgs, scheduleImage("a.example", i), scheduleImage("B.example", i))
	}
	f := &blockingFetcher{release: make(chan struct{}), arrived: make(chan struct{})}
	otherDone := make(chan struct{})
	var others int
	var mu sync.Mutex
	progress := func(done, total int, o Outcome) {
		if total != len(imgs) {
			t.Errorf("progress total %d, want %d", total, len(imgs))
		}
		if !strings.HasPrefix(o.Image.Name, "a.example") {
			mu.Lock()
			others++
			if others == 3*limit {
				close(otherDone)
			}
			mu.Unlock()
		}
	}
	result := make(chan []Outcome)
	go func() { result <- CrawlByHost(context.Background(), f, imgs, nil, perHost, progress) }()
	// The first images of a.example hold their requests; the other host's
	// images all finish meanwhile.
	for range limit {
		<-f.arrived
	}
	<-otherDone
	close(f.release)
	go func() {
		for range f.arrived {
		}
	}()
	out := <-result
	close(f.arrived)
	if f.maxInA != limit {
		t.Errorf("at most %d images of one host under way, want %d", f.maxInA, limit)
	}
	if len(out) != len(imgs) {
		t.Fatalf("%d outcomes, want %d", len(out), len(imgs))
	}
	for i, o := range out {
		if o.Image.Name != imgs[i].Name {
			t.Errorf("outcome %d is %q, want %q (the order of imgs)", i, o.Image.Name, imgs[i].Name)
		}
		if !errors.Is(o.Err, errTest) {
			t.Errorf("%s: error %v, want the fetcher's", o.Image.Name, o.Err)
		}
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://Cloud-Images.Ubuntu.com/releases/": "cloud-images.ubuntu.com",
		"http://127.0.0.1:8080/x":                   "127.0.0.1:8080",
		"not a url\x7f":                             "",
		"":                                          "",
	} {
		if got := HostOf(in); got != want {
			t.Errorf("HostOf(%q) = %q, want %q", in, got, want)
		}
	}
}
