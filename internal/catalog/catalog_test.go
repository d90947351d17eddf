package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/testenv/golden"
)

func TestLoadRealFiles(t *testing.T) {
	t.Parallel()
	c, err := Load("testdata/osism")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Errors) > 0 {
		t.Fatalf("errors: %v", c.Errors)
	}
	var paths []string
	for _, f := range c.Files {
		paths = append(paths, f.Path)
	}
	want := []string{"almalinux.yml", "centos.yml", "cirros.yml", "debian.yml", "fedora.yml", "flatcar.yml", "opensuse.yml", "rockylinux.yml", "ubuntu.yml"}
	if !slices.Equal(paths, want) {
		t.Fatalf("files %v, want %v", paths, want)
	}

	for _, tc := range []struct {
		name, file         string
		line, nversions    int
		version, buildDate string
		checksum, url      string
		extra              []Field
	}{
		{"Ubuntu 24.04", "ubuntu.yml", 336, 1, "20260108", "2026-01-08",
			"sha256:00786c0936a7dd91a6b07941ca60bb56652975e0e72f9dacf73c887ada420966",
			"https://cloud-images.ubuntu.com/noble/20260108/noble-server-cloudimg-amd64.img",
			[]Field{{"mirror_url", "https://nbg1.your-objectstorage.com/osism/openstack-images/ubuntu-24.04/20260108-ubuntu-24.04.qcow2"}}},
		{"Ubuntu 14.04", "ubuntu.yml", 3, 1, "20191107", "2019-11-07",
			"sha256:3c4ad0defbe729dd3c16d2851d775575d1c5351c85734418d3b89bfdfd28ebd1",
			"https://cloud-images.ubuntu.com/trusty/current/trusty-server-cloudimg-amd64-disk1.img",
			[]Field{{"mirror_url", "https://nbg1.your-objectstorage.com/osism/openstack-images/ubuntu-14.04/20191107-ubuntu-14.04.qcow2"}}},
		// Debian 12 lists build_date first and version last.
		{"Debian 12", "debian.yml", 77, 1, "20260124", "2026-01-24",
			"sha512:a8afe90abae5ba1a26c22f0056636d4f4c9161d63428da0b759c53ac63cf751c11161f071c0b9dd9dc7ada1475a1f8998114da1f73c57ab9c3877403c95e6bad",
			"https://cdimage.debian.org/cdimage/cloud/bookworm/daily/20260124-2367/debian-12-genericcloud-amd64-daily-20260124-2367.qcow2",
			[]Field{{"mirror_url", "https://nbg1.your-objectstorage.com/osism/openstack-images/debian-12/20260124-debian-12.qcow2"}}},
		// Cirros: a blank line before the first item, two versions, no mirror.
		{"Cirros", "cirros.yml", 4, 2, "0.6.2", "2023-05-30",
			"sha256:07e44a73e54c94d988028515403c1ed762055e01b83a767edf3c2b387f78ce00",
			"https://github.com/cirros-dev/cirros/releases/download/0.6.2/cirros-0.6.2-x86_64-disk.img", nil},
		{"Flatcar Container Linux", "flatcar.yml", 4, 1, "4230.2.4", "2025-10-13",
			"sha512:e1b5891a3dc1d5c9249e5ddbda53f464e7dc65a86770a6e8bdad5604b1eb3599cc3908b8460fd3c516f115d6b139f5a3cefee0f08847e8b36d76d7628f7468a1",
			"https://stable.release.flatcar-linux.net/amd64-usr/4230.2.4/flatcar_production_openstack_image.img",
			[]Field{{"mirror_url", "https://nbg1.your-objectstorage.com/osism/openstack-images/flatcar/4230.2.4/flatcar_production_openstack_image.img"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, img, ok := c.Lookup(tc.name)
			if !ok {
				t.Fatal("not found")
			}
			if f.Path != tc.file || img.Line != tc.line || len(img.Versions) != tc.nversions {
				t.Fatalf("%s:%d with %d versions, want %s:%d with %d", f.Path, img.Line, len(img.Versions), tc.file, tc.line, tc.nversions)
			}
			v := img.Versions[0]
			if v.Version != tc.version || v.BuildDate != tc.buildDate || v.Checksum != tc.checksum || v.URL != tc.url || !slices.Equal(v.Extra, tc.extra) {
				t.Errorf("version %+v", v)
			}
		})
	}
	if _, img, _ := c.Lookup("Cirros"); img.Versions[1].Version != "0.6.3" || img.Versions[1].Line != 32 {
		t.Errorf("Cirros second version %+v", img.Versions[1])
	}
	if _, _, ok := c.Lookup("Ubuntu 99.04"); ok {
		t.Error("found an image that does not exist")
	}

	for _, f := range c.Files {
		for i, img := range f.Images {
			// The osism files have no comments: spans tile the list.
			if img.Start != img.EntryStart {
				t.Errorf("%s %q: head comments %q", f.Path, img.Name, f.Data[img.Start:img.EntryStart])
			}
			if !bytes.HasPrefix(f.Data[img.EntryStart:], []byte("  - name: "+img.Name+"\n")) {
				t.Errorf("%s %q: span starts with %q", f.Path, img.Name, f.Data[img.EntryStart:min(img.EntryStart+40, len(f.Data))])
			}
			if line := 1 + bytes.Count(f.Data[:img.EntryStart], []byte("\n")); line != img.Line {
				t.Errorf("%s %q: line %d, span starts on line %d", f.Path, img.Name, img.Line, line)
			}
			next := len(f.Data)
			if i+1 < len(f.Images) {
				next = f.Images[i+1].Start
			}
			if img.End != next || f.Data[img.End-1] != '\n' {
				t.Errorf("%s %q: span ends at %d, want %d", f.Path, img.Name, img.End, next)
			}
		}
	}
	golden.Assert(t, "testdata/golden/load-osism.json", dumpCatalog(t, c))
}

