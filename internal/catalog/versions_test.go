package catalog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/osism/image-crawler/internal/testenv/golden"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
)

var sampleBuildDay = time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC)

// nextItem is the item a new build of img would get: the keys of its last
// item, given in a scrambled order, so the test sees EditVersions order
// them.
func nextItem(img *Image, version string) Item {
	sum := sha256.Sum256([]byte(img.Name + version))
	it := Item{
		{"build_date", DateValue(sampleBuildDay)},
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
			golden.Assert(t, "testdata/golden/versions/add-"+strings.TrimSuffix(filepath.Base(p), ".yml")+".diff", diff(f.Path, f.Data, out))
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

func kvs(k, v string) KV { return KV{k, StringValue(v)} }

func kvd(k string, y int, m time.Month, d int) KV {
	return KV{k, DateValue(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))}
}

func loadData(t *testing.T, name string, data []byte) *File {
	t.Helper()
	f, ferr := parseFile(name, data)
	if ferr != nil {
		t.Fatal(ferr)
	}
	return f
}

// pyVersions reads an image's versions as the image manager would.
func pyVersions(t *testing.T, data []byte, image string) []*pyValue {
	t.Helper()
	docs, err := decodeDocuments(data)
	if err != nil || len(docs) != 1 {
		t.Fatalf("the result does not parse: %v", err)
	}
	root, err := loadPython(docs[0])
	if err != nil {
		t.Fatalf("PyYAML would not load the result: %v", err)
	}
	imgs, _ := root.get("images")
	for _, img := range imgs.items {
		if name, _ := img.get("name"); name.text == image {
			vs, ok := img.get("versions")
			if !ok || vs.kind != pyList {
				t.Fatalf("%s: versions is not a list", image)
			}
			return vs.items
		}
	}
	t.Fatalf("no image %q", image)
	return nil
}

// pyItem is what an item of only strings and dates reads as.
func pyItem(it Item) *pyValue { return itemValue(nil, it) }

func TestEditVersionsGolden(t *testing.T) {
	t.Parallel()
	shapes := "versions/shapes.yml"
	cases := []struct {
		name string
		file string
		crlf bool
		// inserts: the edit only inserts lines (the file gets a final
		// line break if it had none).
		inserts bool
		edits   []VersionEdit
	}{
		{name: "comments-add", inserts: true, file: shapes, edits: []VersionEdit{{Image: "Commented", Add: []Item{
			{kvs("version", "1.2"), kvs("url", "https://example.org/commented/1.2.img"), kvd("build_date", 2026, 3, 1), kvs("checksum", "sha256:cccc")},
			{kvs("version", "1.3"), kvs("url", "https://example.org/commented/1.3.img"), kvd("build_date", 2026, 4, 1), kvs("checksum", "sha256:dddd")},
		}}}},
		{name: "comments-add-crlf", file: shapes, crlf: true, edits: []VersionEdit{{Image: "Commented", Add: []Item{
			{kvs("version", "1.2"), kvs("url", "https://example.org/commented/1.2.img"), kvd("build_date", 2026, 3, 1), kvs("checksum", "sha256:cccc")},
		}}}},
		{name: "comments-remove-first", file: shapes, edits: []VersionEdit{{Image: "Commented", Remove: []string{"1.0"}}}},
		{name: "comments-remove-last", file: shapes, edits: []VersionEdit{{Image: "Commented", Remove: []string{"1.1"}}}},
		{name: "comments-remove-all", file: shapes, edits: []VersionEdit{{Image: "Commented", Remove: []string{"1.1", "1.0"}}}},
		{name: "comments-remove-all-and-add", file: shapes, edits: []VersionEdit{{Image: "Commented", Remove: []string{"1.1", "1.0"},
			Add: []Item{{kvs("version", "2.0"), kvs("url", "https://example.org/commented/2.0.img")}}}}},
		{name: "comments-update", file: shapes, edits: []VersionEdit{{Image: "Commented", Update: []ItemUpdate{
			{Version: "1.0", Set: []KV{kvs("checksum", "sha256:ffff"), kvs("mirror_url", "https://mirror.example.org/commented/1.0.img")}},
			{Version: "1.1", Set: []KV{kvs("url", "https://example.org/it's/1.1: respin.img"), kvd("build_date", 2026, 2, 2), kvs("hidden", "yes")}},
		}}}},
		{name: "empty-null-missing-add", file: shapes, edits: []VersionEdit{
			{Image: "Empty Flow", Add: []Item{{kvs("version", "20260526"), kvs("url", "https://example.org/empty/1.img")}}},
			{Image: "Nothing", Add: []Item{{kvs("version", "20260526"), kvs("url", "https://example.org/nothing/1.img")}}},
			{Image: "Missing", Add: []Item{{kvs("version", "20260526"), kvs("url", "https://example.org/missing/1.img"), kvd("build_date", 2026, 5, 26)}}},
		}},
		{name: "empty-flow-add-crlf", file: shapes, crlf: true, edits: []VersionEdit{
			{Image: "Empty Flow", Add: []Item{{kvs("version", "20260526"), kvs("url", "https://example.org/empty/1.img")}}},
		}},
		{name: "indentless-add-update", file: shapes, edits: []VersionEdit{{Image: "Indentless",
			Update: []ItemUpdate{{Version: "1", Set: []KV{kvs("url", "https://example.org/indentless/1-respin.img"), kvs("id", "0f3d")}}},
			Add:    []Item{{kvd("build_date", 2026, 5, 26), kvs("version", "2"), kvs("url", "https://example.org/indentless/2.img"), kvs("mirror_url", "https://mirror.example.org/2.img")}},
		}}},
		{name: "last-add", inserts: true, file: "versions/last.yml", edits: []VersionEdit{
			{Image: "Last", Add: []Item{{kvs("version", "2"), kvs("url", "https://example.org/last/2.img")}}},
			{Image: "Missing Last", Add: []Item{{kvs("version", "1"), kvs("url", "https://example.org/missing-last/1.img")}}},
		}},
		{name: "no-final-newline-add", inserts: true, file: "versions/no-final-newline.yml", edits: []VersionEdit{
			{Image: "No Newline", Add: []Item{{kvs("version", "2"), kvs("url", "https://example.org/nn/2.img")}}},
		}},
		{name: "no-final-newline-update", file: "versions/no-final-newline.yml", edits: []VersionEdit{
			{Image: "No Newline", Update: []ItemUpdate{{Version: "1", Set: []KV{kvs("url", "https://example.org/nn/1b.img"), kvd("build_date", 2026, 1, 1)}}}},
		}},
		{name: "no-items-add", file: "versions/no-items.yml", edits: []VersionEdit{
			{Image: "Meta Four", Add: []Item{{kvs("version", "1.10"), kvs("url", "https://example.org/m/1.10.img"), kvd("build_date", 2026, 5, 26)}}},
			{Image: "No Meta", Add: []Item{{kvs("version", "yes"), kvs("url", "https://example.org/n/yes.img")}}},
		}},
		{name: "comments-remove-crlf", file: shapes, crlf: true, edits: []VersionEdit{{Image: "Commented", Remove: []string{"1.0"},
			Update: []ItemUpdate{{Version: "1.1", Set: []KV{kvs("mirror_url", "https://mirror.example.org/1.1.img")}}}}}},
		{name: "cirros-add-mirror-url", inserts: true, file: "osism/cirros.yml", edits: []VersionEdit{{Image: "Cirros", Add: []Item{{
			kvs("version", "0.6.4"), kvd("build_date", 2026, 5, 26), kvs("checksum", "sha256:eeee"),
			kvs("mirror_url", "https://mirror.example.org/cirros/0.6.4.img"), kvs("url", "https://github.com/cirros-dev/cirros/releases/download/0.6.4/cirros-0.6.4-x86_64-disk.img"),
		}}}}},
		{name: "almalinux-respin", file: "osism/almalinux.yml", edits: []VersionEdit{{Image: "AlmaLinux 9", Update: []ItemUpdate{{
			Version: "20251118", Set: []KV{kvs("checksum", "sha256:1111111111111111111111111111111111111111111111111111111111111111"), kvd("build_date", 2025, 11, 19)},
		}}}}},
		{name: "ubuntu-prune-and-add", file: "osism/ubuntu.yml", edits: []VersionEdit{{Image: "Ubuntu 24.04", Remove: []string{"20260108"},
			Add: []Item{{kvs("version", "20260526"), kvs("url", "https://cloud-images.ubuntu.com/noble/20260526/noble-server-cloudimg-amd64.img"), kvs("checksum", "sha256:2222"), kvd("build_date", 2026, 5, 26)}},
		}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, c.file)
			if c.crlf {
				data = crlf(data)
			}
			f := loadData(t, filepath.Base(c.file), data)
			out, err := f.EditVersions(c.edits...)
			if err != nil {
				t.Fatal(err)
			}
			if c.crlf {
				if bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) {
					t.Error("a line break other than CRLF in a CRLF file")
				}
				lf, err := loadData(t, f.Path, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))).EditVersions(c.edits...)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, crlf(lf)) {
					t.Errorf("the CRLF file is edited differently:\n%s", diff(f.Path, crlf(lf), out))
				}
				return
			}
			golden.Assert(t, "testdata/golden/versions/"+c.name+".diff", diff(f.Path, data, out))
			if c.inserts {
				if !endsWithBreak(data) {
					data = append(data, '\n')
				}
				insertedLines(t, data, out)
			}
		})
	}
}

