package cli

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/pgptest"
)

// A key file whose packets read but whose self-signature fails is found
// only by the full parse, which runs beside the crawl: the run still stops
// with the usage error at the key's line, and writes nothing.
func TestKeyBrokenBeyondItsPacketsStopsTheRun(t *testing.T) {
	t.Parallel()
	w := newSignedWorld(t)
	// The last bytes of a binary public key are its subkey binding
	// signature: flipped, the packets still read, the signature fails.
	bad := pgptest.Shared(t, "good").PublicBinary(t)
	bad[len(bad)-10] ^= 0xff
	if err := os.WriteFile(filepath.Join(filepath.Dir(w.sources), "keys", "test-signing-key.asc"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w.world)
	r := w.runPlain(nil, w.args("run")...)
	const want = `sources.yaml:32: image "Ubuntu 24.04": upstream.keys: keys/test-signing-key.asc: not an OpenPGP public key`
	if r.code != ExitUsage || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, want %d and %q\n%s", r.code, ExitUsage, want, r.stderr)
	}
	if after := snapshot(t, w.world); !maps.EqualFunc(after, before, bytes.Equal) {
		t.Fatal("the run wrote the catalog")
	}
}
