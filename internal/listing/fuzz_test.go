package listing

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"
)

// seedDirs hold the fixtures of both parsers: the listing fuzzer starts from
// all of them, so that it also meets the other format.
var seedDirs = []string{"testdata/listings", "../checksum/testdata/checksums"}

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
		entries, err := Parse(bytes.NewReader(data), b)
		if err != nil {
			if entries != nil {
				t.Errorf("entries %+v returned with error %v", entries, err)
			}
			return
		}
		checkEntries(t, b, entries)
		// The result must not depend on how the body arrives.
		again, err := Parse(iotest.OneByteReader(bytes.NewReader(data)), b)
		if err != nil || !reflect.DeepEqual(entries, again) {
			t.Errorf("byte-at-a-time parse differs: %+v, %v; want %+v", again, err, entries)
		}
	})
}
