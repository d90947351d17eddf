package upstream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/redact"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// flatcarChannel crawls a Flatcar channel (stable.release.flatcar-linux.net): an
// alias directory current/ that is a copy of the newest release directory
// <X.Y.Z>/, each holding the image, its DIGESTS file (MD5, SHA1 and SHA512
// sections) and version.txt. current/ moves with every release, so the
// catalog pins <X.Y.Z>/.
type flatcarChannel struct{ f Fetcher }

func flatcar(f Fetcher) Strategy { return &flatcarChannel{f: f} }

// Flatcar versions are MAJOR.MINOR.PATCH; the build ID is the build's time,
// "2025-11-23-2139". Both end up in URLs and the catalog, so they are
// checked strictly.
var (
	flatcarVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`) })
	flatcarBuildID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})-[0-9]{4}$`) })
)

func (s *flatcarChannel) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	// The DIGESTS of current/ come first, so an unchanged image costs one
	// request; version.txt is read only when there is something new.
	latestSums := join(u.URL, u.Latest, u.Checksums)
	latest, err := latestDigest(ctx, s.f, img, latestSums, u.Filename)
	if err != nil {
		return Result{}, err
	}
	if r, ok := known.unchanged(latest); ok {
		return r, nil
	}
	hex := latest.Hex

	resp, err := s.f.Get(ctx, u.VersionURL)
	if err != nil {
		return Result{}, fmt.Errorf("version: %w", err)
	}
	version, date, err := parseFlatcarVersion(resp.Body)
	if err != nil {
		return Result{}, fmt.Errorf("version %s: %w", u.VersionURL, err)
	}

	// current/ may have moved on between the two requests; the release
	// directory's own DIGESTS tell whether version.txt and the digest above
	// describe the same build.
	pinned := u.PinnedName(version)
	sumsURL := join(u.URL, version, u.Checksums)
	bs, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("release %s: %w", version, err)
	}
	h, err := bs.Find(pinned, algo)
	if err != nil {
		return Result{}, fmt.Errorf("release %s: %s: %w", version, sumsURL, err)
	}
	if h != hex {
		return Result{}, fmt.Errorf("latest %s %s is not the one of release %s (%s), which version.txt names: not guessing",
			u.Filename, latest.Short(), version, checksum.Digest{Algorithm: algo, Hex: h}.Short())
	}
	return Result{
		Version:     version,
		Checksum:    latest.String(),
		URL:         join(u.URL, version, pinned),
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}

// parseFlatcarVersion reads FLATCAR_VERSION and the date of FLATCAR_BUILD_ID
// from a version.txt (shell variable assignments, values optionally quoted).
func parseFlatcarVersion(body []byte) (version, date string, err error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return "", "", fmt.Errorf("not a version.txt: line %s", redact.Quote(line))
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[strings.TrimSpace(k)] = v
	}
	if err := sc.Err(); err != nil {
		return "", "", fmt.Errorf("read version.txt: %w", err)
	}
	version, ok := vars["FLATCAR_VERSION"]
	if !ok {
		return "", "", errors.New("no FLATCAR_VERSION")
	}
	if !flatcarVersion().MatchString(version) {
		return "", "", fmt.Errorf("FLATCAR_VERSION %s is not MAJOR.MINOR.PATCH", redact.Quote(version))
	}
	id, ok := vars["FLATCAR_BUILD_ID"]
	if !ok {
		return "", "", errors.New("no FLATCAR_BUILD_ID")
	}
	m := flatcarBuildID().FindStringSubmatch(id)
	if m == nil {
		return "", "", fmt.Errorf("FLATCAR_BUILD_ID %s is not YYYY-MM-DD-HHMM", redact.Quote(id))
	}
	t, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return "", "", fmt.Errorf("FLATCAR_BUILD_ID %s: %w", redact.Quote(id), err)
	}
	return version, t.Format(time.DateOnly), nil
}
