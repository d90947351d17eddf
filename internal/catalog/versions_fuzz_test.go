package catalog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzEditVersions: whatever strings an item holds, the edited file reads
// back as intended (the image's versions as planned, everything else the
// same), or the edit is refused with an error.
func FuzzEditVersions(f *testing.F) {
	bases := [][]byte{
		readFixtureF(f, "osism/cirros.yml"),
		readFixtureF(f, "osism/ubuntu.yml"),
		crlf(readFixtureF(f, "osism/almalinux.yml")),
		readFixtureF(f, "versions/shapes.yml"),
		readFixtureF(f, "versions/last.yml"),
		readFixtureF(f, "versions/no-final-newline.yml"),
	}
	for i := range bases {
		for op := range 3 {
			f.Add(uint8(i), uint8(i*5), uint8(op), "20260526", "https://example.org/a.img", "sha256:00")
		}
	}
	f.Add(uint8(0), uint8(0), uint8(0), "it's: #x", " lead\ttrail ", "\"q\"\n- x")
	f.Add(uint8(1), uint8(3), uint8(1), "ü\u2028", "yes", "2026-05-26")
	f.Add(uint8(3), uint8(0), uint8(2), "1.1", "'", "#")
	f.Fuzz(func(t *testing.T, base, image, op uint8, version, url, extra string) {
		data := bases[int(base)%len(bases)]
		file, ferr := parseFile("f.yml", data)
		if ferr != nil {
			t.Fatal(ferr)
		}
		img := file.Images[int(image)%len(file.Images)]
		it := Item{kvs("version", version), kvs("url", url), kvs("checksum", extra), kvd("build_date", 2026, 5, 26)}
		e := VersionEdit{Image: img.Name}
		old := pyImages(t, data)
		want := listOf(old[img.Name])
		switch op % 3 {
		case 0:
			e.Add = []Item{it}
			want = append(want, pyItem(it))
		case 1:
			if len(img.Versions) == 0 {
				return
			}
			last := img.Versions[len(img.Versions)-1].Version
			e.Update = []ItemUpdate{{Version: last, Set: it[1:]}}
			want[len(want)-1] = itemValue(want[len(want)-1], it[1:])
		case 2:
			if len(img.Versions) == 0 {
				return
			}
			e.Remove = []string{img.Versions[0].Version}
			e.Add = []Item{it}
			want = append(want[1:], pyItem(it))
		}
		out, err := file.EditVersions(e)
		if err != nil {
			for _, known := range []error{ErrBadEdit, ErrRefused, ErrUnsupported, ErrVersionExists, ErrNoSuchVersion} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("unexpected error: %v", err)
		}
		if _, ferr := parseFile("f.yml", out); ferr != nil {
			t.Fatalf("the result does not load: %v", ferr)
		}
		got := pyImages(t, out)
		if len(got) != len(old) {
			t.Fatalf("%d images, want %d", len(got), len(old))
		}
		for name, o := range old {
			g := got[name]
			if name != img.Name {
				if !pySame(g, o) {
					t.Fatalf("image %q changed", name)
				}
				continue
			}
			vs, ok := g.get("versions")
			if !ok || vs.kind != pyList || !pySame(vs, &pyValue{kind: pyList, items: want}) {
				t.Fatalf("the versions of %q do not read as intended:\n%s", name, out)
			}
			for i, k := range o.keys {
				if k.text == "versions" {
					continue
				}
				if v, ok := g.get(k.text); !ok || !pySame(v, o.vals[i]) {
					t.Fatalf("%s.%s changed", name, k.text)
				}
			}
		}
		if op%3 == 0 && len(img.Versions) > 0 {
			if !endsWithBreak(data) {
				data = append(data, '\n')
			}
			insertedLines(t, data, out)
		}
	})
}

func readFixtureF(f *testing.F, rel string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// pyImages reads every image as the image manager would, by name.
func pyImages(t *testing.T, data []byte) map[string]*pyValue {
	t.Helper()
	out, err := readPyImages(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readPyImages(data []byte) (map[string]*pyValue, error) {
	docs, err := decodeDocuments(data)
	if err != nil || len(docs) != 1 {
		return nil, fmt.Errorf("does not parse: %v", err)
	}
	root, err := loadPython(docs[0])
	if err != nil {
		return nil, fmt.Errorf("PyYAML would not load it: %v", err)
	}
	imgs, ok := root.get("images")
	if !ok || imgs.kind != pyList {
		return nil, errors.New("no images list")
	}
	out := map[string]*pyValue{}
	for _, img := range imgs.items {
		if img.kind != pyMap {
			return nil, errors.New("an image is not a mapping")
		}
		name, ok := img.get("name")
		if !ok || name.kind != pyStr {
			return nil, errors.New("an image has no string name")
		}
		out[name.text] = img
	}
	return out, nil
}

// listOf is a copy of an image's versions, or nothing.
func listOf(img *pyValue) []*pyValue {
	if vs, ok := img.get("versions"); ok && vs.kind == pyList {
		return append([]*pyValue(nil), vs.items...)
	}
	return nil
}

// FuzzEditVersionsLayout: on any file that loads, adding, updating and
// removing items either reads back as intended or is refused with an error.
func FuzzEditVersionsLayout(f *testing.F) {
	seed(f)
	for _, s := range []string{
		"images:\n  - name: A\n    versions:\n      - &v\n        version: '1'\n        url: |\n          x\n          # y\n      - <<: *v\n        version: '2'\n",
		"images:\n  - name: A\n    versions:\n    # c\n    - version: 1\n      url: a\n        b\n    tags: []\n",
		"images:\n  - name: A\n    versions:   # c\n      -   version: \"1\"  # c\n          url: 'a''b'\n\n\n      # c\n      - version: \"2\"\n        url: |+\n          x\n\n  - name: B\n    versions: [ ]\n",
		"images:\r\n  - name: A\r\n    versions:\r\n      - version: '1'\r\n        url: a\r\n    tags: []",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, ferr := parseFile("f.yml", data)
		if ferr != nil || file.p.flow {
			return
		}
		old, err := readPyImages(data)
		if err != nil || len(old) != len(file.Images) {
			return // not a catalog PyYAML loads, or duplicate names
		}
		it := Item{kvs("version", "20260526"), kvs("url", "https://example.org/it's: #1"), kvd("build_date", 2026, 5, 26)}
		for _, img := range file.Images {
			e := VersionEdit{Image: img.Name, Add: []Item{it}}
			want := listOf(old[img.Name])
			if len(want) > 0 && len(img.Versions) == len(want) {
				e.Remove = []string{img.Versions[0].Version}
				want = want[1:]
				if n := len(want); n > 0 {
					e.Update = []ItemUpdate{{Version: img.Versions[len(img.Versions)-1].Version, Set: it[1:]}}
					want[n-1] = itemValue(want[n-1], it[1:])
				}
			}
			want = append(want, pyItem(it))
			out, err := file.EditVersions(e)
			if err != nil {
				continue
			}
			got := pyImages(t, out)
			for name, o := range old {
				g := got[name]
				if name != img.Name {
					if !pySame(g, o) {
						t.Fatalf("image %q changed", name)
					}
					continue
				}
				vs, ok := g.get("versions")
				if !ok || !pySame(vs, &pyValue{kind: pyList, items: want}) {
					t.Fatalf("the versions of %q do not read as intended:\n%s", name, out)
				}
			}
		}
	})
}
