package upstream

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/httpclient"
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
// progress lines). Calls come one at a time, done counting up from 1 in
// the order the crawls end.
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
	// One lock around counting and telling: the calls come in the order
	// of their numbers ([14/38] before [15/38]), one at a time.
	var (
		mu   sync.Mutex
		done int
	)
	var g errgroup.Group
	g.SetLimit(concurrency)
	for i, img := range imgs {
		g.Go(func() error {
			o := Outcome{Image: img, Known: known[img.Name]}
			o.Result, o.Err = resolve(ctx, f, img, o.Known)
			out[i] = o
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(imgs), o)
				mu.Unlock()
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
	res, err = s.Resolve(ctx, img, known)
	if err != nil || res.Unchanged {
		return res, err
	}
	if err := crossCheck(ctx, f, img, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// A pinned image is implausible when the server announces it empty or as a
// web page: what a mirror answers with 200 for a missing file (a placeholder,
// a portal or an error page). No lower bound on the size beyond that: mirrors
// that serve small stand-in files (test and staging mirrors) stay usable, and
// the checksum, confirmed in the build's own checksum file, is what makes the
// entry trustworthy.

// version is what a build identifier may look like: it goes into file
// names, URLs and the catalog, so it is kept to what real ones use.
var version = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._+~-]{0,63}$`) })

// crossCheck is run on every new build a strategy found, whatever the
// strategy, before anything of it can reach the catalog: the result is
// well-formed, stays below the source's URL, was signature-verified if the
// source requires it, and its pinned URL is really published (HEAD 200 with a
// plausible size). A build date the strategy left empty is taken from the
// pinned file's Last-Modified, from the same HEAD.
func crossCheck(ctx context.Context, f Fetcher, img source.Image, res *Result) error {
	u := img.Upstream
	if !version().MatchString(res.Version) {
		return fmt.Errorf("build identifier %q: not a version (want letters, digits and . _ + ~ -, at most 64)", res.Version)
	}
	if d, err := checksum.ParseDigest(res.Checksum); err != nil || string(d.Algorithm) != u.Algorithm || !catalogAlgorithm(d.Algorithm) {
		return fmt.Errorf("checksum %q of %s: want %s:<lowercase hex>", res.Checksum, res.Version, u.Algorithm)
	}
	if err := underSource(u.URL, res.URL); err != nil {
		return fmt.Errorf("pinned URL: %w", err)
	}
	if res.ChecksumURL != "" {
		if err := underSource(u.URL, res.ChecksumURL); err != nil {
			return fmt.Errorf("checksum URL: %w", err)
		}
	}
	if u.SignatureMode() == source.SignatureRequired && !res.Verified {
		// A strategy that read its checksum file around checksums() would
		// otherwise pass unverified data as trusted.
		return fmt.Errorf("crawler bug (please report): the signature of %s is required but was not verified", res.ChecksumURL)
	}
	head, err := headPinned(ctx, f, res.URL)
	if err != nil {
		return fmt.Errorf("pinned image: %w", err)
	}
	if head.Status != http.StatusOK {
		return fmt.Errorf("pinned image HEAD %s: %d, want 200", res.URL, head.Status)
	}
	if head.ContentLength == 0 {
		return fmt.Errorf("pinned image %s is empty (Content-Length 0)", res.URL)
	}
	if head.ContentType == "text/html" || head.ContentType == "application/xhtml+xml" {
		return fmt.Errorf("pinned image %s is a web page (%s), not an image", res.URL, head.ContentType)
	}
	if res.BuildDate == "" {
		date, err := headBuildDate(head, res.URL)
		if err != nil {
			return fmt.Errorf("no build date for %s: the version holds none and %w", res.Version, err)
		}
		res.BuildDate = date
	}
	return nil
}

// headPinned asks whether a pinned image is published. The Client remembers
// HEAD answers per URL, so a strategy that reads the Last-Modified of the
// pinned file through here (or f.Head) and the cross-check share one request.
func headPinned(ctx context.Context, f Fetcher, pinned string) (*httpclient.Response, error) {
	return f.Head(ctx, pinned)
}

// UnderSource is underSource for other packages: whether got lies in the
// tree of a source's url.
func UnderSource(sourceURL, got string) error { return underSource(sourceURL, got) }

// underSource checks that a URL a strategy built from upstream strings (a
// listing's names, a version file) stays below the source's url, on its
// scheme and host. Below the source's url means below the part of its path
// before the first segment that stands for a release: a {placeholder}, or a
// bare version number like the 9 of rocky/9/, which a strategy may replace
// by the minor release directory (rocky/9.6/).
func underSource(sourceURL, got string) error {
	s, err := url.Parse(sourceURL)
	if err != nil {
		return fmt.Errorf("source url %q: %w", sourceURL, err)
	}
	g, err := url.Parse(got)
	if err != nil || g.Scheme == "" || g.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", got)
	}
	prefix := "/"
	for _, seg := range strings.Split(strings.Trim(s.Path, "/"), "/") {
		if seg == "" || strings.Contains(seg, "{") || releaseSegment().MatchString(seg) {
			break
		}
		prefix += seg + "/"
	}
	dots := slices.ContainsFunc(strings.Split(g.Path, "/"), func(seg string) bool { return seg == "." || seg == ".." })
	if g.Scheme != s.Scheme || g.Host != s.Host || !strings.HasPrefix(g.Path, prefix) || dots || g.RawQuery != "" || g.Fragment != "" || g.User != nil {
		return fmt.Errorf("%s is not below the source's %s://%s%s: refusing it", got, s.Scheme, s.Host, prefix)
	}
	return nil
}

// releaseSegment is a path segment naming a release by number (9, 9.6, 44).
var releaseSegment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`) })

// catalogAlgorithm says whether the image manager's catalog takes digests
// of algo: sha256 and sha512 only (docs/catalog.md).
func catalogAlgorithm(algo checksum.Algorithm) bool {
	return algo == checksum.SHA256 || algo == checksum.SHA512
}
