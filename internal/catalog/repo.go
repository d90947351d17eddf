package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The catalog repository is someone else's: a symbolic link committed as
// etc/images, a FIFO named x.yml, or a --catalog-dir of ../.. must not make
// the bot read or write anything outside it, nor hang. Repo is the one door
// to the files: an os.Root at the repository root, the catalog directory
// checked component by component (no "..", no symbolic link, only
// directories), and only regular files opened (docs/operations.md).

// ErrUnsafePath marks a catalog directory or file the bot refuses to use:
// absolute, leaving the repository, or reached through a symbolic link.
var ErrUnsafePath = errors.New("unsafe path")

// ErrNotRegular marks a catalog path that is not a regular file (a FIFO, a
// device, a socket, a symbolic link).
var ErrNotRegular = errors.New("not a regular file")

// PathError is a refused path, relative to the repository root.
type PathError struct {
	Path string
	Err  error // wraps ErrUnsafePath or ErrNotRegular
}

func (e *PathError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *PathError) Unwrap() error { return e.Err }

// ConflictError says a catalog file is no longer the bytes the run read: an
// editor or another run changed it in between. Nothing was written.
type ConflictError struct{ Path string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s changed on disk since this run read it (another image-crawler run or an editor?): nothing was written; run again", e.Path)
}

// CheckDir checks a catalog directory as given by --catalog-dir: a relative
// slash path inside the repository. "" and "." are the repository root.
func CheckDir(dir string) error {
	if dir == "" || dir == "." {
		return nil
	}
	switch {
	case strings.HasPrefix(dir, "/") || path.IsAbs(dir) || strings.Contains(dir, `\`) || (len(dir) > 1 && dir[1] == ':'):
		return &PathError{Path: dir, Err: fmt.Errorf("%w: the catalog directory must be relative to the repository", ErrUnsafePath)}
	}
	for _, el := range strings.Split(dir, "/") {
		if el == ".." {
			return &PathError{Path: dir, Err: fmt.Errorf(`%w: the catalog directory leaves the repository ("..")`, ErrUnsafePath)}
		}
	}
	return nil
}

// Repo is a catalog repository opened at its root.
type Repo struct {
	root *os.Root
	dir  string // the catalog directory, clean, slash, relative; "." for the root
}

// OpenRepo opens the repository at repoRoot with the catalog in dir (see
// CheckDir). The repository root itself may be reached through a symbolic
// link: the operator named it.
func OpenRepo(repoRoot, dir string) (*Repo, error) {
	if err := CheckDir(dir); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(repoRoot)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	d := path.Clean("./" + dir)
	return &Repo{root: root, dir: d}, nil
}

// Close releases the repository root.
func (r *Repo) Close() error { return r.root.Close() }

// Dir is the catalog directory, relative to the repository root.
func (r *Repo) Dir() string { return r.dir }

// checkParents walks p's directories (p relative to the repository root)
// and refuses a symbolic link or a non-directory among them. With create,
// missing directories are made; without it, missing reports exists false.
func (r *Repo) checkParents(p string, create bool) (exists bool, err error) {
	if p == "." {
		return true, nil
	}
	cur := ""
	for _, el := range strings.Split(p, "/") {
		cur = path.Join(cur, el)
		fi, err := r.root.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist) && create:
			if err := r.root.Mkdir(cur, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return false, err
			}
			continue
		case errors.Is(err, fs.ErrNotExist):
			return false, nil
		case err != nil:
			return false, err
		case fi.Mode()&fs.ModeSymlink != 0:
			return false, &PathError{Path: cur, Err: fmt.Errorf("%w: a symbolic link; the bot follows none inside the repository", ErrUnsafePath)}
		case !fi.IsDir():
			return false, &PathError{Path: cur, Err: fmt.Errorf("%w: not a directory", ErrUnsafePath)}
		}
	}
	return true, nil
}

// Load reads the catalog as Load does, through the repository root: a
// catalog directory reached through a symbolic link is refused, a missing
// one is an empty catalog. A cancelled ctx stops it between files.
func (r *Repo) Load(ctx context.Context) (*Catalog, error) {
	exists, err := r.checkParents(r.dir, false)
	if err != nil {
		return nil, fmt.Errorf("open catalog directory: %w", err)
	}
	c := &Catalog{Dir: r.dir}
	if !exists {
		return c, nil
	}
	sub, err := r.root.OpenRoot(r.dir)
	if err != nil {
		return nil, fmt.Errorf("open catalog directory: %w", err)
	}
	defer sub.Close()
	return loadRoot(ctx, c, sub)
}

// current reads a catalog file (rel to the catalog directory) as it is now;
// nil, false when it does not exist.
func (r *Repo) current(rel string) ([]byte, bool, error) {
	p := path.Join(r.dir, rel)
	exists, err := r.checkParents(path.Dir(p), false)
	if err != nil || !exists {
		return nil, false, err
	}
	data, err := readEntry(r.root, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// Change is a catalog file to replace: rel to the catalog directory, the
// bytes the run read (nil and Created for a new file) and the new bytes.
type Change struct {
	Rel      string
	Old, New []byte
	Created  bool
}

// Replace writes the changes, each atomically (a temporary file next to it
// is written, synced and renamed over it, so a reader sees the old file or
// the new one and never half of one; an existing file keeps its mode; missing
// directories are made), after making
// sure every file is still the bytes the run read: if one is not, it
// returns a *ConflictError and writes nothing. The caller holds Lock, so no
// other run writes in between. written lists the files (relative to the
// repository root) in place when Replace returns, also on error.
func (r *Repo) Replace(changes []Change) (written []string, err error) {
	for _, ch := range changes {
		if err := checkRel(ch.Rel); err != nil {
			return nil, &PathError{Path: path.Join(r.dir, ch.Rel), Err: fmt.Errorf("%w: %v", ErrUnsafePath, err)}
		}
		p := path.Join(r.dir, ch.Rel)
		cur, exists, err := r.current(ch.Rel)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if exists == ch.Created || (exists && !bytes.Equal(cur, ch.Old)) {
			return nil, &ConflictError{Path: p}
		}
	}
	for _, ch := range changes {
		p := path.Join(r.dir, ch.Rel)
		if _, err := r.checkParents(path.Dir(p), true); err != nil {
			return written, fmt.Errorf("write %s: %w", p, err)
		}
		if err := writeIn(r.root, p, ch.New); err != nil {
			return written, fmt.Errorf("write %s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}

// tempName is what writeIn names its temporary files.
var tempName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\..+\.tmp-[0-9a-f]{16}$`) })

