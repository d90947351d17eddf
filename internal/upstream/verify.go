package upstream

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/signature"
	"github.com/osism/image-crawler/internal/source"
)

// keyrings holds every keyring parsed during this process, by the content of
// its key files, so that a run parses each key set once however many
// checksum files it verifies.
var keyrings sync.Map // [sha256.Size]byte -> keyringEntry

type keyringEntry struct {
	kr  *signature.Keyring
	err error
}

func keyringFor(u source.Upstream) (*signature.Keyring, error) {
	if len(u.KeyData) == 0 {
		if len(u.Keys) > 0 {
			// The sources loader reads the files; an Image built by hand
			// without KeyData would otherwise look like "no keys".
			return nil, fmt.Errorf("keys %s were not loaded", strings.Join(u.Keys, ", "))
		}
		return nil, errors.New("upstream.keys names no key to verify against")
	}
	h := sha256.New()
	for _, k := range u.KeyData {
		_ = binary.Write(h, binary.BigEndian, uint64(len(k)))
		h.Write(k)
	}
	var id [sha256.Size]byte
	copy(id[:], h.Sum(nil))
	if e, ok := keyrings.Load(id); ok {
		return e.(keyringEntry).kr, e.(keyringEntry).err
	}
	kr, err := signature.LoadKeyring(u.KeyData...)
	e, _ := keyrings.LoadOrStore(id, keyringEntry{kr, err})
	return e.(keyringEntry).kr, e.(keyringEntry).err
}

// verify applies img's signature setting to the checksum file at sumsURL,
// whose content is body. It returns the bytes to parse — for a clear-signed
// file only the signed text, never what surrounds it — and whether they were
// verified.
//
//	off:      body as is, unverified.
//	optional: a signature that is not published (404, or a checksum file
//	          expected to be clear-signed that is not) passes unverified; a
//	          published one must verify.
//	required: the signature must be published and verify.
//
// A signature that is there but does not verify always fails the image,
// whatever the mode: it means tampering or a key change someone must look at.
func verify(ctx context.Context, f Fetcher, img source.Image, sumsURL string, body []byte) (text []byte, verified bool, err error) {
	u := img.Upstream
	mode := u.SignatureMode()
	if mode == source.SignatureOff {
		return body, false, nil
	}
	dir, name := splitURL(sumsURL)
	var sig []byte
	if sigName := u.SignatureName(name); sigName != "" {
		sigURL := dir + sigName
		resp, err := f.Get(ctx, sigURL)
		var herr *httpclient.HTTPError
		switch {
		case errors.As(err, &herr) && (herr.Status == http.StatusNotFound || herr.Status == http.StatusGone) && mode == source.SignatureOptional:
			return body, false, nil
		case errors.As(err, &herr) && (herr.Status == http.StatusNotFound || herr.Status == http.StatusGone):
			return nil, false, fmt.Errorf("signature %s is not published, and the signature of %s is required (--signatures optional accepts unsigned files)", sigURL, name)
		case err != nil:
			return nil, false, fmt.Errorf("fetch signature: %w", err)
		}
		sig = resp.Body
		if len(sig) == 0 {
			return nil, false, fmt.Errorf("signature %s is empty", sigURL)
		}
	} else if !signature.IsClearSigned(body) {
		if mode == source.SignatureOptional {
			return body, false, nil
		}
		return nil, false, fmt.Errorf("%s is not clear-signed, and its signature is required", sumsURL)
	}
	// Keys are needed only once there is a signature to check, so that
	// --signatures optional passes a source that ships none and publishes
	// no signature (Debian) instead of failing it.
	kr, err := keyringFor(u)
	if err != nil {
		return nil, false, fmt.Errorf("signature of %s: %w", sumsURL, err)
	}
	text, err = signature.Verify(body, sig, kr, time.Now())
	if err != nil {
		return nil, false, fmt.Errorf("verify signature of %s: %w", sumsURL, err)
	}
	return text, true, nil
}

// splitURL splits a file URL into its directory (with the trailing slash)
// and file name.
func splitURL(u string) (dir, name string) {
	i := strings.LastIndex(u, "/")
	return u[:i+1], u[i+1:]
}
