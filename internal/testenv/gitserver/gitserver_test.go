package gitserver_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/testenv/gitserver"
)

const token = "gitserver-test-token-5d1e"

// gitCLI runs the git client against the server, isolated from the
// developer's configuration, and returns combined output and the error.
func gitCLI(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// withCreds puts credentials into a URL for the git CLI; only this test of
// the server does that.
func withCreds(u, user, pass string) string {
	return strings.Replace(u, "http://", "http://"+user+":"+pass+"@", 1)
}

func TestCloneAndPushOverHTTP(t *testing.T) {
	t.Parallel()
	s := gitserver.New(t, token)
	s.CreateRepo("cat", "main", map[string]string{"etc/images/ubuntu.yml": "images: []\n", "README.md": "hi\n"})

	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := gitCLI(t, "", "clone", "--quiet", withCreds(s.HTTPURL("cat"), gitserver.User, token), dir); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "etc/images/ubuntu.yml"))
	if err != nil || string(got) != "images: []\n" {
		t.Fatalf("cloned file = %q, %v", got, err)
	}
	if b, _ := gitCLI(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); strings.TrimSpace(b) != "main" {
		t.Errorf("default branch = %q, want main", b)
	}

	if s.Pushes() != 0 {
		t.Fatalf("Pushes before any push = %d", s.Pushes())
	}
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"add", "new.txt"},
		{"-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "Add new"},
		{"push", "--quiet", "origin", "HEAD:refs/heads/feature"},
	} {
		if out, err := gitCLI(t, dir, args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if s.Pushes() != 1 {
		t.Errorf("Pushes = %d, want 1", s.Pushes())
	}
	local, _ := gitCLI(t, dir, "rev-parse", "HEAD")
	if got := s.Head("cat", "feature"); got != strings.TrimSpace(local) {
		t.Errorf("Head(feature) = %q, want %q", got, local)
	}
	if got, err := s.ReadFile("cat", "feature", "new.txt"); err != nil || got != "x\n" {
		t.Errorf("ReadFile = %q, %v", got, err)
	}
	if s.Requests() < 3 {
		t.Errorf("Requests = %d, want at least clone and push round trips", s.Requests())
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := gitserver.New(t, token)
	s.CreateRepo("cat", "main", map[string]string{"a": "1\n"})
	s.AddReadOnlyToken("read-only-token-77")

	tests := []struct {
		name, user, pass string
		wantErr          string // "" means the clone must work
	}{
		{"right token", gitserver.User, token, ""},
		{"wrong token", gitserver.User, "wrong-token-1234", "Authentication failed"},
		{"wrong user", "someone", token, "Authentication failed"},
		{"read-only token may fetch", gitserver.User, "read-only-token-77", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := gitCLI(t, "", "ls-remote", withCreds(s.HTTPURL("cat"), tt.user, tt.pass))
			if tt.wantErr == "" {
				if err != nil || !strings.Contains(out, "refs/heads/main") {
					t.Fatalf("ls-remote: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tt.wantErr) {
				t.Fatalf("ls-remote = %v\n%s\nwant failure with %s", err, out, tt.wantErr)
			}
		})
	}

	t.Run("read-only token may not push", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "c")
		if out, err := gitCLI(t, "", "clone", "--quiet", withCreds(s.HTTPURL("cat"), gitserver.User, "read-only-token-77"), dir); err != nil {
			t.Fatalf("clone: %v\n%s", err, out)
		}
		out, err := gitCLI(t, dir, "push", "origin", "HEAD:refs/heads/x")
		if err == nil || !strings.Contains(out, "403") {
			t.Fatalf("push with read-only token = %v\n%s\nwant 403", err, out)
		}
		if s.Head("cat", "x") != "" {
			t.Error("branch x exists after a refused push")
		}
	})

	t.Run("challenge", func(t *testing.T) {
		resp, err := http.Get(s.HTTPURL("cat") + "/info/refs?service=git-upload-pack")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="git"` {
			t.Fatalf("anonymous request: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
}

func TestFileURL(t *testing.T) {
	t.Parallel()
	s := gitserver.New(t, token)
	s.CreateRepo("cat", "stable", map[string]string{"a": "1\n"})
	out, err := gitCLI(t, "", "ls-remote", s.FileURL("cat"))
	if err != nil {
		t.Fatalf("ls-remote %s: %v\n%s", s.FileURL("cat"), err, out)
	}
	want := s.Head("cat", "stable") + "\trefs/heads/stable"
	if !strings.Contains(out, want) {
		t.Fatalf("ls-remote = %q, want a line %q", out, want)
	}
}

func TestCommitAndLog(t *testing.T) {
	t.Parallel()
	s := gitserver.New(t, "")
	s.CreateRepo("cat", "main", map[string]string{"dir/a.yml": "a: 1\n"})
	base := s.Head("cat", "main")
	if !gitserver.IsHash(base) {
		t.Fatalf("Head = %q", base)
	}
	if s.Head("cat", "nope") != "" {
		t.Error("Head of a missing branch is not empty")
	}

	h := s.Commit("cat", "main", map[string]string{"dir/b.yml": "b: 2\n"}, "Jane Doe <jane@example.org>", "Add b\n\nBecause.\n")
	if s.Head("cat", "main") != h {
		t.Fatalf("Commit did not move main: %s != %s", s.Head("cat", "main"), h)
	}
	log := s.Log("cat", "main")
	if len(log) != 2 {
		t.Fatalf("Log has %d commits, want 2: %+v", len(log), log)
	}
	got := log[0]
	if got.Hash != h || len(got.Parents) != 1 || got.Parents[0] != base ||
		got.Author != "Jane Doe <jane@example.org>" || got.Committer != got.Author ||
		got.Message != "Add b\n\nBecause.\n" || !gitserver.IsHash(got.Tree) {
		t.Errorf("Log[0] = %+v", got)
	}
	if log[1].Hash != base || len(log[1].Parents) != 0 || log[1].Author != gitserver.DefaultAuthor {
		t.Errorf("Log[1] = %+v", log[1])
	}
	// The commit adds to the parent's tree rather than replacing it.
	for path, want := range map[string]string{"dir/a.yml": "a: 1\n", "dir/b.yml": "b: 2\n"} {
		if got, err := s.ReadFile("cat", "main", path); err != nil || got != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := s.ReadFile("cat", "main", "missing"); err == nil {
		t.Error("ReadFile of a missing path succeeded")
	}
	if !s.Contains("cat", "Because.") || !s.Contains("cat", "b: 2") || s.Contains("cat", "never-written-text") {
		t.Error("Contains does not see commit messages and blobs, or sees what is not there")
	}
}

func TestCreateRepoWithHistory(t *testing.T) {
	t.Parallel()
	s := gitserver.New(t, "")
	s.CreateRepoWithHistory("big", "main", 300, map[string]string{"etc/images/debian.yml": "images: []\n"})
	if n := s.Git("big", "rev-list", "--count", "main"); n != "300" {
		t.Fatalf("commit count = %s, want 300", n)
	}
	if got, err := s.ReadFile("big", "main", "etc/images/debian.yml"); err != nil || got != "images: []\n" {
		t.Fatalf("ReadFile = %q, %v", got, err)
	}
	if got, err := s.ReadFile("big", "main~1", "history.txt"); err != nil || got != "entry 299\n" {
		t.Fatalf("history.txt one commit back = %q, %v", got, err)
	}
}
