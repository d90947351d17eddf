package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/osism/image-crawler/internal/catalog"
)

// The three publishers behind one interface.
var (
	_ Publisher = DryRun{}
	_ Publisher = InPlace{}
	_ Publisher = (*Git)(nil)
)

func TestInPlace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		onDisk      string // the file's bytes when Publish runs; "" for none
		wantErr     bool
		wantWritten []string
		wantFile    string
	}{
		{"as the run read it", baseCatalog, false, []string{catalogFile}, catalogAt("20260705")},
		{"changed since the run read it", "someone else's edit\n", true, nil, "someone else's edit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			path := filepath.Join(root, filepath.FromSlash(catalogFile))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.onDisk), 0o644); err != nil {
				t.Fatal(err)
			}
			p := proposal("20260705")
			err := InPlace{Root: root, CatalogDir: "etc/images"}.Publish(context.Background(), p)
			var conflict *catalog.ConflictError
			if tt.wantErr != (err != nil) || (err != nil && !errors.As(err, &conflict)) {
				t.Fatalf("Publish: %v, want a conflict: %v", err, tt.wantErr)
			}
			if len(p.Report.Written) != len(tt.wantWritten) || (len(tt.wantWritten) > 0 && p.Report.Written[0] != tt.wantWritten[0]) {
				t.Errorf("written %q, want %q", p.Report.Written, tt.wantWritten)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.wantFile {
				t.Errorf("file holds %q, want %q", got, tt.wantFile)
			}
		})
	}
}
