package catalog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
)

var buildDay = time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC)

// nextItem is the item a new build of img would get: the keys of its last
// item, given in a scrambled order, so the test sees EditVersions order
// them.
func nextItem(img *Image, version string) Item {
	sum := sha256.Sum256([]byte(img.Name + version))
	it := Item{
		{"build_date", DateValue(buildDay)},
		{"checksum", StringValue(fmt.Sprintf("sha256:%x", sum))},
		{"version", StringValue(version)},
	}
	if n := len(img.Versions); n > 0 {
		last := img.Versions[n-1]
		it = append(it, KV{"url", StringValue(strings.ReplaceAll(last.URL, last.Version, version))})
		for _, x := range last.Extra {
			if x.Key == "mirror_url" {
				it = append(it, KV{"mirror_url", StringValue("https://mirror.example.org/images/" + version + "/" + slug(img.Name) + ".qcow2")})
			}
		}
	} else {
		it = append(it, KV{"url", StringValue("https://example.org/" + slug(img.Name) + "/" + version + ".qcow2")})
	}
	return it
}

func slug(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "-")) }

// insertedLines checks that out is old with whole lines inserted and
// returns those lines.
func insertedLines(t *testing.T, old, out []byte) []string {
	t.Helper()
	a := strings.SplitAfter(string(old), "\n")
	b := strings.SplitAfter(string(out), "\n")
	var added []string
	i := 0
	for _, l := range b {
		if i < len(a) && l == a[i] {
			i++
			continue
		}
		added = append(added, l)
	}
	if i != len(a) {
		t.Fatalf("the old bytes are not kept as whole lines: line %d %q is missing", i+1, a[i])
	}
	return added
}

func diff(name string, old, out []byte) []byte {
	return []byte(udiff.Unified("a/"+name, "b/"+name, string(old), string(out)))
}

func TestEditVersionsOsismAdd(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/osism/*.yml")
	if err != nil || len(paths) == 0 {
		t.Fatal("no osism files", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			f := loadFile(t, p)
			var edits []VersionEdit
			for _, img := range f.Images {
				edits = append(edits, VersionEdit{Image: img.Name, Add: []Item{nextItem(img, "20260526")}})
			}
			out, err := f.EditVersions(edits...)
			if err != nil {
				t.Fatal(err)
			}
			added := insertedLines(t, f.Data, out)
			for _, l := range added {
				if strings.TrimSpace(l) == "" {
					t.Errorf("added a blank line")
				}
			}
			golden(t, "versions/add-"+strings.TrimSuffix(filepath.Base(p), ".yml")+".diff", diff(f.Path, f.Data, out))
			g, ferr := parseFile(f.Path, out)
			if ferr != nil {
				t.Fatal(ferr)
			}
			for i, img := range g.Images {
				old := f.Images[i]
				if len(img.Versions) != len(old.Versions)+1 {
					t.Fatalf("%s: %d versions, want %d", img.Name, len(img.Versions), len(old.Versions)+1)
				}
				nv := img.Versions[len(img.Versions)-1]
				if nv.Version != "20260526" || nv.BuildDate != "2026-05-26" {
					t.Errorf("%s: new item reads %+v", img.Name, nv)
				}
			}
		})
	}
}

var _ = errors.Is
var _ = bytes.Equal
