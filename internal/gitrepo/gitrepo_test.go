package gitrepo_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/osism/image-crawler/internal/gitrepo"
	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

// Canaries: neither may appear in any error, commit or file the tests see.
const (
	token      = "canary-token-9c1f3e7a2b"
	wrongToken = "canary-wrong-token-51d0e8"
)

const (
	repoName  = "catalog"
	base      = "stable" // not "main", to show the default branch is resolved
	botBranch = "image-crawler/updates"
	catalog   = "etc/images/ubuntu.yml"
)

var (
	botID    = gitrepo.Identity{Name: "image-crawler[bot]", Email: "image-crawler@users.noreply.example.org"}
	authorID = gitrepo.Identity{Name: "OSISM Images", Email: "images@osism.example.org"}
	human    = "Jane Doe <jane@example.org>"
	t0       = time.Date(2026, 7, 5, 6, 17, 0, 0, time.UTC)
)

var transports = []struct {
	name string
	url  func(*gitserver.Server, string) string
}{
	{"http", (*gitserver.Server).HTTPURL},
	{"file", (*gitserver.Server).FileURL},
}

func newServer(t *testing.T) *gitserver.Server {
	t.Helper()
	s := gitserver.New(t, token)
	s.CreateRepo(repoName, base, map[string]string{
		catalog:                 "images:\n  - name: Ubuntu 24.04\n",
		"etc/images/debian.yml": "images:\n  - name: Debian 12\n",
		"README.md":             "catalog\n",
	})
	// More history on base and a second branch, so shallow and
	// single-branch are observable.
	s.Commit(repoName, base, map[string]string{"README.md": "catalog v2\n"}, human, "Update README\n")
	s.Git(repoName, "branch", "other", base)
	s.Commit(repoName, "other", map[string]string{"other.txt": "x\n"}, human, "Other work\n")
	return s
}

