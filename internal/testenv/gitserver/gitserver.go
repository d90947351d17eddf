// Package gitserver runs a real git server for tests: bare repositories
// served over smart HTTP by git http-backend, behind HTTP basic auth, and the
// same repositories as file:// URLs.
//
// Everything is set up with the git CLI rather than go-git, so tests of code
// built on go-git are checked against git itself and not against the library
// under test.
package gitserver

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// User is the only basic-auth user name the server accepts, the one GitHub
// documents for installation and Actions tokens. Insisting on it lets tests
// check that the client sends it.
const User = "x-access-token"

// DefaultAuthor is who commits through CreateRepo and CreateRepoWithHistory.
const DefaultAuthor = "Catalog Maintainer <maintainer@example.org>"

// Server is a git server for one test. Methods fail the test on any setup
// error, so callers need not check them.
type Server struct {
	tb       testing.TB
	root     string // GIT_PROJECT_ROOT: the bare repositories
	token    string
	readOnly map[string]bool // tokens that may fetch but not push
	srv      *httptest.Server

	roMu     sync.Mutex // guards readOnly
	writeMu  sync.Mutex // one fast-import at a time per server
	requests atomic.Int64
	pushes   atomic.Int64
	clock    atomic.Int64 // commit timestamps: distinct and increasing
}

// CommitInfo describes one commit as git itself reports it.
type CommitInfo struct {
	Hash      string
	Tree      string
	Parents   []string
	Author    string // "Name <email>"
	Committer string // "Name <email>"
	Message   string // the full message, trailers included
}

// Require skips tb when git (with git-http-backend) is not installed, and
// fails it instead under CI, where a missing git means a broken runner rather
// than a developer's minimal machine.
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := backendPath(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("git server tests need git and git-http-backend (CI=true, so not skipping): %v", err)
		}
		tb.Skipf("skipping: git server tests need git and git-http-backend: %v", err)
	}
}

func backendPath() (string, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(git, "--exec-path").Output()
	if err != nil {
		return "", fmt.Errorf("git --exec-path: %w", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// New starts a server that accepts basic auth with user User and password
// token. An empty token turns authentication off. The server stops when the
// test ends.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	Require(tb)
	backend, err := backendPath()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{
		tb:       tb,
		root:     tb.TempDir(),
		token:    token,
		readOnly: map[string]bool{},
	}
	s.clock.Store(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).Unix())
	cgiHandler := &cgi.Handler{
		Path: backend,
		Dir:  s.root,
		Env: append(gitEnv(s.root),
			"GIT_PROJECT_ROOT="+s.root,
			"GIT_HTTP_EXPORT_ALL=1",
		),
		// The backend's complaints ("Not a git repository") belong to the
		// test that caused them, not to the terminal.
		Stderr: logWriter{tb},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		push := strings.HasSuffix(r.URL.Path, "/git-receive-pack") ||
			r.URL.Query().Get("service") == "git-receive-pack"
		if !s.authorize(w, r, push) {
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
			s.pushes.Add(1)
		}
		cgiHandler.ServeHTTP(w, r)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

// authorize answers 401 for missing or wrong credentials and 403 for a
// read-only token that tries to push, the way GitHub does.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, push bool) bool {
	if s.token == "" {
		return true
	}
	user, pass, ok := r.BasicAuth()
	s.roMu.Lock()
	ro := s.readOnly[pass]
	s.roMu.Unlock()
	valid := ok && user == User &&
		(subtle.ConstantTimeCompare([]byte(pass), []byte(s.token)) == 1 || ro)
	if !valid {
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "Invalid username or token.", http.StatusUnauthorized)
		return false
	}
	if push && ro {
		http.Error(w, "Permission to "+strings.TrimPrefix(r.URL.Path, "/")+" denied.", http.StatusForbidden)
		return false
	}
	return true
}

// AddReadOnlyToken makes token valid for fetching but not for pushing.
func (s *Server) AddReadOnlyToken(token string) {
	s.roMu.Lock()
	defer s.roMu.Unlock()
	s.readOnly[token] = true
}

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return s.srv.URL }

