package fakegithub

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The git data API (blobs, trees, commits, refs) is served from a real bare
// repository on disk, the one a gitserver.Server serves over smart HTTP, so
// that a commit made through the API is the same object a clone fetches.
// The fake drives the git CLI rather than go-git, so that code built on
// go-git is checked against git itself.

const (
	docsBlobs     = "https://docs.github.com/rest/git/blobs#create-a-blob"
	docsTrees     = "https://docs.github.com/rest/git/trees#create-a-tree"
	docsCommits   = "https://docs.github.com/rest/git/commits#create-a-commit"
	docsGetCommit = "https://docs.github.com/rest/git/commits#get-a-commit-object"
	docsGetRef    = "https://docs.github.com/rest/git/refs#get-a-reference"
	docsCreateRef = "https://docs.github.com/rest/git/refs#create-a-reference"
	docsUpdateRef = "https://docs.github.com/rest/git/refs#update-a-reference"
)

// Committer is who GitHub records as the committer of a commit it creates
// and signs through the API (the "web-flow" identity).
const (
	CommitterName  = "GitHub"
	CommitterEmail = "noreply@github.com"
)

// fakeSignature stands in for the PGP signature GitHub adds; the fake has no
// key, but the header makes the commit look signed to git and go-git.
const fakeSignature = "-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJmZmFrZWdpdGh1YgAKCRBLIxhA\n=fake\n-----END PGP SIGNATURE-----"

// UseGitRepo backs repository owner/name (added with AddRepo) by the bare git
// repository at dir: the git data endpoints read and write its objects and
// refs, and the repository's branches (pull request heads and bases, branch
// deletion) are its branches.
func (s *Server) UseGitRepo(owner, name, dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		s.tb.Fatalf("fakegithub: UseGitRepo on unknown repository %s/%s; call AddRepo first", owner, name)
		return
	}
	rp.gitDir = dir
	if gb, ok := s.branches.(*gitDirBranches); ok {
		gb.dirs[key(owner, name)] = dir
		return
	}
	s.branches = &gitDirBranches{next: s.branches, dirs: map[string]string{key(owner, name): dir}}
}

// gitDirBranches answers for repositories backed by a git directory and
// hands the rest to next.
type gitDirBranches struct {
	next Branches
	dirs map[string]string
}

func (g *gitDirBranches) Exists(owner, repo, branch string) (bool, error) {
	dir, ok := g.dirs[key(owner, repo)]
	if !ok {
		return g.next.Exists(owner, repo, branch)
	}
	return revParse(dir, "refs/heads/"+branch) != "", nil
}

func (g *gitDirBranches) Ahead(owner, repo, base, head string) (bool, error) {
	dir, ok := g.dirs[key(owner, repo)]
	if !ok {
		return g.next.Ahead(owner, repo, base, head)
	}
	out, err := git(dir, nil, nil, "rev-list", "--count", "refs/heads/"+base+"..refs/heads/"+head)
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(out) != "0", nil
}

func (g *gitDirBranches) Delete(owner, repo, branch string) (bool, error) {
	dir, ok := g.dirs[key(owner, repo)]
	if !ok {
		return g.next.Delete(owner, repo, branch)
	}
	old := revParse(dir, "refs/heads/"+branch)
	if old == "" {
		return false, nil
	}
	_, err := git(dir, nil, nil, "update-ref", "-d", "refs/heads/"+branch, old)
	return err == nil, err
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// git runs git in dir with extra environment and stdin.
func git(dir string, env []string, stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimRight(string(out), "\n"), nil
}

func revParse(dir, rev string) string {
	out, err := git(dir, nil, nil, "rev-parse", "--verify", "--quiet", rev)
	if err != nil {
		return ""
	}
	return out
}

// objectType is git's type of sha, or "" when the object is missing.
func objectType(dir, sha string) string {
	if !shaRE.MatchString(sha) {
		return ""
	}
	out, err := git(dir, nil, nil, "cat-file", "-t", sha)
	if err != nil {
		return ""
	}
	return out
}

// gitRepo finds the repository in the path and its git directory. Like
// GitHub it answers 404 for an unknown repository and 409 for one without
// any commit.
func (s *Server) gitRepo(w http.ResponseWriter, r *request, doc string) (*repo, string) {
	rp := s.repo(w, r, doc)
	if rp == nil {
		return nil, ""
	}
	if rp.gitDir == "" {
		s.internal(w, fmt.Errorf("repository %s/%s has no git directory; call UseGitRepo", rp.owner, rp.name))
		return nil, ""
	}
	if out, err := git(rp.gitDir, nil, nil, "for-each-ref", "--count=1", "refs/heads/"); err != nil || out == "" {
		writeJSON(w, http.StatusConflict, apiError{Message: "Git Repository is empty.", DocumentationURL: doc})
		return nil, ""
	}
	return rp, rp.gitDir
}

func (s *Server) createBlob(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsBlobs)
	if rp == nil || denyWrite(w, r, docsBlobs) {
		return
	}
	var in struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Content == nil {
		validationFailed(w, docsBlobs, errEntry{Resource: "Blob", Code: "missing_field", Field: "content"})
		return
	}
	data := []byte(*in.Content)
	switch in.Encoding {
	case "", "utf-8":
	case "base64":
		var err error
		if data, err = base64.StdEncoding.DecodeString(*in.Content); err != nil {
			validationFailed(w, docsBlobs, errEntry{Resource: "Blob", Code: "invalid", Field: "content"})
			return
		}
	default:
		validationFailed(w, docsBlobs, errEntry{Resource: "Blob", Code: "invalid", Field: "encoding",
			Message: "encoding must be utf-8 or base64"})
		return
	}
	sha, err := git(dir, nil, data, "hash-object", "-w", "--stdin")
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sha": sha, "url": s.gitURL(r, rp, "blobs/"+sha)})
}