func clone(t *testing.T, url string) *gitrepo.Repo {
	t.Helper()
	r, err := gitrepo.Clone(context.Background(), gitrepo.CloneOptions{URL: url, Token: token})
	if err != nil {
		t.Fatalf("Clone: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

func writeFile(t *testing.T, r *gitrepo.Repo, path, content string) {
	t.Helper()
	p := filepath.Join(r.Dir(), filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// noLeak fails t if a canary token is in any of texts.
func noLeak(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, c := range []string{token, wrongToken} {
			if strings.Contains(s, c) {
				t.Errorf("token %q leaked into %q", c, s)
			}
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// outcome of one simulated bot run.
const (
	pushed    = "pushed"
	unchanged = "unchanged"
	foreign   = "foreign"
)

// botRun is the caller's decision, as the bot makes it: leave a branch with
// someone else's commits alone, skip a push that would change nothing, push
// under the lease otherwise.
func botRun(t *testing.T, url, content string, when time.Time) (string, error) {
	t.Helper()
	ctx := context.Background()
	r := clone(t, url)
	st, err := r.RemoteBranch(ctx, botBranch, botID)
	if err != nil {
		return "", err
	}
	if st.Exists && !st.Owned {
		return foreign, nil
	}
	writeFile(t, r, catalog, content)
	_, tree, err := r.Commit(ctx, botBranch, []string{catalog}, "Update Ubuntu 24.04 to 20260705\n", authorID, botID, when)
	if err != nil {
		return "", err
	}
	if st.UpToDate(r.BaseHead(), tree) {
		return unchanged, nil
	}
	if err := r.Push(ctx, botBranch, st.Head); err != nil {
		return "", err
	}
	return pushed, nil
}

func TestClone(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			r := clone(t, tr.url(s, repoName))

			if r.Base() != base || r.BaseHead() != s.Head(repoName, base) {
				t.Fatalf("Base, BaseHead = %s, %s; want %s, %s", r.Base(), r.BaseHead(), base, s.Head(repoName, base))
			}
			got, err := os.ReadFile(filepath.Join(r.Dir(), "README.md"))
			if err != nil || string(got) != "catalog v2\n" {
				t.Fatalf("README.md in clone = %q, %v", got, err)
			}

			repo, err := git.PlainOpen(r.Dir())
			if err != nil {
				t.Fatal(err)
			}
			// Depth 1: the base head is the shallow boundary and its parent,
			// which the server has, was not transferred.
			shallow, err := repo.Storer.Shallow()
			if err != nil || len(shallow) != 1 || shallow[0].String() != r.BaseHead() {
				t.Errorf("shallow commits = %v, %v; want [%s]", shallow, err, r.BaseHead())
			}
			parent := s.Log(repoName, base)[1].Hash
			if _, err := repo.CommitObject(plumbing.NewHash(parent)); !errors.Is(err, plumbing.ErrObjectNotFound) {
				t.Errorf("parent %s of base head is in the clone (err %v): not depth 1", parent, err)
			}
			// Single branch: no ref and no object of branch "other".
			refs, err := repo.References()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			refs.ForEach(func(ref *plumbing.Reference) error {
				names = append(names, ref.Name().String())
				return nil
			})
			for _, n := range names {
				if strings.Contains(n, "other") {
					t.Errorf("clone has ref %s: not single-branch (refs %v)", n, names)
				}
			}
			if _, err := repo.CommitObject(plumbing.NewHash(s.Head(repoName, "other"))); err == nil {
				t.Error("clone holds the tip of branch other")
			}

			// The token is in no file of the clone (go-git writes the URL
			// to .git/config; the token must not be part of it).
			filepath.WalkDir(r.Dir(), func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if strings.Contains(string(b), token) {
					t.Errorf("token found in %s", p)
				}
				return nil
			})
		})
	}
}

func TestCloneNamedBaseAndTempDir(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r, err := gitrepo.Clone(context.Background(), gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Base: "other", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base() != "other" || r.BaseHead() != s.Head(repoName, "other") {
		t.Errorf("Base, BaseHead = %s, %s; want other, %s", r.Base(), r.BaseHead(), s.Head(repoName, "other"))
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), "other.txt")); err != nil {
		t.Errorf("branch other not checked out: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left the temporary clone %s behind: %v", r.Dir(), err)
	}

	// A directory the caller chose stays.
	dir := filepath.Join(t.TempDir(), "mine")
	r, err = gitrepo.Clone(context.Background(), gitrepo.CloneOptions{URL: s.FileURL(repoName), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if r.Dir() != dir {
		t.Errorf("Dir = %s, want %s", r.Dir(), dir)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Errorf("Close removed the caller's directory: %v", err)
	}
}

func TestCloneErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     gitrepo.CloneOptions
		wantAuth bool
		want     string
	}{
		{"wrong token", gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Token: wrongToken}, true, "the token was rejected"},
		{"no token", gitrepo.CloneOptions{URL: s.HTTPURL(repoName)}, true, "needs a token"},
		{"missing repository", gitrepo.CloneOptions{URL: s.HTTPURL("nope"), Token: token}, false, "repository not found"},
		{"missing base branch", gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Base: "nope", Token: token}, false, "branch not found"},
		{"missing base branch over file", gitrepo.CloneOptions{URL: s.FileURL(repoName), Base: "nope"}, false, "branch not found"},
		{"credentials in URL", gitrepo.CloneOptions{URL: strings.Replace(s.HTTPURL(repoName), "://", "://x-access-token:"+wrongToken+"@", 1), Token: token}, false, "pass the token separately"},
		{"ssh URL", gitrepo.CloneOptions{URL: "ssh://git@github.com/o/r.git", Token: token}, false, "unsupported URL scheme"},
		{"invalid base name", gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Base: "a..b", Token: token}, false, "invalid base branch name"},
		{"directory not empty", gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Dir: nonEmpty, Token: token}, false, "not empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := gitrepo.Clone(context.Background(), tt.opts)
			if err == nil {
				r.Close()
				t.Fatal("Clone succeeded")
			}
			if errors.Is(err, gitrepo.ErrAuth) != tt.wantAuth {
				t.Errorf("errors.Is(err, ErrAuth) = %v, want %v: %v", !tt.wantAuth, tt.wantAuth, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			noLeak(t, err.Error())
		})
	}

	t.Run("failed clone removes the directory it made", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "new")
		if _, err := gitrepo.Clone(context.Background(), gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Dir: dir, Token: wrongToken}); err == nil {
			t.Fatal("Clone with a wrong token succeeded")
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", dir, err)
		}
	})
}

