package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
)

// fedoraRelease crawls one release of Fedora's releases/<N>/Cloud/<arch>/images/
// (the per-release source is made concrete by ExpandReleases first). A
// release directory holds exactly one compose, named by its id (44-1.7) in
// both the clear-signed checksum file and the image:
//
//	Fedora-Cloud-44-1.7-x86_64-CHECKSUM              (checksums, {version})
//	Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2    (pinned, {version})
//	Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2   (the same up to release 40)
//
// There is no alias, so the checksum file of the version the catalog holds is
// what an unchanged image costs: one request. The names hold no date; the
// build date is the Last-Modified of the pinned file.
type fedoraRelease struct{ f Fetcher }

func fedora(f Fetcher) Strategy { return &fedoraRelease{f: f} }

// composeID is a Fedora compose id as it appears in file names.
const composeID = `([0-9]+-[0-9]+(?:\.[0-9]+)*)`

var isComposeID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^" + composeID + "$") })

// archFirstUpTo is the last release whose image names put the architecture
// before the compose id (Fedora-Cloud-Base-Generic.x86_64-40-1.14.qcow2).
const archFirstUpTo = 40

func (s *fedoraRelease) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	// The directory holds one compose: if the catalog's is still there with
	// the digest the catalog holds, nothing changed.
	if isComposeID().MatchString(known.Version) {
		sumsURL := join(u.URL, s.checksumsName(u, known.Version))
		sums, err := latestChecksums(ctx, s.f, img, sumsURL)
		var herr *httpclient.HTTPError
		switch {
		case err == nil:
			if _, hex, ferr := s.image(sums, img, known.Version); ferr == nil {
				if r, ok := known.unchanged(checksum.Digest{Algorithm: algo, Hex: hex}); ok {
					return r, nil
				}
			}
		case errors.As(err, &herr) && herr.Status == http.StatusNotFound:
			// Another compose replaced it: find it below.
		default:
			return Result{}, fmt.Errorf("checksums of %s: %w", known.Version, err)
		}
	}

	entries, err := fetchListing(ctx, s.f, u.URL)
	if err != nil {
		return Result{}, fmt.Errorf("list images: %w", err)
	}
	before, after, ok := strings.Cut(u.Checksums, "{version}")
	if !ok {
		return Result{}, fmt.Errorf("upstream.checksums %q has no {version}", u.Checksums)
	}
	sumsName := regexp.MustCompile("^" + regexp.QuoteMeta(before) + composeID + regexp.QuoteMeta(after) + "$")
	listed := map[string]bool{}
	var versions []string
	for _, e := range entries {
		listed[e.Name] = !e.Dir
		if m := sumsName.FindStringSubmatch(e.Name); m != nil && !e.Dir {
			versions = append(versions, m[1])
		}
	}
	if len(versions) == 0 {
		return Result{}, fmt.Errorf("%s lists no %s", u.URL, u.Checksums)
	}
	version := slices.MaxFunc(versions, CompareVersions)
	sumsURL := join(u.URL, s.checksumsName(u, version))
	sums, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("checksums of %s: %w", version, err)
	}
	name, hex, err := s.image(sums, img, version)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", sumsURL, err)
	}
	if !listed[name] {
		return Result{}, fmt.Errorf("%s names %s, which %s does not list: not guessing", sumsURL, name, u.URL)
	}
	pinned := join(u.URL, name)
	head, err := s.f.Head(ctx, pinned)
	if err != nil {
		return Result{}, fmt.Errorf("build date of %s: %w", version, err)
	}
	date, err := headBuildDate(head, pinned)
	if err != nil {
		return Result{}, fmt.Errorf("build date of %s: %w", version, err)
	}
	return Result{
		Version:     version,
		Checksum:    checksum.Digest{Algorithm: algo, Hex: hex}.String(),
		URL:         pinned,
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}

func (s *fedoraRelease) checksumsName(u source.Upstream, version string) string {
	return strings.ReplaceAll(u.Checksums, "{version}", version)
}

// image finds the image of compose version in its checksum file, under the
// pinned name or, up to release 40, under the name with the architecture
// first.
func (s *fedoraRelease) image(sums *checksum.Sums, img source.Image, version string) (name, hex string, err error) {
	algo := checksum.Algorithm(img.Upstream.Algorithm)
	name = img.Upstream.PinnedName(version)
	hex, err = sums.Find(name, algo)
	if !errors.Is(err, checksum.ErrNotListed) {
		return name, hex, err
	}
	release, _, _ := strings.Cut(version, "-")
	if n, perr := strconv.Atoi(release); perr != nil || n > archFirstUpTo {
		return "", "", err
	}
	legacy, ok := archFirst(img.Upstream.Pinned, img.Arch)
	if !ok {
		return "", "", err
	}
	name = strings.ReplaceAll(legacy, "{version}", version)
	if hex, lerr := sums.Find(name, algo); lerr == nil {
		return name, hex, nil
	}
	return "", "", fmt.Errorf("%w, nor %q (release %s names the architecture first)", err, name, release)
}

// archFirst rewrites a pinned name of the form <stem>-{version}.<arch>.<ext>
// into the form Fedora used up to release 40, <stem>.<arch>-{version}.<ext>.
func archFirst(pinned, arch string) (string, bool) {
	before, after, ok := strings.Cut(pinned, "{version}")
	stem, dashed := strings.CutSuffix(before, "-")
	ext, archNext := strings.CutPrefix(after, "."+arch+".")
	if !ok || !dashed || !archNext {
		return "", false
	}
	return stem + "." + arch + "-{version}." + ext, true
}
