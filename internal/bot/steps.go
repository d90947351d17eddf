package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"sort"
	"strings"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/lifecycle"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/problem"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Crawled is the state after crawl and plan: what would change, and why.
type Crawled struct {
	Catalog *catalog.Catalog
	// Schema is the catalog repository's own etc/schema.yaml, or the
	// built-in copy of the image manager's schema.
	Schema    *catalog.Schema
	Changes   []*plan.Change
	Unchanged []plan.Unchanged
	Failures  []plan.Failure
	// NotUpdated are catalog entries left as they are because no source
	// describes them or the stream they follow (docs/catalog.md).
	NotUpdated []report.NotUpdated
	// Available are images the sources offer that the catalog lacks and
	// that this run does not add (--add NAME adds one).
	Available []string
	// Offline is an example of the DNS failure every image failed with,
	// when every one did: the machine seems offline (nil otherwise).
	Offline error
	// target maps an image to the catalog file (relative to the catalog
	// directory) its entry lives in or will be written to.
	target map[string]string
	// order is each image's position in the sources file, so reports list
	// images in the order people wrote them, whatever file they are in.
	order map[string]int
	// scope says which images get new entries, and their siblings.
	scope *scope
	// sources are the selected source images by name, per-release ones
	// made concrete.
	sources map[string]source.Image
	// EndOfLife are the enabled catalog images whose release's support
	// ended or ends within 90 days (docs/lifecycle.md).
	EndOfLife []report.EndOfLife
	// Warnings are things a person should know that are not failures (a
	// release listing that failed while the releases held were crawled).
	Warnings []string
	// eolRel is, for each of EndOfLife, its file relative to the catalog
	// directory.
	eolRel []string
	// inFlight, when set, is called by crawlAll once the crawl of the
	// first images has started (crawlBeside).
	inFlight func()
	// eolTables are the release tables with what the run fetched
	// (end_of_life in the sources file); nil for the built-in ones.
	eolTables *lifecycle.Tables
}

// crawlStep loads the catalog found under root, crawls every selected image
// and decides what changes. The catalog files are the database: an image's
// newest version there is what the crawl compares with, and an entry's own
// latest_url and latest_checksum_url say which stream it follows.
func crawlStep(ctx context.Context, o *Options, root string) (*Crawled, error) {
	imgs, err := o.Sources.Select(o.Only)
	if err != nil {
		return nil, &UsageError{err}
	}
	cat, schema, err := o.loadCatalog(ctx, root)
	if err != nil {
		return nil, err
	}
	c := &Crawled{Catalog: cat, Schema: schema, target: map[string]string{}, order: map[string]int{}}
	outcomes, err := c.crawlBeside(ctx, o, imgs)
	if err != nil {
		return nil, err
	}
	sc := c.scope
	c.Available = sc.available
	now := o.Now()
	for _, oc := range outcomes {
		name := oc.Image.Name
		if oc.Result.Skipped != "" {
			c.Warnings = append(c.Warnings, name+": "+oc.Result.Skipped)
		}
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
			d.Change.Update.NewImage = sc.fresh[name]
			d.Change.Update.ReleaseNotes = releaseNotes(oc.Image, d.Change.Update)
			c.Changes = append(c.Changes, d.Change)
		}
	}
	sort.SliceStable(c.NotUpdated, func(i, j int) bool { return c.NotUpdated[i].File < c.NotUpdated[j].File })
	c.sortByOrder()
	c.endOfLife(o)
	return c, nil
}

// follow points img at the stream the catalog entry follows: its own
// latest_url and latest_checksum_url, when it has them, decide, and the bot
// never rewrites them. An entry whose URLs match no layout the bot knows is
// left as it is (ok false), which is no failure.
func follow(img source.Image, f *catalog.File, ci *catalog.Image, file string) (source.Image, report.NotUpdated, bool) {
	e := f.Entry(ci)
	if e.LatestURL == "" || e.LatestChecksumURL == "" {
		return img, report.NotUpdated{}, true
	}
	if u, c := render.LatestURLs(img); e.LatestURL == u && e.LatestChecksumURL == c {
		// The entry follows its source's own stream, as the template wrote it.
		return img, report.NotUpdated{}, true
	}
	st, err := upstream.FollowStream(img, e.LatestURL, e.LatestChecksumURL)
	if err != nil {
		return img, report.NotUpdated{Image: img.Name, File: file, Follows: e.LatestURL, Reason: err.Error()}, false
	}
	return st.Image, report.NotUpdated{}, true
}

