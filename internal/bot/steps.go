package bot

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Crawled is the state after crawl and plan: what would change, and why.
type Crawled struct {
	Catalog   *catalog.Catalog
	Changes   []*plan.Change
	Unchanged []plan.Unchanged
	Failures  []plan.Failure
	// target maps an image to the catalog file (relative to the catalog
	// directory) its entry lives in or will be written to.
	target map[string]string
	// order is each image's position in the sources file, so reports list
	// images in the order people wrote them, whatever file they are in.
	order map[string]int
}

// crawlStep loads the catalog found under root, crawls every selected image
// and decides what changes. The catalog files are the database: an image's
// newest version there is what the crawl compares with.
func crawlStep(ctx context.Context, o *Options, root string) (*Crawled, error) {
	imgs, err := o.Sources.Select(o.Only)
	if err != nil {
		return nil, &UsageError{err}
	}
	cat, err := catalog.Load(filepath.Join(root, filepath.FromSlash(o.CatalogDir)))
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	c := &Crawled{Catalog: cat, target: map[string]string{}, order: map[string]int{}}
	// A per-release source ("Fedora {release}") stands for one image per
	// release upstream publishes now, which only a listing tells: make it
	// concrete here, before anything looks at image names. An unlisted
	// releases directory fails that source alone.
	imgs, unexpanded := upstream.ExpandReleases(ctx, o.Fetcher, imgs, o.Only)
	for _, oc := range unexpanded {
		c.Failures = append(c.Failures, plan.Failure{Image: oc.Image.Name, Error: oc.Err.Error()})
	}
	for i, img := range imgs {
		c.order[img.Name] = i
	}
	broken := map[string]error{}
	for _, fe := range cat.Errors {
		broken[fe.Path] = fe
		o.Logger.Warn("catalog file does not parse; it will not be rewritten", "file", fe.Path, "error", fe.Error())
	}
	known := map[string]upstream.Known{}
	var crawl []source.Image
	for _, img := range imgs {
		file := img.File
		if f, ci, ok := cat.Lookup(img.Name); ok {
			// The catalog is the database: an entry stays in the file it is in.
			file = f.Path
			known[img.Name] = plan.Known(ci)
		}
		c.target[img.Name] = file
		if err, ok := broken[file]; ok {
			c.Failures = append(c.Failures, plan.Failure{Image: img.Name, Error: fmt.Sprintf("catalog file %s does not parse, so it is left alone: %v", path.Join(o.CatalogDir, file), err)})
			continue
		}
		if o.Signatures != "" {
			// --signatures overrides every source at once (CONTRACT.md);
			// strategies only ever see the image's own setting.
			img.Upstream.Signature = o.Signatures
		}
		crawl = append(crawl, img)
	}
	if err := ctxDone(ctx); err != nil {
		return nil, err
	}
	outcomes := upstream.Crawl(ctx, o.Fetcher, crawl, known, o.Concurrency, o.Progress)
	now := o.Now()
	for _, oc := range outcomes {
		name := oc.Image.Name
		if oc.Err != nil {
			c.Failures = append(c.Failures, plan.Failure{Image: name, Error: oc.Err.Error()})
			continue
		}
		var existing *catalog.Image
		if _, ci, ok := cat.Lookup(name); ok {
			existing = ci
		}
		d, err := plan.Decide(oc.Image, path.Join(o.CatalogDir, c.target[name]), existing, oc.Result, now)
		switch {
		case err != nil:
			c.Failures = append(c.Failures, plan.Failure{Image: name, Error: err.Error()})
		case d.Unchanged != nil:
			c.Unchanged = append(c.Unchanged, *d.Unchanged)
		default:
			c.Changes = append(c.Changes, d.Change)
		}
	}
	return c, nil
}

// Rendered is the state after render: the new bytes of every changed file.
type Rendered struct {
	Files    []FileChange
	Updates  []plan.Update
	Failures []plan.Failure
}

// FileChange is one catalog file's old and new content.
type FileChange struct {
	Path    string // slash path relative to the repository root
	Rel     string // relative to the catalog directory
	Old     []byte // nil for a new file
	New     []byte
	Created bool
}

// renderStep renders the entries of changed images and splices them into
// their files. Each image is added on its own and the file validated against
// the image manager's schema after each: an image whose entry fails is
// reported and left out, and the others still go in.
func renderStep(o *Options, c *Crawled) *Rendered {
	r := &Rendered{}
	byFile := map[string][]*plan.Change{}
	var files []string
	for _, ch := range c.Changes {
		f := c.target[ch.Image.Name]
		if _, ok := byFile[f]; !ok {
			files = append(files, f)
		}
		byFile[f] = append(byFile[f], ch)
	}
	sort.Strings(files)
	for _, rel := range files {
		fc, updates, failures := renderFile(o, c.Catalog, rel, byFile[rel])
		r.Failures = append(r.Failures, failures...)
		if fc != nil {
			r.Files = append(r.Files, *fc)
			r.Updates = append(r.Updates, updates...)
		}
	}
	sort.SliceStable(r.Updates, func(i, j int) bool { return c.order[r.Updates[i].Image] < c.order[r.Updates[j].Image] })
	sort.SliceStable(r.Failures, func(i, j int) bool { return c.order[r.Failures[i].Image] < c.order[r.Failures[j].Image] })
	return r
}

