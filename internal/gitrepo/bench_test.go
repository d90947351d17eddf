package gitrepo_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	git "github.com/go-git/go-git/v5"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/osism/image-crawler/internal/gitrepo"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

// BenchmarkCloneShallow clones a catalog with 5,000 commits of history over
// smart HTTP, the way every run does (depth 1, one branch), against a full
// clone of the same branch for comparison. disk-B/op is the size of the
// clone's .git.
func BenchmarkCloneShallow(b *testing.B) {
	s := gitserver.New(b, token)
	s.CreateRepoWithHistory("big", "main", 5000, map[string]string{
		catalog:                 "images:\n  - name: Ubuntu 24.04\n",
		"etc/images/debian.yml": "images:\n  - name: Debian 12\n",
	})
	url := s.HTTPURL("big")
	ctx := context.Background()

	b.Run("depth=1", func(b *testing.B) {
		var dir string
		for b.Loop() {
			dir = filepath.Join(b.TempDir(), "c")
			r, err := gitrepo.Clone(ctx, gitrepo.CloneOptions{URL: url, Dir: dir, Token: token})
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, ".git"))), "disk-B/op")
	})

	b.Run("full", func(b *testing.B) {
		var dir string
		for b.Loop() {
			dir = filepath.Join(b.TempDir(), "c")
			_, err := git.PlainCloneContext(ctx, dir, false, &git.CloneOptions{
				URL:          url,
				Auth:         &githttp.BasicAuth{Username: gitrepo.TokenUser, Password: token},
				SingleBranch: true,
				Tags:         git.NoTags,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, ".git"))), "disk-B/op")
	})
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
