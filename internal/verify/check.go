package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

type verifier struct {
	o Options
	f upstream.Fetcher
}

// task is one changed version item and its verdict under construction. Only
// the goroutine checking it writes to it.
type task struct {
	file        *catalog.File
	img         *catalog.Image
	idx         int
	item        Item
	uncheckable bool
	badDate     bool // build_date does not match the build
}

func (t *task) fail(format string, a ...any) {
	t.item.Failures = append(t.item.Failures, fmt.Sprintf(format, a...))
}

func (t *task) unchecked(essential bool, format string, a ...any) {
	t.item.Unchecked = append(t.item.Unchecked, fmt.Sprintf(format, a...))
	if essential {
		t.uncheckable = true
	}
}

func (t *task) ok(check string) { t.item.Checked = append(t.item.Checked, check) }

// latest applies the image manager's rule to an image with changed items:
// natsorted(versions)[-1] is what it imports as the image, so that version
// must be the newest build. A changed item fails when it is that version
// while a newer build is listed, or when it is newer than that version
// (the image manager would never import it).
func (v *verifier) latest(img *catalog.Image, changed []int, tasks []*task) {
	li := catalog.LatestIndex(img.Versions)
	if li < 0 {
		return
	}
	name := img.Versions[li].Version
	latestDay, lok := catalog.BuildDay(img.Versions[li].BuildDate)
	newest, ni := latestDay, li
	for i, ver := range img.Versions {
		if d, ok := catalog.BuildDay(ver.BuildDate); ok && (ni < 0 || !lok || d.After(newest)) {
			newest, ni = d, i
		}
	}
	for k, i := range changed {
		t := tasks[k]
		d, dok := catalog.BuildDay(img.Versions[i].BuildDate)
		switch {
		case t.badDate:
			t.unchecked(false, "natsort order not checked: build_date is wrong")
		case !lok || !dok:
			t.unchecked(false, "natsort order not checked: no build_date to compare")
		case i == li && newest.After(latestDay):
			t.fail("version %s sorts last by natsort, so the image manager imports it as the latest, but %s (build_date %s) is a newer build",
				img.Versions[i].Version, img.Versions[ni].Version, newest.Format(time.DateOnly))
		case i != li && d.After(latestDay):
			t.fail("version %s does not sort last by natsort: the image manager imports %s (build_date %s) as the latest and never this newer build",
				img.Versions[i].Version, name, latestDay.Format(time.DateOnly))
		default:
			t.ok("natsort")
		}
	}
}

// check runs every rule on one changed item.
func (v *verifier) check(ctx context.Context, t *task) {
	ver := t.img.Versions[t.idx]
	entry := t.file.Entry(t.img)
	img, described, sigNote := v.describe(t.img.Name, entry, strings.TrimSpace(ver.URL))
	raw := strings.TrimSpace(ver.URL)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.HasSuffix(u.Path, "/") {
		t.fail("url %q is not the URL of a file", raw)
		return
	}
	fileName := baseName(u.Path)

	// Pinned to one build, not an alias.
	if reason := aliasReason(raw, u, fileName, entry, img, described); reason != "" {
		t.fail("url is an alias, not pinned to one build: %s", reason)
	} else {
		t.ok("pinned")
	}

	// Published: HEAD 200 (redirects followed), a file, not a web page.
	head, herr := v.f.Head(ctx, raw)
	switch {
	case herr != nil:
		t.fail("url does not answer: %v", herr)
		head = nil
	case head.Status != http.StatusOK:
		t.fail("url HEAD %s: %d, want 200", raw, head.Status)
		head = nil
	case head.ContentType == "text/html" || head.ContentType == "application/xhtml+xml":
		t.fail("url %s is a web page (%s), not an image", raw, head.ContentType)
		head = nil // its size and date are the page's, not the build's
	case head.ContentLength == 0:
		t.fail("url %s is empty (Content-Length 0)", raw)
		head = nil
	default:
		t.ok("published")
	}

	v.checksum(ctx, t, ver, raw, fileName, img, described, sigNote)
	v.buildDate(t, ver, u, head)
	v.mirror(ctx, t, ver, head)
}

func baseName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

