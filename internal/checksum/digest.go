package checksum

import (
	"fmt"
	"strings"

	"github.com/osism/image-crawler/internal/redact"
)

// Digest is one file's digest as the catalog records it and the crawl
// compares it: "sha256:<lowercase hex>" (docs/catalog.md).
type Digest struct {
	Algorithm Algorithm
	Hex       string // lowercase
}

// String is the catalog's form, "<algorithm>:<hex>".
func (d Digest) String() string { return string(d.Algorithm) + ":" + d.Hex }

// Short is the digest with its hex cut to 12 digits and "…", for messages:
// enough to tell two builds apart without a 128-digit line.
func (d Digest) Short() string {
	if len(d.Hex) <= 12 {
		return d.String()
	}
	return string(d.Algorithm) + ":" + d.Hex[:12] + "…"
}

// ParseDigest reads the catalog's form strictly: one of the algorithm names
// as this package writes them (md5, sha1, sha256, sha512, lower case), a
// colon, and exactly as many lowercase hex digits as the algorithm has.
// Nothing is trimmed or folded, so a digest that parses prints back as the
// same bytes.
func ParseDigest(s string) (Digest, error) {
	algo, hex, ok := strings.Cut(s, ":")
	if !ok {
		return Digest{}, fmt.Errorf("digest %s: want <algorithm>:<hex>", redact.Quote(s))
	}
	a := Algorithm(algo)
	if a.HexLen() == 0 {
		return Digest{}, fmt.Errorf("digest %s: unknown algorithm %s: want md5, sha1, sha256 or sha512", redact.Quote(s), redact.Quote(algo))
	}
	if len(hex) != a.HexLen() || !lowerHex(hex) {
		return Digest{}, fmt.Errorf("digest %s: want %d lowercase hex digits after %q", redact.Quote(s), a.HexLen(), algo+":")
	}
	return Digest{Algorithm: a, Hex: hex}, nil
}

// lowerHex reports whether s is all lowercase hex digits.
func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
