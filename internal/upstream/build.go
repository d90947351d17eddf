package upstream

import (
	"context"
	"regexp"
	"strings"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/source"
)

// This file lets a reviewer's check (image-crawler verify, docs/verify.md)
// read a recorded build the way the crawl read it: the same checksum file,
// through the same signature check.

// BuildChecksumURL is the checksum file in which img's strategy confirms the
// build published at pinned (a catalog item's url): for most layouts the
// source's checksum file in the pinned file's directory, for the sidecar
// layouts the pinned file's own sidecar, for the alias-sidecar layouts the
// directory's CHECKSUM. ok is false when the layout names no such file for
// this URL (a Fedora name that does not fit upstream.pinned).
func BuildChecksumURL(img source.Image, pinned string) (string, bool) {
	u := img.Upstream
	i := strings.LastIndex(pinned, "/")
	if i < 0 || i == len(pinned)-1 {
		return "", false
	}
	dir, name := pinned[:i+1], pinned[i+1:]
	switch img.Type {
	case "alias-sidecar", "alias-sidecar-minor":
		return dir + dirChecksum, true
	case "opensuse", "arch":
		suffix, err := sidecarSuffix(u)
		if err != nil {
			return "", false
		}
		return pinned + suffix, true
	case "alpine":
		if u.Algorithm == "" {
			return "", false
		}
		return pinned + "." + u.Algorithm, true
	case "fedora":
		before, after, ok := strings.Cut(u.Pinned, "{version}")
		if !ok {
			return "", false
		}
		m := regexp.MustCompile("^" + regexp.QuoteMeta(before) + "(.+)" + regexp.QuoteMeta(after) + "$").FindStringSubmatch(name)
		if m == nil || !strings.Contains(u.Checksums, "{version}") {
			return "", false
		}
		return dir + strings.ReplaceAll(u.Checksums, "{version}", m[1]), true
	case "":
		return "", false
	}
	if u.Checksums == "" || strings.Contains(u.Checksums, "/") || strings.Contains(u.Checksums, "{") {
		return "", false
	}
	return dir + u.Checksums, true
}

// BuildChecksums fetches the checksum file at u and parses it after checking
// its upstream signature as img's signature setting says, exactly as the
// crawl reads the checksum file that confirms a new build. verified reports
// whether a signature was checked; a signature that is published but does
// not verify is an error.
func BuildChecksums(ctx context.Context, f Fetcher, img source.Image, u string) (sums *checksum.Sums, verified bool, err error) {
	return checksums(ctx, f, img, u)
}
