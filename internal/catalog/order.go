package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/natsort"
)

// NotLatestError is an image whose newest build is not the version the
// image manager uses. The image manager takes natsorted(version
// strings)[-1] as an image's latest version (see internal/natsort); neither
// the order of the list nor build_date counts. So when a version with a
// later build_date does not sort last ("9.8-20260526" next to "20251118"),
// that build is never imported as the image.
type NotLatestError struct {
	Image  string
	Latest Version // natsorted(versions)[-1]
	Newest Version // a version built on a later day
}

func (e *NotLatestError) Error() string {
	return fmt.Sprintf("image %q: the image manager takes version %q (built %s) as the latest, by natsort order of the version strings, "+
		"but version %q was built later (%s) and is never used; its version must sort last",
		e.Image, e.Latest.Version, e.Latest.BuildDate, e.Newest.Version, e.Newest.BuildDate)
}

// CheckLatest reports, as a *FileError wrapping a *NotLatestError at the
// line of the natsort-latest version item, every image of a catalog file
// whose natsort-latest version was not built on its newest build_date.
// Images with fewer than two versions are fine, and so are versions without
// a build_date that reads as a date, which cannot be judged; versions built
// on the same day as the natsort-latest may sort either way. A file that
// does not parse gives its parse error, the one Load reports for it.
// docs/versions.md describes the rule for users.
func CheckLatest(path string, data []byte) []error {
	f, ferr := parseFile(path, data)
	if ferr != nil {
		return []error{ferr}
	}
	return checkLatest(f)
}

// CheckLatest runs CheckLatest on every file of the catalog that parsed.
func (c *Catalog) CheckLatest() []error {
	var errs []error
	for _, f := range c.Files {
		errs = append(errs, checkLatest(f)...)
	}
	return errs
}

func checkLatest(f *File) []error {
	var errs []error
	for _, img := range f.Images {
		if len(img.Versions) < 2 {
			continue
		}
		latest := img.Versions[LatestIndex(img.Versions)]
		latestDay, ok := BuildDay(latest.BuildDate)
		if !ok {
			continue
		}
		var newest *Version
		newestDay := latestDay
		for i, v := range img.Versions {
			if day, ok := BuildDay(v.BuildDate); ok && day.After(newestDay) {
				newest, newestDay = &img.Versions[i], day
			}
		}
		if newest == nil {
			continue
		}
		line := latest.Line
		if line == 0 {
			line = img.Line
		}
		errs = append(errs, &FileError{Path: f.Path, Line: line,
			Err: &NotLatestError{Image: img.Name, Latest: latest, Newest: *newest}})
	}
	return errs
}

// LatestIndex is the index in vs of the version the image manager takes as
// an image's latest: natsorted(version strings)[-1], and of tied versions
// (natsort is stable) the last listed; -1 for no version.
func LatestIndex(vs []Version) int {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Version
	}
	name, ok := natsort.Latest(names)
	if !ok {
		return -1
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Version == name {
			return i
		}
	}
	return -1
}

// BuildDay reads a build_date as written: a YAML date (2026-05-26), or a
// timestamp whose day is what counts (2026-05-26 10:00:00, 2026-05-26T10:00:00Z).
func BuildDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < len(time.DateOnly) {
		return time.Time{}, false
	}
	if rest := s[len(time.DateOnly):]; rest != "" && rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' && rest[0] != '\t' {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, s[:len(time.DateOnly)])
	return d, err == nil
}