// TestRunLifecycle walks the bot through its runs against one repository:
// create the branch, skip an identical run, regenerate after base moved,
// then delete the branch.
func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newServer(t)
			url := tr.url(s, repoName)
			baseHead := s.Head(repoName, base)
			content := "images:\n  - name: Ubuntu 24.04\n    versions:\n      - version: '20260705'\n"

			// Run 1 creates the branch: one commit on base head.
			out, err := botRun(t, url, content, t0)
			if err != nil || out != pushed {
				t.Fatalf("run 1 = %q, %v; want %s", out, err, pushed)
			}
			log := s.Log(repoName, botBranch)
			tip := log[0]
			if len(tip.Parents) != 1 || tip.Parents[0] != baseHead {
				t.Errorf("bot commit parents = %v, want [%s]", tip.Parents, baseHead)
			}
			if want := len(s.Log(repoName, base)) + 1; len(log) != want {
				t.Errorf("bot branch has %d commits, want base's plus one (%d)", len(log), want)
			}
			if tip.Author != "OSISM Images <images@osism.example.org>" ||
				tip.Committer != "image-crawler[bot] <image-crawler@users.noreply.example.org>" {
				t.Errorf("author, committer = %q, %q", tip.Author, tip.Committer)
			}
			if want := "Update Ubuntu 24.04 to 20260705\n\n" + gitrepo.Trailer + "\n"; tip.Message != want {
				t.Errorf("message = %q, want %q", tip.Message, want)
			}
			if got, err := s.ReadFile(repoName, botBranch, catalog); err != nil || got != content {
				t.Errorf("pushed %s = %q, %v", catalog, got, err)
			}

			// Run 2, later, same result: nothing to push.
			pushes := s.Pushes()
			out, err = botRun(t, url, content, t0.Add(24*time.Hour))
			if err != nil || out != unchanged {
				t.Fatalf("identical run 2 = %q, %v; want %s", out, err, unchanged)
			}
			if s.Head(repoName, botBranch) != tip.Hash || s.Pushes() != pushes {
				t.Errorf("identical run moved the branch or pushed (%d pushes before, %d after)", pushes, s.Pushes())
			}

			// Base moves: run 3 regenerates on the new head and replaces
			// the branch under the lease.
			newBase := s.Commit(repoName, base, map[string]string{"etc/images/debian.yml": "images: []\n"}, human, "Drop Debian\n")
			out, err = botRun(t, url, content, t0.Add(48*time.Hour))
			if err != nil || out != pushed {
				t.Fatalf("run 3 after base moved = %q, %v; want %s", out, err, pushed)
			}
			log = s.Log(repoName, botBranch)
			if log[0].Hash == tip.Hash || len(log[0].Parents) != 1 || log[0].Parents[0] != newBase {
				t.Errorf("regenerated commit %s has parents %v, want [%s]", log[0].Hash, log[0].Parents, newBase)
			}
			if n := s.Git(repoName, "rev-list", "--count", base+".."+botBranch); n != "1" {
				t.Errorf("%s..%s has %s commits, want 1", base, botBranch, n)
			}
			// The base's change is in the regenerated branch: no stale tree.
			if got, _ := s.ReadFile(repoName, botBranch, "etc/images/debian.yml"); got != "images: []\n" {
				t.Errorf("debian.yml on bot branch = %q; regenerated branch misses base's change", got)
			}

			// Delete under the lease: a stale lease fails, the right one
			// deletes, and deleting what is gone is fine.
			r := clone(t, url)
			err = r.DeleteBranch(ctx, botBranch, tip.Hash)
			if !errors.Is(err, gitrepo.ErrLeaseFailed) {
				t.Fatalf("DeleteBranch with a stale lease = %v, want ErrLeaseFailed", err)
			}
			if s.Head(repoName, botBranch) != log[0].Hash {
				t.Fatal("DeleteBranch with a stale lease changed the branch")
			}
			if err := r.DeleteBranch(ctx, botBranch, log[0].Hash); err != nil {
				t.Fatalf("DeleteBranch: %v", err)
			}
			if h := s.Head(repoName, botBranch); h != "" {
				t.Fatalf("branch still at %s after DeleteBranch", h)
			}
			if err := r.DeleteBranch(ctx, botBranch, log[0].Hash); err != nil {
				t.Errorf("DeleteBranch of a deleted branch: %v", err)
			}
			if st, err := r.RemoteBranch(ctx, botBranch, botID); err != nil || st != (gitrepo.BranchState{}) {
				t.Errorf("RemoteBranch after delete = %+v, %v; want zero state", st, err)
			}

			if s.Contains(repoName, token) {
				t.Error("the token is in the repository's commits or files")
			}
		})
	}
}

