package bot

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/lifecycle"

	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// orderStride spaces the positions of the sources file's entries in
// Crawled.order so that the images a per-release entry stands for sort
// where the entry is.
const orderStride = 1 << 12

// crawlAll decides the scope and crawls it. Per-release sources need a
// listing of their releases before they are images at all; that discovery
// runs beside the crawl of every other image, which does not wait for it
// (docs/sources.md, "New releases"). Outcomes come back in no useful order:
// crawlStep sorts what it derives from them.
func (c *Crawled) crawlAll(ctx context.Context, o *Options, imgs []source.Image) ([]upstream.Outcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cat := c.Catalog
	ended := c.endedFunc(o)
	var plain, perRelease []source.Image
	base := map[int]int{}
	for i, img := range imgs {
		if img.PerRelease() {
			perRelease = append(perRelease, img)
			base[img.Line] = i * orderStride
			c.order[img.Name] = i * orderStride
			continue
		}
		plain = append(plain, img)
		c.order[img.Name] = i * orderStride
	}
	if err := checkAddNames(plain, perRelease, o.Add.Names); err != nil {
		return nil, &UsageError{err}
	}
	fetcher := newFirstRequest(o.Fetcher)

	// The releases the catalog already holds do not depend on discovery:
	// they are crawled at once, with the others. Discovery only adds the
	// releases the catalog lacks.
	early, heldLines := c.heldReleases(o, perRelease)
	plainAndHeld := append(slices.Clone(plain), early...)

	type discovered struct {
		imgs   []source.Image
		failed []upstream.Outcome
	}
	var disc chan discovered
	discover := needDiscovery(perRelease, early, o.Only)
	if len(discover) > 0 {
		disc = make(chan discovered, 1)
		go func() {
			x, f := upstream.Discover(ctx, fetcher, discover, o.Only, upstream.DiscoverOptions{Tables: o.tables(), Now: o.Now()})
			disc <- discovered{x, f}
		}()
	}

	sc, _ := decideScope(cat, plainAndHeld, o.Add, ended, true)
	c.scope = sc
	for _, fe := range cat.Errors {
		o.Logger.Warn("catalog file does not parse; it will not be rewritten", "file", fe.Path, "error", fe.Error())
	}
	progress := &sharedProgress{p: o.Progress}
	// pre are the images that failed before their crawl began: they count
	// in the progress as much as the ones crawled, and in offline.
	var pre []upstream.Outcome
	first := c.prepare(o, sc.images)
	progress.add(len(first.imgs))
	for _, oc := range first.failed {
		progress.fail(oc)
	}
	pre = append(pre, first.failed...)
	if err := ctxDone(ctx); err != nil {
		// No goroutine outlives the call: the discovery started above
		// ends with the context.
		if disc != nil {
			cancel()
			<-disc
		}
		return nil, err
	}
	// The end-of-life tables the sources file names are fetched beside
	// the crawl, for the distributions of the images it crawls and of the
	// families whose releases are listed.
	crawlOver := make(chan struct{})
	var refresh *eolRefresh
	if len(o.Sources.EndOfLife) > 0 {
		distros := map[string]bool{}
		for _, img := range append(slices.Clone(first.imgs), discover...) {
			distros[imageDistro(img)] = true
		}
		refresh = startEOLRefresh(ctx, fetcher, o.Sources.EndOfLife, distros, fetcher.sent, crawlOver)
	}
	firstDone := make(chan []upstream.Outcome, 1)
	go func() {
		firstDone <- o.crawl(ctx, fetcher, first.imgs, first.known, progress.report)
	}()
	if c.inFlight != nil {
		c.inFlight()
	}
	abort := func(err error) ([]upstream.Outcome, error) {
		cancel()
		<-firstDone
		close(crawlOver)
		if refresh != nil {
			refresh.wait(o.tables())
		}
		return nil, err
	}

	all := plainAndHeld
	var rest []source.Image
	// discard are held releases a successful discovery no longer offers:
	// as before discovery ran beside the crawl, they are left to the rules
	// for entries no source describes.
	discard := map[string]bool{}
	if disc != nil {
		d := <-disc
		failedLines := map[int]bool{}
		for _, oc := range d.failed {
			c.order[oc.Image.Name] = base[oc.Image.Line]
			if oc.Image.PerRelease() && !c.discoveryNeeded(o, oc.Image, heldLines[oc.Image.Line]) {
				// No image of the catalog waited for this listing: the
				// releases it holds were crawled all the same, and only new
				// releases could not be looked for.
				failedLines[oc.Image.Line] = true
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s: new releases not looked for: %v", oc.Image.Name, oc.Err))
				continue
			}
			c.Failures = append(c.Failures, plan.Failure{Image: oc.Image.Name, Error: oc.Err.Error()})
			progress.fail(oc)
			pre = append(pre, oc)
		}
		seen := map[int]int{}
		offered := map[string]bool{}
		for _, img := range d.imgs {
			seen[img.Line]++
			c.order[img.Name] = base[img.Line] + seen[img.Line]
			offered[img.Name] = true
		}
		discovered := map[int]bool{}
		for _, img := range perRelease {
			discovered[img.Line] = !failedLines[img.Line]
		}
		var kept []source.Image
		for _, img := range early {
			if discovered[img.Line] && !offered[img.Name] && slices.ContainsFunc(d.imgs, func(x source.Image) bool { return x.Line == img.Line }) {
				discard[img.Name] = true
				continue
			}
			if !offered[img.Name] {
				kept = append(kept, img)
			}
		}
		sc2, _ := decideScope(cat, append(slices.Clone(kept), d.imgs...), o.Add, ended, true)
		sc.fresh, sc.sibling = mergeMaps(sc.fresh, sc2.fresh), mergeMaps(sc.sibling, sc2.sibling)
		sc.available = append(sc.available, sc2.available...)
		for _, img := range sc2.images {
			if !slices.ContainsFunc(early, func(x source.Image) bool { return x.Name == img.Name }) {
				rest = append(rest, img)
			}
		}
		all = append(append(slices.Clone(plain), kept...), d.imgs...)
	}
	if err := c.checkAdd(o, all); err != nil {
		return abort(&UsageError{err})
	}
	c.sources = map[string]source.Image{}
	for _, img := range all {
		c.sources[img.Name] = img
	}
	if len(o.Only) == 0 {
		extra, left := undescribed(cat, all, o.CatalogDir)
		c.NotUpdated = append(c.NotUpdated, left...)
		for k, img := range extra {
			c.order[img.Name] = (len(imgs)+1)*orderStride + k
		}
		rest = append(rest, extra...)
	}
	sc.images = append(sc.images, rest...)
	second := c.prepare(o, rest)
	progress.add(len(second.imgs))
	for _, oc := range second.failed {
		progress.fail(oc)
	}
	pre = append(pre, second.failed...)
	if err := ctxDone(ctx); err != nil {
		return abort(err)
	}
	outcomes := o.crawl(ctx, fetcher, second.imgs, second.known, progress.report)
	for _, oc := range <-firstDone {
		if !discard[oc.Image.Name] {
			outcomes = append(outcomes, oc)
		}
	}
	close(crawlOver)
	if refresh != nil {
		var warnings []string
		c.eolTables, warnings = refresh.wait(o.tables())
		c.Warnings = append(c.Warnings, warnings...)
	}
	if len(discard) > 0 {
		sc.images = slices.DeleteFunc(sc.images, func(img source.Image) bool { return discard[img.Name] })
	}
	c.Offline = offline(append(pre, outcomes...))
	return outcomes, nil
}

