package github_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/forge/github"
	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

// gitEnv is a fake GitHub whose git data API writes into a real bare
// repository, with one commit on main.
func gitEnv(t *testing.T) (*github.Client, *gitserver.Server) {
	t.Helper()
	git := gitserver.New(t, "")
	git.CreateRepo("images", "main", map[string]string{"etc/images/ubuntu.yml": "images: []\n", "README.md": "hi\n"})
	gh := fakegithub.New(t, token)
	gh.AddRepo(repo.Owner, repo.Name, "main")
	gh.UseGitRepo(repo.Owner, repo.Name, git.Dir("images"))
	c, err := github.New(github.Options{APIURL: gh.URL + "/", Token: token, HTTPClient: gh.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c, git
}

func TestCommitFilesAndMoveBranch(t *testing.T) {
	t.Parallel()
	c, git := gitEnv(t)
	ctx := context.Background()
	base := git.Head("images", "main")
	when := time.Date(2026, 7, 2, 3, 4, 5, 0, time.UTC)
	files := []forge.File{{Path: "etc/images/ubuntu.yml", Content: []byte("images:\n  - name: x\n")}, {Path: "README.md", Delete: true}}
	sha, tree, err := c.CommitFiles(ctx, repo, base, files, "Update images\n\nImage-Crawler-Managed: true\n", forge.Author{Name: "image-crawler", Email: "bot@example.org"}, when)
	if err != nil {
		t.Fatal(err)
	}
	raw := git.Git("images", "cat-file", "commit", sha)
	for _, want := range []string{"tree " + tree, "parent " + base, "author image-crawler <bot@example.org> 1782961445 +0000",
		"committer GitHub <noreply@github.com>", "gpgsig -----BEGIN PGP SIGNATURE-----", "Image-Crawler-Managed: true"} {
		if !strings.Contains(raw, want) {
			t.Errorf("commit lacks %q:\n%s", want, raw)
		}
	}
	if got := git.Git("images", "show", sha+":etc/images/ubuntu.yml"); got != "images:\n  - name: x" {
		t.Errorf("file %q", got)
	}
	if ls := git.Git("images", "ls-tree", "--name-only", sha); strings.Contains(ls, "README.md") {
		t.Errorf("README.md was not deleted: %s", ls)
	}

	const br = "image-crawler/updates"
	// Create: the branch must not exist.
	if err := c.MoveBranch(ctx, repo, br, "", sha); err != nil {
		t.Fatal(err)
	}
	if got := git.Head("images", br); got != sha {
		t.Fatalf("branch at %s, want %s", got, sha)
	}
	if head, err := c.BranchHead(ctx, repo, br); err != nil || head != sha {
		t.Fatalf("BranchHead %q %v", head, err)
	}
	if head, err := c.BranchHead(ctx, repo, "nope"); err != nil || head != "" {
		t.Fatalf("BranchHead of a missing branch %q %v", head, err)
	}
	// Creating again is a lost race.
	if err := c.MoveBranch(ctx, repo, br, "", base); !errors.Is(err, forge.ErrRefMoved) {
		t.Fatalf("create over an existing branch: %v", err)
	}
	// A stale lease leaves the branch alone.
	if err := c.MoveBranch(ctx, repo, br, base, base); !errors.Is(err, forge.ErrRefMoved) {
		t.Fatalf("stale lease: %v", err)
	}
	if got := git.Head("images", br); got != sha {
		t.Fatal("a stale lease moved the branch")
	}
	// The right lease replaces even a commit that is not an ancestor.
	sha2, _, err := c.CommitFiles(ctx, repo, base, []forge.File{{Path: "etc/images/ubuntu.yml", Content: []byte("images: [2]\n")}}, "Again\n", forge.Author{Name: "a", Email: "a@example.org"}, when)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MoveBranch(ctx, repo, br, sha, sha2); err != nil {
		t.Fatal(err)
	}
	if got := git.Head("images", br); got != sha2 {
		t.Fatalf("branch at %s, want %s", got, sha2)
	}
}

func TestCommitFilesRefusals(t *testing.T) {
	t.Parallel()
	c, _ := gitEnv(t)
	ctx := context.Background()
	_, _, err := c.CommitFiles(ctx, repo, strings.Repeat("0", 40), []forge.File{{Path: "a", Content: []byte("a")}}, "m\n", forge.Author{Name: "a", Email: "a@example.org"}, time.Now())
	if err == nil || strings.Contains(err.Error(), token) {
		t.Fatalf("missing parent: %v", err)
	}
	if err := c.MoveBranch(ctx, repo, "x", "", strings.Repeat("1", 40)); err == nil || errors.Is(err, forge.ErrRefMoved) {
		t.Fatalf("unknown commit: %v", err)
	}
}