// HTTPURL is the smart-HTTP URL of repository name.
func (s *Server) HTTPURL(name string) string { return s.srv.URL + "/" + name + ".git" }

// FileURL is the file:// URL of repository name.
func (s *Server) FileURL(name string) string {
	return "file://" + filepath.ToSlash(s.repoPath(name))
}

// Requests counts every HTTP request the server received, rejected ones
// included.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Pushes counts authorised git-receive-pack POSTs: the requests that carry
// ref updates. Pushes through FileURL are not counted.
func (s *Server) Pushes() int { return int(s.pushes.Load()) }

func (s *Server) repoPath(name string) string { return filepath.Join(s.root, name+".git") }

// Dir is the directory of the bare repository name, for a fake GitHub that
// serves the git data API from the same objects (fakegithub.UseGitRepo).
func (s *Server) Dir(name string) string { return s.repoPath(name) }

// CreateRepo creates the bare repository name.git with one commit holding
// files on branch, which becomes the repository's default branch (HEAD).
func (s *Server) CreateRepo(name, branch string, files map[string]string) {
	s.tb.Helper()
	s.CreateRepoWithHistory(name, branch, 1, files)
}

// CreateRepoWithHistory is CreateRepo with commits commits on branch. Every
// commit but the last rewrites history.txt, so each adds objects a full clone
// has to transfer; the last adds files. git fast-import writes them in one
// pass, so thousands of commits take a moment.
func (s *Server) CreateRepoWithHistory(name, branch string, commits int, files map[string]string) {
	s.tb.Helper()
	if commits < 1 {
		s.tb.Fatalf("CreateRepoWithHistory %s: need at least one commit, got %d", name, commits)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	dir := s.repoPath(name)
	s.git("", "init", "--quiet", "--bare", "--initial-branch="+branch, dir)
	s.git(dir, "config", "http.receivepack", "true")

	var stream bytes.Buffer
	ref := "refs/heads/" + branch
	for i := 1; i < commits; i++ {
		writeCommit(&stream, ref, "", DefaultAuthor, s.clock.Add(60),
			fmt.Sprintf("Record history entry %d\n", i),
			map[string]string{"history.txt": fmt.Sprintf("entry %d\n", i)})
	}
	writeCommit(&stream, ref, "", DefaultAuthor, s.clock.Add(60), "Add catalog\n", files)
	s.fastImport(dir, &stream)
}

// Commit adds a commit by author ("Name <email>") to the existing branch,
// writing files on top of the branch's tree, and returns its hash. It stands
// for a human: a merge that moves the base branch, or someone pushing to the
// bot's branch.
func (s *Server) Commit(name, branch string, files map[string]string, author, msg string) string {
	s.tb.Helper()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	dir := s.repoPath(name)
	ref := "refs/heads/" + branch
	parent, err := s.run(dir, "rev-parse", "--verify", "--quiet", ref)
	if err != nil {
		s.tb.Fatalf("Commit to %s: branch %s does not exist", name, branch)
	}
	var stream bytes.Buffer
	writeCommit(&stream, ref, parent, author, s.clock.Add(60), msg, files)
	s.fastImport(dir, &stream)
	return s.git(dir, "rev-parse", ref)
}

// writeCommit appends one fast-import commit. Without parent, a branch new to
// the stream starts as a root commit and a known one continues from the
// commit fast-import last wrote to it.
func writeCommit(w *bytes.Buffer, ref, parent, author string, when int64, msg string, files map[string]string) {
	fmt.Fprintf(w, "commit %s\n", ref)
	fmt.Fprintf(w, "author %s %d +0000\n", author, when)
	fmt.Fprintf(w, "committer %s %d +0000\n", author, when)
	fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	if parent != "" {
		fmt.Fprintf(w, "from %s\n", parent)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths) // a stable stream gives stable hashes for equal input
	for _, p := range paths {
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", p, len(files[p]), files[p])
	}
	w.WriteString("\n")
}

func (s *Server) fastImport(dir string, stream *bytes.Buffer) {
	s.tb.Helper()
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv(s.root)...)
	cmd.Stdin = stream
	if out, err := cmd.CombinedOutput(); err != nil {
		s.tb.Fatalf("git fast-import in %s: %v\n%s", dir, err, out)
	}
}

