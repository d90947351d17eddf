package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/golden"
)

// bumped is an image's own entry re-rendered for a new build: what the bot
// does to an image it manages.
func bumped(t *testing.T, f *File, name, version string) []byte {
	t.Helper()
	for _, img := range f.Images {
		if img.Name != name {
			continue
		}
		e, ok := ownEntry(f, img)
		if !ok {
			t.Fatalf("%s: cannot take the entry of %q", f.Path, name)
		}
		old := img.Versions[len(img.Versions)-1]
		s := strings.ReplaceAll(string(e), old.Version, version)
		s = strings.ReplaceAll(s, "build_date: "+old.BuildDate, "build_date: 2026-07-05")
		return []byte(s)
	}
	t.Fatalf("%s: no image %q", f.Path, name)
	return nil
}

func crlf(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }

func TestApplyGolden(t *testing.T) {
	t.Parallel()
	type tc struct {
		name string
		file string
		data []byte // instead of file
		edit func(f *File) Edit
	}
	cases := []tc{
		{name: "ubuntu-replace-first", file: "osism/ubuntu.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Ubuntu 14.04": bumped(t, f, "Ubuntu 14.04", "20260705")}}
		}},
		{name: "ubuntu-replace-middle", file: "osism/ubuntu.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Ubuntu 20.04": bumped(t, f, "Ubuntu 20.04", "20260705")}}
		}},
		{name: "ubuntu-replace-last", file: "osism/ubuntu.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Ubuntu 24.04 Minimal": bumped(t, f, "Ubuntu 24.04 Minimal", "20260705")}}
		}},
		{name: "ubuntu-replace-three-and-append", file: "osism/ubuntu.yml", edit: func(f *File) Edit {
			return Edit{
				Replace: map[string][]byte{
					"Ubuntu 22.04":         bumped(t, f, "Ubuntu 22.04", "20260705"),
					"Ubuntu 24.04":         bumped(t, f, "Ubuntu 24.04", "20260705"),
					"Ubuntu 24.04 Minimal": bumped(t, f, "Ubuntu 24.04 Minimal", "20260705"),
				},
				Append: [][]byte{entry("Ubuntu 26.04", "20260705"), entry("Ubuntu 26.04 Minimal", "20260705")},
			}
		}},
		{name: "cirros-replace-two-versions", file: "osism/cirros.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Cirros": bumped(t, f, "Cirros", "0.6.4")}}
		}},
		{name: "comments-replace-first", file: "fixtures/comments.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Alpha": entry("Alpha", "9")}}
		}},
		{name: "comments-replace-middle", file: "fixtures/comments.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Beta": entry("Beta", "9")}}
		}},
		{name: "comments-replace-last-and-append", file: "fixtures/comments.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Gamma": entry("Gamma", "9")}, Append: [][]byte{entry("Epsilon", "1"), entry("Zeta", "1")}}
		}},
		{name: "comments-crlf", data: crlf(readFixture(t, "fixtures/comments.yml")), edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Beta": entry("Beta", "9")}, Append: [][]byte{crlf(entry("Epsilon", "1"))}}
		}},
		{name: "indent0-replace-and-append", file: "fixtures/indent0.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Zero B": entry("Zero B", "9")}, Append: [][]byte{entry("Zero D", "1")}}
		}},
		{name: "no-final-newline-append", file: "fixtures/no-final-newline.yml", edit: func(f *File) Edit {
			return Edit{Append: [][]byte{entry("Last C", "1")}}
		}},
		{name: "no-final-newline-replace-last", file: "fixtures/no-final-newline.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Last B": entry("Last B", "9")}}
		}},
		{name: "flow-empty-append", file: "fixtures/flow-empty.yml", edit: func(f *File) Edit {
			return Edit{Append: [][]byte{entry("First", "1"), entry("Second", "1")}}
		}},
		{name: "flow-empty-crlf-append", data: crlf(readFixture(t, "fixtures/flow-empty.yml")), edit: func(f *File) Edit {
			return Edit{Append: [][]byte{entry("First", "1")}}
		}},
		{name: "block-scalar-replace-second", file: "fixtures/block-scalar.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Block B": entry("Block B", "9")}}
		}},
		{name: "block-scalar-replace-first-and-append", file: "fixtures/block-scalar.yml", edit: func(f *File) Edit {
			return Edit{Replace: map[string][]byte{"Block A": entry("Block A", "9")}, Append: [][]byte{entry("Block C", "1")}}
		}},
	}
	osism, err := filepath.Glob("testdata/osism/*.yml")
	if err != nil || len(osism) == 0 {
		t.Fatal("no osism files", err)
	}
	for _, p := range osism {
		base := strings.TrimSuffix(filepath.Base(p), ".yml")
		cases = append(cases, tc{name: base + "-append", file: "osism/" + filepath.Base(p), edit: func(f *File) Edit {
			return Edit{Append: [][]byte{entry("New "+base, "20260705")}}
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.data
			if data == nil {
				data = readFixture(t, c.file)
			}
			f, ferr := parseFile(c.name+".yml", data)
			if ferr != nil {
				t.Fatal(ferr)
			}
			e := c.edit(f)
			out, err := f.Apply(e)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f.Data, data) {
				t.Fatal("Apply modified File.Data")
			}
			golden.Assert(t, "testdata/golden/apply/"+c.name+".yml", out)
			checkEdited(t, f, e, out)
			if errs := Validate(c.name, out); len(errs) > 0 {
				t.Errorf("the edited file fails the schema: %v", errs)
			}
		})
	}
}

func readFixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkEdited checks an edit's result independently of Apply's own check:
// untouched images keep their exact bytes and comments, replaced ones read as
// their new entry, appended ones come last in order, and the line endings are
// the file's.
func checkEdited(t *testing.T, f *File, e Edit, out []byte) {
	t.Helper()
	g, ferr := parseFile(f.Path, out)
	if ferr != nil {
		t.Fatal(ferr)
	}
	want := names(f)
	for _, a := range e.Append {
		pe, err := prepareEntry(a, f.Indent, "\n")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, pe.name)
	}
	if got := names(g); !slices.Equal(got, want) {
		t.Fatalf("images %v, want %v", got, want)
	}
	for i, img := range f.Images {
		h := g.Images[i]
		if _, ok := e.Replace[img.Name]; ok {
			if got, old := string(g.Data[h.Start:h.EntryStart]), string(f.Data[img.Start:img.EntryStart]); got != old && !f.p.conservative {
				t.Errorf("%s: comments above changed from %q to %q", img.Name, old, got)
			}
			nl := "\n"
			if f.p.crlf {
				nl = "\r\n"
			}
			pe, err := prepareEntry(e.Replace[img.Name], f.Indent, nl)
			if err != nil {
				t.Fatal(err)
			}
			if got := g.Data[h.EntryStart:h.End]; !bytes.Equal(got, pe.text) && !f.p.conservative {
				t.Errorf("%s: entry reads\n%s\nwant\n%s", img.Name, got, pe.text)
			}
			continue
		}
		if got, old := g.Data[h.Start:h.End], f.Data[img.Start:img.End]; !bytes.Equal(got, old) && !bytes.Equal(got, append(slices.Clip(old), '\n')) {
			t.Errorf("%s: bytes changed:\n%s\nwant\n%s", img.Name, got, old)
		}
	}
	if f.p.crlf != bytes.Contains(out, []byte("\r\n")) || (f.p.crlf && bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n"))) {
		t.Error("line endings are mixed or changed")
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		t.Error("no final newline")
	}
	// Everything before the first edited image is as it was.
	first := len(f.Data)
	for i, img := range f.Images {
		if _, ok := e.Replace[img.Name]; ok {
			first = min(first, f.Images[i].EntryStart)
		}
	}
	if len(e.Append) > 0 && len(f.Images) > 0 {
		first = min(first, f.Images[len(f.Images)-1].End)
	}
	if len(f.Images) == 0 {
		first = bytes.IndexByte(f.Data, '[')
	}
	if !bytes.Equal(out[:first], f.Data[:first]) {
		t.Error("bytes before the first edit changed")
	}
}

func TestApplyOwnBytesIsANoOp(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob("testdata/osism/*.yml")
	fixtures, _ := filepath.Glob("testdata/fixtures/*.yml")
	for _, p := range append(paths, fixtures...) {
		data := readFixture(t, strings.TrimPrefix(p, "testdata/"))
		for _, d := range [][]byte{data, crlf(data)} {
			f, ferr := parseFile(filepath.Base(p), d)
			if ferr != nil {
				t.Fatal(ferr)
			}
			e := Edit{Replace: map[string][]byte{}}
			for _, img := range f.Images {
				if own, ok := ownEntry(f, img); ok {
					e.Replace[img.Name] = own
				}
			}
			if len(e.Replace) == 0 && !f.p.flow {
				t.Errorf("%s: no entry could be taken back", p)
			}
			if f.p.flow {
				continue
			}
			out, err := f.Apply(e)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if !bytes.Equal(out, d) {
				t.Errorf("%s: replacing every entry by its own bytes changed the file", p)
			}
		}
	}
}

