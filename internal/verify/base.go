package verify

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/osism/image-crawler/internal/catalog"
)

// BaseError says the base of the comparison could not be found in the local
// repository: a ref that is not there, or history a shallow clone lacks. It
// is a usage error (exit 2): nothing was checked, and a green check must
// never come from comparing with the wrong base.
type BaseError struct {
	Ref     string // the ref asked for, or the default branches tried
	Shallow bool   // the repository is a shallow clone
	Err     error
}

func (e *BaseError) Error() string {
	msg := fmt.Sprintf("base %s: %v", e.Ref, e.Err)
	if e.Shallow {
		msg += " (the repository is a shallow clone: fetch its history, e.g. actions/checkout with fetch-depth: 0)"
	}
	return msg
}

func (e *BaseError) Unwrap() error { return e.Err }

// defaultBases are the refs tried, in order, for the repository's default
// branch when no base is given: origin's HEAD (set by git clone), then the
// usual names.
var defaultBases = []string{"refs/remotes/origin/HEAD", "refs/remotes/origin/main", "refs/remotes/origin/master", "refs/heads/main", "refs/heads/master"}

// resolveBase returns the merge base of HEAD and ref (or, with ref "", the
// repository's default branch, defaultBranch first when set).
func resolveBase(repo *git.Repository, ref, defaultBranch string) (base *object.Commit, name string, err error) {
	shallow := false
	if s, serr := repo.Storer.Shallow(); serr == nil && len(s) > 0 {
		shallow = true
	}
	head, err := repo.Head()
	if err != nil {
		return nil, "", &BaseError{Ref: "HEAD", Shallow: shallow, Err: fmt.Errorf("no checked-out commit: %w", err)}
	}
	headCommit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil, "", &BaseError{Ref: "HEAD", Shallow: shallow, Err: err}
	}
	var hash *plumbing.Hash
	if ref != "" {
		name = ref
		hash, err = repo.ResolveRevision(plumbing.Revision(ref))
		if err != nil {
			return nil, "", &BaseError{Ref: ref, Shallow: shallow, Err: fmt.Errorf("not in the local repository (fetch it first): %w", err)}
		}
	} else {
		tried := defaultBases
		if defaultBranch != "" {
			tried = append([]string{"refs/remotes/origin/" + defaultBranch, "refs/heads/" + defaultBranch}, tried...)
		}
		for _, r := range tried {
			if h, rerr := repo.ResolveRevision(plumbing.Revision(r)); rerr == nil {
				hash, name = h, r
				break
			}
		}
		if hash == nil {
			return nil, "", &BaseError{Ref: "of the default branch", Shallow: shallow,
				Err: fmt.Errorf("none of %s is in the local repository: pass --base REF", strings.Join(tried, ", "))}
		}
	}
	baseCommit, err := repo.CommitObject(*hash)
	if err != nil {
		return nil, "", &BaseError{Ref: name, Shallow: shallow, Err: err}
	}
	bases, err := headCommit.MergeBase(baseCommit)
	if err != nil {
		return nil, "", &BaseError{Ref: name, Shallow: shallow, Err: fmt.Errorf("merge base with HEAD: %w", err)}
	}
	if len(bases) == 0 {
		return nil, "", &BaseError{Ref: name, Shallow: shallow, Err: errors.New("no common history with HEAD")}
	}
	return bases[0], name, nil
}

// baseCatalog reads the catalog files under dir (a slash path inside the
// repository) at commit c, as catalog.Load reads them from disk: *.yml and
// *.yaml, hidden ones left out. A file that does not parse is left out too:
// every item of its successor then counts as added. raw holds every file's
// bytes, parsed or not.
func baseCatalog(c *object.Commit, dir string) (files map[string]*catalog.File, raw map[string][]byte, err error) {
	files, raw = map[string]*catalog.File{}, map[string][]byte{}
	tree, err := c.Tree()
	if err != nil {
		return nil, nil, err
	}
	if dir != "" && dir != "." {
		tree, err = tree.Tree(dir)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return files, raw, nil
		}
		if err != nil {
			return nil, nil, err
		}
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		for _, seg := range strings.Split(f.Name, "/") {
			if strings.HasPrefix(seg, ".") {
				return nil
			}
		}
		switch strings.ToLower(path.Ext(f.Name)) {
		case ".yml", ".yaml":
		default:
			return nil
		}
		if !f.Mode.IsFile() {
			return nil
		}
		r, err := f.Reader()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(r, 8<<20))
		r.Close()
		if err != nil {
			return err
		}
		raw[f.Name] = data
		if cf, perr := catalog.Parse(f.Name, data); perr == nil {
			files[f.Name] = cf
		}
		return nil
	})
	return files, raw, err
}
