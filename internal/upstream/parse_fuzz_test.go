package upstream

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"
)

// testdataFiles returns the contents of every file under testdata/listings and
// testdata/checksums, by name: both fuzzers start from all of them, so each
// parser also meets the other format.
func testdataFiles(f *testing.F) map[string][]byte {
	f.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"listings", "checksums"} {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
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

func FuzzParseListing(f *testing.F) {
	const defaultBase = "https://mirror.example.org/pub/images/"
	for name, data := range testdataFiles(f) {
		base, ok := listingFixtures[name]
		if !ok {
			base = defaultBase
		}
		f.Add(data, base)
	}
	f.Add([]byte(listingOf("a/", "../", "%2e%2e/", "a%2Fb", "//evil.example.com/pub/images/x", "x?y", "名前")), defaultBase)
	f.Add([]byte(`{"data":[{"name":"a/"},{"name":"../x"},{"name":"b"}]}`), defaultBase+"?jsontable")
	f.Add([]byte(`<a href="x.img">`), "https://u:p@mirror.example.org:8443/")
	f.Add([]byte("release-20260705/"), "https://mirror.example.org/a/./b/%7e/")

	f.Fuzz(func(t *testing.T, data []byte, base string) {
		b, err := url.Parse(base)
		if err != nil {
			return
		}
		if dir, err := listingDir(b); err == nil && len(data) <= 256 {
			comparePlainPath(t, newCollector(dir), string(data))
		}
		entries, err := ParseListing(bytes.NewReader(data), b)
		if err != nil {
			if entries != nil {
				t.Errorf("entries %+v returned with error %v", entries, err)
			}
			return
		}
		checkEntries(t, b, entries)
		// The result must not depend on how the body arrives.
		again, err := ParseListing(iotest.OneByteReader(bytes.NewReader(data)), b)
		if err != nil || !reflect.DeepEqual(entries, again) {
			t.Errorf("byte-at-a-time parse differs: %+v, %v; want %+v", again, err, entries)
		}
	})
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
		s, err := ParseChecksums(bytes.NewReader(data))
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
		again, err := ParseChecksums(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || !reflect.DeepEqual(s, again) {
			t.Errorf("byte-at-a-time parse differs: %+v, %v; want %+v", again, err, s)
		}
	})
}