func TestEditVersionsErrors(t *testing.T) {
	t.Parallel()
	item := Item{kvs("version", "9"), kvs("url", "https://example.org/9.img")}
	cases := []struct {
		name  string
		edits []VersionEdit
		want  error
	}{
		{"no image", []VersionEdit{{Image: "Nope", Add: []Item{item}}}, ErrNoSuchImage},
		{"remove unknown version", []VersionEdit{{Image: "Commented", Remove: []string{"0.9"}}}, ErrNoSuchVersion},
		{"update unknown version", []VersionEdit{{Image: "Commented", Update: []ItemUpdate{{Version: "0.9", Set: []KV{kvs("url", "x")}}}}}, ErrNoSuchVersion},
		{"update in empty list", []VersionEdit{{Image: "Empty Flow", Update: []ItemUpdate{{Version: "1", Set: []KV{kvs("url", "x")}}}}}, ErrNoSuchVersion},
		{"add listed version", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "1.1")}}}}, ErrVersionExists},
		{"add version twice", []VersionEdit{{Image: "Commented", Add: []Item{item, item}}}, ErrVersionExists},
		{"update to listed version", []VersionEdit{{Image: "Commented", Update: []ItemUpdate{{Version: "1.0", Set: []KV{kvs("version", "1.1")}}}}}, ErrVersionExists},
		{"flow list add", []VersionEdit{{Image: "Flow", Add: []Item{item}}}, ErrUnsupported},
		{"flow list remove", []VersionEdit{{Image: "Flow", Remove: []string{"1"}}}, ErrUnsupported},
		{"no version", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("url", "x")}}}}, ErrBadEdit},
		{"empty version", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "")}}}}, ErrBadEdit},
		{"year 0", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9"), kvd("build_date", 0, 1, 1)}}}}, ErrBadEdit},
		{"year 10000", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9"), kvd("build_date", 10000, 1, 1)}}}}, ErrBadEdit},
		{"date version", []VersionEdit{{Image: "Commented", Add: []Item{{kvd("version", 2026, 1, 1)}}}}, ErrBadEdit},
		{"key twice", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9"), kvs("url", "a"), kvs("url", "b")}}}}, ErrBadEdit},
		{"key not a name", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9"), kvs("a: b", "x")}}}}, ErrBadEdit},
		{"key reads as bool", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9"), kvs("yes", "x")}}}}, ErrBadEdit},
		{"not UTF-8", []VersionEdit{{Image: "Commented", Add: []Item{{kvs("version", "9\xff")}}}}, ErrBadEdit},
		{"image twice", []VersionEdit{{Image: "Commented", Add: []Item{item}}, {Image: "Commented", Remove: []string{"1.0"}}}, ErrBadEdit},
		{"remove and update", []VersionEdit{{Image: "Commented", Remove: []string{"1.0"}, Update: []ItemUpdate{{Version: "1.0"}}}}, ErrBadEdit},
	}
	f := loadFile(t, "testdata/versions/shapes.yml")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := f.EditVersions(c.edits...)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if out != nil {
				t.Error("an error and bytes")
			}
		})
	}
}