// undescribed sorts the catalog's entries that no selected source names:
// an enabled one whose latest_url follows a layout the bot knows is kept
// current all the same (crawl); the others are left as they are, and said
// so. A disabled entry is never imported by the image manager, so it is not
// worth a failure when its stream is gone.
func undescribed(cat *catalog.Catalog, imgs []source.Image, catalogDir string) (crawl []source.Image, left []report.NotUpdated) {
	names := map[string]bool{}
	for _, img := range imgs {
		names[img.Name] = true
	}
	for _, f := range cat.Files {
		for _, ci := range f.Images {
			if names[ci.Name] {
				continue
			}
			names[ci.Name] = true // a duplicate name is the first entry's
			e := f.Entry(ci)
			file := path.Join(catalogDir, f.Path)
			nu := report.NotUpdated{Image: ci.Name, File: file, Follows: e.LatestURL}
			switch {
			case e.LatestURL == "" || e.LatestChecksumURL == "":
				nu.Reason = "no source describes this image, and it has no latest_url to follow"
			case !e.Enabled:
				nu.Reason = fmt.Sprintf("disabled, and no source describes it (it follows %s)", e.LatestURL)
			default:
				st, err := upstream.FollowStream(source.Image{Name: ci.Name, File: f.Path, Shortname: e.Shortname, Meta: source.Meta{Format: e.Format}}, e.LatestURL, e.LatestChecksumURL)
				if err == nil {
					crawl = append(crawl, st.Image)
					continue
				}
				nu.Reason = err.Error()
			}
			left = append(left, nu)
		}
	}
	return crawl, left
}

// Rendered is the state after render: the new bytes of every changed file.
type Rendered struct {
	Files    []publish.File
	Updates  []plan.Update
	Changes  []*plan.Change // the changes whose edits are in Files
	Failures []plan.Failure
}

// renderStep writes the changes into their files: the version items of
// the entries the operator owns, and whole entries from the templates for
// new images (and sources that say regenerate). Each image's edit is made on
// its own and the file validated against the catalog's schema after all of
// them: when that fails, the edits go in one by one, so an image whose edit
// fails is reported and left out, and the others still go in.
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
		fc, accepted, failures := renderFile(o, c, rel, byFile[rel])
		r.Failures = append(r.Failures, failures...)
		if fc != nil {
			r.Files = append(r.Files, *fc)
			for _, ch := range accepted {
				r.Updates = append(r.Updates, ch.Update)
				r.Changes = append(r.Changes, ch)
			}
		}
	}
	sort.SliceStable(r.Updates, func(i, j int) bool { return c.order[r.Updates[i].Image] < c.order[r.Updates[j].Image] })
	sort.SliceStable(r.Failures, func(i, j int) bool { return c.order[r.Failures[i].Image] < c.order[r.Failures[j].Image] })
	return r
}

// edit is one image's change to its catalog file, made on the file as the
// edits before it left it (nil for a file that does not exist yet).
type edit struct {
	change *plan.Change
	apply  func(f *catalog.File) ([]byte, error)
	// appended is the whole new entry when the edit only appends it, so
	// that appends in a row go in at once (batchAppends).
	appended []byte
}

