package source

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ReleasePlaceholder stands for a release number in a per-release source: an
// entry that keeps the newest upstream.releases releases of a distribution
// current, one catalog image each, when the sources file cannot name them
// ahead of time ("Fedora {release}" becomes "Fedora 43" and "Fedora 44", and
// "Fedora 45" the day it appears upstream).
//
// Such an entry writes {release} in its name and shortname, once in one path
// segment of upstream.url (releases/{release}/ for Fedora, v{release}/ for
// Alpine: the releases directory is the URL up to that segment), and wherever
// else a release number goes (image.meta.os_version). A release is a number,
// dotted or not (44, 3.23). The crawl lists the releases directory and calls
// ForRelease for each current release before anything else is done with the
// image.
const ReleasePlaceholder = "{release}"

// releaseNumber is what {release} stands for.
const releaseNumber = `([0-9]+(?:\.[0-9]+)*)`

// PerRelease reports whether img stands for one image per current release.
func (img Image) PerRelease() bool { return img.Upstream.Releases > 0 }

// ReleasesURL is the directory that lists the releases of a per-release
// source: upstream.url up to the path segment that holds {release}.
func (u Upstream) ReleasesURL() string {
	before, _, _ := strings.Cut(u.URL, ReleasePlaceholder)
	return before[:strings.LastIndex(before, "/")+1]
}

// ReleaseDir returns the release a directory of the ReleasesURL listing
// stands for: "44" for "44" under releases/{release}/, "3.23" for "v3.23"
// under v{release}/. Other directories (test/, edge/, latest-stable/) are
// not releases.
func (u Upstream) ReleaseDir(name string) (string, bool) {
	before, after, ok := strings.Cut(u.URL, ReleasePlaceholder)
	if !ok {
		return "", false
	}
	prefix := before[strings.LastIndex(before, "/")+1:]
	suffix, _, _ := strings.Cut(after, "/")
	return matchRelease(prefix, suffix, name)
}

// matchRelease matches name against prefix + a release number + suffix.
func matchRelease(prefix, suffix, name string) (string, bool) {
	re := regexp.MustCompile("(?i)^" + regexp.QuoteMeta(prefix) + releaseNumber + regexp.QuoteMeta(suffix) + "$")
	m := re.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ForRelease returns the concrete image of one release: {release} replaced
// everywhere, and Releases cleared, so the result is an ordinary image.
func (img Image) ForRelease(release string) Image {
	r := strings.NewReplacer(ReleasePlaceholder, release)
	out := img
	out.Name = r.Replace(img.Name)
	out.Release = release
	out.Shortname = r.Replace(img.Shortname)
	u := &out.Upstream
	u.URL = r.Replace(u.URL)
	u.Latest = r.Replace(u.Latest)
	u.Checksums = r.Replace(u.Checksums)
	u.Filename = r.Replace(u.Filename)
	u.Pinned = r.Replace(u.Pinned)
	u.Releases = 0
	// The catalog entry is rendered from these; copy so that images of
	// different releases never share (and overwrite) one backing array.
	out.Meta.Tags = append([]string(nil), img.Meta.Tags...)
	out.Meta.Properties = make(Fields, len(img.Meta.Properties))
	for i, f := range img.Meta.Properties {
		if s, ok := f.Value.(string); ok {
			f.Value = r.Replace(s)
		}
		out.Meta.Properties[i] = f
	}
	return out
}

// MatchesName reports whether name selects img (--only), in any letter
// case: its name (for a per-release image, "Fedora {release}", all its
// releases), or for a per-release image its name with a release number in
// place of {release}.
func (img Image) MatchesName(name string) bool {
	if strings.EqualFold(name, img.Name) {
		return true // "Fedora {release}": every release
	}
	if !img.PerRelease() {
		return false
	}
	_, ok := img.ReleaseNamed(name)
	return ok
}

// ReleaseNamed returns the release a concrete name stands for under the
// per-release image img: "44" for "Fedora 44" under "Fedora {release}".
func (img Image) ReleaseNamed(name string) (string, bool) {
	before, after, ok := strings.Cut(img.Name, ReleasePlaceholder)
	if !ok {
		return "", false
	}
	return matchRelease(before, after, name)
}

// validateReleases checks the per-release settings of img: {release} where a
// per-release source needs it, and nowhere in any other source, where it
// would end up in the catalog verbatim.
func (img *Image) validateReleases() []string {
	var msgs []string
	add := func(format string, a ...any) { msgs = append(msgs, fmt.Sprintf(format, a...)) }
	u := img.Upstream
	fields := []struct{ key, value string }{
		{"name", img.Name}, {"shortname", img.Shortname}, {"upstream.url", u.URL},
		{"upstream.latest", u.Latest}, {"upstream.checksums", u.Checksums},
		{"upstream.filename", u.Filename}, {"upstream.pinned", u.Pinned},
	}
	for _, f := range img.Meta.Properties {
		if s, ok := f.Value.(string); ok {
			fields = append(fields, struct{ key, value string }{"image.meta." + f.Key, s})
		}
	}
	if u.Releases < 0 {
		add("upstream.releases %d: want a positive number of newest releases", u.Releases)
	}
	if !img.PerRelease() {
		for _, f := range fields {
			if strings.Contains(f.value, ReleasePlaceholder) {
				add("%s %q: %s needs upstream.releases", f.key, f.value, ReleasePlaceholder)
			}
		}
		return msgs
	}
	for _, k := range []string{"name", "shortname"} {
		v := img.Name
		if k == "shortname" {
			v = img.Shortname
		}
		if strings.Count(v, ReleasePlaceholder) != 1 {
			add("%s %q: a per-release source (upstream.releases) writes %s in it once", k, v, ReleasePlaceholder)
		}
	}
	if !releaseInPath(u.URL) {
		add("upstream.url %q: a per-release source writes %s once, in a directory of the path (.../releases/%s/..., .../v%s/...)", u.URL, ReleasePlaceholder, ReleasePlaceholder, ReleasePlaceholder)
	}
	return msgs
}

// releaseInPath reports whether {release} is in url once, inside a path
// segment that is followed by more path (so the releases directory above it
// can be listed), never in the host.
func releaseInPath(url string) bool {
	if strings.Count(url, ReleasePlaceholder) != 1 {
		return false
	}
	before, after, _ := strings.Cut(url, ReleasePlaceholder)
	_, rest, ok := strings.Cut(before, "://")
	return ok && strings.Contains(rest, "/") && strings.Contains(after, "/")
}

// releasesField is upstream.releases as the Required check of validate sees
// it: empty when unset.
func releasesField(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
