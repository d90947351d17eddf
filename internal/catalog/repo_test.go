package catalog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckDirRefusesLeavingTheRepository(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir string
		ok  bool
	}{
		{"etc/images", true},
		{"", true},
		{".", true},
		{"catalog", true},
		{"../..", false},
		{"..", false},
		{"etc/../../x", false},
		{"/etc/images", false},
		{`etc\images`, false},
		{"C:/images", false},
	} {
		err := CheckDir(tc.dir)
		if (err == nil) != tc.ok {
			t.Errorf("CheckDir(%q) = %v, want ok %v", tc.dir, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsafePath) {
			t.Errorf("CheckDir(%q) = %v, want ErrUnsafePath", tc.dir, err)
		}
	}
}

// symlinkedRepo is a repository whose link (etc/images or etc) is a
// relative symbolic link to a directory outside it holding a catalog file.
func symlinkedRepo(t *testing.T, link string) (repo, outside string) {
	t.Helper()
	base := t.TempDir()
	repo, outside = filepath.Join(base, "repo"), filepath.Join(base, "outside")
	writeFiles(t, outside, map[string]string{"images/ubuntu.yml": "images:\n  - name: Outside\n"})
	target := "../outside" // etc -> outside, so etc/images is outside/images
	if link == "etc/images" {
		target = "../../outside/images"
	}
	p := filepath.Join(repo, filepath.FromSlash(link))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	return repo, outside
}

func TestRepoRefusesSymlinkOnTheWay(t *testing.T) {
	t.Parallel()
	for _, link := range []string{"etc/images", "etc"} {
		t.Run(link, func(t *testing.T) {
			t.Parallel()
			repo, outside := symlinkedRepo(t, link)
			r, err := OpenRepo(repo, "etc/images")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if c, err := r.Load(context.Background()); !errors.Is(err, ErrUnsafePath) {
				t.Errorf("Load through %s = %v, %v; want ErrUnsafePath", link, c, err)
			}
			written, err := r.Replace([]Change{{Rel: "ubuntu.yml", Old: []byte("images:\n  - name: Outside\n"), New: []byte("pwned\n")}})
			if !errors.Is(err, ErrUnsafePath) || len(written) > 0 {
				t.Errorf("Replace through %s = %v, %v; want ErrUnsafePath", link, written, err)
			}
			written, err = r.Replace([]Change{{Rel: "new.yml", New: []byte("pwned\n"), Created: true}})
			if !errors.Is(err, ErrUnsafePath) || len(written) > 0 {
				t.Errorf("Replace (new file) through %s = %v, %v; want ErrUnsafePath", link, written, err)
			}
			if _, err := r.CleanTemp(); !errors.Is(err, ErrUnsafePath) {
				t.Errorf("CleanTemp through %s = %v, want ErrUnsafePath", link, err)
			}
			got, err := os.ReadFile(filepath.Join(outside, "images", "ubuntu.yml"))
			if err != nil || string(got) != "images:\n  - name: Outside\n" {
				t.Errorf("outside file now %q, %v", got, err)
			}
			if _, err := os.Stat(filepath.Join(outside, "images", "new.yml")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a file was created outside the repository: %v", err)
			}
		})
	}
}

func TestRepoRefusesSymlinkedSubdirectory(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	writeFiles(t, repo, map[string]string{"etc/images/ubuntu.yml": "images:\n  - name: U\n"})
	if err := os.Symlink(base, filepath.Join(repo, "etc", "images", "vendor")); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Replace([]Change{{Rel: "vendor/x.yml", New: []byte("x\n"), Created: true}})
	if !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("Replace = %v, want ErrUnsafePath", err)
	}
	if _, err := os.Stat(filepath.Join(base, "x.yml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("wrote through the link: %v", err)
	}
}

func TestRepoMissingCatalogIsEmptyAndCreated(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	r, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := r.Load(context.Background())
	if err != nil || len(c.Files) != 0 {
		t.Fatalf("Load = %v, %v; want an empty catalog", c, err)
	}
	written, err := r.Replace([]Change{{Rel: "vendor/new.yml", New: []byte("images: []\n"), Created: true}})
	if err != nil || len(written) != 1 || written[0] != "etc/images/vendor/new.yml" {
		t.Fatalf("Replace = %v, %v", written, err)
	}
	got, err := os.ReadFile(filepath.Join(repo, "etc", "images", "vendor", "new.yml"))
	if err != nil || string(got) != "images: []\n" {
		t.Errorf("file %q, %v", got, err)
	}
}

func TestRepoReplaceComparesWhatWasRead(t *testing.T) {
	t.Parallel()
	const a, b = "images:\n  - name: A\n", "images:\n  - name: B\n"
	for _, tc := range []struct {
		name    string
		changes []Change
		edit    map[string]string // what happened on disk after the read
	}{
		{"file changed", []Change{{Rel: "a.yml", Old: []byte(a), New: []byte("new a\n")}, {Rel: "b.yml", Old: []byte(b), New: []byte("new b\n")}},
			map[string]string{"b.yml": b + "  - name: C\n"}},
		{"new file appeared", []Change{{Rel: "a.yml", Old: []byte(a), New: []byte("new a\n")}, {Rel: "c.yml", New: []byte("c\n"), Created: true}},
			map[string]string{"c.yml": "theirs\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			repo := t.TempDir()
			writeFiles(t, repo, map[string]string{"etc/images/a.yml": a, "etc/images/b.yml": b})
			writeFiles(t, filepath.Join(repo, "etc", "images"), tc.edit)
			r, err := OpenRepo(repo, "etc/images")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			written, err := r.Replace(tc.changes)
			var ce *ConflictError
			if !errors.As(err, &ce) || len(written) != 0 {
				t.Fatalf("Replace = %v, %v; want a ConflictError and nothing written", written, err)
			}
			// Nothing was written, not even the file that had not changed.
			if got, _ := os.ReadFile(filepath.Join(repo, "etc", "images", "a.yml")); string(got) != a {
				t.Errorf("a.yml now %q", got)
			}
		})
	}
}

func TestRepoLockExcludesAnotherHolder(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	r1, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	unlock, err := r1.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r2.Lock(ctx); err == nil {
		t.Fatal("a second Lock succeeded while the first was held")
	}
	unlock()
	unlock2, err := r2.Lock(context.Background())
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

func TestRepoCleanTemp(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"etc/images/ubuntu.yml":                       "images: []\n",
		"etc/images/.ubuntu.yml.tmp-0123456789abcdef": "half",
		"etc/images/sub/.x.yml.tmp-fedcba9876543210":  "half",
		"etc/images/.keep":                            "",
		"etc/images/.ubuntu.yml.tmp-mine":             "not ours",
		"etc/.ubuntu.yml.tmp-0123456789abcdef":        "outside the catalog directory",
	})
	r, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	removed, err := r.CleanTemp()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"etc/images/.ubuntu.yml.tmp-0123456789abcdef", "etc/images/sub/.x.yml.tmp-fedcba9876543210"}
	if len(removed) != len(want) || removed[0] != want[0] || removed[1] != want[1] {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for _, keep := range []string{"etc/images/ubuntu.yml", "etc/images/.keep", "etc/images/.ubuntu.yml.tmp-mine", "etc/.ubuntu.yml.tmp-0123456789abcdef"} {
		if _, err := os.Stat(filepath.Join(repo, keep)); err != nil {
			t.Errorf("%s: %v", keep, err)
		}
	}
}
