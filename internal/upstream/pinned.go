package upstream

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/osism/image-crawler/internal/source"
)

// buildPattern compiles a pinned file name such as
// "openSUSE-Leap-15.6-Minimal-VM.x86_64-15.6.0-Cloud-Build{version}.qcow2"
// into a regexp that matches whole names only, capturing each placeholder in
// a group named after it. groups gives the shape of every placeholder's
// value; each must appear exactly once. Keeping the values narrow (digits and
// dots) is what keeps "x.qcow2.sha256" or "x-uefi-..." siblings out.
func buildPattern(pinned string, groups map[string]string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	seen := map[string]bool{}
	rest := pinned
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 {
			return nil, fmt.Errorf("upstream.pinned %q: unbalanced {", pinned)
		}
		name := rest[open+1 : open+closing]
		pattern, ok := groups[name]
		if !ok {
			return nil, fmt.Errorf("upstream.pinned %q: unknown placeholder {%s} (want %s)", pinned, name, placeholders(groups))
		}
		if seen[name] {
			return nil, fmt.Errorf("upstream.pinned %q: {%s} appears twice", pinned, name)
		}
		seen[name] = true
		b.WriteString(regexp.QuoteMeta(rest[:open]))
		fmt.Fprintf(&b, "(?P<%s>%s)", name, pattern)
		rest = rest[open+closing+1:]
	}
	b.WriteString("$")
	for name := range groups {
		if !seen[name] {
			return nil, fmt.Errorf("upstream.pinned %q: {%s} is missing", pinned, name)
		}
	}
	return regexp.Compile(b.String())
}

func placeholders(groups map[string]string) string {
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// group returns the value of the named group of a match of re.
func group(re *regexp.Regexp, m []string, name string) string {
	return m[re.SubexpIndex(name)]
}

// sidecarSuffix is what a checksum sidecar adds to its image's name:
// ".sha256" for checksums "x.qcow2.sha256" next to filename "x.qcow2". The
// build's own sidecar is its pinned name plus the same suffix.
func sidecarSuffix(u source.Upstream) (string, error) {
	suffix, ok := strings.CutPrefix(u.Checksums, u.Filename)
	if !ok || suffix == "" {
		return "", fmt.Errorf("upstream.checksums %q: want the checksum file of %q, its name plus a suffix such as .sha256", u.Checksums, u.Filename)
	}
	return suffix, nil
}

// lastModifiedDate is the day (UTC) the file at u was last modified, from one
// HEAD request. It is the build date of upstreams that write none into the
// build's name, taken from the pinned file itself so that it belongs to the
// same build as the version and checksum.
func lastModifiedDate(ctx context.Context, f Fetcher, u string) (string, error) {
	resp, err := f.Head(ctx, u)
	if err != nil {
		return "", fmt.Errorf("build date: %w", err)
	}
	date, err := headBuildDate(resp, u)
	if err != nil {
		return "", fmt.Errorf("build date: %w", err)
	}
	return date, nil
}

// newestFirst sorts versions newest first and drops duplicates.
func newestFirst(versions []string) []string {
	slices.SortFunc(versions, func(a, b string) int { return CompareVersions(b, a) })
	return slices.Compact(versions)
}
