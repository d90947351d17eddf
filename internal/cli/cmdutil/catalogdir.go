package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/osism/image-crawler/internal/catalog"
)

// CatalogDir drops the trailing slashes of --catalog-dir but keeps a
// leading one, so an absolute directory reaches bot's check and is refused
// rather than quietly made relative (docs/operations.md).
func CatalogDir(s string) string {
	if strings.HasPrefix(s, "/") {
		return s
	}
	return strings.TrimRight(s, "/")
}

// LoadCatalog loads the catalog for validate as run and crawl do: through
// one os.Root at the repository, refusing a --catalog-dir outside it and
// any symbolic link on the way (docs/operations.md).
func LoadCatalog(ctx context.Context, repo, dir string) (*catalog.Catalog, error) {
	dir = CatalogDir(dir)
	if err := catalog.CheckDir(dir); err != nil {
		return nil, fmt.Errorf("--catalog-dir: %w", err)
	}
	r, err := catalog.OpenRepo(repo, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &catalog.Catalog{Dir: dir}, nil // no repository: no catalog file, which validate reports
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Load(ctx)
}
