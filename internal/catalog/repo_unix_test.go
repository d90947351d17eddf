//go:build unix

package catalog

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO named like a catalog file would block open(2) for ever: Load
// reports it as a file error instead (a hang fails by the test timeout).
func TestLoadRefusesFIFO(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{"etc/images/ubuntu.yml": "images:\n  - name: U\n"})
	if err := syscall.Mkfifo(filepath.Join(repo, "etc", "images", "x.yml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, err := OpenRepo(repo, "etc/images")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for name, load := range map[string]func() (*Catalog, error){
		"Repo.Load": func() (*Catalog, error) { return r.Load(context.Background()) },
		"Load":      func() (*Catalog, error) { return Load(filepath.Join(repo, "etc", "images")) },
	} {
		c, err := load()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(c.Files) != 1 || len(c.Errors) != 1 || c.Errors[0].Path != "x.yml" || !errors.Is(c.Errors[0], ErrNotRegular) {
			t.Errorf("%s: files %d, errors %v; want x.yml refused as not a regular file", name, len(c.Files), c.Errors)
		}
	}
	// Replacing it is refused too, without blocking.
	if _, err := r.Replace([]Change{{Rel: "x.yml", Old: []byte(""), New: []byte("y\n")}}); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Replace of a FIFO = %v, want ErrNotRegular", err)
	}
}
