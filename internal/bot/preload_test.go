package bot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCatalog(t *testing.T, root, name string) {
	t.Helper()
	dir := filepath.Join(root, "etc", "images")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data := "---\nimages:\n  - name: " + name + "\n    format: qcow2\n"
	if err := os.WriteFile(filepath.Join(dir, "test.yml"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, o *Options, root string) string {
	t.Helper()
	cat, schema, err := o.loadCatalog(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if schema == nil {
		t.Fatal("no schema")
	}
	var out []string
	for _, f := range cat.Files {
		for _, img := range f.Images {
			out = append(out, img.Name)
		}
	}
	return strings.Join(out, ",")
}

// The run takes the catalog Preload read for its own directory, and reads
// any other itself.
func TestPreload(t *testing.T) {
	root, other := t.TempDir(), t.TempDir()
	writeCatalog(t, root, "Before")
	writeCatalog(t, other, "Other")
	p := Preload(root, "etc/images")
	<-p.done
	// Changed after the preload: the run must see what was preloaded,
	// which proves it did not read the directory again.
	writeCatalog(t, root, "After")
	o := &Options{CatalogDir: "etc/images", Preloaded: p}
	if got := names(t, o, root); got != "Before" {
		t.Errorf("catalog of the preloaded directory: %q, want the preloaded Before", got)
	}
	if got := names(t, o, other); got != "Other" {
		t.Errorf("catalog of another directory: %q, want Other", got)
	}
	o.CatalogDir = "elsewhere"
	if got := names(t, o, root); got != "" {
		t.Errorf("catalog of another catalog dir: %q, want none", got)
	}
	if got := names(t, &Options{CatalogDir: "etc/images"}, root); got != "After" {
		t.Errorf("catalog without a preload: %q, want After", got)
	}
	if Preload("https://example.org/catalog.git", "etc/images") != nil {
		t.Error("Preload of a git URL is not nil")
	}
}

// A catalog that fails to load fails the run as it did without a preload.
func TestPreloadError(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A file where the catalog directory should be.
	if err := os.WriteFile(filepath.Join(root, "etc", "images"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := Preload(root, "etc/images")
	_, _, errPre := (&Options{CatalogDir: "etc/images", Preloaded: p}).loadCatalog(context.Background(), root)
	_, _, errNow := (&Options{CatalogDir: "etc/images"}).loadCatalog(context.Background(), root)
	if errPre == nil || errNow == nil || errPre.Error() != errNow.Error() || !strings.HasPrefix(errPre.Error(), "load catalog: ") {
		t.Fatalf("preloaded: %v; read now: %v; want the same load catalog error", errPre, errNow)
	}
}

// A catalog too large to hold beside the sources file is read by the run
// itself, after them.
func TestPreloadSkipsALargeCatalog(t *testing.T) {
	root := t.TempDir()
	writeCatalog(t, root, "Before")
	big := append([]byte("# padding\n"), bytes.Repeat([]byte("#\n"), preloadMax/2+1)...)
	if err := os.WriteFile(filepath.Join(root, "etc", "images", "big.yml"), append(big, "---\nimages:\n  - name: Big\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	p := Preload(root, "etc/images")
	<-p.done
	if !p.skipped || p.cat != nil {
		t.Fatalf("a catalog of more than %d bytes was preloaded", preloadMax)
	}
	writeCatalog(t, root, "After")
	if got := names(t, &Options{CatalogDir: "etc/images", Preloaded: p}, root); got != "Big,After" {
		t.Errorf("catalog = %q, want it read now: Big,After", got)
	}
}
