// Package plan compares what upstream publishes with what the catalog holds
// and decides, per image, what changes: a new version, a respin (a published
// build whose checksum changed), nothing, or a refusal. It does no I/O.
package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Kind says why a version changes.
type Kind string

const (
	// New is a version the catalog did not hold.
	New Kind = "new"
	// Respin is a version the catalog held whose checksum upstream changed.
	Respin Kind = "respin"
)

// Update is one changed image, as the report and the pull request show it.
type Update struct {
	Image            string
	File             string // catalog file, slash path relative to the repository
	PreviousVersion  string // "" when the catalog did not hold the image
	PreviousChecksum string // for a respin: the checksum the catalog held
	Version          string
	Checksum         string
	URL              string
	BuildDate        string
	ChecksumURL      string
	Kind             Kind
	Verified         bool
	// BuildID is upstream's identifier of the build ("9.8-20260526") when
	// the catalog records it under another version string: the entry's
	// versions follow a scheme of their own (the build date), which the
	// added version keeps so the image manager's natsort still takes it as
	// the latest. "" when Version is the identifier.
	BuildID string
	// NewImage says why the image gets a new catalog entry (bot.NewRelease
	// and friends); "" for an entry the catalog already held.
	NewImage string
	// ReleaseNotes links upstream's release notes of the build, where the
	// source names them (upstream.release_notes); "" otherwise.
	ReleaseNotes string
}

// Change is an Update plus what it does to the catalog entry.
type Change struct {
	Image  source.Image
	Update Update
	// Versions is the whole version list, oldest first and at most
	// Image.Limit long, for an entry rendered from a template (a new entry,
	// or one whose source says regenerate).
	Versions []catalog.Version
	// Add is the version item added to an entry the catalog holds; nil for
	// a respin, which updates the item named Respin in place.
	Add    *catalog.Version
	Respin string
	// Prune and Repin are versions of the entry whose files are gone
	// upstream (docs/catalog.md, "Versions the image manager gets right").
	Prune []Pruned
	Repin []Repinned
	// MirrorURL is the mirror_url written into Add (--mirror-url-template),
	// "" for none.
	MirrorURL string
}

// Pruned is a version removed because its file is no longer published and
// the operator keeps no mirror of it.
type Pruned struct {
	Version string
	URL     string
	Reason  string
}

// Repinned is a version whose file upstream moved to its archive.
type Repinned struct {
	Version  string
	From, To string
}

// Unchanged is an image whose catalog entry already holds the latest build.
type Unchanged struct {
	Image   string
	Version string
}

// Failure is an image that could not be crawled or was refused. Its catalog
// entry is left byte for byte.
type Failure struct {
	Image string
	Error string
}

// Decision is what Decide returns: exactly one of its fields is set.
type Decision struct {
	Change    *Change
	Unchanged *Unchanged
}

// Known returns what the crawl compares with: the newest version the
// catalog holds for an image, or the zero value.
func Known(existing *catalog.Image) upstream.Known {
	if existing == nil || len(existing.Versions) == 0 {
		return upstream.Known{}
	}
	newest := existing.Versions[0]
	for _, v := range existing.Versions[1:] {
		if Compare(v, newest) > 0 {
			newest = v
		}
	}
	return upstream.Known{Version: newest.Version, Checksum: newest.Checksum}
}

// Compare orders two catalog versions. Versions of one shape ("20260705"
// and "20260712.1", "9.8-20260526" and "9.8-20260615") compare as build
// identifiers. Versions of different shapes come from a change of naming
// scheme (catalogs that recorded AlmaLinux builds as "20251118" before the
// pinned build identifier "9.8-20260526" was used): their numbers say
// nothing about each other, so their build dates decide, and the identifiers
// only break a tie.
func Compare(a, b catalog.Version) int {
	if digitShape(a.Version) != digitShape(b.Version) && a.BuildDate != "" && b.BuildDate != "" {
		if c := strings.Compare(dateOnly(a.BuildDate), dateOnly(b.BuildDate)); c != 0 {
			return c
		}
	}
	return upstream.CompareVersions(a.Version, b.Version)
}

