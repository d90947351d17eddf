package upstream

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/redact"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// cirrosReleases crawls download.cirros-cloud.net: one directory per release
// (0.6.3/) with the images and MD5SUMS/SHA256SUMS, and the text file
// version/released naming the newest release. A release directory is never
// rebuilt, so the version file alone tells whether anything changed: an
// unchanged image costs that one request.
type cirrosReleases struct{ f Fetcher }

func cirros(f Fetcher) Strategy { return &cirrosReleases{f: f} }

// cirrosVersion is a release as the version file names it; it becomes a
// path segment, so nothing else is accepted.
var cirrosVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`) })

func (s *cirrosReleases) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	resp, err := s.f.Get(ctx, u.VersionURL)
	if err != nil {
		return Result{}, fmt.Errorf("version: %w", err)
	}
	version := strings.TrimSpace(strings.TrimPrefix(string(resp.Body), "\uFEFF"))
	if !cirrosVersion().MatchString(version) {
		return Result{}, fmt.Errorf("version %s: %s is not a release number", u.VersionURL, redact.Quote(version))
	}
	if version == known.Version {
		return Result{Unchanged: true, Version: known.Version, Checksum: known.Checksum}, nil
	}

	pinned := u.PinnedName(version)
	sumsURL := join(u.URL, version, u.Checksums)
	sums, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("release %s: %w", version, err)
	}
	hex, err := sums.Find(pinned, algo)
	if err != nil {
		return Result{}, fmt.Errorf("release %s: %s: %w", version, sumsURL, err)
	}
	pinnedURL := join(u.URL, version, pinned)
	date, err := lastModifiedDate(ctx, s.f, pinnedURL)
	if err != nil {
		return Result{}, fmt.Errorf("release %s: %w", version, err)
	}
	return Result{
		Version:     version,
		Checksum:    checksum.Digest{Algorithm: algo, Hex: hex}.String(),
		URL:         pinnedURL,
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}