// heldReleases makes concrete the releases of per-release sources that the
// catalog holds (and --only selects), without asking upstream: their crawl
// does not depend on discovery. A series source's ({codename}) release
// counts when the tables know it; a numbered source's (Fedora, AlmaLinux)
// when the sources file names it (upstream.per_release or releases_only),
// since those mirrors drop old releases. One past its end of life, which
// discovery is likely to drop, is left to discovery unless --only names
// it, as is every other release. heldLines are the sources that hold any
// made concrete here: when their listing fails, the releases left waiting
// are followed like entries no source describes (their latest_url).
func (c *Crawled) heldReleases(o *Options, perRelease []source.Image) ([]source.Image, map[int]bool) {
	var out []source.Image
	lines := map[int]bool{}
	now := o.Now()
	ended := func(img source.Image) bool {
		e, ok := sourceEOL(img, o.tables())
		return ok && lifecycle.StateOn(e.day, now) == lifecycle.Ended
	}
	for _, img := range perRelease {
		for _, f := range c.Catalog.Files {
			for _, ci := range f.Images {
				r, ok := img.ReleaseNamed(ci.Name)
				if !ok || (len(o.Only) > 0 && !slices.Contains(o.Only, ci.Name)) {
					continue
				}
				if slices.ContainsFunc(out, func(x source.Image) bool { return x.Name == ci.Name }) {
					continue
				}
				concrete, known := heldRelease(o, img, r)
				// One past its end waits for discovery, unless --only asks
				// for it by name.
				if !known || len(o.Only) == 0 && ended(concrete) {
					continue
				}
				out = append(out, concrete)
				c.order[ci.Name] = c.order[img.Name] // refined once discovery answers
				lines[img.Line] = true
			}
		}
	}
	return out, lines
}