func (s *Server) gitURL(r *request, rp *repo, rest string) string {
	return r.base + "/repos/" + rp.owner + "/" + rp.name + "/git/" + rest
}

type treeEntryIn struct {
	Path    string  `json:"path"`
	Mode    string  `json:"mode"`
	Type    string  `json:"type"`
	SHA     *string `json:"sha"` // null deletes the path
	Content *string `json:"content"`
}

func (s *Server) createTree(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsTrees)
	if rp == nil || denyWrite(w, r, docsTrees) {
		return
	}
	var in struct {
		BaseTree string        `json:"base_tree"`
		Tree     []treeEntryIn `json:"tree"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Tree == nil {
		validationFailed(w, docsTrees, errEntry{Resource: "Tree", Code: "missing_field", Field: "tree"})
		return
	}
	// A temporary index builds the tree: read the base, apply the entries.
	// The index's commands want a work tree; an empty one is never read.
	tmp, err := os.MkdirTemp("", "fakegithub-index-")
	if err != nil {
		s.internal(w, err)
		return
	}
	defer os.RemoveAll(tmp)
	env := []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index"), "GIT_WORK_TREE=" + tmp}
	if in.BaseTree != "" {
		if t := objectType(dir, in.BaseTree); t != "tree" && t != "commit" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Invalid tree info: base_tree is not a valid tree oid", DocumentationURL: docsTrees})
			return
		}
		if _, err := git(dir, env, nil, "read-tree", in.BaseTree); err != nil {
			s.internal(w, err)
			return
		}
	} else if _, err := git(dir, env, nil, "read-tree", "--empty"); err != nil {
		s.internal(w, err)
		return
	}
	for _, e := range in.Tree {
		p := strings.Trim(e.Path, "/")
		if p == "" || filepath.IsAbs(e.Path) || strings.Contains("/"+p+"/", "/../") {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "tree.path contains a malformed path component", DocumentationURL: docsTrees})
			return
		}
		if e.Mode != "100644" && e.Mode != "100755" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: fmt.Sprintf("Invalid tree info: tree.mode %q is not supported by the fake", e.Mode), DocumentationURL: docsTrees})
			return
		}
		switch {
		case e.Content != nil:
			sha, err := git(dir, nil, []byte(*e.Content), "hash-object", "-w", "--stdin")
			if err != nil {
				s.internal(w, err)
				return
			}
			e.SHA = &sha
		case e.SHA == nil:
			if _, err := git(dir, env, nil, "update-index", "--force-remove", "--", p); err != nil {
				s.internal(w, err)
				return
			}
			continue
		}
		if objectType(dir, *e.SHA) != "blob" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: fmt.Sprintf("tree.sha %s is not a valid blob", *e.SHA), DocumentationURL: docsTrees})
			return
		}
		if _, err := git(dir, env, nil, "update-index", "--add", "--cacheinfo", e.Mode+","+*e.SHA+","+p); err != nil {
			s.internal(w, err)
			return
		}
	}
	sha, err := git(dir, env, nil, "write-tree")
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sha": sha, "url": s.gitURL(r, rp, "trees/"+sha), "truncated": false, "tree": []any{}})
}

type gitPerson struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Date  string `json:"date,omitempty"`
}

func (s *Server) createCommit(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsCommits)
	if rp == nil || denyWrite(w, r, docsCommits) {
		return
	}
	var in struct {
		Message   *string    `json:"message"`
		Tree      string     `json:"tree"`
		Parents   []string   `json:"parents"`
		Author    *gitPerson `json:"author"`
		Committer *gitPerson `json:"committer"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Message == nil {
		validationFailed(w, docsCommits, errEntry{Resource: "Commit", Code: "missing_field", Field: "message"})
		return
	}
	if objectType(dir, in.Tree) != "tree" {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Tree SHA does not exist", DocumentationURL: docsCommits})
		return
	}
	for _, p := range in.Parents {
		if objectType(dir, p) != "commit" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Parent SHA does not exist or is not a commit object", DocumentationURL: docsCommits})
			return
		}
	}
	now := time.Now().UTC()
	user := gitPerson{Name: r.login, Email: r.login + "@users.noreply.github.com"}
	author := user
	if in.Author != nil {
		author = *in.Author
	}
	// GitHub signs a commit when it is the committer: no committer given.
	signed := in.Committer == nil
	committer := gitPerson{Name: CommitterName, Email: CommitterEmail}
	if in.Committer != nil {
		committer = *in.Committer
	}
	stamp := func(p gitPerson) (string, bool) {
		t := now
		if p.Date != "" {
			var err error
			if t, err = time.Parse(time.RFC3339, p.Date); err != nil {
				return "", false
			}
		}
		return fmt.Sprintf("%s <%s> %d %s", p.Name, p.Email, t.Unix(), t.Format("-0700")), true
	}
	as, ok1 := stamp(author)
	cs, ok2 := stamp(committer)
	if !ok1 || !ok2 || strings.ContainsAny(author.Name+author.Email+committer.Name+committer.Email, "<>\n") {
		validationFailed(w, docsCommits, errEntry{Resource: "Commit", Code: "invalid", Field: "author"})
		return
	}
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "tree %s\n", in.Tree)
	for _, p := range in.Parents {
		fmt.Fprintf(&raw, "parent %s\n", p)
	}
	fmt.Fprintf(&raw, "author %s\ncommitter %s\n", as, cs)
	if signed {
		raw.WriteString("gpgsig " + strings.ReplaceAll(fakeSignature, "\n", "\n ") + "\n")
	}
	raw.WriteString("\n" + *in.Message)
	sha, err := git(dir, nil, raw.Bytes(), "hash-object", "-t", "commit", "-w", "--stdin")
	if err != nil {
		s.internal(w, err)
		return
	}
	c, err := s.commitJSON(r, rp, dir, sha)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// commitJSON describes commit sha as GitHub's git commit object does.
