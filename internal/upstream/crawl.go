package upstream

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/osism/image-crawler/internal/source"
)

// Outcome is the crawl of one image: a Result or an error, never both.
type Outcome struct {
	Image  source.Image
	Known  Known
	Result Result
	Err    error
}

// Progress is told about each image as its crawl ends (for a terminal's
// progress lines). It may be called from several goroutines at once.
type Progress func(done, total int, o Outcome)

// Crawl resolves every image concurrently, at most concurrency at a time
// (the client further limits requests per host). Each image is crawled in
// isolation: an error, or even a panic, in one is recorded in its Outcome and
// never stops or touches another. Outcomes come back in the order of imgs.
func Crawl(ctx context.Context, f Fetcher, imgs []source.Image, known map[string]Known, concurrency int, progress Progress) []Outcome {
	if concurrency < 1 {
		concurrency = 1
	}
	out := make([]Outcome, len(imgs))
	var done atomic.Int64
	var g errgroup.Group
	g.SetLimit(concurrency)
	for i, img := range imgs {
		g.Go(func() error {
			o := Outcome{Image: img, Known: known[img.Name]}
			o.Result, o.Err = resolve(ctx, f, img, o.Known)
			out[i] = o
			if progress != nil {
				progress(int(done.Add(1)), len(imgs), o)
			}
			return nil
		})
	}
	_ = g.Wait()
	return out
}

func resolve(ctx context.Context, f Fetcher, img source.Image, known Known) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("crawler bug (please report): %v\n%s", r, debug.Stack())
		}
	}()
	s, err := NewStrategy(img.Type, f)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return s.Resolve(ctx, img, known)
}
