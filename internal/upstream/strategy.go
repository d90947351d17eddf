package upstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/osism/image-crawler/internal/checksum"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/listing"
	"github.com/osism/image-crawler/internal/source"
)

// Fetcher is what strategies need of the HTTP client; *httpclient.Client is
// one, and tests may serve recorded mirrors through another.
type Fetcher interface {
	Get(ctx context.Context, url string) (*httpclient.Response, error)
	Head(ctx context.Context, url string) (*httpclient.Response, error)
}

// Known is what the catalog holds for an image: its newest version. Zero
// when the catalog has no entry yet.
type Known struct {
	Version  string
	Checksum string // as the catalog writes it: checksum.Digest's String
}

// Result is what upstream publishes now for one image.
type Result struct {
	// Unchanged means the latest checksum equals Known.Checksum; nothing but
	// the latest checksum file was fetched, and only Checksum is set.
	Unchanged bool

	Version     string // build identifier as upstream writes it in the pinned name
	Checksum    string // checksum.Digest's String, "<algo>:<lowercase hex>"
	URL         string // pinned to this build, as published (never a mirror URL)
	BuildDate   string // YYYY-MM-DD
	ChecksumURL string // the checksum file the pinned checksum was confirmed in
	Verified    bool   // the checksum file's upstream signature verified

	// Skipped says which build directories were passed over on the way to
	// this one (a build whose checksum file is not published yet, a
	// directory whose name holds no plausible date), for the report's
	// warnings: one sentence, "" if none. A string, not a slice, so that
	// Results stay comparable.
	Skipped string
}

// Strategy resolves the newest build of one image. One per source type.
type Strategy interface {
	Resolve(ctx context.Context, img source.Image, known Known) (Result, error)
}

// strategies maps every sources-file type to its strategy. A test checks
// that it covers source.Types exactly.
var strategies = map[string]func(Fetcher) Strategy{
	"ubuntu":       func(f Fetcher) Strategy { return ubuntu(f) },
	"ubuntu-daily": func(f Fetcher) Strategy { return ubuntuDaily(f) },
	"debian":       func(f Fetcher) Strategy { return debian(f) },
	"opensuse":     func(f Fetcher) Strategy { return openSUSE(f) },
	"arch":         func(f Fetcher) Strategy { return arch(f) },
	"flatcar":      func(f Fetcher) Strategy { return flatcar(f) },
	"alpine":       func(f Fetcher) Strategy { return alpine(f) },
	"cirros":       func(f Fetcher) Strategy { return cirros(f) },

	"alias-checksum":       aliasChecksumType,
	"alias-checksum-minor": aliasChecksumMinorType,
	"alias-sidecar":        aliasSidecarType,
	"alias-sidecar-minor":  aliasSidecarMinorType,
	"pattern":              patternType,
	"fedora":               fedora,
}

// NewStrategy returns the strategy for a sources-file type.
func NewStrategy(typ string, f Fetcher) (Strategy, error) {
	mk, ok := strategies[typ]
	if !ok {
		return nil, fmt.Errorf("no strategy for type %q", typ)
	}
	return mk(f), nil
}

// checksums fetches the checksum file at u for img, checks its upstream
// signature as the source's `signature` setting says (verify in verify.go),
// and parses only what the signature covers. Every strategy reads the
// checksum file that confirms a new build's checksum through here, so that
// verification applies to all of them alike. verified reports whether an
// upstream signature was checked.
func checksums(ctx context.Context, f Fetcher, img source.Image, u string) (sums *checksum.Sums, verified bool, err error) {
	resp, err := f.Get(ctx, u)
	if err != nil {
		return nil, false, err
	}
	text, verified, err := verify(ctx, f, img, u, resp.Body)
	if err != nil {
		return nil, false, err
	}
	sums, err = checksum.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, false, fmt.Errorf("parse %s: %w", u, err)
	}
	return sums, verified, nil
}

// latestChecksums reads the checksum file that only decides whether an
// image changed, without its signature, so that an unchanged image costs
// exactly one request. That is safe because nothing is written from it: a
// forged "unchanged" writes nothing (an attacker on the path can suppress
// updates anyway), and a forged "changed" leads to the build's own checksum
// file, which checksums verifies before anything is trusted.
func latestChecksums(ctx context.Context, f Fetcher, img source.Image, u string) (*checksum.Sums, error) {
	_ = img // the signature of this file is deliberately not checked
	return fetchSums(ctx, f, u)
}