func TestLeaseFailedKeepsForeignCommit(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newServer(t)
			url := tr.url(s, repoName)
			if out, err := botRun(t, url, "v1\n", t0); err != nil || out != pushed {
				t.Fatalf("first run = %q, %v", out, err)
			}

			r := clone(t, url)
			st, err := r.RemoteBranch(ctx, botBranch, botID)
			if err != nil || !st.Exists || !st.Owned || st.Head != s.Head(repoName, botBranch) {
				t.Fatalf("RemoteBranch = %+v, %v", st, err)
			}
			writeFile(t, r, catalog, "v2\n")
			if _, _, err := r.Commit(ctx, botBranch, []string{catalog}, "Update\n", botID, botID, t0); err != nil {
				t.Fatal(err)
			}
			// Someone pushes between the bot's look and its push.
			theirs := s.Commit(repoName, botBranch, map[string]string{"fix.txt": "manual fix\n"}, human, "Fix by hand\n")

			err = r.Push(ctx, botBranch, st.Head)
			if !errors.Is(err, gitrepo.ErrLeaseFailed) {
				t.Fatalf("Push = %v, want ErrLeaseFailed", err)
			}
			want := "push " + botBranch + " to " + url + ": lease failed: remote moved from " + st.Head[:7] + " to " + theirs[:7]
			if err.Error() != want {
				t.Errorf("error = %q\nwant    %q", err, want)
			}
			if s.Head(repoName, botBranch) != theirs {
				t.Fatal("the foreign commit did not survive")
			}
			// Creating requires the branch to be absent.
			if err := r.Push(ctx, botBranch, ""); !errors.Is(err, gitrepo.ErrLeaseFailed) {
				t.Errorf("Push expecting no branch = %v, want ErrLeaseFailed", err)
			}

			// The next run sees the human's commit on top and stays away.
			st, err = r.RemoteBranch(ctx, botBranch, botID)
			if err != nil || !st.Exists || st.Owned || st.Head != theirs {
				t.Errorf("RemoteBranch with a human commit on top = %+v, %v; want Exists, not Owned, Head %s", st, err, theirs)
			}
			if out, err := botRun(t, url, "v3\n", t0); err != nil || out != foreign {
				t.Errorf("next run = %q, %v; want %s", out, err, foreign)
			}
			if s.Head(repoName, botBranch) != theirs {
				t.Error("a later run moved the branch")
			}
			noLeak(t, errText(err))
		})
	}
}