// dateOnly keeps the YYYY-MM-DD of a date or timestamp.
func dateOnly(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

func newestOf(vs []catalog.Version) *catalog.Version {
	var newest *catalog.Version
	for i := range vs {
		if newest == nil || Compare(vs[i], *newest) > 0 {
			newest = &vs[i]
		}
	}
	return newest
}

// futureSlack allows for time zones: a build dated "tomorrow" in UTC+14 is
// still today somewhere.
const futureSlack = 36 * time.Hour

// Decide compares one crawl result with the catalog entry (nil when the
// catalog has none) and decides what changes. It refuses, with an error, a
// version older than the catalog's newest (a downgrade) and a build date in
// the future, so a confused or tampered mirror cannot roll the catalog back.
//
// For an entry the catalog holds, the version written follows the entry's
// own scheme (ChooseVersion), so that it is the latest by the image
// manager's natsort; a build identifier that no scheme can place last fails
// the image.
func Decide(img source.Image, file string, existing *catalog.Image, res upstream.Result, now time.Time) (Decision, error) {
	if res.Unchanged {
		return Decision{Unchanged: &Unchanged{Image: img.Name, Version: res.Version}}, nil
	}
	date, err := time.Parse(time.DateOnly, res.BuildDate)
	if err != nil {
		return Decision{}, fmt.Errorf("build date %q of %s is not a YYYY-MM-DD date", res.BuildDate, res.Version)
	}
	if date.After(now.Add(futureSlack)) {
		return Decision{}, fmt.Errorf("build date %s of %s is in the future: refusing it", res.BuildDate, res.Version)
	}
	var versions []catalog.Version
	if existing != nil {
		versions = slices.Clone(existing.Versions)
	}
	known := Known(existing)
	u := Update{
		Image: img.Name, File: file, PreviousVersion: known.Version,
		Version: res.Version, Checksum: res.Checksum, URL: res.URL, BuildDate: res.BuildDate,
		ChecksumURL: res.ChecksumURL, Verified: res.Verified, Kind: New,
	}
	ch := &Change{Image: img, Update: u}
	// A respin is the same build with another checksum: the item that
	// records its pinned URL, or its identifier as the version.
	i := slices.IndexFunc(versions, func(v catalog.Version) bool { return v.URL == res.URL })
	if i < 0 {
		i = slices.IndexFunc(versions, func(v catalog.Version) bool { return v.Version == res.Version })
	}
	if i >= 0 {
		if versions[i].Checksum == res.Checksum {
			return Decision{Unchanged: &Unchanged{Image: img.Name, Version: versions[i].Version}}, nil
		}
		// Upstream replaced a published image. Update it in place, loudly.
		ch.Update.Kind = Respin
		ch.Update.Version = versions[i].Version
		ch.Update.PreviousVersion = versions[i].Version
		ch.Update.PreviousChecksum = versions[i].Checksum
		if versions[i].Version != res.Version {
			ch.Update.BuildID = res.Version
		}
		ch.Respin = versions[i].Version
		versions[i].Checksum = res.Checksum
		versions[i].URL = res.URL
		versions[i].BuildDate = res.BuildDate
	} else {
		add := catalog.Version{Version: res.Version, URL: res.URL, Checksum: res.Checksum, BuildDate: res.BuildDate}
		if newest := newestOf(versions); newest != nil && Compare(add, *newest) < 0 {
			return Decision{}, fmt.Errorf("upstream offers %s (built %s), older than the catalog's newest %s (built %s): refusing a downgrade",
				res.Version, res.BuildDate, newest.Version, newest.BuildDate)
		}
		if existing != nil {
			v, err := chooseVersion(versions, res)
			if err != nil {
				return Decision{}, err
			}
			if v != res.Version {
				ch.Update.BuildID = res.Version
				add.Version = v
				ch.Update.Version = v
			}
		}
		ch.Add = &add
		versions = append(versions, add)
	}
	slices.SortStableFunc(versions, Compare)
	if limit := img.Limit; limit > 0 && len(versions) > limit {
		versions = versions[len(versions)-limit:]
	}
	ch.Versions = versions
	return Decision{Change: ch}, nil
}
