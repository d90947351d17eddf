package upstream

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// aliasSidecar crawls upstreams that publish the newest build under a fixed
// alias name as well as under its own pinned name, every image file with a
// checksum sidecar of its own (name + ".sha256"). openSUSE keeps alias and
// build side by side in one directory and only the latest build; Arch keeps
// the alias in latest/ and every build in v<version>/.
//
// Upstream's alias sidecar is a symlink to (or a redirect to, or a copy of)
// the build's, so it usually names the build: then the version is read from
// that name and no listing is needed. When it names the alias itself, the
// builds are listed instead. Either way the build's own sidecar must hold the
// alias's digest before the build is taken.
type aliasSidecar struct {
	f Fetcher
	// version is the regexp of a version in the pinned name.
	version string
	// dir is the build's directory below upstream.url ("" for the same).
	dir func(version string) string
	// list finds the versions published under u when the alias sidecar
	// does not name the build.
	list func(ctx context.Context, f Fetcher, u source.Upstream, build *regexp.Regexp) ([]string, error)
	// date is the build date of the build with this version and pinned URL.
	date func(ctx context.Context, f Fetcher, version, pinnedURL string) (string, error)
}

// openSUSE: download.opensuse.org/distribution/leap/<ver>/appliances/ holds
// "...-Cloud.qcow2" and "...-Cloud-Build19.146.qcow2"; names carry no date.
func openSUSE(f Fetcher) Strategy {
	return &aliasSidecar{
		f:       f,
		version: `[0-9]+(?:\.[0-9]+)+`,
		dir:     func(string) string { return "" },
		list:    listBuildFiles,
		date: func(ctx context.Context, f Fetcher, _, pinnedURL string) (string, error) {
			return lastModifiedDate(ctx, f, pinnedURL)
		},
	}
}

// arch: geo.mirror.pkgbuild.com/images/ holds latest/ and v20260715.556894/,
// each with "Arch-Linux-x86_64-cloudimg.qcow2" and
// "Arch-Linux-x86_64-cloudimg-20260715.556894.qcow2".
func arch(f Fetcher) Strategy {
	const version = `[0-9]{8}\.[0-9]+`
	return &aliasSidecar{
		f:       f,
		version: version,
		dir:     func(v string) string { return "v" + v },
		list:    listBuildDirs(regexp.MustCompile(`^v(` + version + `)$`)),
		date: func(_ context.Context, _ Fetcher, v, _ string) (string, error) {
			return dateFromVersion(v)
		},
	}
}

func (s *aliasSidecar) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	suffix, err := sidecarSuffix(u)
	if err != nil {
		return Result{}, err
	}
	build, err := buildPattern(u.Pinned, map[string]string{"version": s.version})
	if err != nil {
		return Result{}, err
	}
	latestSums := join(subdir(u.URL, u.Latest), u.Checksums)
	sums, err := latestChecksums(ctx, s.f, img, latestSums)
	if err != nil {
		return Result{}, fmt.Errorf("latest checksums: %w", err)
	}
	named, hex, err := aliasDigest(sums, algo, u.Filename, build)
	if err != nil {
		return Result{}, fmt.Errorf("latest checksums %s: %w", latestSums, err)
	}
	digest := checksum.Digest{Algorithm: algo, Hex: hex}
	if r, ok := known.unchanged(digest); ok {
		return r, nil
	}

	var versions []string
	if m := build.FindStringSubmatch(named); m != nil {
		versions = []string{group(build, m, "version")}
	} else {
		if versions, err = s.list(ctx, s.f, u, build); err != nil {
			return Result{}, fmt.Errorf("list builds: %w", err)
		}
	}

	var tried []string
	for _, v := range versions[:min(len(versions), maxCandidates)] {
		pinned := u.PinnedName(v)
		dir := subdir(u.URL, s.dir(v))
		sumsURL := join(dir, pinned+suffix)
		tried = append(tried, pinned)
		same, verified, err := confirmBuild(ctx, s.f, img, sumsURL, pinned, hex)
		if err != nil {
			return Result{}, fmt.Errorf("build %s: %w", v, err)
		}
		if !same {
			continue
		}
		pinnedURL := join(dir, pinned)
		date, err := s.date(ctx, s.f, v, pinnedURL)
		if err != nil {
			return Result{}, fmt.Errorf("build %s: %w", v, err)
		}
		return Result{
			Version:     v,
			Checksum:    digest.String(),
			URL:         pinnedURL,
			BuildDate:   date,
			ChecksumURL: sumsURL,
			Verified:    verified,
		}, nil
	}
	return Result{}, fmt.Errorf("latest %s %s is in none of the builds it could be (%s): not guessing",
		u.Filename, digest.Short(), strings.Join(tried, ", "))
}

// subdir is the directory name below the directory url, or url itself when
// name is empty.
func subdir(url, name string) string {
	if name == "" {
		return dirURL(url)
	}
	return dirURL(url, name)
}

// aliasDigest returns the first digest of algo in an alias's sidecar that is
// written for the alias, for a build (a name build matches), or for no name
// at all (a bare digest), and the name it is written for.
func aliasDigest(sums *checksum.Sums, algo checksum.Algorithm, alias string, build *regexp.Regexp) (name, hex string, err error) {
	for _, e := range sums.Entries {
		if e.Algorithm == algo && (e.Name == "" || e.Name == alias || build.MatchString(e.Name)) {
			return e.Name, e.Hex, nil
		}
	}
	return "", "", fmt.Errorf("%s digest of %q or of one of its builds: %w", algo, alias, checksum.ErrNotListed)
}

// listBuildFiles lists the builds in upstream.url itself, newest first, as
// MirrorCache's JSON listing (?jsontable) names them.
func listBuildFiles(ctx context.Context, f Fetcher, u source.Upstream, build *regexp.Regexp) ([]string, error) {
	dir := dirURL(u.URL)
	entries, err := fetchListing(ctx, f, dir+"?jsontable")
	if err != nil {
		return nil, err
	}
	var versions []string
	for _, e := range entries {
		if m := build.FindStringSubmatch(e.Name); m != nil && !e.Dir {
			versions = append(versions, group(build, m, "version"))
		}
	}
	if len(versions) == 0 {
		return nil, fmt.Errorf("no file named like %s in %s", u.Pinned, dir)
	}
	return newestFirst(versions), nil
}

// listBuildDirs lists the build directories of upstream.url whose names
// match dir (group 1 is the version), newest first.
func listBuildDirs(dir *regexp.Regexp) func(context.Context, Fetcher, source.Upstream, *regexp.Regexp) ([]string, error) {
	return func(ctx context.Context, f Fetcher, u source.Upstream, _ *regexp.Regexp) ([]string, error) {
		base := dirURL(u.URL)
		entries, err := fetchListing(ctx, f, base)
		if err != nil {
			return nil, err
		}
		var versions []string
		for _, e := range entries {
			if m := dir.FindStringSubmatch(e.Name); m != nil && e.Dir {
				versions = append(versions, m[1])
			}
		}
		if len(versions) == 0 {
			return nil, fmt.Errorf("no build directories (%s) in %s", dir, base)
		}
		return newestFirst(versions), nil
	}
}