// describe finds how the crawl would see the entry: the source that names
// it, following the stream of its latest_url and latest_checksum_url when
// it has them. described is false when no source names it and its URLs are
// no known stream.
func (v *verifier) describe(name string, e catalog.Entry, itemURL string) (img source.Image, described bool, sigNote string) {
	found := false
	if v.o.Sources != nil {
		// A per-release name stands for its release ("Ubuntu 26.04" of
		// "Ubuntu {release}"); the source describes the item only when the
		// item lies in its tree.
		if c, ok := v.o.Sources.Concrete(name); ok && upstream.UnderSource(c.Upstream.URL, itemURL) == nil {
			img, found = c, true
		}
	}
	if found {
		v.o.Signatures.Apply(&img)
	}
	if e.LatestURL != "" && e.LatestChecksumURL != "" {
		base := img
		if !found {
			base = source.Image{Name: name}
		}
		if st, err := upstream.FollowStream(base, e.LatestURL, e.LatestChecksumURL); err == nil {
			return st.Image, true, st.SignatureNote
		}
	}
	if !found {
		return source.Image{Name: name}, false, "no source describes this entry, so no keys are trusted for it"
	}
	return img, true, ""
}

// aliasSegments are directories that stand for whatever build is current.
var aliasSegments = map[string]bool{"current": true, "latest": true, "release": true, "latest-stable": true}

// aliasName matches file names of an alias: AlmaLinux's and CentOS's
// -latest., Rocky's .latest., and the image manager's HEREBE...DRAGONS
// pattern, which is no URL at all.
var aliasName = regexp.MustCompile(`[-.]latest[-.]|HEREBE.*DRAGONS`)

