package upstream

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/osism/image-crawler/internal/source"
)

// ImagesPerRequestSlot is how many images CrawlByHost keeps under way for
// each request one host may serve at once. One would leave the host idle
// whenever an image is between two requests, or waits for a file another
// image is already fetching; two keep its slots busy, and the client's
// per-host limit, not this, bounds the requests.
const ImagesPerRequestSlot = 2

// CrawlByHost is Crawl without a global bound: images are grouped by the
// host of their upstream URL, and at most perHost x ImagesPerRequestSlot
// images of one host are under way at once. So a host's images never wait
// behind another host's, the client's per-host limit is what holds a large
// run back, and memory stays bounded by hosts x perHost images rather than
// growing with the run. Outcomes come back in the order of imgs.
func CrawlByHost(ctx context.Context, f Fetcher, imgs []source.Image, known map[string]Known, perHost int, progress Progress) []Outcome {
	perHost = max(perHost, 1)
	var hosts []string
	queues := map[string][]int{}
	for i, img := range imgs {
		h := HostOf(img.Upstream.URL)
		if _, ok := queues[h]; !ok {
			hosts = append(hosts, h)
		}
		queues[h] = append(queues[h], i)
	}
	out := make([]Outcome, len(imgs))
	var done atomic.Int64
	var wg sync.WaitGroup
	for _, h := range hosts {
		queue := queues[h]
		var next atomic.Int64
		for range min(len(queue), perHost*ImagesPerRequestSlot) {
			wg.Go(func() {
				for {
					k := int(next.Add(1)) - 1
					if k >= len(queue) {
						return
					}
					i := queue[k]
					o := Outcome{Image: imgs[i], Known: known[imgs[i].Name]}
					o.Result, o.Err = resolve(ctx, f, imgs[i], o.Known)
					out[i] = o
					if progress != nil {
						progress(int(done.Add(1)), len(imgs), o)
					}
				}
			})
		}
	}
	wg.Wait()
	return out
}

// HostOf is the lower-cased host (with port) of a URL, or "" when it has
// none: the key images and requests are grouped by.
func HostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
