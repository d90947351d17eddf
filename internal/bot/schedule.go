package bot

import (
	"context"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// crawl crawls imgs with a global bound of o.Concurrency images, or with
// none (Concurrency 0, the default): then only the per-host limit holds the
// run back (upstream.CrawlByHost).
func (o *Options) crawl(ctx context.Context, f upstream.Fetcher, imgs []source.Image, known map[string]upstream.Known, progress upstream.Progress) []upstream.Outcome {
	if o.Concurrency > 0 {
		return upstream.Crawl(ctx, f, imgs, known, o.Concurrency, progress)
	}
	return upstream.CrawlByHost(ctx, f, imgs, known, o.PerHost, progress)
}

// limitFor is the bound of concurrent checks of urls (pruning): the
// --concurrency, or with none, as many as the per-host limits let through
// on the hosts the URLs name.
func (o *Options) limitFor(urls []string) int {
	if o.Concurrency > 0 {
		return o.Concurrency
	}
	hosts := map[string]bool{}
	for _, u := range urls {
		hosts[upstream.HostOf(u)] = true
	}
	return max(len(hosts), 1) * max(o.PerHost, 1) * upstream.ImagesPerRequestSlot
}