func renderFile(o *Options, cat *catalog.Catalog, rel string, changes []*plan.Change) (*FileChange, []plan.Update, []plan.Failure) {
	var file *catalog.File
	for _, f := range cat.Files {
		if f.Path == rel {
			file = f
		}
	}
	var baseline map[string]int
	if file != nil {
		baseline = problemSet(catalog.Validate(rel, file.Data))
	}
	rejected := func(name string, err error) plan.Failure {
		return plan.Failure{Image: name, Error: fmt.Sprintf("catalog entry rejected, %s left as it was: %v", path.Join(o.CatalogDir, rel), err)}
	}

	// Render every entry first; a template error fails only its image.
	var (
		failures []plan.Failure
		entries  []rendered
	)
	for _, ch := range changes {
		entry, err := o.Templates.Entry(ch.Image, renderVersions(ch.Versions))
		if err != nil {
			failures = append(failures, plan.Failure{Image: ch.Image.Name, Error: err.Error()})
			continue
		}
		_, _, exists := lookupIn(file, ch.Image.Name)
		entries = append(entries, rendered{change: ch, entry: entry, replace: exists})
	}

	// The usual case: every entry goes in and the file validates. Only when
	// it does not, add the entries one by one to find the ones at fault, so a
	// bad entry costs only its own image.
	accepted := entries
	out, err := spliceAll(file, rel, entries, baseline)
	if err != nil {
		accepted = nil
		for _, e := range entries {
			try := append(append([]rendered{}, accepted...), e)
			data, err := spliceAll(file, rel, try, baseline)
			if err != nil {
				failures = append(failures, rejected(e.change.Image.Name, err))
				continue
			}
			accepted, out = try, data
		}
	}
	if len(accepted) == 0 {
		return nil, nil, failures
	}
	updates := make([]plan.Update, 0, len(accepted))
	for _, e := range accepted {
		updates = append(updates, e.change.Update)
	}
	fc := &FileChange{Path: path.Join(o.CatalogDir, rel), Rel: rel, New: out, Created: file == nil}
	if file != nil {
		fc.Old = file.Data
	}
	return fc, updates, failures
}

// rendered is one image's new entry, waiting to be spliced into its file.
type rendered struct {
	change  *plan.Change
	entry   []byte
	replace bool // the file has the image: replace its entry, else append
}

// spliceAll splices the entries into the file and validates the result.
func spliceAll(file *catalog.File, rel string, entries []rendered, baseline map[string]int) ([]byte, error) {
	e := catalog.Edit{Replace: map[string][]byte{}}
	for _, r := range entries {
		if r.replace {
			e.Replace[r.change.Image.Name] = r.entry
		} else {
			e.Append = append(e.Append, r.entry)
		}
	}
	data, err := apply(file, e)
	if err != nil {
		return nil, err
	}
	if err := newProblems(rel, data, baseline); err != nil {
		return nil, err
	}
	return data, nil
}

func apply(file *catalog.File, e catalog.Edit) ([]byte, error) {
	if file == nil {
		return catalog.NewFile(e.Append), nil
	}
	return file.Apply(e)
}

func lookupIn(file *catalog.File, name string) (*catalog.File, *catalog.Image, bool) {
	if file == nil {
		return nil, nil, false
	}
	for _, img := range file.Images {
		if img.Name == name {
			return file, img, true
		}
	}
	return nil, nil, false
}

// problemSet counts schema problems by their text without the file:line
// prefix, so problems a file already had (a hand-written entry the bot does
// not manage) do not block the bot's own changes.
func problemSet(errs []error) map[string]int {
	set := map[string]int{}
	for _, e := range errs {
		set[stripLocation(e.Error())]++
	}
	return set
}

func newProblems(rel string, data []byte, baseline map[string]int) error {
	left := cloneCounts(baseline)
	var fresh []string
	for _, e := range catalog.Validate(rel, data) {
		k := stripLocation(e.Error())
		if left[k] > 0 {
			left[k]--
			continue
		}
		fresh = append(fresh, e.Error())
	}
	if len(fresh) > 0 {
		return fmt.Errorf("fails the image manager schema: %s", strings.Join(fresh, "; "))
	}
	return nil
}

func cloneCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// stripLocation removes a leading "file:line: ".
func stripLocation(s string) string {
	if loc, rest, ok := strings.Cut(s, ": "); ok && strings.Contains(loc, ":") {
		return rest
	}
	return s
}

func renderVersions(vs []catalog.Version) []render.Version {
	out := make([]render.Version, 0, len(vs))
	for _, v := range vs {
		rv := render.Version{Version: v.Version, URL: v.URL, Checksum: v.Checksum, BuildDate: v.BuildDate}
		for _, e := range v.Extra {
			rv.Extra = append(rv.Extra, render.Extra{Key: e.Key, YAML: e.YAML})
		}
		out = append(out, rv)
	}
	return out
}

// equalFiles reports whether a render changed nothing at all.
func equalFiles(fc FileChange) bool { return bytes.Equal(fc.Old, fc.New) }
