package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile replaces (or creates) rel in the catalog directory dir through
// Repo.Replace, as the bot writes.
func writeFile(dir, rel string, data []byte) error {
	r, err := OpenRepo(dir, ".")
	if err != nil {
		return err
	}
	defer r.Close()
	if err := checkRel(rel); err != nil {
		_, err := r.Replace([]Change{{Rel: rel, New: data, Created: true}})
		return err
	}
	old, exists, err := r.current(rel)
	if err != nil {
		return err
	}
	_, err = r.Replace([]Change{{Rel: rel, Old: old, New: data, Created: !exists}})
	return err
}

func TestReplaceWrites(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "etc", "images")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(dir, "ubuntu.yml", []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(dir, "vendor/extra/new.yml", []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{"ubuntu.yml": "one\n", "vendor/extra/new.yml": "two\n"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", rel, got, err)
		}
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want 0644", rel, fi.Mode(), err)
		}
	}

	// Overwriting keeps the file's mode.
	p := filepath.Join(dir, "ubuntu.yml")
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(dir, "ubuntu.yml", []byte("three\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "three\n" {
		t.Errorf("content %q", got)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode())
	}

	// No temporary file is left behind.
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("left behind %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReplaceRefusesEscapes(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "catalog")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	target := filepath.Join(outside, "target.yml")
	if err := os.WriteFile(target, []byte("untouched\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(outside, filepath.Join(dir, "linkdir")))                   // a directory link out
	must(os.Symlink(target, filepath.Join(dir, "linkfile.yml")))               // a file link out
	must(os.Symlink("../outside/target.yml", filepath.Join(dir, "rel.yml")))   // a relative link out
	must(os.Symlink("inside.yml", filepath.Join(dir, "inner-link.yml")))       // a link that stays inside
	must(os.WriteFile(filepath.Join(dir, "inside.yml"), []byte("x\n"), 0o644)) //
	must(os.Mkdir(filepath.Join(dir, "adir"), 0o755))

	for _, tc := range []struct{ rel, want string }{
		{"../x.yml", `leaves the catalog directory`},
		{"a/../../x.yml", `not clean`},
		{"..", `leaves the catalog directory`},
		{"/etc/x.yml", `not a relative slash path`},
		{filepath.Join(outside, "x.yml"), `not a relative slash path`},
		{"", `empty path`},
		{".", `empty path`},
		{"./x.yml", `not clean`},
		{"a//x.yml", `not clean`},
		{`a\x.yml`, `not a relative slash path`},
		{"linkdir/x.yml", `symbolic link`},
		{"linkdir/new/x.yml", `symbolic link`},
		{"linkfile.yml", `symbolic link`},
		{"rel.yml", `symbolic link`},
		{"inner-link.yml", `symbolic link`},
		{"adir", `not a regular file`},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			err := writeFile(dir, tc.rel, []byte("evil\n"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if got, _ := os.ReadFile(target); string(got) != "untouched\n" {
		t.Errorf("the file outside was written: %q", got)
	}
	entries, err := os.ReadDir(outside)
	if err != nil || len(entries) != 1 {
		t.Errorf("files appeared outside the catalog: %v %v", entries, err)
	}
	if _, err := os.Lstat(filepath.Join(base, "x.yml")); err == nil {
		t.Error("wrote next to the catalog directory")
	}
}
