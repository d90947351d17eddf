package gitrepo_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/gitrepo"
)

// CommitFiles commits the given bytes without writing the work tree, so a
// stray file on disk is never staged and the clone is never written.
func TestCommitFilesLeavesTheWorkTreeAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	r := clone(t, s.FileURL(repoName))
	// A temporary file a killed run could have left: never staged.
	writeFile(t, r, "etc/images/.ubuntu.yml.tmp-0123456789abcdef", "half\n")
	before, err := os.ReadFile(filepath.Join(r.Dir(), filepath.FromSlash(catalog)))
	if err != nil {
		t.Fatal(err)
	}
	const content = "images:\n  - name: Ubuntu 24.04\n    new: true\n"
	_, _, err = r.CommitFiles(ctx, botBranch, []gitrepo.File{{Path: catalog, Data: []byte(content)}, {Path: "etc/images/new/x.yml", Data: []byte("x\n")}}, "Update\n", authorID, botID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, botBranch, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadFile(repoName, botBranch, catalog); err != nil || got != content {
		t.Errorf("pushed %q, %v; want %q", got, err, content)
	}
	if got, err := s.ReadFile(repoName, botBranch, "etc/images/new/x.yml"); err != nil || got != "x\n" {
		t.Errorf("pushed new file %q, %v", got, err)
	}
	files := s.Git(repoName, "ls-tree", "-r", "--name-only", botBranch)
	if strings.Contains(files, ".tmp-") {
		t.Errorf("a temporary file was committed:\n%s", files)
	}
	after, err := os.ReadFile(filepath.Join(r.Dir(), filepath.FromSlash(catalog)))
	if err != nil || string(after) != string(before) {
		t.Errorf("the work tree was written: %q, %v", after, err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "etc", "images", "new")); !os.IsNotExist(err) {
		t.Errorf("a directory was made in the work tree: %v", err)
	}

	// Nothing changed: ErrNothingToCommit, as Commit says.
	_, _, err = r.CommitFiles(ctx, botBranch, []gitrepo.File{{Path: catalog, Data: before}}, "Update\n", authorID, botID, t0)
	if err == nil || !strings.Contains(err.Error(), "nothing to commit") {
		t.Errorf("CommitFiles of base content = %v, want ErrNothingToCommit", err)
	}
}

// A symbolic link in the base tree is neither written through nor replaced.
func TestCommitFilesRefusesSymlinkInTheTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	s.Symlink(repoName, base, "etc/images", "../../outside", human)
	r := clone(t, s.FileURL(repoName))
	for _, p := range []string{"etc/images/ubuntu.yml", "etc/images"} {
		_, _, err := r.CommitFiles(ctx, botBranch, []gitrepo.File{{Path: p, Data: []byte("x\n")}}, "Update\n", authorID, botID, t0)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("CommitFiles(%s) = %v, want a refusal naming the symbolic link", p, err)
		}
	}
}
