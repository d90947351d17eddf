package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Load keeps no YAML tree of its files (it is most of a parsed file's
// memory): every edit of a loaded file parses its bytes again and must
// give exactly what the same edit of a freshly parsed file gives, errors
// included, and Entry reads the same without any tree.
func TestLoadedFilesEditAsParsedOnes(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"testdata/osism", "testdata/fixtures"} {
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Files) == 0 {
			t.Fatalf("%s: no files", dir)
		}
		for _, f := range c.Files {
			t.Run(dir+"/"+f.Path, func(t *testing.T) {
				if f.p != nil {
					t.Fatal("Load kept the file's YAML tree")
				}
				fresh, ferr := parseFile(f.Path, bytes.Clone(f.Data))
				if ferr != nil {
					t.Fatal(ferr)
				}
				for i, img := range f.Images {
					if got, want := f.Entry(img), fresh.Entry(fresh.Images[i]); got != want {
						t.Errorf("%s: Entry %+v, want %+v", img.Name, got, want)
					}
				}
				same := func(what string, got []byte, gotErr error, want []byte, wantErr error) {
					t.Helper()
					if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
						t.Fatalf("%s: error %v, want %v", what, gotErr, wantErr)
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("%s: the loaded file's edit differs from the parsed one's:\n%s\nwant:\n%s", what, got, want)
					}
				}
				appendOne := Edit{Append: [][]byte{entry("Released Tree Test", "20260705")}}
				got, gotErr := f.Apply(appendOne)
				want, wantErr := fresh.Apply(appendOne)
				same("Apply", got, gotErr, want, wantErr)
				if f.p == nil || f.p.conservative != fresh.p.conservative || f.p.flow != fresh.p.flow {
					t.Fatalf("parsed again as conservative=%v, want %v", f.p != nil && f.p.conservative, fresh.p.conservative)
				}
				if len(f.Images) == 0 {
					return
				}
				img, freshImg := f.Images[0], fresh.Images[0]
				if !(&nodeComparer{}).same(f.Node(img), fresh.Node(freshImg)) {
					t.Error("Node reads differently")
				}
				ve := VersionEdit{Image: img.Name, Add: []Item{nextItem(img, "20991231")}}
				got, gotErr = f.EditVersions(ve)
				want, wantErr = fresh.EditVersions(ve)
				same("EditVersions", got, gotErr, want, wantErr)
				got, gotErr = f.Disable(img.Name)
				want, wantErr = fresh.Disable(img.Name)
				same("Disable", got, gotErr, want, wantErr)
			})
		}
	}
}

// A file Load released is parsed again in the mode the first parse settled
// on, by whichever of its methods needs the tree first.
func TestReleasedFileParsesAgainByFirstUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"block-scalar.yml", "comments.yml"} {
		data, err := os.ReadFile(filepath.Join("testdata/fixtures", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		use  func(*File) error
	}{
		{"Node", func(f *File) error { f.Node(f.Images[0]); return nil }},
		{"Apply", func(f *File) error { _, err := f.Apply(Edit{}); return err }},
		{"EditVersions", func(f *File) error { _, err := f.EditVersions(); return err }},
		{"Disable", func(f *File) error { _, err := f.Disable(f.Images[0].Name); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range c.Files {
				if f.p != nil {
					t.Fatalf("%s: Load kept the tree", f.Path)
				}
				_ = tt.use(f) // Disable fails on entries without enable: true; the tree is read all the same
				if f.p == nil {
					t.Fatalf("%s: %s did not parse the file again", f.Path, tt.name)
				}
				if want := f.Path == "block-scalar.yml"; f.p.conservative != want {
					t.Errorf("%s: conservative spans %v, want %v", f.Path, f.p.conservative, want)
				}
			}
		})
	}
}

// Entry reads meta.os_distro and meta.os_version for the lifecycle check,
// as written, from block and flow mappings alike.
func TestEntryRelease(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, item        string
		distro, version   string
		enabled           bool
		arch, latestURL   string
		shortname, format string
		latestChecksumURL string
	}{
		{name: "block meta", item: "- name: A\n  meta:\n    os_distro: ubuntu\n    os_version: '24.04'\n", distro: "ubuntu", version: "24.04", enabled: true},
		{name: "flow meta", item: "- name: A\n  meta: {os_distro: debian, os_version: \"12\", architecture: aarch64}\n", distro: "debian", version: "12", enabled: true, arch: "aarch64"},
		{name: "no meta", item: "- name: A\n  enable: false\n", enabled: false},
		{name: "spaces trimmed", item: "- name: A\n  meta:\n    os_distro: ' centos '\n    os_version: \" 9 \"\n", distro: "centos", version: "9", enabled: true},
		{name: "meta not a mapping", item: "- name: A\n  meta: [os_distro]\n", enabled: true},
		{name: "the other fields", item: "- name: A\n  shortname: a \n  format: raw\n  latest_url: https://x/ \n  latest_checksum_url: https://x/SUMS\n  enable: no\n",
			shortname: "a", format: "raw", latestURL: "https://x/", latestChecksumURL: "https://x/SUMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("f.yml", []byte("images:\n"+tt.item))
			if err != nil {
				t.Fatal(err)
			}
			want := Entry{OSDistro: tt.distro, OSVersion: tt.version, Enabled: tt.enabled, Arch: tt.arch,
				LatestURL: tt.latestURL, LatestChecksumURL: tt.latestChecksumURL, Shortname: tt.shortname, Format: tt.format}
			if got := f.Entry(f.Images[0]); got != want {
				t.Errorf("Entry %+v, want %+v", got, want)
			}
		})
	}
	// Operators share meta blocks with anchors: an alias reads as its
	// anchor's value, for the whole block and for one value.
	f, err := Parse("f.yml", []byte("images:\n- name: A\n  meta: &m\n    os_distro: ubuntu\n    os_version: &v '24.04'\n- name: B\n  meta: *m\n- name: C\n  meta:\n    os_distro: ubuntu\n    os_version: *v\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range f.Images {
		if e := f.Entry(img); e.OSDistro != "ubuntu" || e.OSVersion != "24.04" {
			t.Errorf("%s: os_distro %q, os_version %q, want ubuntu 24.04", img.Name, e.OSDistro, e.OSVersion)
		}
	}
	// An image of no file reads as the image manager's defaults.
	f, err = Parse("f.yml", []byte("images:\n- name: A\n  enable: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Entry(&Image{Name: "A"}); got != (Entry{Enabled: true}) {
		t.Errorf("Entry of a foreign image %+v", got)
	}
}
