package checksum

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"
)

// seedDirs hold the fixtures of both parsers: the checksum fuzzer starts
// from all of them, so that it also meets the other format.
var seedDirs = []string{"testdata/checksums", "../listing/testdata/listings"}

// testdataFiles returns the contents of every file under seedDirs, by name.
func testdataFiles(f *testing.F) map[string][]byte {
	f.Helper()
	out := map[string][]byte{}
	for _, dir := range seedDirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out[filepath.Base(p)] = data
		}
	}
	if len(out) == 0 {
		f.Fatal("no seed files under testdata")
	}
	return out
}

func FuzzParseChecksums(f *testing.F) {
	for _, data := range testdataFiles(f) {
		f.Add(data)
	}
	h64 := hexOf('a', 64)
	f.Add([]byte("# SHA1 HASH\n" + hexOf('d', 40) + "  x\n# BLAKE2B HASH\n" + hexOf('b', 128) + "  x\n# SHA512 HASH\n" + hexOf('c', 128) + "  x\n"))
	f.Add([]byte(`\` + h64 + `  a\\b\n` + "\nSHA2-256(x (1))= " + h64 + "\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- " + h64 + "  x\n-----BEGIN PGP SIGNATURE-----\n\nAA\n-----END PGP SIGNATURE-----\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data))
		if err != nil {
			if s != nil {
				t.Errorf("Sums %+v returned with error %v", s, err)
			}
			return
		}
		checkSums(t, s)
		// Find returns the first entry of a name and algorithm.
		for i, e := range s.Entries {
			got, err := s.Find(e.Name, e.Algorithm)
			if err != nil {
				t.Fatalf("Find(%q, %s) for entry %d: %v", e.Name, e.Algorithm, i, err)
			}
			for j := range i + 1 {
				if f := s.Entries[j]; f.Name == e.Name && f.Algorithm == e.Algorithm {
					if got != f.Hex {
						t.Errorf("Find(%q, %s) = %s, want %s from line %d", e.Name, e.Algorithm, got, f.Hex, f.Line)
					}
					break
				}
			}
		}
		again, err := Parse(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || !reflect.DeepEqual(s, again) {
			t.Errorf("byte-at-a-time parse differs: %+v, %v; want %+v", again, err, s)
		}
	})
}
