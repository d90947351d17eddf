package source

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
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

// CodenamePlaceholder stands, in upstream.url, for the series name of a
// release where the mirror names its directories so (Ubuntu's
// releases/noble/, Debian's images/cloud/bookworm/); the release number
// for {release} then comes from the release tables or the file names
// (docs/sources.md, "New releases").
const CodenamePlaceholder = "{codename}"

// releaseNumber is what {release} stands for.
const releaseNumber = `[0-9]+(?:\.[0-9]+)*`

// codenameWord is what {codename} stands for by default.
const codenameWord = `[a-z]+`

// PerRelease reports whether img stands for one image per current release.
func (img Image) PerRelease() bool {
	return img.Upstream.Releases > 0 || len(img.Upstream.ReleasesOnly) > 0
}

// ByCodename reports whether the releases directory names releases by
// codename ({codename} in upstream.url).
func (u Upstream) ByCodename() bool { return strings.Contains(u.URL, CodenamePlaceholder) }

// placeholder is the placeholder that names the release directory in URL.
func (u Upstream) placeholder() string {
	if u.ByCodename() {
		return CodenamePlaceholder
	}
	return ReleasePlaceholder
}

// ReleasesURL is the directory that lists the releases of a per-release
// source: upstream.url up to the path segment that holds {release} (or
// {codename}).
func (u Upstream) ReleasesURL() string {
	before, _, _ := strings.Cut(u.URL, u.placeholder())
	return before[:strings.LastIndex(before, "/")+1]
}

// ReleaseDir returns the release a directory of the ReleasesURL listing
// stands for: "44" for "44" under releases/{release}/, "3.23" for "v3.23"
// under v{release}/, "noble" for "noble" under releases/{codename}/. Other
// directories (test/, edge/, latest-stable/) are not releases.
func (u Upstream) ReleaseDir(name string) (string, bool) {
	ph := u.placeholder()
	before, after, ok := strings.Cut(u.URL, ph)
	if !ok {
		return "", false
	}
	prefix := before[strings.LastIndex(before, "/")+1:]
	suffix, _, _ := strings.Cut(after, "/")
	pattern := u.ReleasePattern
	if pattern == "" {
		pattern = releaseNumber
		if ph == CodenamePlaceholder {
			pattern = codenameWord
		}
	}
	return matchPattern(prefix, pattern, suffix, name)
}

// matchRelease matches name against prefix + a release number + suffix.
func matchRelease(prefix, suffix, name string) (string, bool) {
	return matchPattern(prefix, releaseNumber, suffix, name)
}

// matchPattern matches name against prefix + pattern + suffix and returns
// what pattern matched.
func matchPattern(prefix, pattern, suffix, name string) (string, bool) {
	re := namePattern(prefix, pattern, suffix)
	if re == nil {
		return "", false // validate reports the pattern
	}
	m := re.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// namePatterns caches namePattern: a run matches every catalog image
// against every per-release source before its first request, and compiling
// the pattern each time was most of that.
var namePatterns sync.Map // [3]string -> *regexp.Regexp (nil: does not compile)

// namePattern is the expression that matches prefix + pattern + suffix in
// any letter case, pattern captured; nil when it does not compile.
func namePattern(prefix, pattern, suffix string) *regexp.Regexp {
	key := [3]string{prefix, pattern, suffix}
	if re, ok := namePatterns.Load(key); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile("(?i)^" + regexp.QuoteMeta(prefix) + "(" + pattern + ")" + regexp.QuoteMeta(suffix) + "$")
	if err != nil {
		re = nil
	}
	namePatterns.Store(key, re)
	return re
}

// ForRelease returns the concrete image of one release: {release} replaced
// everywhere, and Releases cleared, so the result is an ordinary image.
func (img Image) ForRelease(release string) Image {
	return img.ForCodename(release, "")
}

// ForCodename is ForRelease for a source that lists releases by codename:
// {codename} becomes codename as {release} becomes release.
func (img Image) ForCodename(release, codename string) Image {
	r := strings.NewReplacer(ReleasePlaceholder, release, CodenamePlaceholder, codename)
	out := img
	out.Upstream = img.Upstream.Settings(release)
	if s, ok := img.Upstream.PerRelease[release]; ok && s.Enable != nil {
		out.Meta.Enable = s.Enable
	}
	out.Name = r.Replace(img.Name)
	out.Release = release
	out.Codename = codename
	out.Shortname = r.Replace(img.Shortname)
	u := &out.Upstream
	u.URL = r.Replace(u.URL)
	u.Latest = r.Replace(u.Latest)
	u.Checksums = r.Replace(u.Checksums)
	u.Filename = r.Replace(u.Filename)
	u.Pinned = r.Replace(u.Pinned)
	u.Releases = 0
	u.ReleasesOnly = nil
	u.ReleaseNotes = r.Replace(u.ReleaseNotes)
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
	if u.Releases > 0 && len(u.ReleasesOnly) > 0 {
		add("upstream.releases and upstream.releases_only: set one (the newest N, or the list)")
	}
	if u.ReleasePattern != "" {
		if _, err := regexp.Compile(u.ReleasePattern); err != nil {
			add("upstream.release_pattern %q: %v", u.ReleasePattern, err)
		}
	}
	if u.EOL != "" {
		if _, err := time.Parse(time.DateOnly, u.EOL); err != nil {
			add("upstream.eol %q: want a date, YYYY-MM-DD", u.EOL)
		}
	}
	if !img.PerRelease() {
		for _, f := range fields {
			if strings.Contains(f.value, ReleasePlaceholder) || strings.Contains(f.value, CodenamePlaceholder) {
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
	ph := ReleasePlaceholder
	if strings.Contains(url, CodenamePlaceholder) {
		ph = CodenamePlaceholder
	}
	if strings.Count(url, ph) != 1 {
		return false
	}
	before, after, _ := strings.Cut(url, ph)
	_, rest, ok := strings.Cut(before, "://")
	return ok && strings.Contains(rest, "/") && strings.Contains(after, "/")
}

// releasesField is upstream.releases as the Required check of validate sees
// it: empty when unset.
func releasesField(n int, only []string) string {
	if n == 0 {
		return strings.Join(only, ",")
	}
	return strconv.Itoa(n)
}