func (s *Server) commitJSON(r *request, rp *repo, dir, sha string) (map[string]any, error) {
	out, err := git(dir, nil, nil, "cat-file", "commit", sha)
	if err != nil {
		return nil, err
	}
	head, msg, _ := strings.Cut(out, "\n\n")
	var tree string
	parents := []map[string]any{}
	people := map[string]map[string]any{}
	signed := false
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "tree":
			tree = v
		case "parent":
			parents = append(parents, map[string]any{"sha": v, "url": s.gitURL(r, rp, "commits/"+v)})
		case "author", "committer":
			people[k] = person(v)
		case "gpgsig":
			signed = true
		}
	}
	// cat-file output loses the message's final newline to TrimRight; git
	// messages end in one.
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	reason := "unsigned"
	if signed {
		reason = "valid"
	}
	return map[string]any{
		"sha":          sha,
		"node_id":      "C_" + sha[:12],
		"url":          s.gitURL(r, rp, "commits/"+sha),
		"html_url":     "https://github.com/" + rp.owner + "/" + rp.name + "/commit/" + sha,
		"message":      msg,
		"tree":         map[string]any{"sha": tree, "url": s.gitURL(r, rp, "trees/"+tree)},
		"parents":      parents,
		"author":       people["author"],
		"committer":    people["committer"],
		"verification": map[string]any{"verified": signed, "reason": reason, "signature": nil, "payload": nil},
	}, nil
}