// CleanTemp removes the temporary files (.NAME.yml.tmp-*) a killed run left
// in the catalog directory, so no `git add -A` picks them up. Call it under
// Lock: a run that holds the lock may be writing one. It returns the files
// removed, relative to the repository root.
func (r *Repo) CleanTemp() ([]string, error) {
	exists, err := r.checkParents(r.dir, false)
	if err != nil || !exists {
		return nil, err
	}
	var removed []string
	err = fs.WalkDir(r.root.FS(), r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != r.dir && d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.Type().IsRegular() || !tempName().MatchString(d.Name()) {
			return nil
		}
		if err := r.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, p)
		return nil
	})
	return removed, err
}

// Lock takes the repository's write lock, waiting for another run that
// holds it until ctx ends. It is an advisory lock on the repository
// directory (flock), released by unlock or when the process ends, so a
// killed run never leaves it behind.
func (r *Repo) Lock(ctx context.Context) (unlock func(), err error) {
	f, err := r.root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("lock repository: %w", err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock repository: %w", err)
		}
		if ok {
			return func() { f.Close() }, nil
		}
		t := time.NewTimer(50 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("lock repository (another image-crawler run is writing it): %w", context.Cause(ctx))
		case <-t.C:
		}
	}
}

// readRegular reads name (relative to root) if it is a regular file, up to
// maxFileSize. It opens without blocking, so a FIFO cannot hang the run, and
// checks the opened file, not the name, so a swap in between is caught.
func readRegular(root *os.Root, name string) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%v)", ErrNotRegular, fi.Mode().Type())
	}
	return readMax(f)
}