// heldRelease is release r of the per-release source img, and whether it is
// known without asking upstream (see heldReleases).
func heldRelease(o *Options, img source.Image, r string) (source.Image, bool) {
	u := img.Upstream
	if !u.ByCodename() {
		_, named := u.PerRelease[r]
		return img.ForRelease(r), named || slices.Contains(u.ReleasesOnly, r)
	}
	rel, ok := o.tables().Lookup(img.Type, r)
	if !ok || rel.Codename == "" {
		return source.Image{}, false
	}
	return img.ForCodename(r, rel.Codename), true
}

// discoveryNeeded says whether a failed release listing of a per-release
// source costs the catalog an image: in a new catalog, for --add, or where
// the catalog holds releases of it that were not crawled without it.
func (c *Crawled) discoveryNeeded(o *Options, img source.Image, crawledHeld bool) bool {
	empty := len(c.Catalog.Errors) == 0
	holds := false
	for _, f := range c.Catalog.Files {
		if len(f.Images) > 0 {
			empty = false
		}
		for _, ci := range f.Images {
			if _, ok := img.ReleaseNamed(ci.Name); ok {
				holds = true
			}
		}
	}
	added := o.Add.All || slices.ContainsFunc(o.Add.Names, func(n string) bool {
		low := img
		low.Name = strings.ToLower(img.Name)
		return low.MatchesName(strings.ToLower(strings.TrimSpace(n)))
	})
	return empty || added || holds && !crawledHeld
}

// needDiscovery is the per-release sources whose releases must be listed:
// all of them, unless --only names nothing but releases the catalog holds.
func needDiscovery(perRelease, held []source.Image, only []string) []source.Image {
	if len(only) == 0 {
		return perRelease
	}
	var out []source.Image
	for _, img := range perRelease {
		for _, n := range only {
			if img.MatchesName(n) && !slices.ContainsFunc(held, func(x source.Image) bool { return x.Name == n }) {
				out = append(out, img)
				break
			}
		}
	}
	return out
}

// batch is a set of images ready to crawl, with what the catalog knows of
// them.
type batch struct {
	imgs  []source.Image
	known map[string]upstream.Known
	// failed are the images that cannot be crawled (their catalog file
	// does not parse), as outcomes for the progress.
	failed []upstream.Outcome
}

// prepare points each image at the stream its catalog entry follows and the
// file it is written to, and sets aside the ones that cannot be crawled (a
// stream no source describes, a catalog file that does not parse).
func (c *Crawled) prepare(o *Options, imgs []source.Image) batch {
	broken := map[string]error{}
	for _, fe := range c.Catalog.Errors {
		broken[fe.Path] = fe
	}
	b := batch{known: map[string]upstream.Known{}}
	for _, img := range imgs {
		file := img.File
		if f, ci, ok := c.Catalog.Lookup(img.Name); ok {
			// The catalog is the database: an entry stays in the file it is in.
			file = f.Path
			b.known[img.Name] = plan.Known(ci)
			if !img.Regenerate && !img.Followed {
				followed, nu, ok := follow(img, f, ci, path.Join(o.CatalogDir, f.Path))
				if !ok {
					c.NotUpdated = append(c.NotUpdated, nu)
					continue
				}
				img = followed
			}
		}
		c.target[img.Name] = file
		if err, ok := broken[file]; ok {
			err = fmt.Errorf("catalog file %s does not parse, so it is left alone: %w", path.Join(o.CatalogDir, file), err)
			c.Failures = append(c.Failures, plan.Failure{Image: img.Name, Error: err.Error()})
			b.failed = append(b.failed, upstream.Outcome{Image: img, Err: err})
			continue
		}
		// --signatures overrides every source at once (docs/reference.md);
		// strategies only ever see the image's own setting.
		o.Signatures.Apply(&img)
		b.imgs = append(b.imgs, img)
	}
	return b
}

