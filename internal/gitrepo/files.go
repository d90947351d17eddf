package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// File is a file's new content for CommitFiles, at a slash path relative to
// the repository root.
type File struct {
	Path string
	Data []byte
}

// CommitFiles is Commit with the files' content given rather than read from
// the work tree: each becomes a blob and an index entry, and the work tree
// is never written. So a catalog repository that commits a symbolic link
// cannot lead the bot's writes out of the clone, a dry run writes no file
// at all, and nothing else on disk (a stray temporary file) can be staged.
//
// A path whose own place or a parent directory is a symbolic link (or any
// non-directory) in the base tree is refused.
func (r *Repo) CommitFiles(ctx context.Context, branch string, files []File, msg string, author, committer Identity, when time.Time) (commit, tree string, err error) {
	data := make(map[string][]byte, len(files))
	paths := make([]string, 0, len(files))
	for _, f := range files {
		p := filepath.ToSlash(filepath.Clean(filepath.FromSlash(f.Path)))
		if _, dup := data[p]; dup {
			return "", "", r.scrub(fmt.Errorf("commit to branch %s: %s given twice", branch, p))
		}
		data[p] = f.Data
		paths = append(paths, p)
	}
	return r.commit(ctx, branch, paths, msg, author, committer, when, func(_ *git.Worktree, p string) error {
		return r.stageBlob(p, data[p])
	})
}

// stageBlob stores data as a blob and points p's index entry at it.
func (r *Repo) stageBlob(p string, data []byte) error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return err
	}
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if e, err := idx.Entry(dir); err == nil {
			return fmt.Errorf("%s is a %s in the base tree, not a directory: refusing to write below it", dir, describeMode(e.Mode))
		}
	}
	e, err := idx.Entry(p)
	switch {
	case errors.Is(err, index.ErrEntryNotFound):
		if hasEntryBelow(idx, p) {
			return fmt.Errorf("%s is a directory in the base tree", p)
		}
		e = idx.Add(p)
		e.Mode = filemode.Regular
	case err != nil:
		return err
	case e.Mode != filemode.Regular && e.Mode != filemode.Executable:
		return fmt.Errorf("%s is a %s in the base tree, not a file: refusing to replace it", p, describeMode(e.Mode))
	}
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return err
	}
	e.Hash = h
	e.Size = uint32(len(data))
	e.ModifiedAt = time.Time{}
	return r.repo.Storer.SetIndex(idx)
}

func hasEntryBelow(idx *index.Index, dir string) bool {
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, dir+"/") {
			return true
		}
	}
	return false
}

func describeMode(m filemode.FileMode) string {
	switch m {
	case filemode.Symlink:
		return "symbolic link"
	case filemode.Submodule:
		return "submodule"
	case filemode.Dir:
		return "directory"
	}
	return "file"
}
