package bot

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/osism/image-crawler/internal/catalog"
)

// Preloaded is a local catalog and its schema, read in the background while
// the rest of the run starts (the sources file, the templates): reading the
// catalog is the largest part of the time before the first request, and
// nothing else needs to wait for it.
type Preloaded struct {
	root, catalogDir string

	done      chan struct{}
	skipped   bool // too large to read beside the sources (preloadMax)
	cat       *catalog.Catalog
	catErr    error
	schema    *catalog.Schema
	schemaErr error
}

// Preload starts reading the catalog of a local --catalog directory; a git
// URL is cloned first, so there is nothing to preload (nil). The run takes
// what Preload read when its workspace is that directory (Options.Preloaded),
// and reads the catalog itself otherwise.
func Preload(catalogLoc, catalogDir string) *Preloaded {
	if IsGitURL(catalogLoc) {
		return nil
	}
	if catalogLoc == "" {
		catalogLoc = "."
	}
	if catalogDir == "" {
		catalogDir = "etc/images"
	}
	p := &Preloaded{root: catalogLoc, catalogDir: catalogDir, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		if catalogBytes(filepath.Join(p.root, filepath.FromSlash(p.catalogDir))) > preloadMax {
			p.skipped = true
			return
		}
		// Not bound to the run's context, which does not exist yet; the
		// run stops waiting for it when its own context ends.
		p.cat, p.catErr, p.schema, p.schemaErr = readCatalog(context.Background(), p.root, p.catalogDir)
	}()
	return p
}

// preloadMax is the largest catalog Preload reads beside the sources file.
// A larger one is read after it, as without Preload: both parsed at once
// would hold twice the memory, and a catalog of thousands of entries gains
// nothing from being read a few milliseconds early. The image manager's own
// catalog is about 100 KB.
const preloadMax = 1 << 20

// catalogBytes is the size of the catalog files under dir, as far as it
// can tell; it stops counting past preloadMax.
func catalogBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || n > preloadMax {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yml", ".yaml":
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// loadCatalog is the catalog under root and its schema: the preloaded ones
// when they were read from the same place, else read now.
func (o *Options) loadCatalog(ctx context.Context, root string) (*catalog.Catalog, *catalog.Schema, error) {
	cat, catErr, schema, schemaErr := func() (*catalog.Catalog, error, *catalog.Schema, error) {
		if p := o.Preloaded; p != nil && p.root == root && p.catalogDir == o.CatalogDir {
			if <-p.done; !p.skipped {
				return p.cat, p.catErr, p.schema, p.schemaErr
			}
		}
		return readCatalog(ctx, root, o.CatalogDir)
	}()
	if catErr != nil {
		return nil, nil, fmt.Errorf("load catalog: %w", catErr)
	}
	if schemaErr != nil {
		return nil, nil, schemaErr
	}
	return cat, schema, nil
}

// readCatalog reads the catalog files and the schema side by side.
func readCatalog(ctx context.Context, root, catalogDir string) (cat *catalog.Catalog, catErr error, schema *catalog.Schema, schemaErr error) {
	var wg sync.WaitGroup
	wg.Go(func() { schema, schemaErr = loadSchema(root, catalogDir) })
	cat, catErr = loadCatalog(ctx, root, catalogDir)
	wg.Wait()
	return cat, catErr, schema, schemaErr
}