// checkAddNames refuses, before anything is fetched, an --add name that is
// neither an image of the sources nor a release a per-release source could
// stand for. Whether such a release is current is known after discovery.
func checkAddNames(plain, perRelease []source.Image, names []string) error {
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		ok := slices.ContainsFunc(plain, func(img source.Image) bool { return strings.EqualFold(img.Name, n) })
		for _, img := range perRelease {
			low := img
			low.Name = strings.ToLower(img.Name)
			ok = ok || low.MatchesName(strings.ToLower(n))
		}
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", n))
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("--add %s: no such image in the sources (see `image-crawler list`)", strings.Join(unknown, ", "))
	}
	return nil
}

func mergeMaps[V any](a, b map[string]V) map[string]V {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// sharedProgress counts the images of both crawls as one run.
type sharedProgress struct {
	p           upstream.Progress
	mu          sync.Mutex
	done, total int
}

func (s *sharedProgress) add(n int) {
	s.mu.Lock()
	s.total += n
	s.mu.Unlock()
}

// fail counts an image that failed before its crawl began (a releases
// listing, a catalog file that does not parse), so the count matches the
// failures that follow.
func (s *sharedProgress) fail(o upstream.Outcome) {
	s.add(1)
	s.report(0, 0, o)
}

func (s *sharedProgress) report(_, _ int, o upstream.Outcome) {
	if s.p == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done++
	s.p(s.done, s.total, o)
}

// sortByOrder puts what the crawl found in the order of the sources file.
func (c *Crawled) sortByOrder() {
	slices.SortStableFunc(c.Changes, func(a, b *plan.Change) int { return c.order[a.Image.Name] - c.order[b.Image.Name] })
	slices.SortStableFunc(c.Unchanged, func(a, b plan.Unchanged) int { return c.order[a.Image] - c.order[b.Image] })
	slices.SortStableFunc(c.Failures, func(a, b plan.Failure) int { return c.order[a.Image] - c.order[b.Image] })
	slices.SortStableFunc(c.Available, func(a, b string) int { return c.order[a] - c.order[b] })
}

// checkAdd resolves every --add name. A name no source has is bad usage; a
// name of a per-release source ("Debian 12" of "Debian {release}") that
// upstream does not list now fails as that image, like a crawl that finds
// nothing, and the rest of the run proceeds.
func (c *Crawled) checkAdd(o *Options, all []source.Image) error {
	found, _ := matchAdd(all, o.Add.Names)
	var unknown []string
	for _, n := range o.Add.Names {
		n = strings.TrimSpace(n)
		if slices.ContainsFunc(all, func(img source.Image) bool { return strings.EqualFold(img.Name, n) && found[img.Name] }) {
			continue
		}
		if i := slices.IndexFunc(o.Sources.Images, func(img source.Image) bool { return img.PerRelease() && img.MatchesName(n) }); i >= 0 {
			// The family's listing failed or lacks the release: report
			// it under the name asked for, once.
			family := o.Sources.Images[i].Name
			if j := slices.IndexFunc(c.Failures, func(f plan.Failure) bool { return f.Image == family }); j >= 0 {
				c.Failures[j].Image = n
				continue
			}
			c.Failures = append(c.Failures, plan.Failure{Image: n, Error: "--add: upstream does not list this release now"})
			continue
		}
		unknown = append(unknown, fmt.Sprintf("%q", n))
	}
	if len(unknown) > 0 {
		return fmt.Errorf("--add %s: no such image in the sources (see `image-crawler list`)", strings.Join(unknown, ", "))
	}
	return nil
}