func TestApplyNothing(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/osism/debian.yml")
	out, err := f.Apply(Edit{})
	if err != nil || !bytes.Equal(out, f.Data) {
		t.Fatalf("empty edit: %v", err)
	}
	out[0] = 'X'
	if f.Data[0] == 'X' {
		t.Error("Apply returned File.Data itself")
	}
}

func TestApplyRefuses(t *testing.T) {
	t.Parallel()
	twoItems := []byte("- name: Alpha\n- name: Beta\n")
	for _, tc := range []struct {
		name    string
		file    string
		data    string
		edit    Edit
		wantErr string
	}{
		{name: "unknown image", file: "osism/debian.yml", edit: Edit{Replace: map[string][]byte{"Debian 99": entry("Debian 99", "1")}},
			wantErr: `cannot replace "Debian 99": no such image`},
		{name: "renamed", file: "osism/debian.yml", edit: Edit{Replace: map[string][]byte{"Debian 12": entry("Debian 13", "1")}},
			wantErr: `entry for "Debian 12" is named "Debian 13"`},
		{name: "append existing", file: "osism/debian.yml", edit: Edit{Append: [][]byte{entry("Debian 12", "1")}},
			wantErr: `cannot append "Debian 12": the file already has an image of that name`},
		{name: "append twice", file: "osism/debian.yml", edit: Edit{Append: [][]byte{entry("Debian 14", "1"), entry("Debian 14", "2")}},
			wantErr: `cannot append "Debian 14"`},
		{name: "not an item", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("name: Debian 14\n")}},
			wantErr: `entry must start with "- " at column 0`},
		{name: "indented", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("  - name: Debian 14\n")}},
			wantErr: `entry must start with "- " at column 0`},
		{name: "two items", file: "osism/debian.yml", edit: Edit{Append: [][]byte{twoItems}},
			wantErr: "entry is not one YAML list item"},
		{name: "flow list", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- [a]\n")}},
			wantErr: "entry is not one YAML list item holding a mapping"},
		{name: "empty", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("\n \n")}},
			wantErr: "entry is empty"},
		{name: "ends with comment", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- name: X\n# bye\n")}},
			wantErr: "entry must not end with a comment line"},
		{name: "bad yaml", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- name: X\n  a: [\n")}},
			wantErr: "entry is not valid YAML"},
		{name: "no name", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- enable: true\n")}},
			wantErr: "entry has no name"},
		{name: "duplicate key", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- name: X\n  name: Y\n")}},
			wantErr: `duplicate key "name"`},
		{name: "carriage return", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- name: X\r  enable: true\n")}},
			wantErr: "line break other than"},
		{name: "second document", file: "osism/debian.yml", edit: Edit{Append: [][]byte{[]byte("- name: X\n---\n- name: Y\n")}},
			wantErr: "entry is not one YAML list item"},
		{name: "replace in flow list", file: "fixtures/flow.yml", edit: Edit{Replace: map[string][]byte{"Flow A": entry("Flow A", "2")}},
			wantErr: "written in flow style"},
		{name: "append to flow list", file: "fixtures/flow.yml", edit: Edit{Append: [][]byte{entry("Flow B", "1")}},
			wantErr: "cannot append to an images list written in flow style"},
		{name: "flow top level", data: "{images: []}\n", edit: Edit{Append: [][]byte{entry("A", "1")}},
			wantErr: "the top level is a flow mapping"},
		{name: "ambiguous name", data: "images:\n  - name: A\n  - name: A\n", edit: Edit{Replace: map[string][]byte{"A": entry("A", "1")}},
			wantErr: "more than one image of that name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			if tc.file != "" {
				data = readFixture(t, tc.file)
			}
			f, ferr := parseFile("f.yml", data)
			if ferr != nil {
				t.Fatal(ferr)
			}
			out, err := f.Apply(tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "edit f.yml: ") {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
			if out != nil {
				t.Error("returned bytes along with the error")
			}
		})
	}
	if _, err := (&File{Path: "x.yml"}).Apply(Edit{Append: [][]byte{entry("A", "1")}}); err == nil {
		t.Error("applied an edit to a File that Load did not read")
	}
}