// fetchSums fetches and parses a checksum file.
func fetchSums(ctx context.Context, f Fetcher, u string) (*checksum.Sums, error) {
	resp, err := f.Get(ctx, u)
	if err != nil {
		return nil, err
	}
	sums, err := checksum.Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", u, err)
	}
	return sums, nil
}

// fetchListing fetches and parses a directory listing.
func fetchListing(ctx context.Context, f Fetcher, dir string) ([]listing.Entry, error) {
	return fetchListingFunc(ctx, f, dir, nil)
}

// fetchListingFunc is fetchListing keeping only the entries keep accepts,
// so that a huge listing costs only what the strategy can use.
func fetchListingFunc(ctx context.Context, f Fetcher, dir string, keep func(name string, dir bool) bool) ([]listing.Entry, error) {
	resp, err := f.Get(ctx, dir)
	if err != nil {
		return nil, err
	}
	from, err := url.Parse(dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	// Links are read against the URL the listing really came from (a
	// mirror, maybe after a redirect), so that a server writing absolute
	// links (/mirror/path/release-20260705/) is understood; the entries are
	// then named under the upstream URL again, which is what the catalog
	// records.
	base := from
	if resp.Fetched != "" {
		if fu, err := url.Parse(resp.Fetched); err == nil {
			base = fu
		}
	}
	entries, err := listing.ParseFunc(bytes.NewReader(resp.Body), base, keep)
	if err != nil {
		return nil, fmt.Errorf("parse listing %s: %w", dir, err)
	}
	if base != from {
		fromDir := *from
		fromDir.RawQuery, fromDir.Fragment = "", ""
		for i := range entries {
			ref := &url.URL{Path: entries[i].Name}
			if entries[i].Dir {
				ref.Path += "/"
			}
			entries[i].URL = fromDir.ResolveReference(ref)
		}
	}
	return entries, nil
}

// join appends relative names to a directory URL.
func join(dir string, names ...string) string {
	out := strings.TrimSuffix(dir, "/")
	for _, n := range names {
		out += "/" + strings.Trim(n, "/")
	}
	return out
}

// dirURL is join for a directory: it keeps the trailing slash servers expect.
func dirURL(dir string, names ...string) string {
	return join(dir, names...) + "/"
}

// latestDigest reads the digest of name from the latest checksum file at u.
// The read is not signature-verified: it only decides whether anything
// changed, and a changed build is verified in its own checksum file before
// anything is trusted.
func latestDigest(ctx context.Context, f Fetcher, img source.Image, u, name string) (checksum.Digest, error) {
	algo := checksum.Algorithm(img.Upstream.Algorithm)
	sums, err := latestChecksums(ctx, f, img, u)
	if err != nil {
		return checksum.Digest{}, fmt.Errorf("latest checksums: %w", err)
	}
	hex, err := sums.Find(name, algo)
	if err != nil {
		return checksum.Digest{}, fmt.Errorf("latest checksums %s: %w", u, err)
	}
	return checksum.Digest{Algorithm: algo, Hex: hex}, nil
}

// unchanged is the Result for a latest digest the catalog already holds.
func (k Known) unchanged(latest checksum.Digest) (Result, bool) {
	if latest.String() != k.Checksum {
		return Result{}, false
	}
	return Result{Unchanged: true, Version: k.Version, Checksum: k.Checksum}, true
}

// confirmBuild reads the checksum file of one build and reports whether it
// lists pinned with the digest hex: the check that the latest image and the
// pinned one are the same build. A build that does not list pinned at all
// is not the one, which is no error.
func confirmBuild(ctx context.Context, f Fetcher, img source.Image, sumsURL, pinned, hex string) (same, verified bool, err error) {
	sums, verified, err := checksums(ctx, f, img, sumsURL)
	if err != nil {
		return false, false, err
	}
	h, err := sums.Find(pinned, checksum.Algorithm(img.Upstream.Algorithm))
	if errors.Is(err, checksum.ErrNotListed) {
		return false, verified, nil
	}
	if err != nil {
		return false, false, err
	}
	return h == hex, verified, nil
}