func TestOwned(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	r := clone(t, s.HTTPURL(repoName))
	bot := botID.Name + " <" + botID.Email + ">"
	msg := "Update images\n\n" + gitrepo.Trailer + "\n"
	tests := []struct {
		name      string
		committer string
		msg       string
		want      bool
	}{
		{"bot's commit", bot, msg, true},
		{"bot's identity, email case differs", botID.Name + " <" + strings.ToUpper(botID.Email) + ">", msg, true},
		{"someone copied the trailer", human, msg, false},
		{"bot's identity without trailer", bot, "Update images\n", false},
		{"trailer quoted in the body only", bot, "Update images\n\n" + gitrepo.Trailer + "\n\nSee above.\n", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			branch := "case-" + string(rune('a'+i))
			s.Git(repoName, "branch", branch, base)
			tip := s.Commit(repoName, branch, map[string]string{catalog: tt.name}, tt.committer, tt.msg)
			st, err := r.RemoteBranch(context.Background(), branch, botID)
			if err != nil {
				t.Fatal(err)
			}
			if st.Owned != tt.want || st.Head != tip || st.Parent != s.Head(repoName, base) || !st.Exists {
				t.Errorf("RemoteBranch = %+v; want Owned %v, Head %s", st, tt.want, tip)
			}
			if want := s.Log(repoName, branch)[0].Tree; st.Tree != want {
				t.Errorf("Tree = %s, want %s", st.Tree, want)
			}
		})
	}
}

