package bot

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/lifecycle"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/source"
)

func (o *Options) tables() *lifecycle.Tables {
	if o.Lifecycle == nil {
		o.Lifecycle = lifecycle.Builtin()
	}
	return o.Lifecycle
}

// eolDate is the end of a release's free support and where it came from.
type eolDate struct {
	day    time.Time
	origin string
}

// sourceEOL is the end of life of a source image's release: the source's
// own upstream.eol, else the release tables by the image's os_distro (or
// type) and release (or os_version).
func sourceEOL(img source.Image, t *lifecycle.Tables) (eolDate, bool) {
	if img.Upstream.EOL != "" {
		if d, err := time.Parse(time.DateOnly, img.Upstream.EOL); err == nil {
			return eolDate{d, lifecycle.OriginSources}, true
		}
	}
	distro, _ := img.Meta.Properties.Get("os_distro")
	version, _ := img.Meta.Properties.Get("os_version")
	d, _ := distro.(string)
	v, _ := version.(string)
	if d == "" {
		d = img.Type
	}
	if img.Release != "" {
		v = img.Release
	}
	return tableEOL(t, d, v)
}

func tableEOL(t *lifecycle.Tables, distro, version string) (eolDate, bool) {
	r, ok := t.Lookup(distro, version)
	if !ok || r.EOL.IsZero() {
		return eolDate{}, false
	}
	return eolDate{r.EOL, r.Origin}, true
}

// endedFunc says whether a source image's release is past its end.
func (c *Crawled) endedFunc(o *Options) func(source.Image) bool {
	t, now := o.tables(), o.Now()
	return func(img source.Image) bool {
		e, ok := sourceEOL(img, t)
		return ok && lifecycle.StateOn(e.day, now) == lifecycle.Ended
	}
}

// endOfLife lists the enabled catalog images whose release's support ended
// or ends within lifecycle.Warn. An entry's date is its source's
// upstream.eol, else the tables' by the entry's own meta.os_distro and
// meta.os_version, else by its source's.
func (c *Crawled) endOfLife(o *Options) {
	t, now := o.tables(), o.Now()
	if c.eolTables != nil {
		t = c.eolTables
	}
	for _, f := range c.Catalog.Files {
		for _, ci := range f.Images {
			entry := f.Entry(ci)
			if !entry.Enabled {
				continue
			}
			src, described := c.sources[ci.Name]
			var (
				e  eolDate
				ok bool
			)
			if described && src.Upstream.EOL != "" {
				e, ok = sourceEOL(src, t)
			}
			if !ok {
				e, ok = tableEOL(t, entry.OSDistro, entry.OSVersion)
			}
			if !ok && described {
				e, ok = sourceEOL(src, t)
			}
			if !ok {
				continue
			}
			st := lifecycle.StateOn(e.day, now)
			if st == lifecycle.Supported {
				continue
			}
			c.EndOfLife = append(c.EndOfLife, report.EndOfLife{
				Image: ci.Name, File: path.Join(o.CatalogDir, f.Path),
				EOL: e.day.Format(time.DateOnly), State: st.String(), Origin: e.origin,
			})
			c.eolRel = append(c.eolRel, f.Path)
		}
	}
}

// disableStep, with --disable-eol, sets enable: false on every enabled
// image past its end of life, on top of what render made of its file. It
// is the one operator-owned field the bot changes, and only when asked.
func disableStep(o *Options, c *Crawled, r *Rendered) {
	if !o.DisableEOL {
		return
	}
	for i := range c.EndOfLife {
		e := &c.EndOfLife[i]
		if e.State != lifecycle.Ended.String() {
			continue
		}
		rel := c.eolRel[i]
		var fc *publish.File
		for k := range r.Files {
			if r.Files[k].Rel == rel {
				fc = &r.Files[k]
			}
		}
		data, old := []byte(nil), []byte(nil)
		if fc != nil {
			data = fc.New
		} else {
			for _, f := range c.Catalog.Files {
				if f.Path == rel {
					data, old = f.Data, f.Data
				}
			}
		}
		f, err := catalog.Parse(rel, data)
		if err == nil {
			data, err = f.Disable(e.Image)
		}
		if err != nil {
			r.Failures = append(r.Failures, plan.Failure{Image: e.Image, Error: fmt.Sprintf("--disable-eol: %v", err)})
			continue
		}
		e.Disabled = true
		if fc != nil {
			fc.New = data
			continue
		}
		r.Files = append(r.Files, publish.File{Path: path.Join(o.CatalogDir, rel), Rel: rel, Old: old, New: data})
	}
}

// releaseNotes is the link to the release notes of an update's build, from
// the source's upstream.release_notes: {version} is upstream's build
// identifier, {release} the release.
func releaseNotes(img source.Image, u plan.Update) string {
	tpl := img.Upstream.ReleaseNotes
	if tpl == "" {
		return ""
	}
	build := u.BuildID
	if build == "" {
		build = u.Version
	}
	release := img.Release
	if release == "" {
		if v, ok := img.Meta.Properties.Get("os_version"); ok {
			release = fmt.Sprint(v)
		}
	}
	major, minor := pointRelease(build)
	if (major == "" || minor == "") && (strings.Contains(tpl, "{major}") || strings.Contains(tpl, "{minor}")) {
		// The build names no point release (an osism date version): no
		// link rather than a wrong one.
		return ""
	}
	return strings.NewReplacer("{version}", build, "{build}", build, "{release}", release,
		"{major}", major, "{minor}", minor).Replace(tpl)
}

// pointRelease reads the point release a build identifier starts with:
// "9" and "7" of AlmaLinux's 9.7-20261101 or Rocky's 9.7-20251123.0, whose
// release notes are per minor release.
func pointRelease(build string) (major, minor string) {
	head, _, _ := strings.Cut(build, "-")
	major, minor, ok := strings.Cut(head, ".")
	if !ok || !allDigits(major) || !allDigits(minor) {
		return "", ""
	}
	return major, minor
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
