package upstream

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/lifecycle"
	"github.com/osism/image-crawler/internal/source"
)

// ExpandReleases is Discover with the built-in release tables and today's
// date.
func ExpandReleases(ctx context.Context, f Fetcher, imgs []source.Image, only []string) ([]source.Image, []Outcome) {
	return Discover(ctx, f, imgs, only, DiscoverOptions{})
}

// DiscoverOptions are what release discovery needs besides the mirrors.
type DiscoverOptions struct {
	// Tables map codenames to release numbers (Ubuntu's and Debian's
	// series directories); nil means lifecycle.Builtin().
	Tables *lifecycle.Tables
	// Now decides whether a release the tables know has been released
	// yet; zero means time.Now().
	Now time.Time
}

// Discover replaces every per-release source among imgs ("Fedora
// {release}", "Ubuntu {release}" over releases/{codename}/) by one concrete
// image per current release: the newest upstream.releases of the release
// directories the listing above {release} (or {codename}) shows, or those of
// upstream.releases_only it shows, oldest first. Other images pass through in
// place. Sources are discovered concurrently, and listings go through f,
// whose answers are shared, so every source of one family (x86_64 and
// aarch64, server and minimal) costs one request per run.
//
// only is --only: when it is not empty, only the concrete images it names
// are kept, and a name that selected a per-release source but is not a
// current release is reported. A source whose releases cannot be listed is
// reported too, and the other images are still returned: every report is an
// Outcome with Err set.
func Discover(ctx context.Context, f Fetcher, imgs []source.Image, only []string, o DiscoverOptions) ([]source.Image, []Outcome) {
	if o.Tables == nil {
		o.Tables = lifecycle.Builtin()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	type found struct {
		releases []release
		err      error
	}
	results := make([]found, len(imgs))
	var wg sync.WaitGroup
	for i, img := range imgs {
		if !img.PerRelease() {
			continue
		}
		wg.Go(func() {
			rs, err := currentReleases(ctx, f, img, o)
			results[i] = found{rs, err}
		})
	}
	wg.Wait()
	var (
		out      []source.Image
		failed   []Outcome
		wantOnly = map[string]bool{}
	)
	// --only matches in any letter case (source.Image.MatchesName).
	for _, n := range only {
		wantOnly[strings.ToLower(n)] = true
	}
	for i, img := range imgs {
		if !img.PerRelease() {
			out = append(out, img)
			continue
		}
		releases, err := results[i].releases, results[i].err
		if err != nil {
			failed = append(failed, Outcome{Image: img, Err: err})
			continue
		}
		all := len(only) == 0 || wantOnly[strings.ToLower(img.Name)]
		got := map[string]bool{}
		var names []string
		for _, r := range releases {
			c := img.ForCodename(r.version, r.codename)
			got[strings.ToLower(c.Name)] = true
			names = append(names, r.version)
			if all || wantOnly[strings.ToLower(c.Name)] {
				out = append(out, c)
			}
		}
		for _, n := range only {
			if r, ok := img.ReleaseNamed(n); ok && !got[strings.ToLower(n)] {
				which := fmt.Sprintf("the %d newest that", img.Upstream.Releases)
				if img.Upstream.Releases == 0 {
					which = "the releases_only that"
				}
				failed = append(failed, Outcome{Image: img.ForRelease(r), Err: fmt.Errorf(
					"release %s is not one of %s %s lists (%s)", r, which, img.Upstream.ReleasesURL(), strings.Join(names, ", "))})
			}
		}
	}
	return out, failed
}

// release is one discovered release: its number, and the directory's
// codename where the mirror names directories so.
type release struct{ version, codename string }

// currentReleases lists the release directories of a per-release source and
// returns the ones the source offers, oldest first, ordered as versions (3.9
// before 3.10). Only directories that read as a release count: Fedora's
// releases/ also holds test/, Alpine's edge/ and latest-stable/.
func currentReleases(ctx context.Context, f Fetcher, img source.Image, o DiscoverOptions) ([]release, error) {
	u := img.Upstream
	dir := u.ReleasesURL()
	entries, err := fetchListing(ctx, f, dir)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	var dirs []string
	for _, e := range entries {
		if d, ok := u.ReleaseDir(e.Name); ok && e.Dir {
			dirs = append(dirs, d)
		}
	}
	var releases []release
	if u.ByCodename() {
		if releases, err = codenameReleases(ctx, f, img, dirs, o); err != nil {
			return nil, err
		}
	} else {
		for _, d := range dirs {
			releases = append(releases, release{version: d})
		}
	}
	if len(releases) == 0 {
		return nil, fmt.Errorf("list releases: %s lists no release directories", dir)
	}
	slices.SortFunc(releases, func(a, b release) int { return CompareVersions(a.version, b.version) })
	releases = slices.CompactFunc(releases, func(a, b release) bool { return a.version == b.version })
	if len(u.ReleasesOnly) > 0 {
		return slices.DeleteFunc(releases, func(r release) bool { return !slices.Contains(u.ReleasesOnly, r.version) }), nil
	}
	return releases[max(0, len(releases)-u.Releases):], nil
}

// codenameReleases turns series directories into releases. A codename the
// tables know as released has its number from there; any other directory
// (a release newer than the built-in tables, or one not out yet) counts once
// its latest alias (upstream.latest) holds the image, whose file name tells
// the number: one more request, for new directories only.
func codenameReleases(ctx context.Context, f Fetcher, img source.Image, dirs []string, o DiscoverOptions) ([]release, error) {
	u := img.Upstream
	var (
		out   []release
		mu    sync.Mutex
		wg    sync.WaitGroup
		probe []error
	)
	for _, c := range dirs {
		if r, ok := o.Tables.Lookup(img.Type, c); ok && r.Version != "" && !r.Released.IsZero() && !r.Released.After(o.Now) {
			if img.Type == "ubuntu" && !r.LTS && !u.Interim {
				continue
			}
			mu.Lock() // probes already under way append too
			out = append(out, release{r.Version, c})
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			v, err := probeRelease(ctx, f, img, c)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				probe = append(probe, err)
			case v != "" && (img.Type != "ubuntu" || u.Interim || ubuntuLTS(v)):
				out = append(out, release{v, c})
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A directory that answers with an HTTP error is not a release (yet);
	// one that could not be asked at all leaves the set unknown.
	if len(probe) > 0 {
		return nil, fmt.Errorf("list releases: %w", probe[0])
	}
	return out, nil
}

// probeRelease lists the latest alias of one series directory and returns
// the release number the image's file name carries there, or "" when the
// directory holds no such image (yet).
func probeRelease(ctx context.Context, f Fetcher, img source.Image, codename string) (string, error) {
	c := img.ForCodename(source.ReleasePlaceholder, codename)
	entries, err := fetchListing(ctx, f, c.Upstream.URL+c.Upstream.Latest)
	if err != nil {
		var he *httpclient.HTTPError
		if errors.As(err, &he) {
			return "", nil
		}
		return "", err
	}
	before, after, ok := strings.Cut(c.Upstream.Filename, source.ReleasePlaceholder)
	if !ok {
		return "", nil
	}
	re := regexp.MustCompile("^" + regexp.QuoteMeta(before) + `([0-9]+(?:\.[0-9]+)*)` + regexp.QuoteMeta(after) + "$")
	for _, e := range entries {
		if m := re.FindStringSubmatch(e.Name); m != nil && !e.Dir {
			return m[1], nil
		}
	}
	return "", nil
}

// ubuntuLTS reports whether an Ubuntu version is a long-term support
// release: April of an even year.
func ubuntuLTS(v string) bool {
	y, m, ok := strings.Cut(v, ".")
	return ok && m == "04" && len(y) == 2 && (y[1]-'0')%2 == 0
}