func TestUpToDate(t *testing.T) {
	t.Parallel()
	owned := gitrepo.BranchState{Exists: true, Head: "h", Owned: true, Parent: "base", Tree: "tree"}
	tests := []struct {
		name string
		st   gitrepo.BranchState
		want bool
	}{
		{"same base and tree", owned, true},
		{"no branch", gitrepo.BranchState{}, false},
		{"not the bot's", gitrepo.BranchState{Exists: true, Head: "h", Parent: "base", Tree: "tree"}, false},
		{"base moved", gitrepo.BranchState{Exists: true, Head: "h", Owned: true, Parent: "old", Tree: "tree"}, false},
		{"tree differs", gitrepo.BranchState{Exists: true, Head: "h", Owned: true, Parent: "base", Tree: "other"}, false},
	}
	for _, tt := range tests {
		if got := tt.st.UpToDate("base", "tree"); got != tt.want {
			t.Errorf("%s: UpToDate = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	r := clone(t, s.FileURL(repoName))

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			branch    string
			paths     []string
			msg       string
			author    gitrepo.Identity
			errSubstr string
		}{
			{"escaping path", botBranch, []string{"../x"}, "m", botID, "not inside the work tree"},
			{"absolute path", botBranch, []string{"/etc/passwd"}, "m", botID, "not inside the work tree"},
			{"path in .git", botBranch, []string{".git/config"}, "m", botID, "inside .git"},
			{"no paths", botBranch, nil, "m", botID, "no paths"},
			{"empty message", botBranch, []string{catalog}, " \n", botID, "empty commit message"},
			{"no author email", botBranch, []string{catalog}, "m", gitrepo.Identity{Name: "x"}, "needs a name and an email"},
			{"angle bracket in name", botBranch, []string{catalog}, "m", gitrepo.Identity{Name: "a<b", Email: "e@x"}, "contains '<'"},
			{"invalid branch", "bad..name", []string{catalog}, "m", botID, "invalid branch name"},
			{"base branch", base, []string{catalog}, "m", botID, "must differ from the base"},
			{"missing file", botBranch, []string{"nowhere.yml"}, "m", botID, "not on disk and not in the base tree"},
		} {
			if _, _, err := r.Commit(ctx, tc.branch, tc.paths, tc.msg, tc.author, botID, t0); err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
				t.Errorf("%s: Commit = %v, want an error saying %q", tc.name, err, tc.errSubstr)
			}
		}
	})

	t.Run("no change", func(t *testing.T) {
		_, _, err := r.Commit(ctx, botBranch, []string{catalog}, "m", botID, botID, t0)
		if !errors.Is(err, gitrepo.ErrNothingToCommit) {
			t.Fatalf("Commit of unchanged files = %v, want ErrNothingToCommit", err)
		}
		if err := r.Push(ctx, botBranch, ""); err == nil || !strings.Contains(err.Error(), "call Commit first") {
			t.Errorf("Push after ErrNothingToCommit = %v, want a refusal", err)
		}
		if s.Head(repoName, botBranch) != "" {
			t.Error("a branch was pushed without a commit")
		}
	})

	t.Run("exactly the given paths, always on base", func(t *testing.T) {
		repo, err := git.PlainOpen(r.Dir())
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, r, catalog, "first\n")
		first, _, err := r.Commit(ctx, botBranch, []string{catalog}, "First\n\nSigned-off-by: Jane Doe <jane@example.org>\n", authorID, botID, t0)
		if err != nil {
			t.Fatal(err)
		}
		// Second commit: another file changed, one deleted, one written but
		// not listed. The first commit's change is not listed either.
		writeFile(t, r, "etc/images/new.yml", "new\n")
		writeFile(t, r, "unlisted.txt", "stray\n")
		if err := os.Remove(filepath.Join(r.Dir(), "etc/images/debian.yml")); err != nil {
			t.Fatal(err)
		}
		when := time.Date(2026, 7, 6, 8, 0, 0, 0, time.FixedZone("CEST", 2*3600))
		second, tree, err := r.Commit(ctx, botBranch, []string{"etc/images/new.yml", "etc/images/debian.yml"}, "Second", authorID, botID, when)
		if err != nil {
			t.Fatal(err)
		}
		c, err := repo.CommitObject(plumbing.NewHash(second))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.ParentHashes) != 1 || c.ParentHashes[0].String() != r.BaseHead() || second == first {
			t.Errorf("second commit parents = %v, want only base head %s", c.ParentHashes, r.BaseHead())
		}
		if c.TreeHash.String() != tree {
			t.Errorf("returned tree %s, commit has %s", tree, c.TreeHash)
		}
		if !c.Author.When.Equal(when) || !c.Committer.When.Equal(when) || c.Author.Email != authorID.Email || c.Committer.Email != botID.Email {
			t.Errorf("author %v, committer %v", c.Author, c.Committer)
		}
		files := map[string]string{}
		it, err := c.Files()
		if err != nil {
			t.Fatal(err)
		}
		it.ForEach(func(f *object.File) error {
			files[f.Name], _ = f.Contents()
			return nil
		})
		want := map[string]string{
			catalog:              "images:\n  - name: Ubuntu 24.04\n", // first commit's change not listed
			"etc/images/new.yml": "new\n",
			"README.md":          "catalog v2\n",
		}
		if len(files) != len(want) {
			t.Errorf("tree holds %v, want %v", files, want)
		}
		for p, w := range want {
			if files[p] != w {
				t.Errorf("%s = %q, want %q", p, files[p], w)
			}
		}

		fc, err := repo.CommitObject(plumbing.NewHash(first))
		if err != nil {
			t.Fatal(err)
		}
		if want := "First\n\nSigned-off-by: Jane Doe <jane@example.org>\n" + gitrepo.Trailer + "\n"; fc.Message != want {
			t.Errorf("message = %q, want the trailer in the sign-off's block: %q", fc.Message, want)
		}

		if err := r.Push(ctx, botBranch, ""); err != nil {
			t.Fatal(err)
		}
		if s.Head(repoName, botBranch) != second {
			t.Errorf("pushed %s, want the last commit %s", s.Head(repoName, botBranch), second)
		}
	})
}

func TestPushNeedsWriteAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	const readOnly = "canary-read-only-token-33aa"
	s.AddReadOnlyToken(readOnly)
	r, err := gitrepo.Clone(ctx, gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Token: readOnly})
	if err != nil {
		t.Fatalf("clone with a read-only token: %v", err)
	}
	defer r.Close()
	writeFile(t, r, catalog, "x\n")
	if _, _, err := r.Commit(ctx, botBranch, []string{catalog}, "m", botID, botID, t0); err != nil {
		t.Fatal(err)
	}
	err = r.Push(ctx, botBranch, "")
	if !errors.Is(err, gitrepo.ErrAuth) || !strings.Contains(err.Error(), "contents: write") {
		t.Fatalf("Push with a read-only token = %v, want ErrAuth naming contents: write", err)
	}
	if strings.Contains(err.Error(), readOnly) {
		t.Errorf("token leaked: %v", err)
	}
	if s.Head(repoName, botBranch) != "" {
		t.Error("branch created despite the refusal")
	}
}