// dumpCatalog is the catalog as JSON, without the file bytes.
func dumpCatalog(t *testing.T, c *Catalog) []byte {
	type file struct {
		Path   string
		Indent int
		Images []*Image
	}
	var files []file
	for _, f := range c.Files {
		files = append(files, file{f.Path, f.Indent, f.Images})
	}
	out, err := json.MarshalIndent(files, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestLoadMissingDirectory(t *testing.T) {
	t.Parallel()
	c, err := Load(filepath.Join(t.TempDir(), "etc", "images"))
	if err != nil || len(c.Files) != 0 || len(c.Errors) != 0 {
		t.Fatalf("got %+v, %v; want an empty catalog", c, err)
	}
}

func TestLoadNotADirectory(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "images")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil {
		t.Fatal("loaded a plain file as a catalog directory")
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadWalksSubdirectoriesSorted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one := "images:\n  - name: %s\n"
	writeFiles(t, dir, map[string]string{
		"z.yml":             fmt.Sprintf(one, "Z"),
		"a/b.yaml":          fmt.Sprintf(one, "B"),
		"a.yml":             fmt.Sprintf(one, "A"),
		"UPPER.YML":         fmt.Sprintf(one, "U"),
		".git/config.yml":   "not: a catalog\n",
		".github/ci.yml":    "on: push\n",
		"notes.txt":         "not yaml",
		"sub/deeper/d.yml":  fmt.Sprintf(one, "D"),
		"sub/README.md":     "# hi",
		"sub/.hidden/h.yml": "x: 1\n",
		".yamllint.yml":     "extends: default\n",
		"sub/.#z.yml":       "editor lock\n",
		"big.yml":           "images:\n  - name: Big\n#" + strings.Repeat("x", maxFileSize) + "\n",
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.Files {
		got = append(got, f.Path+"="+f.Images[0].Name)
	}
	want := []string{"UPPER.YML=U", "a.yml=A", "a/b.yaml=B", "sub/deeper/d.yml=D", "z.yml=Z"}
	if len(c.Errors) != 1 || c.Errors[0].Path != "big.yml" || !strings.Contains(c.Errors[0].Error(), "not a catalog file") {
		t.Errorf("errors %v, want big.yml refused", c.Errors)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
}

func TestLoadReportsBrokenFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
		line          int
		msg           string
	}{
		{"syntax.yml", "---\nimages:\n  - name: a\n    tags: [a, b\n  - name: b\n", 4, "did not find expected ',' or ']'"},
		{"tab.yml", "images:\n\t- name: a\n", 2, "found character that cannot start any token"},
		{"empty.yml", "", 0, "empty file: no images list"},
		{"comment-only.yml", "# nothing here\n", 0, "empty file: no images list"},
		{"scalar.yml", "just text\n", 1, "the top level is not a mapping"},
		{"list.yml", "- name: a\n", 1, "the top level is not a mapping"},
		{"no-images.yml", "---\nimage:\n  - name: a\n", 2, "no images list at the top level"},
		{"images-string.yml", "images: none\n", 1, "images is not a list"},
		{"images-null.yml", "images:\n", 1, "images is not a list"},
		{"images-map.yml", "images:\n  name: a\n", 2, "images is not a list"},
		{"two-docs.yml", "images:\n  - name: a\n---\nimages:\n  - name: b\n", 3, "a second YAML document starts here"},
		{"item-scalar.yml", "images:\n  - name: a\n  - b\n", 3, "images[1] is not a mapping"},
		{"no-name.yml", "images:\n  - enable: true\n", 2, "images[0] has no name"},
		{"empty-name.yml", "images:\n  - name: ''\n", 2, "images[0] has no name"},
		{"list-name.yml", "images:\n  - name: [a]\n", 2, "images[0] has no name"},
		{"duplicate-key.yml", "images:\n  - name: a\n    enable: true\n    enable: false\n", 4, `duplicate key "enable"`},
		{"duplicate-top.yml", "images:\n  - name: a\nimages:\n  - name: b\n", 3, `duplicate key "images"`},
		{"utf16.yml", "\xff\xfei\x00m\x00", 0, "UTF-16 is not supported"},
		{"latin1.yml", "images:\n  - name: caf\xe9\n", 0, "UTF-8"},
		{"unclosed-quote.yml", "images:\n  - name: 'a\n", 2, "found unexpected end of stream"},
		{"bad-indent.yml", "images:\n  - name: a\n   enable: true\n", 3, "did not find expected '-' indicator"},
		{"unknown-anchor.yml", "images:\n  - name: *nope\n", 0, "unknown anchor 'nope' referenced"},
		{"alias-images.yml", "x: &l\n  - name: a\nimages: *l\n", 3, "images is not a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{tc.name: tc.content, "good.yml": "images:\n  - name: good\n"})
			c, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Files) != 1 || c.Files[0].Path != "good.yml" {
				t.Errorf("files %v: the broken file must not be among them", c.Files)
			}
			if len(c.Errors) != 1 {
				t.Fatalf("errors %v, want one", c.Errors)
			}
			fe := c.Errors[0]
			if fe.Path != tc.name || fe.Line != tc.line || !strings.Contains(fe.Err.Error(), tc.msg) {
				t.Errorf("got %q (line %d), want %s:%d: ...%s...", fe, fe.Line, tc.name, tc.line, tc.msg)
			}
			prefix := tc.name + ":"
			if tc.line > 0 {
				prefix = fmt.Sprintf("%s:%d: ", tc.name, tc.line)
			}
			if !strings.HasPrefix(fe.Error(), prefix) {
				t.Errorf("error %q does not start with %q", fe, prefix)
			}
			if errors.Unwrap(fe) != fe.Err {
				t.Error("Unwrap does not return the cause")
			}
			on, err := os.ReadFile(filepath.Join(dir, tc.name))
			if err != nil || string(on) != tc.content {
				t.Errorf("the file changed on disk: %q, %v", on, err)
			}
		})
	}
}

func TestLoadDuplicateNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.yml": "images:\n  - name: X\n  - name: Y\n",
		"b.yml": "images:\n  - name: Z\n  - name: X\n",
		"c.yml": "images:\n  - name: W\n  - name: W\n",
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range c.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`b.yml:3: duplicate image name "X" (first at a.yml:2)`,
		`c.yml:3: duplicate image name "W" (first at c.yml:2)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(c.Files) != 3 {
		t.Errorf("%d files, want 3: duplicates are reported, the files still read", len(c.Files))
	}
	if f, img, _ := c.Lookup("X"); f.Path != "a.yml" || img.Line != 2 {
		t.Errorf("Lookup(X) = %s:%d, want the first, a.yml:2", f.Path, img.Line)
	}
	// A catalog built or changed other than by Load is searched, not looked
	// up in Load's index.
	if _, _, ok := c.Lookup("Only Z"); ok {
		t.Error("Lookup(Only Z) found an image no file holds")
	}
	z, err := Parse("z.yml", []byte("---\nimages:\n  - name: Only Z\n"))
	if err != nil {
		t.Fatal(err)
	}
	c.Files = append(c.Files, z)
	if f, _, ok := c.Lookup("Only Z"); !ok || f.Path != "z.yml" {
		t.Errorf("Lookup(Only Z) after adding z.yml = %v, %v", f, ok)
	}
	built := &Catalog{Files: []*File{z}}
	if f, _, ok := built.Lookup("Only Z"); !ok || f != z {
		t.Errorf("Lookup(Only Z) in a catalog literal = %v, %v", f, ok)
	}
}

func TestLoadRefusesSymlinkOutOfTheCatalog(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"secret.yml": "images:\n  - name: Secret\n"})
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"in.yml": "images:\n  - name: In\n", "real/x.yml": "images:\n  - name: X\n"})
	if err := os.Symlink(filepath.Join(outside, "secret.yml"), filepath.Join(dir, "link.yml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/x.yml", filepath.Join(dir, "inside.yml")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.Lookup("Secret"); ok {
		t.Error("read a file outside the catalog directory through a symlink")
	}
	// Every symbolic link is refused, also one that stays inside: the bot
	// follows none in a repository it does not control (docs/operations.md).
	if len(c.Errors) != 2 || c.Errors[0].Path != "inside.yml" || c.Errors[1].Path != "link.yml" ||
		!errors.Is(c.Errors[1], ErrUnsafePath) {
		t.Errorf("errors %v, want inside.yml and link.yml refused", c.Errors)
	}
	if _, _, ok := c.Lookup("X"); !ok {
		t.Error("a file in the catalog is missing")
	}
}

func TestLoadIndentAndLineEndings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
		indent        int
		lines         []int
		entries       []string
	}{
		{"indent0", "images:\n- name: A\n  x: 1\n- name: B\n", 0, []int{2, 4}, []string{"- name: A\n  x: 1\n", "- name: B\n"}},
		{"indent4", "images:\n    - name: A\n    - name: B\n", 4, []int{2, 3}, []string{"    - name: A\n", "    - name: B\n"}},
		{"crlf", "images:\r\n  - name: A\r\n    x: 1\r\n\r\n  - name: B\r\n", 2, []int{2, 5}, []string{"  - name: A\r\n    x: 1\r\n", "  - name: B\r\n"}},
		{"dash alone", "images:\n  -\n    name: A\n  - # c\n    name: B\n", 2, []int{2, 4}, []string{"  -\n    name: A\n", "  - # c\n    name: B\n"}},
		{"anchors", "images:\n  - &a\n    name: A\n  - !!map\n    name: B\n", 2, []int{2, 4}, []string{"  - &a\n    name: A\n", "  - !!map\n    name: B\n"}},
		{"bom", "\uFEFFimages:\n  - name: A\n", 2, []int{2}, []string{"  - name: A\n"}},
		{"no final newline", "images:\n  - name: A\n  - name: B", 2, []int{2, 3}, []string{"  - name: A\n", "  - name: B"}},
		{"other key after", "images:\n  - name: A\n    x: 1\n\n# about other\nother: 1\n", 2, []int{2}, []string{"  - name: A\n    x: 1\n"}},
		{"document end", "images:\n  - name: A\n...\n# after the end\n", 2, []int{2}, []string{"  - name: A\n"}},
		{"flow", "images: [{name: A}, {name: B}]\n", 2, []int{1, 1}, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ferr := parseFile("f.yml", []byte(tc.content))
			if ferr != nil {
				t.Fatal(ferr)
			}
			if f.Indent != tc.indent {
				t.Errorf("indent %d, want %d", f.Indent, tc.indent)
			}
			for i, img := range f.Images {
				if img.Line != tc.lines[i] || string(f.Data[img.EntryStart:img.End]) != tc.entries[i] {
					t.Errorf("images[%d] on line %d is %q, want line %d %q", i, img.Line, f.Data[img.EntryStart:img.End], tc.lines[i], tc.entries[i])
				}
			}
		})
	}
}

func TestCommentsTravelWithTheItemBelow(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/fixtures/comments.yml")
	if f.p.conservative {
		t.Fatal("conservative spans for a file whose comments are plain")
	}
	heads := map[string]string{
		"Alpha": "  # Alpha is the oldest.\n  # Two lines of comment directly above.\n",
		"Beta":  "  # Beta: a comment directly above.\n",
		"Gamma": "",
	}
	for _, img := range f.Images {
		if got := string(f.Data[img.Start:img.EntryStart]); got != heads[img.Name] {
			t.Errorf("%s: head comments %q, want %q", img.Name, got, heads[img.Name])
		}
		if !bytes.HasSuffix(f.Data[:img.End], []byte("build_date: 2026-07-01\n")) {
			t.Errorf("%s: entry ends with %q", img.Name, f.Data[img.End-30:img.End])
		}
	}
	// What is left between entries belongs to no image.
	gap := string(f.Data[f.Images[0].End:f.Images[1].Start])
	if gap != "    # trailing comment inside Alpha\n\n" {
		t.Errorf("gap %q", gap)
	}
}

func TestBlockScalarCommentLinesStayWithTheirValue(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/fixtures/block-scalar.yml")
	if !f.p.conservative {
		t.Fatal("precise spans although a '# ...' line belongs to a block scalar")
	}
	a, b := f.Images[0], f.Images[1]
	if b.Start != b.EntryStart || a.End != b.EntryStart {
		t.Errorf("spans %+v %+v: the block scalar line must stay in Block A", a, b)
	}
	if !bytes.HasSuffix(f.Data[a.EntryStart:a.End], []byte("# not a comment: part of the description\n")) {
		t.Errorf("Block A ends with %q", f.Data[a.End-40:a.End])
	}
}

// FieldYAML: a version's other keys come back as one line of YAML that reads
// as the same value, under YAML 1.1 (PyYAML) as under yaml.v3.
func TestFieldYAML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ value, want string }{
		{"https://example.org/x.img", "https://example.org/x.img"},
		{"\n          https://example.org/folded.img", "https://example.org/folded.img"},
		{"'quoted'", "'quoted'"},
		{`"double"`, `"double"`},
		{"yes", "yes"},
		{"'yes'", "'yes'"},
		{"true", "true"},
		{"2026-07-05", "2026-07-05"},
		{"'2026-07-05'", "'2026-07-05'"},
		{"0755", "0755"},
		{"2026-07-05 10:20:30 +02:00", "2026-07-05 10:20:30 +02:00"},
		{"{when: 2026-07-05 10:20:30.5 -5, on: off, n: ~, x: 0x1F, t: 1:30, f: '1:30'}", "{when: !!timestamp '2026-07-05 10:20:30.5 -5', on: off, n: ~, x: 0x1F, t: !!int '1:30', f: '1:30'}"},
		{"20230402", "20230402"},
		{"1.5", "1.5"},
		{"", "null"},
		{"~", "~"},
		{"!!str 5", "!!str 5"},
		{"a, b", "a, b"},
		{"\n          x: a, b\n          y: 'c'", "{x: 'a, b', y: 'c'}"},
		{"|\n          line one\n          line two", `"line one\nline two\n"`},
		{">-\n          folded\n          text", `"folded text"`},
		{"plain # with a comment", "plain"},
		{"\n          os_distro: ubuntu\n          enable: yes\n          tags: [a, 'b']", "{os_distro: ubuntu, enable: yes, tags: [a, 'b']}"},
		{"[]", "[]"},
		{"{}", "{}"},
		{"*anchor", "{k: v}"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			src := "anchors: &anchor {k: v}\nimages:\n  - name: A\n    versions:\n      - version: '1'\n        extra: " + tc.value + "\n"
			f, ferr := parseFile("f.yml", []byte(src))
			if ferr != nil {
				t.Fatal(ferr)
			}
			extra := f.Images[0].Versions[0].Extra
			if len(extra) != 1 || extra[0].Key != "extra" || extra[0].YAML != tc.want {
				t.Fatalf("extra %+v, want %q", extra, tc.want)
			}
			// It reads back as the value it came from.
			orig := versionExtra(t, src)
			back := versionExtra(t, "anchors: &anchor {k: v}\nimages:\n  - name: A\n    versions:\n      - version: '1'\n        extra: "+extra[0].YAML+"\n")
			if got, want := pyDump(back), pyDump(orig); got != want {
				t.Errorf("reads back as %s, want %s", got, want)
			}
		})
	}
}

func versionExtra(t *testing.T, src string) *pyValue {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	v, err := loadPython(&doc)
	if err != nil {
		t.Fatal(err)
	}
	imgs, _ := v.get("images")
	vers, _ := imgs.items[0].get("versions")
	x, _ := vers.items[0].get("extra")
	return x
}

// pyDump writes a Python value with its type, for comparisons.
func pyDump(v *pyValue) string {
	switch v.kind {
	case pyList:
		var s []string
		for _, it := range v.items {
			s = append(s, pyDump(it))
		}
		return "[" + strings.Join(s, ", ") + "]"
	case pyMap:
		var s []string
		for i, k := range v.keys {
			s = append(s, pyDump(k)+": "+pyDump(v.vals[i]))
		}
		return "{" + strings.Join(s, ", ") + "}"
	case pyNull:
		return "None"
	case pyBool:
		if v.truth {
			return "True"
		}
		return "False"
	case pyInt:
		return "int(" + v.num.String() + ")"
	case pyStr:
		return fmt.Sprintf("str(%q)", v.text)
	}
	return fmt.Sprintf("%d(%s)", v.kind, v.text)
}
