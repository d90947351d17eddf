package upstream

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/osism/image-crawler/internal/source"
)

// ExpandReleases replaces every per-release source among imgs ("Fedora
// {release}", upstream.releases set) by one concrete image per current
// release: the newest upstream.releases numeric directories of the listing
// above {release} in its URL, oldest first. Other images pass through in
// place. Listings go through f, whose answers are shared, so sources that
// list the same directory (x86_64 and aarch64) cost one request per run.
//
// only is --only: when it is not empty, only the concrete images it names
// are kept, and a name that selected a per-release source but is not a
// current release is reported. A source whose releases cannot be listed is
// reported too, and the other images are still returned: every report is an
// Outcome with Err set.
func ExpandReleases(ctx context.Context, f Fetcher, imgs []source.Image, only []string) ([]source.Image, []Outcome) {
	var (
		out      []source.Image
		failed   []Outcome
		wantOnly = map[string]bool{}
	)
	// --only matches in any letter case (source.Image.MatchesName).
	for _, n := range only {
		wantOnly[strings.ToLower(n)] = true
	}
	for _, img := range imgs {
		if !img.PerRelease() {
			out = append(out, img)
			continue
		}
		releases, err := currentReleases(ctx, f, img)
		if err != nil {
			failed = append(failed, Outcome{Image: img, Err: err})
			continue
		}
		all := len(only) == 0 || wantOnly[strings.ToLower(img.Name)]
		got := map[string]bool{}
		for _, r := range releases {
			c := img.ForRelease(r)
			got[strings.ToLower(c.Name)] = true
			if all || wantOnly[strings.ToLower(c.Name)] {
				out = append(out, c)
			}
		}
		for _, n := range only {
			if r, ok := img.ReleaseNamed(n); ok && !got[strings.ToLower(n)] {
				failed = append(failed, Outcome{Image: img.ForRelease(r), Err: fmt.Errorf(
					"release %s is not one of the %d newest that %s lists (%s)", r, img.Upstream.Releases, img.Upstream.ReleasesURL(), strings.Join(releases, ", "))})
			}
		}
	}
	return out, failed
}

// currentReleases lists the release directories of a per-release source and
// returns the newest upstream.releases of them, oldest first, ordered as
// versions (3.9 before 3.10). Only directories that read as a release count:
// Fedora's releases/ also holds test/, Alpine's edge/ and latest-stable/.
func currentReleases(ctx context.Context, f Fetcher, img source.Image) ([]string, error) {
	dir := img.Upstream.ReleasesURL()
	entries, err := fetchListing(ctx, f, dir)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	var releases []string
	for _, e := range entries {
		if r, ok := img.Upstream.ReleaseDir(e.Name); ok && e.Dir {
			releases = append(releases, r)
		}
	}
	if len(releases) == 0 {
		return nil, fmt.Errorf("list releases: %s lists no release directories", dir)
	}
	slices.SortFunc(releases, CompareVersions)
	releases = slices.Compact(releases)
	return releases[max(0, len(releases)-img.Upstream.Releases):], nil
}
