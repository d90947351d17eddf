// Package catalog reads and edits the image catalog files of
// osism/openstack-image-manager (etc/images/*.yml), the database image-crawler
// keeps current.
//
// The files are written by people as much as by the bot, so an edit must not
// disturb anything it was not asked to change: Load keeps every file's original
// bytes and records where each image entry lies in them, and File.Apply splices
// new entries into those bytes, then parses the result again and refuses it if
// anything besides the requested entries moved. File.EditVersions changes only
// the versions lists of images a file already holds, writing new items in the
// style of the existing ones, and checks its work the same way. Validate
// checks a file against the image manager's own schema rules
// (etc/schema.yaml), as the image manager (PyYAML and yamale) would.
package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/osism/image-crawler/internal/problem"
)

// Catalog is every catalog file found under Dir.
type Catalog struct {
	Dir    string
	Files  []*File      // sorted by Path
	Errors []*FileError // files that did not parse (never to be rewritten), and duplicate image names

	// byName indexes the images Load found, the first of a name in file
	// order, so a run's lookup of every image is not quadratic; indexed
	// is len(Files) when it was built (Lookup scans a catalog built or
	// changed otherwise).
	byName  map[string]imageAt
	indexed int
}

type imageAt struct {
	file *File
	img  *Image
}

// File is one catalog file.
type File struct {
	Path   string // slash path relative to the catalog directory, e.g. "ubuntu.yml"
	Data   []byte // the original bytes; never modified
	Images []*Image
	// Indent is the column of the "- " of the image items (2 in the osism
	// files). Apply indents new entries by it.
	Indent int

	// entries are what Entry reads of each of Images, read when the file
	// was parsed, so that reading them needs no YAML tree.
	entries []Entry

	// mu guards p once Load released it: the tree is read again, from
	// Data, by the first edit (or Node) that needs it.
	mu sync.Mutex
	p  *parsed // what Apply needs to edit Data and check its own work
	// released: Load dropped p (see release); tree parses Data again.
	released bool
	// conservative is p.conservative, kept when p is released, so that
	// parsing again finds the same spans without checking them again.
	conservative bool
}

// Image is one item of a file's images list.
//
// Data[Start:EntryStart] are the comment lines directly above the item (no
// blank line between); they travel with the item and are kept when it is
// replaced. Data[EntryStart:End] is the entry itself, from the start of the
// line holding its "- " to the end of its last line. Blank lines and comments
// after an entry that are not directly above the next one belong to no image
// and are never touched. Spans are ordered and never overlap. When the images
// list is written in flow style ("images: [...]") its items have no spans:
// Start, EntryStart and End are 0.
type Image struct {
	Name                   string
	Line                   int // 1-based line of the item's "- "
	Start, EntryStart, End int
	Versions               []Version // in file order
}

// Version is one item of an image's versions list. Values are the scalars as
// written, without quotes: a version written 20230402 (unquoted) reads
// "20230402". A key that is missing or not a scalar reads "".
type Version struct {
	Version   string
	URL       string
	Checksum  string // "sha256:<hex>" as written
	BuildDate string // "2026-07-05" (or a timestamp) as written
	Line      int    // 1-based
	Extra     []Field
}

// Field is any other key of a version (mirror_url, id, hidden, meta, ...).
// YAML is its value as a single-line YAML flow value that the image manager
// (PyYAML, YAML 1.1) reads back as the same value: plain scalars stay plain,
// so a date stays a date and yes stays a bool; quoted ones stay quoted; block
// scalars become double-quoted strings; mappings and lists are written in
// flow style, where a timestamp or base-60 number, whose ":" must be quoted
// there, keeps its type through an explicit tag (!!timestamp '...').
type Field struct {
	Key  string
	YAML string
}

// FileError is a problem at a place in a catalog file.
type FileError struct {
	Path string
	Line int // 1-based; 0 when the problem has no single line
	Err  error
}

func (e *FileError) Error() string { return e.Problem().String() }

// Problem is the error's place and message, for output that shows them
// apart (an annotation on the line).
func (e *FileError) Problem() problem.Problem {
	return problem.Problem{File: e.Path, Line: e.Line, Message: e.Err.Error()}
}

func (e *FileError) Unwrap() error { return e.Err }

