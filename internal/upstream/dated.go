package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
)

// datedDirs crawls a directory that holds one subdirectory per build
// (release-20260705/, 20250210-2019/) next to an alias directory that always
// holds the newest build (release/, latest/). Ubuntu and Debian publish this
// way; they differ only in the names below.
type datedDirs struct {
	f        Fetcher
	prefix   string         // a build directory is prefix + version
	build    *regexp.Regexp // a build directory name; group 1 is the version
	latest   string         // default alias directory
	describe string         // the build pattern, for messages
}

// The build patterns are compiled once: a strategy is made for every image.
var (
	ubuntuBuild      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^release-(\d{8}(?:\.\d+)?)$`) })
	ubuntuDailyBuild = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{8}(?:\.\d+)?)$`) })
	debianBuild      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{8}-\d{4})$`) })
)

func ubuntu(f Fetcher) Strategy {
	return &datedDirs{f: f, prefix: "release-", build: ubuntuBuild(), latest: "release/", describe: "release-YYYYMMDD[.N]/"}
}

// ubuntuDaily: the daily builds of cloud-images.ubuntu.com/<series>/ (and
// minimal/daily/<series>/) live in YYYYMMDD[.N]/ next to current/, named
// like the image in current/.
func ubuntuDaily(f Fetcher) Strategy {
	return &datedDirs{f: f, build: ubuntuDailyBuild(), latest: "current/", describe: "YYYYMMDD[.N]/"}
}

func debian(f Fetcher) Strategy {
	return &datedDirs{f: f, build: debianBuild(), latest: "latest/", describe: "YYYYMMDD-NNNN/"}
}

// maxCandidates bounds how many of the newest builds are opened when the
// newest does not hold the latest checksum (a build directory published before
// the alias moved). The usual case opens one.
const maxCandidates = 3

func (s *datedDirs) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	latestDir := u.Latest
	if latestDir == "" {
		latestDir = s.latest
	}
	latestSums := join(u.URL, latestDir, u.Checksums)
	latest, err := latestDigest(ctx, s.f, img, latestSums, u.Filename)
	if err != nil {
		return Result{}, err
	}
	if r, ok := known.unchanged(latest); ok {
		return r, nil
	}
	hex := latest.Hex

	entries, err := fetchListingFunc(ctx, s.f, u.URL, func(name string, dir bool) bool { return dir && s.build.MatchString(name) })
	if err != nil {
		return Result{}, fmt.Errorf("list builds: %w", err)
	}
	var versions []string
	for _, e := range entries {
		if m := s.build.FindStringSubmatch(e.Name); m != nil && e.Dir {
			versions = append(versions, m[1])
		}
	}
	if len(versions) == 0 {
		return Result{}, fmt.Errorf("list builds: no %s directories in %s", s.describe, u.URL)
	}
	slices.SortFunc(versions, func(a, b string) int { return CompareVersions(b, a) })
	versions = slices.Compact(versions)

	var tried, skipped []string
	for _, v := range versions {
		if len(tried) == maxCandidates {
			break
		}
		dir := s.buildDir(v)
		date, err := dateFromVersion(v)
		if err == nil {
			err = plausibleBuildDate(date)
		}
		if err != nil {
			// A stray directory (release-99999999/) is no build: it must
			// not hide the real ones.
			skipped = append(skipped, fmt.Sprintf("skipped %s in %s: %v", dir, u.URL, err))
			continue
		}
		sumsURL := join(u.URL, dir, u.Checksums)
		pinned := u.PinnedName(v)
		tried = append(tried, dir)
		same, verified, err := confirmBuild(ctx, s.f, img, sumsURL, pinned, hex)
		var he *httpclient.HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			// Upstream is publishing this build right now: its checksum
			// file is not there yet. An older build may be the latest.
			skipped = append(skipped, fmt.Sprintf("skipped %s in %s: its %s is not published (yet)", dir, u.URL, u.Checksums))
			continue
		}
		if err != nil {
			return Result{}, fmt.Errorf("build %s: %w", v, err)
		}
		if !same {
			continue
		}
		return Result{
			Version:     v,
			Checksum:    latest.String(),
			URL:         join(u.URL, dir, pinned),
			BuildDate:   date,
			ChecksumURL: sumsURL,
			Verified:    verified,
			Skipped:     strings.Join(skipped, "; "),
		}, nil
	}
	msg := fmt.Sprintf("latest %s %s is in none of the newest builds (%s): not guessing",
		u.Filename, latest.Short(), strings.Join(tried, ", "))
	if len(skipped) > 0 {
		msg += "; " + strings.Join(skipped, "; ")
	}
	return Result{}, errors.New(msg)
}

// buildDir turns a version back into its directory name.
func (s *datedDirs) buildDir(version string) string { return s.prefix + version }

// dateFromVersion reads the YYYYMMDD a build identifier starts with.
func dateFromVersion(v string) (string, error) {
	if len(v) < 8 {
		return "", fmt.Errorf("version %q holds no date", v)
	}
	t, err := time.Parse("20060102", v[:8])
	if err != nil {
		return "", fmt.Errorf("version %q holds no date: %w", v, err)
	}
	return t.Format(time.DateOnly), nil
}
