package source

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/osism/image-crawler/sources"
)

// FuzzParseHostile: the sources file loader never panics, refuses with located
// errors, and what it accepts holds no control character in an image name
// and no negative size. Hostile merges are bounded by the loader's own
// limits, so every input ends (go test -fuzz=FuzzParseHostile ./internal/source).
func FuzzParseHostile(f *testing.F) {
	shipped, err := sources.FS.ReadFile(sources.Name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	f.Add([]byte(hostileDoc("", "X", plainImage)))
	f.Add([]byte(hostileDoc(chain(6, "    <<: *a%[1]d\n    <<: *a%[1]d\n"), "X", "      format: qcow2\n      login: ubuntu\n      meta: {<<: *a5}\n")))
	f.Add([]byte(hostileDoc(chain(4, "    <<: [*a%[1]d, *a%[1]d]\n"), "X", plainImage)))
	f.Add([]byte(hostileDoc("  m: &m {min_ram: 1e3}\n", "X", plainImage+"      <<: *m\n")))
	f.Add([]byte("version: 1\nimages: [&a {<<: *a}]\n"))
	f.Add([]byte(strings.Replace(leapFamily, "images:", "end_of_life: {debian: https://example.org/debian.csv}\nimages:", 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		file, err := Parse("f.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, e := range es {
				if !strings.HasPrefix(e.Error(), "f.yaml") {
					t.Fatalf("error does not name the file: %v", e)
				}
			}
			return
		}
		for _, img := range file.Images {
			// Every release's settings make an ordinary image.
			for r := range img.Upstream.PerRelease {
				if c := img.ForRelease(r); c.PerRelease() || len(c.Upstream.KeyData) != len(c.Upstream.Keys) {
					t.Fatalf("release %q of %q: %+v", r, img.Name, c.Upstream)
				}
			}
			if strings.IndexFunc(img.Name, unicode.IsControl) >= 0 {
				t.Fatalf("accepted a control character in %q", img.Name)
			}
			if img.Meta.MinDisk < 0 || img.Meta.MinRAM < 0 || img.Limit < 1 {
				t.Fatalf("accepted %+v", img)
			}
		}
	})
}
