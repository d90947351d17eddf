package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/natsort"
)

// Build is a new upstream build of an image, as the crawl found it.
type Build struct {
	// ID is upstream's build identifier: "9.8-20260526" (AlmaLinux),
	// "10.2-20260526.0" (AlmaLinux 10), "20260705.1" (Ubuntu),
	// "20250210-2019" (Debian), "Build16.2" (openSUSE), "3510.2.6" (Flatcar).
	ID string
	// Date is the build date, YYYY-MM-DD.
	Date string
}

// Scheme is how an entry's version strings are made.
type Scheme int

const (
	// SchemeIdentifier: the versions are upstream's build identifiers, or the
	// entry has none yet.
	SchemeIdentifier Scheme = iota + 1
	// SchemeBuildDate: the versions are build dates, YYYYMMDD, with a
	// suffix .N for a later build of the same day (Ubuntu's serials have
	// this shape too). osism's AlmaLinux, Rocky, openSUSE and Debian
	// entries write the build date where upstream's identifier is
	// "9.8-20260526" or "20250210-2019".
	SchemeBuildDate
	// SchemeUnknown: the versions share no scheme; the identifier is
	// written if it sorts last.
	SchemeUnknown
)

func (s Scheme) String() string {
	switch s {
	case SchemeIdentifier:
		return "build identifier"
	case SchemeBuildDate:
		return "build date"
	case SchemeUnknown:
		return "no common scheme"
	}
	return "Scheme(" + strconv.Itoa(int(s)) + ")"
}

// Choice is the version string to write for a new build.
type Choice struct {
	Version string
	Scheme  Scheme
	// Renamed is true when Version is not the build identifier (a build
	// date written for "9.8-20260526"); the report and the pull request
	// then show the identifier beside it.
	Renamed bool
}

// SchemeError says that no version can be written for a build that the
// image manager would take as the entry's latest. The caller fails that
// image and leaves its entry as it is.
type SchemeError struct {
	Build    Build
	Scheme   Scheme
	Version  string            // the version that would have been written
	Held     catalog.Version   // the entry's version that ties with Version (Taken) or sorts after it
	Taken    bool              // the entry already holds Version, or a version natsort ties with it
	Existing []catalog.Version // the entry's versions, in file order
}

func (e *SchemeError) Error() string {
	held := make([]string, len(e.Existing))
	for i, v := range e.Existing {
		held[i] = describe(v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "build %s of %s: ", e.Build.ID, e.Build.Date)
	if e.Taken {
		fmt.Fprintf(&b, "the entry already holds version %s", describe(e.Held))
	} else {
		fmt.Fprintf(&b, "version %q would not be the latest: the image manager (natsort) puts %s after it", e.Version, describe(e.Held))
	}
	fmt.Fprintf(&b, "; the entry's versions (%s): %s", e.Scheme, strings.Join(held, ", "))
	return b.String()
}

func describe(v catalog.Version) string {
	if v.BuildDate == "" {
		return strconv.Quote(v.Version)
	}
	return fmt.Sprintf("%q (built %s)", v.Version, v.BuildDate)
}

// ChooseVersion picks the version string to write for a build the entry does
// not hold yet (the caller recognises an unchanged build or a respin before),
// so that the image manager, which takes natsorted(versions)[-1] as the
// latest (see internal/natsort), takes the new build:
//
//   - an empty entry gets the build identifier;
//   - an entry whose versions are all dates, YYYYMMDD or YYYYMMDD.N, gets the
//     identifier when it is such a date too (Ubuntu's serials), else the
//     build date; a second build of a day gets the next free suffix,
//     "20260526.1", "20260526.2", which sorts after the first;
//   - any other entry gets the identifier.
//
// If that version would not sort strictly after every version the entry
// holds, or the entry already holds it, ChooseVersion returns a *SchemeError
// and writes nothing: "9.8-20260526" next to "20251118" would never be used.
// docs/versions.md describes the rule for users.
func ChooseVersion(existing []catalog.Version, build Build) (Choice, error) {
	c := Choice{Version: build.ID, Scheme: detectScheme(existing, build.ID)}
	if c.Scheme == SchemeBuildDate && !isDateVersion(build.ID) {
		date, err := time.Parse(time.DateOnly, build.Date)
		if err != nil {
			return Choice{}, fmt.Errorf("build %s: build date %q is not a YYYY-MM-DD date", build.ID, build.Date)
		}
		c.Version = nextOfDay(existing, date.Format("20060102"))
	}
	c.Renamed = c.Version != build.ID
	for _, v := range existing {
		if natsort.Compare(c.Version, v.Version) == 0 {
			return Choice{}, &SchemeError{Build: build, Scheme: c.Scheme, Version: c.Version, Held: v, Taken: true, Existing: existing}
		}
	}
	if latest, ok := latestOf(existing); ok && natsort.Compare(c.Version, latest.Version) <= 0 {
		return Choice{}, &SchemeError{Build: build, Scheme: c.Scheme, Version: c.Version, Held: latest, Existing: existing}
	}
	return c, nil
}

func detectScheme(existing []catalog.Version, id string) Scheme {
	if len(existing) == 0 {
		return SchemeIdentifier
	}
	dates, same := true, true
	for _, v := range existing {
		dates = dates && isDateVersion(v.Version)
		same = same && digitShape(v.Version) == digitShape(id)
	}
	switch {
	case dates:
		return SchemeBuildDate
	case same:
		return SchemeIdentifier
	}
	return SchemeUnknown
}

// dateVersion is a build date with an optional same-day suffix.
var dateVersion = regexp.MustCompile(`^([0-9]{8})(?:\.([0-9]+))?$`)

func isDateVersion(v string) bool {
	m := dateVersion.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	_, err := time.Parse("20060102", m[1])
	return err == nil
}

// nextOfDay is day itself, or, when the entry holds a version of that day,
// day.N with N one more than the largest suffix of that day (a bare day
// counts as 0), so it sorts after all of them and collides with none.
func nextOfDay(existing []catalog.Version, day string) string {
	var next uint64
	held := false
	for _, v := range existing {
		m := dateVersion.FindStringSubmatch(v.Version)
		if m == nil || m[1] != day {
			continue
		}
		held = true
		n, err := strconv.ParseUint(m[2], 10, 64)
		if m[2] == "" {
			n, err = 0, nil
		}
		if err != nil || n == ^uint64(0) {
			// A suffix beyond 64 bits: nothing sane follows it, and
			// ChooseVersion reports day as not sorting last.
			return day
		}
		next = max(next, n+1)
	}
	if !held {
		return day
	}
	return day + "." + strconv.FormatUint(next, 10)
}

// latestOf is the version the image manager takes as the latest
// (catalog.LatestIndex).
func latestOf(vs []catalog.Version) (catalog.Version, bool) {
	if i := catalog.LatestIndex(vs); i >= 0 {
		return vs[i], true
	}
	return catalog.Version{}, false
}

// digitShape is a version with every run of ASCII digits folded to one "9":
// "9.9-9" for "9.8-20260526".
func digitShape(v string) string {
	var b strings.Builder
	digits := false
	for i := range len(v) {
		c := v[i]
		if c >= '0' && c <= '9' {
			if !digits {
				b.WriteByte('9')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteByte(c)
	}
	return b.String()
}