// Head returns the commit branch points at, or "" when there is no such
// branch.
func (s *Server) Head(name, branch string) string {
	s.tb.Helper()
	out, err := s.run(s.repoPath(name), "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	if err != nil {
		return ""
	}
	return out
}

// ReadFile returns path as stored at ref (a branch, tag or hash).
func (s *Server) ReadFile(name, ref, path string) (string, error) {
	out, err := exec.Command("git", "-C", s.repoPath(name), "show", ref+":"+path).Output()
	if err != nil {
		return "", fmt.Errorf("read %s at %s in %s: %w", path, ref, name, err)
	}
	return string(out), nil
}

// Log lists the commits reachable from ref, newest first.
func (s *Server) Log(name, ref string) []CommitInfo {
	s.tb.Helper()
	const sep = "\x1e"
	out := s.git(s.repoPath(name), "log", "--format=%H%x00%T%x00%P%x00%an <%ae>%x00%cn <%ce>%x00%B"+sep, ref)
	var log []CommitInfo
	for _, rec := range strings.Split(out, sep) {
		rec = strings.TrimLeft(rec, "\n")
		if rec == "" {
			continue
		}
		f := strings.SplitN(rec, "\x00", 6)
		if len(f) != 6 {
			s.tb.Fatalf("git log in %s: malformed record %q", name, rec)
		}
		log = append(log, CommitInfo{
			Hash: f[0], Tree: f[1], Parents: strings.Fields(f[2]),
			Author: f[3], Committer: f[4], Message: f[5],
		})
	}
	return log
}

// Git runs git with args inside the bare repository name and returns its
// trimmed output; for what the other methods do not cover (update-ref,
// branch -D, cat-file).
func (s *Server) Git(name string, args ...string) string {
	s.tb.Helper()
	return s.git(s.repoPath(name), args...)
}

// GitStdin is Git with stdin, e.g. for hash-object --stdin.
func (s *Server) GitStdin(name, stdin string, args ...string) string {
	s.tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = s.repoPath(name)
	cmd.Env = append(os.Environ(), gitEnv(s.root)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.tb.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), name, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Contains reports whether text occurs anywhere in the repository's objects
// and refs as git prints them: every commit (raw headers and message) and
// every blob reachable from any ref. Tests use it to prove a token never made
// it into a commit.
func (s *Server) Contains(name, text string) bool {
	s.tb.Helper()
	dir := s.repoPath(name)
	if strings.Contains(s.git(dir, "log", "--all", "--format=raw"), text) {
		return true
	}
	if strings.Contains(s.git(dir, "for-each-ref"), text) {
		return true
	}
	for _, line := range strings.Split(s.git(dir, "rev-list", "--all", "--objects"), "\n") {
		obj, _, _ := strings.Cut(line, " ")
		if obj == "" || s.git(dir, "cat-file", "-t", obj) != "blob" {
			continue
		}
		if strings.Contains(s.git(dir, "cat-file", "blob", obj), text) {
			return true
		}
	}
	return false
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// IsHash reports whether h looks like a full SHA-1 object name.
func IsHash(h string) bool { return hashRE.MatchString(h) }

func (s *Server) git(dir string, args ...string) string {
	s.tb.Helper()
	out, err := s.run(dir, args...)
	if err != nil {
		s.tb.Fatal(err)
	}
	return out
}

func (s *Server) run(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv(s.root)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

type logWriter struct{ tb testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.tb.Logf("git-http-backend: %s", bytes.TrimSpace(p))
	return len(p), nil
}

// gitEnv isolates git from the developer's configuration so every machine
// builds the same repositories.
func gitEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	}
}
