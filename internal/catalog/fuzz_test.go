package catalog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// seed adds every catalog file of the test data, real and made up.
func seed(f *testing.F) {
	paths, err := filepath.Glob("testdata/*/*.yml")
	if err != nil || len(paths) == 0 {
		f.Fatal("no seed files", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(crlf(data))
	}
	for _, s := range []string{
		"images:\n- name: A\n  d: |\n    # x\n# y\n- name: B\n",
		"images:\n  - &a\n    name: A\n  - <<: *a\n    name: B\n",
		"\uFEFFimages:\r  - name: A\r  - name: B",
		"images: [] # c\nother: 1\n",
		"images:\n  - name: \"multi\n line\"\n  - name: B\n...\n",
		"images:\n  -\n    # c\n    name: A\n\n\n  # c\n  - name: B\n    x: !!str 1\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzLoad: any bytes either load, with spans in bounds and in order, or give
// a FileError; Validate never panics either.
func FuzzLoad(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, err := range Validate("f.yml", data) {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != "f.yml" {
				t.Fatalf("Validate returned %T %v", err, err)
			}
		}
		file, ferr := parseFile("f.yml", data)
		if ferr != nil {
			if ferr.Path != "f.yml" || ferr.Err == nil {
				t.Fatalf("bad FileError %#v", ferr)
			}
			return
		}
		prev := 0
		for i, img := range file.Images {
			if img.Name == "" {
				t.Fatalf("images[%d] has no name", i)
			}
			if file.p.flow {
				if img.Start != 0 || img.EntryStart != 0 || img.End != 0 {
					t.Fatalf("flow item with a span %+v", img)
				}
				continue
			}
			if img.Start < prev || img.EntryStart < img.Start || img.End <= img.EntryStart || img.End > len(data) {
				t.Fatalf("images[%d] span %d-%d-%d after %d in %d bytes", i, img.Start, img.EntryStart, img.End, prev, len(data))
			}
			prev = img.End
			dash := data[img.EntryStart:]
			if len(dash) <= file.Indent || dash[file.Indent] != '-' || len(bytes.Trim(dash[:file.Indent], " ")) != 0 {
				t.Fatalf("images[%d] span does not start with its dash: %q", i, dash[:min(len(dash), 20)])
			}
			if got := file.p.lines.lineAt(img.EntryStart); got != img.Line {
				t.Fatalf("images[%d] on line %d, span starts on line %d", i, img.Line, got)
			}
		}
	})
}

// FuzzApply: replacing entries by their own bytes is a no-op, and appending
// an entry leaves every other image's bytes alone (or is refused).
func FuzzApply(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, ferr := parseFile("f.yml", data)
		if ferr != nil || file.p.flow {
			return
		}
		nl := "\n"
		if file.p.crlf {
			nl = "\r\n"
		}
		e := Edit{Replace: map[string][]byte{}}
		seen := map[string]int{}
		for _, img := range file.Images {
			seen[img.Name]++
		}
		for _, img := range file.Images {
			own, ok := ownEntry(file, img)
			if !ok || seen[img.Name] > 1 {
				continue
			}
			if _, err := prepareEntry(own, file.Indent, nl); err != nil {
				continue // the entry does not read on its own (an alias to another item, say)
			}
			e.Replace[img.Name] = own
		}
		// Entries are written with the file's line break (that of its first
		// line). In a file that mixes breaks, an entry written with the other
		// one comes back converted: only the entry being replaced changes,
		// so the no-op property holds for files with one kind of break.
		if len(e.Replace) > 0 && consistentBreaks(data) {
			out, err := file.Apply(e)
			if err != nil {
				t.Fatalf("replacing entries by their own bytes: %v", err)
			}
			if !bytes.Equal(out, data) {
				t.Fatalf("replacing entries by their own bytes changed the file:\n%q\n%q", data, out)
			}
		}

		if seen["Fuzz Appended"] > 0 {
			return
		}
		out, err := file.Apply(Edit{Append: [][]byte{entry("Fuzz Appended", "1")}})
		if err != nil {
			return // refused; nothing to check
		}
		g, gerr := parseFile("f.yml", out)
		if gerr != nil || len(g.Images) != len(file.Images)+1 || g.Images[len(file.Images)].Name != "Fuzz Appended" {
			t.Fatalf("append gave a file that reads wrong: %v", gerr)
		}
		for i, img := range file.Images {
			h := g.Images[i]
			old, got := data[img.Start:img.End], out[h.Start:h.End]
			if !bytes.Equal(got, old) && !bytes.Equal(got, append(bytes.Clone(old), nl...)) {
				t.Fatalf("append changed images[%d]: %q -> %q", i, old, got)
			}
		}
	})
}

// FuzzFieldYAML: a version's extra value, written on one line, reads back in
// PyYAML's view as the value it came from.
func FuzzFieldYAML(f *testing.F) {
	for _, s := range []string{"https://example.org/x", "'q'", "yes", "2026-07-05", "0755", "1:30", "", "|\n  a\n  b",
		"{when: 2026-07-05 10:20:30.5 -5, on: off, n: ~, x: 0x1F, t: 1:30}", "[a, 'b', {c: [d]}]", "!!str 5", "\"a\\tb\"",
		"&x [1, *x]", ">-\n  folded\n  text", "\n  k: v\n  l: [1, 2]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		src := "k: " + value + "\n"
		docs, err := decodeDocuments([]byte(src))
		if err != nil || len(docs) != 1 || len(docs[0].Content) != 1 || docs[0].Content[0].Kind != yaml.MappingNode || len(docs[0].Content[0].Content) != 2 {
			return
		}
		orig, err := loadPython(docs[0])
		if err != nil {
			return // PyYAML would not load it either
		}
		line, err := flowYAML(docs[0].Content[0].Content[1])
		if err != nil {
			return
		}
		if strings.ContainsAny(line, "\r\n\u0085\u2028\u2029") {
			t.Fatalf("%q is not one line", line)
		}
		back, err := decodeDocuments([]byte("k: " + line + "\n"))
		if err != nil || len(back) != 1 {
			t.Fatalf("%q does not parse: %v", line, err)
		}
		v, err := loadPython(back[0])
		if err != nil {
			t.Fatalf("%q does not load: %v", line, err)
		}
		x, _ := orig.get("k")
		y, _ := v.get("k")
		if x == nil || y == nil || pyDump(x) != pyDump(y) {
			t.Fatalf("%q (from %q) reads differently", line, value)
		}
	})
}

// consistentBreaks reports whether data uses one kind of line break only.
func consistentBreaks(data []byte) bool {
	crlf := bytes.Count(data, []byte("\r\n"))
	cr := bytes.Count(data, []byte("\r")) - crlf
	lf := bytes.Count(data, []byte("\n")) - crlf
	kinds := 0
	for _, n := range []int{crlf, cr, lf} {
		if n > 0 {
			kinds++
		}
	}
	return kinds <= 1
}