func aliasReason(raw string, u *url.URL, name string, e catalog.Entry, img source.Image, described bool) string {
	if e.LatestURL != "" && raw == e.LatestURL {
		return "it is the entry's latest_url"
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for _, s := range segs[:len(segs)-1] {
		if aliasSegments[s] {
			return fmt.Sprintf("its directory %s/ stands for whatever build is current", s)
		}
	}
	if m := aliasName.FindString(name); m != "" {
		return fmt.Sprintf("its name %s (%q) stands for whatever build is current", name, m)
	}
	up := img.Upstream
	if described && up.Filename != "" && up.Pinned != "" && up.Pinned != up.Filename && name == up.Filename {
		return fmt.Sprintf("%s is the name of the source's alias; builds are named %s", name, up.Pinned)
	}
	return ""
}

// usualSums are the checksum files looked for beside a pinned file when no
// source says which one belongs to it.
var usualSums = []string{"SHA256SUMS", "SHA512SUMS", "CHECKSUM", "{file}.sha256", "DIGESTS"}

// checksum confirms the recorded checksum in the build's own checksum file,
// through its signature where the source has keys.
func (v *verifier) checksum(ctx context.Context, t *task, ver catalog.Version, raw, name string, img source.Image, described bool, sigNote string) {
	recorded, err := checksum.ParseDigest(strings.TrimSpace(ver.Checksum))
	if err != nil || (recorded.Algorithm != checksum.SHA256 && recorded.Algorithm != checksum.SHA512) {
		t.fail("checksum %q: want sha256:<lowercase hex> or sha512:<lowercase hex>", ver.Checksum)
		return
	}
	algo, hex := recorded.Algorithm, recorded.Hex
	dir := raw[:strings.LastIndex(raw, "/")+1]
	type candidate struct {
		url    string
		signed bool // read through the source's signature setting
	}
	var cands []candidate
	if described {
		if su, ok := upstream.BuildChecksumURL(img, raw); ok {
			cands = append(cands, candidate{su, true})
		}
	}
	for _, n := range usualSums {
		c := dir + strings.ReplaceAll(n, "{file}", name)
		if len(cands) == 0 || cands[0].url != c {
			cands = append(cands, candidate{c, false})
		}
	}
	var tried []string
	for _, c := range cands {
		resp, err := v.f.Get(ctx, c.url)
		var herr *httpclient.HTTPError
		if errors.As(err, &herr) && (herr.Status == http.StatusNotFound || herr.Status == http.StatusGone || herr.Status == http.StatusForbidden) {
			tried = append(tried, baseName(c.url))
			continue
		}
		if err != nil {
			t.unchecked(true, "checksum not checked: %v", err)
			return
		}
		var sums *checksum.Sums
		verified := false
		if c.signed {
			sums, verified, err = upstream.BuildChecksums(ctx, v.f, img, c.url)
			if err != nil {
				t.fail("signature: %v", err)
				return
			}
		} else {
			sums, err = checksum.Parse(strings.NewReader(string(resp.Body)))
			if err != nil {
				tried = append(tried, baseName(c.url)+" (not a checksum file)")
				continue
			}
		}
		got, err := sums.Find(name, algo)
		if errors.Is(err, checksum.ErrNotListed) {
			tried = append(tried, baseName(c.url)+" (does not list "+name+")")
			continue
		}
		if err != nil {
			t.unchecked(true, "checksum not checked: %s: %v", c.url, err)
			return
		}
		if got != hex {
			if other := otherBuild(t.img, t.idx, ver.Checksum); other != "" {
				t.fail("checksum from another build: the catalog records the checksum of version %s, but %s lists %s:%s for %s", other, c.url, algo, short(got), name)
				return
			}
			t.fail("wrong checksum: %s lists %s:%s for %s, the catalog records %s:%s", c.url, algo, short(got), name, algo, short(hex))
			return
		}
		t.ok("checksum")
		switch {
		case verified:
			t.ok("signature")
		case !c.signed:
			note := sigNote
			if note == "" {
				note = "the source's checksum file for this build was not found, so its signature was not read"
			}
			t.unchecked(false, "signature not checked: %s", note)
		case img.Upstream.SignatureMode() == source.SignatureOff:
			note := sigNote
			switch {
			case v.o.Signatures.Off():
				note = "--signatures off"
			case note == "":
				note = "signature off for this source"
			}
			t.unchecked(false, "signature not checked: %s", note)
		default:
			t.unchecked(false, "signature not checked: %s publishes none (signatures optional)", baseName(c.url))
		}
		return
	}
	t.unchecked(true, "checksum not checked: no checksum file beside %s lists it (tried %s)", name, strings.Join(tried, ", "))
}

// otherBuild returns the version of another item of img that records
// checksum: the mistake of an item copied from its neighbour.
func otherBuild(img *catalog.Image, idx int, checksum string) string {
	for i, ver := range img.Versions {
		if i != idx && strings.TrimSpace(ver.Checksum) == strings.TrimSpace(checksum) && ver.URL != img.Versions[idx].URL {
			return ver.Version
		}
	}
	return ""
}

func short(hex string) string {
	if len(hex) > 16 {
		return hex[:16] + "…"
	}
	return hex
}

// buildDay finds a build date in a pinned URL's path: an 8-digit date
// (20260705) that is a real day, the last one in the path.
var buildDay = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{6})(?:[^0-9]|$)`)

func nameDate(p string) (time.Time, bool) {
	ms := buildDay.FindAllStringSubmatch(p, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		if d, err := time.Parse("20060102", ms[i][1]); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// buildDate compares build_date with the build: the date its name carries,
// else its Last-Modified, within a day.
func (v *verifier) buildDate(t *task, ver catalog.Version, u *url.URL, head *httpclient.Response) {
	d, ok := catalog.BuildDay(ver.BuildDate)
	if !ok {
		t.badDate = true
		t.fail("build_date %q is not a date", ver.BuildDate)
		return
	}
	ref, from := time.Time{}, ""
	if nd, ok := nameDate(u.Path); ok {
		ref, from = nd, "the build's name"
	} else if head != nil && !head.LastModified.IsZero() {
		lm := head.LastModified.UTC()
		ref, from = time.Date(lm.Year(), lm.Month(), lm.Day(), 0, 0, 0, 0, time.UTC), "its Last-Modified"
	}
	if from == "" {
		t.unchecked(false, "build_date not checked: the build's name holds no date and the url sent no Last-Modified")
		return
	}
	diff := d.Sub(ref)
	if diff < 0 {
		diff = -diff
	}
	if diff > 24*time.Hour {
		t.badDate = true
		t.fail("build_date %s does not match the build: %s says %s", d.Format(time.DateOnly), from, ref.Format(time.DateOnly))
		return
	}
	t.ok("build_date")
}

// mirror checks mirror_url: HEAD 200 and the same size as url.
func (v *verifier) mirror(ctx context.Context, t *task, ver catalog.Version, head *httpclient.Response) {
	var m string
	for _, f := range ver.Extra {
		if f.Key == "mirror_url" {
			if err := yaml.Unmarshal([]byte(f.YAML), &m); err != nil {
				t.fail("mirror_url %s is not a string", f.YAML)
				return
			}
		}
	}
	m = strings.TrimSpace(m)
	switch {
	case m == "":
		return
	case v.o.SkipMirror:
		t.unchecked(false, "mirror_url not checked (--skip-mirror)")
		return
	}
	mh, err := v.f.Head(ctx, m)
	switch {
	case err != nil:
		t.fail("mirror_url does not answer: %v", err)
	case mh.Status != http.StatusOK:
		t.fail("mirror_url HEAD %s: %d, want 200", m, mh.Status)
	case mh.ContentType == "text/html" || mh.ContentType == "application/xhtml+xml":
		t.fail("mirror_url %s is a web page (%s), not an image", m, mh.ContentType)
	case head != nil && head.ContentLength >= 0 && mh.ContentLength >= 0 && head.ContentLength != mh.ContentLength:
		t.fail("mirror_url %s has %d bytes, url %d: not the same file", m, mh.ContentLength, head.ContentLength)
	default:
		t.ok("mirror_url")
	}
}