func renderFile(o *Options, c *Crawled, rel string, changes []*plan.Change) (*publish.File, []*plan.Change, []plan.Failure) {
	var file *catalog.File
	for _, f := range c.Catalog.Files {
		if f.Path == rel {
			file = f
		}
	}
	var baseline map[string]int
	if file != nil {
		baseline = problemSet(c.validate(rel, file.Data))
	}
	rejected := func(name string, err error) plan.Failure {
		return plan.Failure{Image: name, Error: fmt.Sprintf("catalog entry rejected, %s left as it was: %v", path.Join(o.CatalogDir, rel), err)}
	}

	// Prepare every edit first; a template error fails only its image.
	var (
		failures []plan.Failure
		edits    []edit
	)
	for _, ch := range changes {
		e, err := prepareEdit(o, c, file, ch)
		if err != nil {
			failures = append(failures, plan.Failure{Image: ch.Image.Name, Error: err.Error()})
			continue
		}
		edits = append(edits, e)
	}

	// The usual case: every edit goes in and the file validates. Only when
	// it does not, make the edits one by one to find the ones at fault, so a
	// bad edit costs only its own image.
	accepted := edits
	out, err := applyAll(c, file, rel, edits, baseline)
	if err != nil {
		accepted = nil
		for _, e := range edits {
			try := append(append([]edit{}, accepted...), e)
			data, err := applyAll(c, file, rel, try, baseline)
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
	done := make([]*plan.Change, 0, len(accepted))
	for _, e := range accepted {
		done = append(done, e.change)
	}
	fc := &publish.File{Path: path.Join(o.CatalogDir, rel), Rel: rel, New: out, Created: file == nil}
	if file != nil {
		fc.Old = file.Data
	}
	return fc, done, failures
}

// prepareEdit decides how one change is written: into the version items of
// an entry the operator owns, or as a whole entry from the templates.
func prepareEdit(o *Options, c *Crawled, file *catalog.File, ch *plan.Change) (edit, error) {
	name := ch.Image.Name
	_, existing, exists := lookupIn(file, name)
	shortname := ""
	if exists {
		shortname = file.Entry(existing).Shortname
	}
	if err := o.addMirrorURL(ch, shortname); err != nil {
		return edit{}, err
	}
	if exists && !ch.Image.Regenerate {
		return edit{change: ch, apply: func(f *catalog.File) ([]byte, error) {
			return editVersions(f, ch)
		}}, nil
	}
	entry, err := o.Templates.Entry(ch.Image, renderVersions(ch.Versions))
	if err != nil {
		return edit{}, err
	}
	if exists {
		return edit{change: ch, apply: func(f *catalog.File) ([]byte, error) {
			return f.Apply(catalog.Edit{Replace: map[string][]byte{name: entry}})
		}}, nil
	}
	if sib, ok := c.scope.sibling[name]; ok && sib.file != nil {
		entry, err = fromSibling(entry, sib.file.Node(sib.img))
		if err != nil {
			return edit{}, fmt.Errorf("new entry from %s: %w", sib.img.Name, err)
		}
	}
	return appendEdit(ch, entry), nil
}

// applyAll makes the edits in turn and validates the result.
func applyAll(c *Crawled, file *catalog.File, rel string, edits []edit, baseline map[string]int) ([]byte, error) {
	cur := file
	var data []byte
	edits = batchAppends(edits)
	for i, e := range edits {
		out, err := e.apply(cur)
		if err != nil {
			return nil, err
		}
		data = out
		if i < len(edits)-1 {
			if cur, err = catalog.Parse(rel, data); err != nil {
				return nil, err
			}
		}
	}
	if err := newProblems(c, rel, data, baseline); err != nil {
		return nil, err
	}
	return data, nil
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

// problemSet counts schema problems by their message without the place
// (lines move when entries are added), so problems a file already had (a
// hand-written entry the bot does not manage) do not block the bot's own
// changes.
func problemSet(errs []error) map[string]int {
	set := map[string]int{}
	for _, e := range errs {
		set[problem.Of(e).Message]++
	}
	return set
}

func newProblems(c *Crawled, rel string, data []byte, baseline map[string]int) error {
	left := cloneCounts(baseline)
	var fresh []string
	for _, e := range c.validate(rel, data) {
		k := problem.Of(e).Message
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
func equalFiles(fc publish.File) bool { return bytes.Equal(fc.Old, fc.New) }

// offline returns one of the DNS failures when every outcome failed on a
// name that does not resolve: one line then says what forty would.
func offline(outcomes []upstream.Outcome) error {
	var first error
	for _, o := range outcomes {
		var derr *net.DNSError
		if !errors.As(o.Err, &derr) {
			return nil
		}
		if first == nil {
			first = derr
		}
	}
	return first
}
