// Package signedubuntu signs the Ubuntu builds a test mirror serves, the way
// cloud-images.ubuntu.com does: beside every build's SHA256SUMS lies
// SHA256SUMS.gpg, a detached signature, here by a throwaway key. Tests of
// signature verification start from it and break it in the way they test.
package signedubuntu

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/testenv/mirror"
	"github.com/osism/image-crawler/internal/testenv/pgptest"
)

// World is one Ubuntu release on a mirror with every build signed by Trusted.
type World struct {
	Mirror   *mirror.Server
	Base     string       // the release directory on the mirror, as given to layout.Ubuntu
	Trusted  *pgptest.Key // signed every build
	Stranger *pgptest.Key // a key nobody trusts, to sign with instead
	// Sums is each build's SHA256SUMS as signed, by build.
	Sums map[string][]byte
}

// New signs the builds that layout.Ubuntu laid out under base on m. The two
// keys are pgptest.Shared's "trusted" and "stranger", the same in every test
// of the binary.
func New(tb testing.TB, m *mirror.Server, base string, builds []string) *World {
	tb.Helper()
	w := &World{
		Mirror:   m,
		Base:     base,
		Trusted:  pgptest.Shared(tb, "trusted"),
		Stranger: pgptest.Shared(tb, "stranger"),
		Sums:     map[string][]byte{},
	}
	for _, v := range builds {
		w.Sums[v] = w.Sign(tb, w.Trusted, v)
	}
	return w
}

// SumsPath is the mirror path of build v's SHA256SUMS; its signature is
// SumsPath(v)+".gpg".
func (w *World) SumsPath(v string) string { return w.Base + "release-" + v + "/SHA256SUMS" }

// Sign publishes SHA256SUMS.gpg for build v, made by key over the SHA256SUMS
// the mirror serves now, and returns what it signed.
func (w *World) Sign(tb testing.TB, key *pgptest.Key, v string) []byte {
	tb.Helper()
	sums := Get(tb, w.Mirror, w.SumsPath(v))
	w.Mirror.File(w.SumsPath(v)+".gpg", key.Detach(tb, sums, nil), time.Time{})
	return sums
}

// Get returns the body the mirror serves at path, whatever its status.
func Get(tb testing.TB, m *mirror.Server, path string) []byte {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, m.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}