func TestEditVersionsNothing(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/osism/debian.yml")
	for _, edits := range [][]VersionEdit{nil, {{Image: "Debian 12"}}} {
		out, err := f.EditVersions(edits...)
		if err != nil || !bytes.Equal(out, f.Data) {
			t.Fatalf("empty edit: %v", err)
		}
		out[0] = 'X'
		if f.Data[0] == 'X' {
			t.Fatal("EditVersions returned File.Data itself")
		}
	}
}

// TestEditVersionsUnsupportedValues: values that cannot be replaced in
// place are refused, not rewritten.
func TestEditVersionsUnsupportedValues(t *testing.T) {
	t.Parallel()
	data := []byte(`images:
  - name: A
    versions:
      - version: '1'
        url: a
          b
        checksum: |
          sha256:0
        id: &x 1
`)
	f := loadData(t, "a.yml", data)
	for _, key := range []string{"url", "checksum", "id"} {
		_, err := f.EditVersions(VersionEdit{Image: "A", Update: []ItemUpdate{{Version: "1", Set: []KV{kvs(key, "z")}}}})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", key, err)
		}
	}
}

// TestEditVersionsTypes: whatever a string looks like, it reads back as that
// string, and a date as a date.
func TestEditVersionsTypes(t *testing.T) {
	t.Parallel()
	values := []string{
		"20260526", "9.8-20260526", "yes", "No", "on", "1.10", "1e3", ".inf", ".NaN", "0x1F", "0o17", "017", "1_000",
		"1:30", "190:20:30.15", "2026-05-26", "2026-5-6 1:02:03", "null", "~", "=", "<<", "-", "- x", "? x", "a: b",
		"a #b", "#x", "x#y", "[x]", "{x}", "*x", "&x", "!x", "%x", "@x", "`x", "|", ">", "'q'", `"q"`, `a\b`,
		" lead", "trail ", "tab\there", "line\nbreak", "cr\rx", "nul\x00", "bell\a", "del\x7f", "nel\u0085",
		"ls\u2028", "bom\ufeff", "ü ß 日本", "emoji 🙂", "https://example.org/a b/c?d=e&f#g", "https://example.org/it's",
		strings.Repeat("long-", 40),
	}
	base := readFixture(t, "osism/cirros.yml")
	for _, crlfFile := range []bool{false, true} {
		data := base
		if crlfFile {
			data = crlf(base)
		}
		f := loadData(t, "cirros.yml", data)
		for _, s := range values {
			it := Item{kvs("version", s), kvs("url", s), kvs("checksum", s), kvs("mirror_url", s), kvd("build_date", 2026, 5, 26)}
			out, err := f.EditVersions(VersionEdit{Image: "Cirros", Add: []Item{it}})
			if err != nil {
				t.Errorf("%q: %v", s, err)
				continue
			}
			vs := pyVersions(t, out, "Cirros")
			if got := vs[len(vs)-1]; !pySame(got, pyItem(it)) {
				t.Errorf("%q does not read back", s)
			}
			insertedLines(t, data, out)
			// And as an update of the item that is there.
			out, err = f.EditVersions(VersionEdit{Image: "Cirros", Update: []ItemUpdate{{Version: "0.6.3", Set: it[1:]}}})
			if err != nil {
				t.Errorf("%q: update: %v", s, err)
				continue
			}
			vs = pyVersions(t, out, "Cirros")
			if got, _ := vs[1].get("url"); got.kind != pyStr || got.text != s {
				t.Errorf("%q: update does not read back", s)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in string
		ok bool
	}{{"2026-05-26", true}, {"2024-02-29", true}, {"2026-02-29", false}, {"2026-5-26", false}, {"26-05-2026", false}, {"", false}} {
		v, err := ParseDate(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if c.ok && (!v.IsDate() || v.String() != c.in) {
			t.Errorf("ParseDate(%q) = %v", c.in, v)
		}
		if !c.ok && !errors.Is(err, ErrBadEdit) {
			t.Errorf("ParseDate(%q): %v, want ErrBadEdit", c.in, err)
		}
	}
}

// TestEditVersionsNoOpBesideEdit: an image named with nothing to do stays as
// it is while another one is edited.
func TestEditVersionsNoOpBesideEdit(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/osism/debian.yml")
	it := nextItem(f.Images[0], "20260526")
	out, err := f.EditVersions(VersionEdit{Image: "Debian 12"}, VersionEdit{Image: "Debian 10", Add: []Item{it}})
	if err != nil {
		t.Fatal(err)
	}
	// Five keys, three of them folded as Debian 10's items fold them.
	if added := insertedLines(t, f.Data, out); len(added) != 8 {
		t.Errorf("added %d lines, want 8:\n%s", len(added), strings.Join(added, ""))
	}
}

func TestEditVersionsFolding(t *testing.T) {
	t.Parallel()
	long := "https://example.org/a/very/long/path/that/does/not/fit/on/one/line/with/its/key/9.img"
	cases := []struct {
		image, url string
		want       string
	}{
		// The items fold exactly the values wider than 80 columns.
		{"Width", "https://example.org/short/9.img", "      - version: '9'\n        url: https://example.org/short/9.img\n"},
		{"Width", long, "      - version: '9'\n        url: \n          " + long + "\n"},
		// They do not follow the width rule: most of them fold; the newest
		// folded one shows "url:" without a space and the value's indent.
		{"Majority", "https://example.org/m/9.img", "      - version: '9'\n        url:\n            https://example.org/m/9.img\n"},
	}
	f := loadFile(t, "testdata/versions/folds.yml")
	for _, c := range cases {
		out, err := f.EditVersions(VersionEdit{Image: c.image, Add: []Item{{kvs("url", c.url), kvs("version", "9")}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(insertedLines(t, f.Data, out), ""); got != c.want {
			t.Errorf("%s %s: added\n%s\nwant\n%s", c.image, c.url, got, c.want)
		}
	}
}

// TestCheckVersionsRefuses: the re-parse guard refuses a result that
// differs from the plan anywhere, even where it still parses.
func TestCheckVersionsRefuses(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/versions/shapes.yml")
	e := VersionEdit{Image: "Commented", Remove: []string{"1.0"},
		Update: []ItemUpdate{{Version: "1.1", Set: []KV{kvs("url", "https://example.org/u.img")}}},
		Add:    []Item{{kvs("version", "1.2"), kvs("url", "https://example.org/1.2.img"), kvd("build_date", 2026, 5, 26)}}}
	plans, splices, err := f.planEdits([]VersionEdit{e})
	if err != nil {
		t.Fatal(err)
	}
	good, err := applySplices(f.Data, splices)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.checkVersions(good, plans); err != nil {
		t.Fatalf("the planned result is refused: %v", err)
	}
	tamper := []struct{ name, old, new string }{
		{"comment above the file", "# An operator's", "# An operators'"},
		{"comment in the entry", "# kept off on purpose", "# kept off"},
		{"another key of the entry", "enable: false", "enable: true"},
		{"comment after the list", "    # a note after the list", "    # a note"},
		{"blank line between images", "    tags: []\n\n  - name: Empty Flow", "    tags: []\n  - name: Empty Flow"},
		{"another image", "  - name: Nothing\n    versions:\n", "  - name: Nothing\n    versions: []\n"},
		{"updated value", "https://example.org/u.img", "https://example.org/v.img"},
		{"added value", "https://example.org/1.2.img", "https://example.org/1.3.img"},
		{"added date as a string", "build_date: 2026-05-26", "build_date: '2026-05-26'"},
		{"kept key of the updated item", "checksum: sha256:bbbb", "checksum: sha256:bbbc"},
		{"item dropped", "      - version: '1.2'\n        url: https://example.org/1.2.img\n        build_date: 2026-05-26\n", ""},
		{"key added to the new item", "      - version: '1.2'\n", "      - version: '1.2'\n        x: 1\n"},
	}
	for _, c := range tamper {
		if !bytes.Contains(good, []byte(c.old)) {
			t.Fatalf("%s: %q not in the result:\n%s", c.name, c.old, good)
		}
		bad := bytes.Replace(good, []byte(c.old), []byte(c.new), 1)
		if err := f.checkVersions(bad, plans); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: got %v, want ErrRefused", c.name, err)
		}
	}
}
