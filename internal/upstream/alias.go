package upstream

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// aliasChecksum crawls one directory that holds builds under versioned names
// next to an alias of the current build, all listed in one checksum file:
//
//	AlmaLinux-9-GenericCloud-9.8-20260526.x86_64.qcow2   (pinned, {version} = 9.8-20260526)
//	AlmaLinux-9-GenericCloud-latest.x86_64.qcow2         (filename, the alias)
//
// The alias's digest identifies the build: the versioned name with the same
// digest is the one to pin. Listing order and "the first name that matches a
// pattern" are never used, because the directory may hold other builds
// (CentOS Stream keeps them all) and sibling images whose names contain the
// wanted one (-ext4-, -OpenNebula-, -x86_64-). AlmaLinux, CentOS Stream and,
// with minorDir, Rocky publish this way.
type aliasChecksum struct {
	f Fetcher
	// minorDir: url is a major-version directory (rocky/9/) that upstream
	// points at the current minor-version one (rocky/9.6/); a pinned URL
	// must name the minor directory, which keeps the build after the major
	// directory moves on to the next minor release.
	minorDir bool
	// sidecar: checksums is the alias's own checksum file (Rocky's
	// <alias>.CHECKSUM, CentOS Stream's <alias>.SHA256SUM), which names the
	// alias only. It decides whether anything changed; the build is then
	// identified and confirmed in the directory's CHECKSUM, which lists
	// every build and is the file upstream signs.
	sidecar bool
}

// dirChecksum is the checksum file of a whole directory where Rocky and
// CentOS Stream also publish a sidecar per image.
const dirChecksum = "CHECKSUM"

func aliasChecksumType(f Fetcher) Strategy      { return &aliasChecksum{f: f} }
func aliasChecksumMinorType(f Fetcher) Strategy { return &aliasChecksum{f: f, minorDir: true} }
func aliasSidecarType(f Fetcher) Strategy       { return &aliasChecksum{f: f, sidecar: true} }
func aliasSidecarMinorType(f Fetcher) Strategy {
	return &aliasChecksum{f: f, sidecar: true, minorDir: true}
}

// buildVersion is what {version} matches in a pinned name: dot- or
// dash-separated runs of digits (9.8-20260526, 10.2-20260526.0, 20260714.1,
// 44-1.7). It starts with a digit, so "ext4-9.8-20260526" and
// "x86_64-9-20260714.1" are not versions of the plain image.
const buildVersion = `([0-9]+(?:[.-][0-9]+)*)`

// pinnedPattern turns a pinned name with {version} into a regexp that matches
// whole names only; group 1 is the version.
func pinnedPattern(pinned string) (*regexp.Regexp, error) {
	before, after, ok := strings.Cut(pinned, "{version}")
	if !ok {
		return nil, fmt.Errorf("upstream.pinned %q has no {version}", pinned)
	}
	return regexp.MustCompile("^" + regexp.QuoteMeta(before) + buildVersion + regexp.QuoteMeta(after) + "$"), nil
}

func (s *aliasChecksum) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	latestURL := join(u.URL, u.Checksums)
	latest, err := latestDigest(ctx, s.f, img, latestURL, u.Filename)
	if err != nil {
		return Result{}, err
	}
	if r, ok := known.unchanged(latest); ok {
		return r, nil
	}
	hex := latest.Hex

	// The same file confirms the build: read it again, this time through
	// its signature (the GET is shared; only a signature file costs a
	// request), and trust only what that reading says. A sidecar names no
	// build, so the directory's checksum file confirms it instead; that the
	// build it names has the digest is what counts there, the alias need
	// not be listed.
	sumsURL := latestURL
	if s.sidecar {
		sumsURL = join(u.URL, dirChecksum)
	}
	sums, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("checksums: %w", err)
	}
	if h, err := sums.Find(u.Filename, algo); !s.sidecar && (err != nil || h != hex) {
		return Result{}, fmt.Errorf("%s: the signed content does not give %s the digest %s", sumsURL, u.Filename, latest.Short())
	}
	pattern, err := pinnedPattern(u.Pinned)
	if err != nil {
		return Result{}, err
	}
	version, others := "", []string{}
	seen := map[string]bool{}
	for _, e := range sums.Entries {
		if e.Algorithm != algo || seen[e.Name] {
			continue // a name listed twice has one digest (checksum.Parse refuses two)
		}
		seen[e.Name] = true
		m := pattern.FindStringSubmatch(e.Name)
		if m == nil {
			continue
		}
		switch {
		case e.Hex != hex:
			others = append(others, m[1])
		case version == "" || CompareVersions(m[1], version) > 0:
			// Several names with the alias's digest are one image published
			// more than once; the newest name is the current one.
			version = m[1]
		}
	}
	if version == "" {
		slices.SortFunc(others, func(a, b string) int { return CompareVersions(b, a) })
		have := "none"
		if len(others) > 0 {
			have = strings.Join(others, ", ")
		}
		return Result{}, fmt.Errorf("%s lists no %s with the digest %s of %s (builds listed: %s): not guessing",
			sumsURL, u.Pinned, latest.Short(), u.Filename, have)
	}
	date, err := dateInVersion(version)
	if err != nil {
		return Result{}, err
	}
	dir := u.URL
	if s.minorDir {
		if dir, err = minorVersionDir(u.URL, version); err != nil {
			return Result{}, err
		}
	}
	return Result{
		Version:     version,
		Checksum:    latest.String(),
		URL:         join(dir, u.PinnedName(version)),
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}

var dateRun = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[^0-9])([0-9]{8})(?:[^0-9]|$)`) })

// dateInVersion reads the YYYYMMDD a build identifier holds somewhere
// (9.8-20260526, 20260714.1, 9.6-20250531.0).
func dateInVersion(v string) (string, error) {
	m := dateRun().FindStringSubmatch(v)
	if m == nil {
		return "", fmt.Errorf("version %q holds no YYYYMMDD date", v)
	}
	t, err := time.Parse("20060102", m[1])
	if err != nil {
		return "", fmt.Errorf("version %q holds no valid date: %w", v, err)
	}
	return t.Format(time.DateOnly), nil
}

var minorVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+)\.[0-9]+-`) })

// minorVersionDir returns dir with its major-version path segment replaced
// by the major.minor the version starts with: .../rocky/9/images/x86_64/ and
// 9.6-20250531.0 give .../rocky/9.6/images/x86_64/.
func minorVersionDir(dir, version string) (string, error) {
	m := minorVersion().FindStringSubmatch(version)
	if m == nil {
		return "", fmt.Errorf("version %q does not start with major.minor-", version)
	}
	minor, major := strings.TrimSuffix(m[0], "-"), m[1]
	u, err := url.Parse(dir)
	if err != nil {
		return "", fmt.Errorf("upstream.url %q: %w", dir, err)
	}
	segs := strings.Split(u.Path, "/")
	at := -1
	for i, seg := range segs {
		if seg != major {
			continue
		}
		if at >= 0 {
			return "", fmt.Errorf("upstream.url %q names the major version %s twice: cannot tell which to replace by %s", dir, major, minor)
		}
		at = i
	}
	if at < 0 {
		return "", fmt.Errorf("upstream.url %q has no path segment %s for the version %s to replace by %s", dir, major, version, minor)
	}
	segs[at] = minor
	u.Path = strings.Join(segs, "/")
	u.RawPath = ""
	return u.String(), nil
}