// The bug guard: an edit whose result would change anything but the entries
// it writes is refused.
func TestApplyGuardRefusesChangesToNeighbours(t *testing.T) {
	t.Parallel()
	anchored := "images:\n  - name: A\n    meta: &m\n      os_distro: ubuntu\n  - name: B\n    meta: *m\n"
	for _, tc := range []struct {
		name, data string
		edit       Edit
		wantErr    string
	}{
		{
			// An entry ending in a block scalar's "# ..." line: in place,
			// it could no longer be told from a comment above B.
			name: "entry ends in a comment-like block scalar line", data: "images:\n  - name: A\n  - name: B\n",
			edit:    Edit{Replace: map[string][]byte{"A": []byte("- name: A\n  d: |\n    text\n    # more text\n")}},
			wantErr: "can no longer be told apart",
		},
		{
			// B reads its meta from an anchor in A; redefining it in A's
			// new entry would change B.
			name: "anchor redefined", data: anchored,
			edit:    Edit{Replace: map[string][]byte{"A": []byte("- name: A\n  meta: &m\n    os_distro: debian\n")}},
			wantErr: `images[1] ("B") reads differently`,
		},
		{
			name: "anchor removed", data: anchored,
			edit:    Edit{Replace: map[string][]byte{"A": []byte("- name: A\n  meta:\n    os_distro: debian\n")}},
			wantErr: "the result does not parse",
		},
		{
			// Not every "#" line is a comment; the guard must not refuse
			// what is fine.
			name: "harmless: a block scalar line that looks like a comment", data: "images:\n- name: A\n# about B\n- name: B\n",
			edit:    Edit{Replace: map[string][]byte{"A": []byte("- name: A\n  d: |\n    text\n    # more text\n  e: 1\n")}},
			wantErr: "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ferr := parseFile("f.yml", []byte(tc.data))
			if ferr != nil {
				t.Fatal(ferr)
			}
			out, err := f.Apply(tc.edit)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("refused a harmless edit: %v", err)
				}
				checkEdited(t, f, tc.edit, out)
				return
			}
			if err == nil || !strings.Contains(err.Error(), "refusing the edit") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want a refusal mentioning %q", err, tc.wantErr)
			}
		})
	}
}

// The guard itself, fed splices that went wrong: each corruption of an
// otherwise correct result must be caught.
func TestCheckCatchesCorruptedSplices(t *testing.T) {
	t.Parallel()
	f := loadFile(t, "testdata/fixtures/comments.yml")
	// The file gets a second top-level key to corrupt.
	data := append(slices.Clone(f.Data), "other: 1\n"...)
	f, ferr := parseFile("comments.yml", data)
	if ferr != nil {
		t.Fatal(ferr)
	}
	pe, err := prepareEntry(entry("Beta", "9"), f.Indent, "\n")
	if err != nil {
		t.Fatal(err)
	}
	out, wants := f.spliceBlock(map[int][]byte{1: pe.text}, nil, "\n")
	if err := f.check(out, wants); err != nil {
		t.Fatalf("the correct splice is refused: %v", err)
	}
	for _, tc := range []struct {
		name       string
		old, new   string
		n          int // which occurrence (0-based)
		wantErrSub string
	}{
		{"neighbour value", "https://example.org/gamma/3.img", "https://example.org/gamma/4.img", 0, `images[2] ("Gamma") reads differently`},
		{"neighbour grows", "  tags: []\n", "  tags: []\n    # sneaked in\n", 2, `images[2] ("Gamma") spans bytes`},
		{"comments above lost", "  # Beta: a comment directly above.\n", "", 0, `images[1] ("Beta") spans bytes`},
		{"blank line lost", "\n\n  # a comment separated", "\n  # a comment separated", 0, `images[2] ("Gamma") spans bytes`},
		{"other top-level key", "other: 1\n", "other: 2\n", 0, "the top level reads differently"},
		{"image dropped", "- name: Gamma", "- nam: Gamma", 0, "images[2] has no name"},
		{"renamed", "- name: Gamma", "- name: Gamme", 0, `images[2] is "Gamme", want "Gamma"`},
		{"list moved", "other: 1\n", "other:\n- name: Z\n", 0, "the top level reads differently"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := string(out)
			at := -1
			for i := 0; i <= tc.n; i++ {
				next := strings.Index(s[at+1:], tc.old)
				if next < 0 {
					t.Fatalf("%q not found %d times", tc.old, tc.n+1)
				}
				at += 1 + next
			}
			bad := s[:at] + tc.new + s[at+len(tc.old):]
			err := f.check([]byte(bad), wants)
			if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
				t.Errorf("got %v, want an error containing %q", err, tc.wantErrSub)
			}
		})
	}
}

func TestNewFile(t *testing.T) {
	t.Parallel()
	out := NewFile([][]byte{entry("One", "1"), crlf(entry("Two", "2"))})
	golden.Assert(t, "testdata/golden/newfile.yml", out)
	f, ferr := parseFile("new.yml", out)
	if ferr != nil {
		t.Fatal(ferr)
	}
	if got := names(f); !slices.Equal(got, []string{"One", "Two"}) || f.Indent != 2 {
		t.Errorf("images %v indent %d", got, f.Indent)
	}
	if errs := Validate("new.yml", out); len(errs) > 0 {
		t.Errorf("NewFile output fails the schema: %v", errs)
	}
}