// Load reads every *.yml and *.yaml file under dir, in subdirectories too,
// but not hidden files and directories (.yamllint.yml, .git). A missing dir is an empty catalog:
// a new catalog repository has none yet. Files are read through an os.Root,
// so a symbolic link cannot make Load read outside dir.
//
// A file that does not parse, or whose top level has no images list, goes to
// Errors with its file:line and not to Files. A name used by more than one
// image (in one file or across files) is reported in Errors at every
// occurrence after the first; Lookup returns the first.
func Load(dir string) (*Catalog, error) {
	c := &Catalog{Dir: dir}
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open catalog directory: %w", err)
	}
	defer root.Close()
	return loadRoot(context.Background(), c, root)
}

// loadRoot fills c with the catalog files under root. Only regular files
// are read: a symbolic link or a FIFO named like a catalog file is an error
// of that file, never followed or opened (see Repo).
func loadRoot(ctx context.Context, c *Catalog, root *os.Root) (*Catalog, error) {
	fsys := root.FS()
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := p != "." && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return fs.SkipDir
		case d.IsDir(), hidden:
			return nil
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".yml", ".yaml":
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list catalog directory %s: %w", c.Dir, err)
	}
	slices.Sort(names)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	// Files parse independently, so they parse in parallel: loading the
	// catalog is on the way to a run's first request. The result keeps the
	// order of names.
	files := make([]*File, len(names))
	errs := make([]*FileError, len(names))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil
			}
			data, err := readEntry(root, name)
			if err != nil {
				errs[i] = &FileError{Path: name, Err: err}
				return nil
			}
			files[i], errs[i] = parseFile(name, data)
			if files[i] != nil {
				files[i].release()
			}
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	for i := range names {
		if errs[i] != nil {
			c.Errors = append(c.Errors, errs[i])
			continue
		}
		c.Files = append(c.Files, files[i])
	}
	c.byName, c.indexed = make(map[string]imageAt), len(c.Files)
	for _, f := range c.Files {
		for _, img := range f.Images {
			if _, dup := c.byName[img.Name]; !dup {
				c.byName[img.Name] = imageAt{f, img}
			}
		}
	}
	c.Errors = append(c.Errors, duplicateNames(c.Files)...)
	slices.SortStableFunc(c.Errors, func(a, b *FileError) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
	})
	return c, nil
}

// readEntry reads a catalog file found by the walk; a symbolic link is
// refused by name rather than followed.
func readEntry(root *os.Root, name string) ([]byte, error) {
	fi, err := root.Lstat(name)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%w: a symbolic link; the bot follows none inside the repository", ErrUnsafePath)
	}
	return readRegular(root, name)
}

// maxFileSize bounds what Load reads into memory; the largest osism catalog
// file is about 13 KiB.
const maxFileSize = 8 << 20

// readCapped reads name from fsys if it is a regular file, up to
// maxFileSize. Stat comes first so that a FIFO is never opened (opening one
// waits for a writer); catalog files are read with readRegular, which also
// checks the opened file.
func readCapped(fsys fs.FS, name string) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%v)", ErrNotRegular, fi.Mode().Type())
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readMax(f)
}

// readMax reads r up to maxFileSize: more is no catalog file.
func readMax(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB; not a catalog file", maxFileSize>>20)
	}
	return data, nil
}

func duplicateNames(files []*File) []*FileError {
	type place struct {
		path string
		line int
	}
	first := map[string]place{}
	var errs []*FileError
	for _, f := range files {
		for _, img := range f.Images {
			if p, ok := first[img.Name]; ok {
				errs = append(errs, &FileError{Path: f.Path, Line: img.Line,
					Err: fmt.Errorf("duplicate image name %q (first at %s:%d)", img.Name, p.path, p.line)})
				continue
			}
			first[img.Name] = place{f.Path, img.Line}
		}
	}
	return errs
}

// Lookup finds the image with this name. With duplicate names (see Errors) it
// returns the first in file order.
func (c *Catalog) Lookup(name string) (*File, *Image, bool) {
	if c.byName != nil && c.indexed == len(c.Files) {
		at, ok := c.byName[name]
		return at.file, at.img, ok
	}
	for _, f := range c.Files {
		for _, img := range f.Images {
			if img.Name == name {
				return f, img, true
			}
		}
	}
	return nil, nil, false
}

// Validate checks every file of the catalog with Validate.
func (c *Catalog) Validate() []error {
	var errs []error
	for _, f := range c.Files {
		errs = append(errs, Validate(f.Path, f.Data)...)
	}
	return errs
}
