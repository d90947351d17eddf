package upstream

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// The image manager's convention for upstreams without an alias: a file
// name holding HEREBE<regex>DRAGONS, such as
//
//	CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2
//	CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS
//
// names every file that matches the whole name with the markers removed,
// read as a regular expression (the dots outside the markers are regular
// expression dots too, as in the image manager). The natsort-newest such
// name in the checksum file is the latest build.
const (
	patternOpen  = "HEREBE"
	patternClose = "DRAGONS"
)

// compileBuildPattern compiles a HEREBE...DRAGONS name. It matches whole
// names (the image manager searches anywhere in a name; the real checksum
// files give the same names either way, and a whole-name match keeps
// sidecars such as .qcow2.SHA256SUM out). The group "build" is what the
// markers enclose.
func compileBuildPattern(name string) (*regexp.Regexp, error) {
	before, rest, ok := strings.Cut(name, patternOpen)
	if !ok {
		return nil, fmt.Errorf("%q holds no %s<regex>%s", name, patternOpen, patternClose)
	}
	inner, after, ok := strings.Cut(rest, patternClose)
	if !ok || inner == "" {
		return nil, fmt.Errorf("%q: %s without a regular expression and %s", name, patternOpen, patternClose)
	}
	if strings.Contains(after, patternOpen) {
		return nil, fmt.Errorf("%q: more than one %s", name, patternOpen)
	}
	re, err := regexp.Compile(`^(?:` + before + `(?P<build>` + inner + `)` + after + `)$`)
	if err != nil {
		return nil, fmt.Errorf("%q is no regular expression: %w", name, err)
	}
	return re, nil
}

// pattern crawls one directory whose checksum file lists every build under
// its own name, with no alias: the natsort-newest name the pattern
// (upstream.pinned) matches is the latest build.
type pattern struct{ f Fetcher }

func patternType(f Fetcher) Strategy { return &pattern{f: f} }

func (s *pattern) Resolve(ctx context.Context, img source.Image, known Known) (Result, error) {
	u := img.Upstream
	algo := checksum.Algorithm(u.Algorithm)
	re, err := compileBuildPattern(u.Pinned)
	if err != nil {
		return Result{}, fmt.Errorf("upstream.pinned: %w", err)
	}
	sumsURL := join(u.URL, u.Checksums)
	latest, err := latestChecksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("latest checksums: %w", err)
	}
	name, version, hex, err := newestMatch(latest, algo, re)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", sumsURL, err)
	}
	digest := checksum.Digest{Algorithm: algo, Hex: hex}
	if r, ok := known.unchanged(digest); ok {
		return r, nil
	}

	// The same file, read through its signature, must say the same (the
	// GET is shared; only a signature file costs a request).
	sums, verified, err := checksums(ctx, s.f, img, sumsURL)
	if err != nil {
		return Result{}, fmt.Errorf("checksums: %w", err)
	}
	if n, _, h, err := newestMatch(sums, algo, re); err != nil || n != name || h != hex {
		return Result{}, fmt.Errorf("%s: the signed content does not name %s with the digest %s as the newest build", sumsURL, name, digest.Short())
	}
	// Names without a date (CentOS 7's 2211) leave the build date to the
	// pinned file's Last-Modified, which the cross-check reads.
	date, _ := dateInVersion(version)
	return Result{
		Version:     version,
		Checksum:    digest.String(),
		URL:         join(u.URL, name),
		BuildDate:   date,
		ChecksumURL: sumsURL,
		Verified:    verified,
	}, nil
}

// versionRun is the build identifier within what the markers matched:
// 20260714.1 of "20260714.1", 2211 of "2211.qcow2".
var versionRun = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(buildVersion) })

// newestMatch returns the natsort-newest name of algo in sums that re
// matches, its version and its digest. A name listed twice (with one digest:
// checksum.Parse refuses two) counts once.
func newestMatch(sums *checksum.Sums, algo checksum.Algorithm, re *regexp.Regexp) (name, version, hex string, err error) {
	seen := map[string]bool{}
	for _, e := range sums.Entries {
		if e.Algorithm != algo || seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		if !fileName().MatchString(e.Name) {
			continue // a pinned URL is the directory plus a plain file name
		}
		m := re.FindStringSubmatch(e.Name)
		if m == nil {
			continue
		}
		v := versionRun().FindString(m[re.SubexpIndex("build")])
		if v == "" {
			continue
		}
		if name == "" || CompareVersions(e.Name, name) > 0 {
			name, version, hex = e.Name, v, e.Hex
		}
	}
	if name == "" {
		return "", "", "", fmt.Errorf("no %s digest of a name matching %s: %w", algo, re, checksum.ErrNotListed)
	}
	return name, version, hex, nil
}