// person parses git's "Name <email> seconds zone".
func person(v string) map[string]any {
	name, rest, _ := strings.Cut(v, " <")
	email, when, _ := strings.Cut(rest, "> ")
	secs, zone, _ := strings.Cut(when, " ")
	var n int64
	fmt.Sscan(secs, &n)
	t := time.Unix(n, 0).UTC()
	if loc, err := time.Parse("-0700", zone); err == nil {
		t = t.In(loc.Location())
	}
	return map[string]any{"name": name, "email": email, "date": t.Format(time.RFC3339)}
}

func (s *Server) getCommit(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsGetCommit)
	if rp == nil {
		return
	}
	sha := r.PathValue("sha")
	if objectType(dir, sha) != "commit" {
		notFound(w, docsGetCommit)
		return
	}
	c, err := s.commitJSON(r, rp, dir, sha)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) refJSON(r *request, rp *repo, ref, sha string) map[string]any {
	return map[string]any{
		"ref":     ref,
		"node_id": "REF_" + sha[:12],
		"url":     s.gitURL(r, rp, ref),
		"object":  map[string]any{"type": "commit", "sha": sha, "url": s.gitURL(r, rp, "commits/"+sha)},
	}
}

// getRef answers GET git/ref/{ref} (and the older git/refs/{ref}): the
// reference, or 404.
func (s *Server) getRef(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsGetRef)
	if rp == nil {
		return
	}
	ref := "refs/" + strings.TrimPrefix(r.PathValue("ref"), "refs/")
	sha := revParse(dir, ref)
	if sha == "" || !strings.HasPrefix(ref, "refs/heads/") && !strings.HasPrefix(ref, "refs/tags/") {
		notFound(w, docsGetRef)
		return
	}
	writeJSON(w, http.StatusOK, s.refJSON(r, rp, ref, sha))
}

func (s *Server) createRef(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsCreateRef)
	if rp == nil || denyWrite(w, r, docsCreateRef) {
		return
	}
	var in struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if !decode(w, r, &in) {
		return
	}
	if !strings.HasPrefix(in.Ref, "refs/") || strings.Count(in.Ref, "/") < 2 {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reference name must start with 'refs/' and have at least two slashes.", DocumentationURL: docsCreateRef})
		return
	}
	if objectType(dir, in.SHA) != "commit" {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Object does not exist", DocumentationURL: docsCreateRef})
		return
	}
	// The empty old value makes git refuse to create a ref that exists,
	// atomically, as GitHub does.
	if _, err := git(dir, nil, nil, "update-ref", in.Ref, in.SHA, ""); err != nil {
		if revParse(dir, in.Ref) != "" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reference already exists", DocumentationURL: docsCreateRef})
			return
		}
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.refJSON(r, rp, in.Ref, in.SHA))
}

func (s *Server) updateRef(w http.ResponseWriter, r *request) {
	rp, dir := s.gitRepo(w, r, docsUpdateRef)
	if rp == nil || denyWrite(w, r, docsUpdateRef) {
		return
	}
	var in struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if !decode(w, r, &in) {
		return
	}
	ref := "refs/" + strings.TrimPrefix(r.PathValue("ref"), "refs/")
	old := revParse(dir, ref)
	switch {
	case old == "":
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Reference does not exist", DocumentationURL: docsUpdateRef})
		return
	case objectType(dir, in.SHA) != "commit":
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Object does not exist", DocumentationURL: docsUpdateRef})
		return
	case !in.Force:
		if _, err := git(dir, nil, nil, "merge-base", "--is-ancestor", old, in.SHA); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Message: "Update is not a fast forward", DocumentationURL: docsUpdateRef})
			return
		}
	}
	if _, err := git(dir, nil, nil, "update-ref", ref, in.SHA, old); err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.refJSON(r, rp, ref, in.SHA))
}

func (s *Server) gitRoutes() {
	s.handle("POST /repos/{owner}/{repo}/git/blobs", s.createBlob)
	s.handle("POST /repos/{owner}/{repo}/git/trees", s.createTree)
	s.handle("POST /repos/{owner}/{repo}/git/commits", s.createCommit)
	s.handle("GET /repos/{owner}/{repo}/git/commits/{sha}", s.getCommit)
	s.handle("GET /repos/{owner}/{repo}/git/ref/{ref...}", s.getRef)
	s.handle("GET /repos/{owner}/{repo}/git/refs/{ref...}", s.getRef)
	s.handle("POST /repos/{owner}/{repo}/git/refs", s.createRef)
	s.handle("PATCH /repos/{owner}/{repo}/git/refs/{ref...}", s.updateRef)
}
