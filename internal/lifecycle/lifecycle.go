// Package lifecycle knows when the releases image-crawler offers stop being
// supported (docs/lifecycle.md): Debian's distro-info-data tables, built in
// as a snapshot, refreshed by what a distribution publishes at run time, and
// the sources file's own eol: dates for the rest.
package lifecycle

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

//go:embed data/debian.csv data/ubuntu.csv
var data embed.FS

// Where an end-of-life date came from, as the pull request names it.
const (
	OriginDebianTable = "distro-info-data debian.csv (eol-lts)"
	OriginUbuntuTable = "distro-info-data ubuntu.csv (eol-server)"
	OriginStreams     = "simplestreams support_eol"
	OriginSources     = "sources file eol"
	// The same tables, fetched at run time from the URL the sources file
	// names (end_of_life:), in place of the built-in snapshot.
	OriginDebianFetched = "distro-info-data debian.csv (eol-lts), fetched at run time"
	OriginUbuntuFetched = "distro-info-data ubuntu.csv (eol-server), fetched at run time"
)

// Distros are the distributions the tables cover.
var Distros = []string{"debian", "ubuntu"}

// FetchedOrigin is the origin of a date from a table of distro fetched at
// run time.
func FetchedOrigin(distro string) string {
	if distro == "ubuntu" {
		return OriginUbuntuFetched
	}
	return OriginDebianFetched
}

// Release is one release of a distribution and the end of its free support.
type Release struct {
	Distro   string // "debian", "ubuntu"
	Version  string // "12", "24.04"; "" for a release without a number (sid)
	Codename string // series, lower case: "bookworm", "noble"
	LTS      bool   // Ubuntu's long-term support releases
	Released time.Time
	// EOL is the end of free support: Debian's LTS end (eol-lts, else eol),
	// Ubuntu's standard support end (eol-server, else eol), never paid
	// extended support. Zero when the table does not know it yet.
	EOL    time.Time
	Origin string
}

// Tables holds the releases of each distribution, in table order (oldest
// first).
type Tables struct {
	releases map[string][]Release
}

// ErrFormat is returned for a table that is not distro-info-data's CSV.
var ErrFormat = errors.New("not a distro-info-data table")

// Builtin returns the snapshot built into the binary.
func Builtin() *Tables {
	t := &Tables{releases: map[string][]Release{}}
	for _, d := range []string{"debian", "ubuntu"} {
		f, err := data.Open("data/" + d + ".csv")
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		rs, err := Parse(d, f)
		f.Close()
		if err != nil {
			panic(fmt.Sprintf("built-in %s.csv: %v", d, err))
		}
		t.releases[d] = rs
	}
	return t
}

// Parse reads one distro-info-data table (debian.csv or ubuntu.csv): a
// header row naming the columns, then one release a row, trailing empty
// columns left out.
func Parse(distro string, r io.Reader) ([]Release, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrFormat)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"version", "series", "release", "eol"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: no %q column", ErrFormat, need)
		}
	}
	free, origin := "eol-lts", OriginDebianTable
	if distro == "ubuntu" {
		free, origin = "eol-server", OriginUbuntuTable
	}
	get := func(row []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	date := func(row []string, name string) (time.Time, error) {
		s := get(row, name)
		if s == "" {
			return time.Time{}, nil
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %s %q: %w", ErrFormat, name, s, err)
		}
		return d, nil
	}
	var out []Release
	for _, row := range rows[1:] {
		v := get(row, "version")
		r := Release{Distro: distro, Codename: strings.ToLower(get(row, "series")), Origin: origin}
		r.Version, r.LTS = strings.CutSuffix(v, " LTS")
		var err error
		if r.Released, err = date(row, "release"); err != nil {
			return nil, err
		}
		if r.EOL, err = date(row, free); err != nil {
			return nil, err
		}
		if r.EOL.IsZero() {
			if r.EOL, err = date(row, "eol"); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Lookup finds a release by its version ("12", "24.04") or codename.
func (t *Tables) Lookup(distro, release string) (Release, bool) {
	release = strings.ToLower(strings.TrimSpace(release))
	for _, r := range t.releases[strings.ToLower(distro)] {
		if release != "" && (r.Version == release || r.Codename == release) {
			return r, true
		}
	}
	return Release{}, false
}

// Releases returns the releases of a distribution the tables know, oldest
// first.
func (t *Tables) Releases(distro string) []Release {
	return append([]Release(nil), t.releases[strings.ToLower(distro)]...)
}

// Clone returns a copy of t that can be changed (Refresh, Override) while t
// is read elsewhere.
func (t *Tables) Clone() *Tables {
	c := &Tables{releases: make(map[string][]Release, len(t.releases))}
	for d, rs := range t.releases {
		c.releases[d] = append([]Release(nil), rs...)
	}
	return c
}

// Refresh puts the rows of a table of distro fetched at run time in place of
// the snapshot's: a release is matched by its version (by its codename when
// it has none), a release the snapshot lacks is added, and one the fetched
// table lacks keeps the snapshot's row.
func (t *Tables) Refresh(distro string, rs []Release) {
	cur := t.releases[distro]
	for _, r := range rs {
		i := slices.IndexFunc(cur, func(x Release) bool {
			if r.Version != "" || x.Version != "" {
				return x.Version == r.Version
			}
			return x.Codename == r.Codename
		})
		if i < 0 {
			cur = append(cur, r)
			continue
		}
		cur[i] = r
	}
	t.releases[distro] = cur
}

// Override records an end of life a distribution published at run time
// (simplestreams support_eol): it wins over the snapshot.
func (t *Tables) Override(distro, version string, eol time.Time, origin string) {
	rs := t.releases[distro]
	for i := range rs {
		if rs[i].Version == version {
			rs[i].EOL, rs[i].Origin = eol, origin
			return
		}
	}
	t.releases[distro] = append(rs, Release{Distro: distro, Version: version, EOL: eol, Origin: origin})
}

// State is where a release stands on a given day.
type State int

const (
	Supported State = iota // more than Warn before its end, or no end known
	Ending                 // within Warn of its end
	Ended                  // its end is today or past
)

// Warn is how long before its end a release is reported as ending.
const Warn = 90 * 24 * time.Hour

func (s State) String() string {
	switch s {
	case Ending:
		return "ending"
	case Ended:
		return "ended"
	}
	return "supported"
}

// StateOn says where a release whose support ends on eol (a day, UTC)
// stands on now. The day of the end itself counts as ended: the date in the
// tables is the last day anyone publishes a fix for it.
func StateOn(eol, now time.Time) State {
	if eol.IsZero() {
		return Supported
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	end := time.Date(eol.Year(), eol.Month(), eol.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case !day.Before(end):
		return Ended
	case end.Sub(day) <= Warn:
		return Ending
	}
	return Supported
}