// TestConcurrentRuns races two runs to the same push: exactly one wins and
// the other gets ErrLeaseFailed, both when creating and when replacing the
// branch.
func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newServer(t)
			url := tr.url(s, repoName)
			for round := range 3 {
				var (
					repos   [2]*gitrepo.Repo
					commits [2]string
					lease   string
				)
				for i := range repos {
					repos[i] = clone(t, url)
					st, err := repos[i].RemoteBranch(ctx, botBranch, botID)
					if err != nil {
						t.Fatal(err)
					}
					lease = st.Head // the same for both: nobody pushed yet
					writeFile(t, repos[i], catalog, "round "+string(rune('0'+round))+" run "+string(rune('a'+i))+"\n")
					if commits[i], _, err = repos[i].Commit(ctx, botBranch, []string{catalog}, "Update\n", botID, botID, t0); err != nil {
						t.Fatal(err)
					}
				}
				var (
					wg    sync.WaitGroup
					start = make(chan struct{})
					errs  [2]error
				)
				for i := range repos {
					wg.Go(func() {
						<-start
						errs[i] = repos[i].Push(ctx, botBranch, lease)
					})
				}
				close(start)
				wg.Wait()

				won := -1
				for i, err := range errs {
					switch {
					case err == nil && won == -1:
						won = i
					case err == nil:
						t.Fatalf("round %d: both pushes succeeded", round)
					case !errors.Is(err, gitrepo.ErrLeaseFailed):
						t.Fatalf("round %d: loser's error = %v, want ErrLeaseFailed", round, err)
					}
				}
				if won == -1 {
					t.Fatalf("round %d: no push succeeded: %v", round, errs)
				}
				if got := s.Head(repoName, botBranch); got != commits[won] {
					t.Fatalf("round %d: branch at %s, want the winner's %s", round, got, commits[won])
				}
				noLeak(t, errText(errs[0]), errText(errs[1]))
			}
		})
	}
}

// TestCreateOntoAncestor pins the one case Push with expect "" lets through:
// a branch that appeared at an ancestor of the new commit is fast-forwarded,
// which loses nothing.
func TestCreateOntoAncestor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	r := clone(t, s.HTTPURL(repoName))
	writeFile(t, r, catalog, "x\n")
	commit, _, err := r.Commit(ctx, botBranch, []string{catalog}, "m", botID, botID, t0)
	if err != nil {
		t.Fatal(err)
	}
	s.Git(repoName, "branch", botBranch, base)
	if err := r.Push(ctx, botBranch, ""); err != nil {
		t.Fatalf("Push onto a branch at base head = %v", err)
	}
	if s.Head(repoName, botBranch) != commit {
		t.Errorf("branch at %s, want %s", s.Head(repoName, botBranch), commit)
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := gitrepo.Clone(ctx, gitrepo.CloneOptions{URL: s.HTTPURL(repoName), Token: token}); !errors.Is(err, context.Canceled) {
		t.Errorf("Clone with a canceled context = %v, want context.Canceled", err)
	}
	r := clone(t, s.HTTPURL(repoName))
	if _, err := r.RemoteBranch(ctx, botBranch, botID); !errors.Is(err, context.Canceled) {
		t.Errorf("RemoteBranch with a canceled context = %v, want context.Canceled", err)
	}
	writeFile(t, r, catalog, "x\n")
	if _, _, err := r.Commit(ctx, botBranch, []string{catalog}, "m", botID, botID, t0); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with a canceled context = %v, want context.Canceled", err)
	}
	if _, _, err := r.Commit(context.Background(), botBranch, []string{catalog}, "m", botID, botID, t0); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, botBranch, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Push with a canceled context = %v, want context.Canceled", err)
	}
	if s.Head(repoName, botBranch) != "" {
		t.Error("a canceled Push created the branch")
	}
}
