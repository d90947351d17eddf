// Package fakegithub is a stateful stand-in for the part of GitHub's REST API
// that image-crawler uses: repositories, pull requests, issue comments and
// labels, and branch deletion.
//
// It answers the way github.com does, down to the JSON error shapes and the
// rate-limit headers, so that the real go-github client classifies its
// answers exactly as it would classify GitHub's (a *github.RateLimitError,
// a *github.AbuseRateLimitError, a 422 with GitHub's validation messages).
// Tests drive it through the real client; they never stub the client itself.
//
// Paths are accepted both at the root (/repos/...) and under /api/v3/ (the
// prefix go-github's WithEnterpriseURLs adds), so one fake serves both the
// github.com and the GitHub Enterprise form of an API URL.
package fakegithub

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token describes what a token configured with AddToken may do.
type Token struct {
	// ReadOnly tokens get 403 "Resource not accessible by integration" on
	// every write, like a GITHUB_TOKEN with read permissions.
	ReadOnly bool
	// Actions marks the GITHUB_TOKEN of a GitHub Actions run: it may create
	// pull requests only when SetActionsCanCreatePullRequests(true) was called,
	// as on GitHub where that repository setting is off by default.
	Actions bool
	// Login is the user the token acts as; it becomes the pull request author.
	Login string
}

// RateLimit describes an injected rate limit; see Server.RateLimit.
type RateLimit struct {
	// Requests is how many of the next requests are refused; a negative
	// number refuses every request until the limit is replaced.
	Requests int
	// Secondary selects GitHub's secondary ("abuse") limit instead of the
	// primary one.
	Secondary bool
	// Status is the HTTP status of the refusal: 403 (the default) or 429,
	// GitHub uses both.
	Status int
	// Reset is how far in the future X-RateLimit-Reset lies for a primary
	// limit; 1s when zero.
	Reset time.Duration
	// RetryAfter is the Retry-After header of a secondary limit, in seconds;
	// 1 when zero, no header when negative.
	RetryAfter int
}

// PullRequest is the fake's record of a pull request.
type PullRequest struct {
	Number int
	Title  string
	Body   string
	// Head is the head branch; HeadOwner owns the repository it lives in
	// (the base repository's owner when empty).
	Head      string
	HeadOwner string
	Base      string
	State     string // "open" or "closed"
	Draft     bool
	Labels    []string
	Author    string
	// Reviewers and TeamReviewers are the requested reviewers (logins and
	// team slugs); Assignees the assigned logins; Milestone a milestone
	// number, 0 for none.
	Reviewers     []string
	TeamReviewers []string
	Assignees     []string
	Milestone     int
}

// Label is a repository label.
type Label struct {
	Name        string
	Color       string
	Description string
}

// Call is one request the server received.
type Call struct {
	Method string
	Path   string // as received, with any /api/v3 prefix
	Query  string
	Status int
}

// Branches is the git side of the fake: which branches exist, whether one has
// commits another lacks, and deleting one. The default keeps branches in
// memory (see SetBranch); end-to-end tests plug in their real git server with
// UseBranches. Its methods are called with the server's lock held, so that
// concurrent requests see a consistent state; they must not call back into
// the Server.
type Branches interface {
	Exists(owner, repo, branch string) (bool, error)
	// Ahead reports whether head has commits that base does not.
	Ahead(owner, repo, base, head string) (bool, error)
	// Delete removes branch and reports whether it existed.
	Delete(owner, repo, branch string) (bool, error)
}

// Server is a fake GitHub REST API. Create it with New.
type Server struct {
	// URL is the server's base URL without a trailing slash, e.g.
	// http://127.0.0.1:41234. The API answers at URL/ and at URL/api/v3/.
	URL string

	srv *httptest.Server
	mux *http.ServeMux
	tb  testing.TB

	mu         sync.Mutex
	tokens     map[string]Token
	repos      map[string]*repo // by lower-case "owner/name": GitHub names are case-insensitive
	mem        *memBranches
	branches   Branches
	actionsPRs bool
	limit      RateLimit
	nextID     int64
	requests   int
	writes     int
	calls      []Call
	window     time.Time // end of the current rate-limit window, for the headers
}

type repo struct {
	owner, name   string
	defaultBranch string
	nextNumber    int // pull requests and issues share one sequence, as on GitHub
	pulls         map[int]*pull
	comments      map[int][]comment
	labels        []Label
	gitDir        string        // bare repository behind the git data API (UseGitRepo)
	issues        map[int]*pull // plain issues; pull requests are in pulls
	collaborators []string
	teams         []string
	milestones    map[int]string
}

type pull struct {
	PullRequest
	id        int64
	createdAt time.Time
	updatedAt time.Time
	closedAt  time.Time
	// isIssue marks a plain issue (kept in repo.issues), stateReason its
	// state_reason once closed.
	isIssue     bool
	stateReason string
}

type comment struct {
	id   int64
	body string
	user string
}

// New starts a fake GitHub that accepts token with write access, and stops it
// when the test ends.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	s := &Server{
		tb:     tb,
		tokens: map[string]Token{token: {}},
		repos:  map[string]*repo{},
		mem:    &memBranches{sha: map[string]string{}},
		nextID: 1000,
		window: time.Now().Add(time.Hour).Truncate(time.Second),
	}
	s.branches = s.mem
	s.mux = http.NewServeMux()
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Close stops the server; New already arranges for that at the end of the test.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AddToken accepts another token.
func (s *Server) AddToken(token string, t Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = t
}

// AddRepo creates a repository whose default branch exists in the in-memory
// branch store.
func (s *Server) AddRepo(owner, name, defaultBranch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[key(owner, name)] = &repo{
		owner: owner, name: name, defaultBranch: defaultBranch,
		nextNumber: 1,
		pulls:      map[int]*pull{},
		comments:   map[int][]comment{},
		issues:     map[int]*pull{},
	}
	s.mem.set(owner, name, defaultBranch, "base")
}

// SetBranch creates or moves a branch in the in-memory branch store. A branch
// is ahead of another when their SHAs differ, so a head branch set to its
// base's SHA has "no commits between" them.
func (s *Server) SetBranch(owner, name, branch, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem.set(owner, name, branch, sha)
}

// HasBranch reports whether the in-memory branch store holds branch.
func (s *Server) HasBranch(owner, name, branch string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok, _ := s.mem.Exists(owner, name, branch)
	return ok
}

// UseBranches replaces the in-memory branch store, e.g. with one backed by a
// real git server.
func (s *Server) UseBranches(b Branches) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.branches = b
}

// SetActionsCanCreatePullRequests mirrors the repository setting "Allow
// GitHub Actions to create and approve pull requests" for Actions tokens.
func (s *Server) SetActionsCanCreatePullRequests(allow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actionsPRs = allow
}

// RateLimit makes the next rl.Requests requests fail with a rate limit. A
// zero RateLimit lifts any injected limit.
func (s *Server) RateLimit(rl RateLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = rl
}

// AddPullRequest records a pull request directly, e.g. one a person opened
// from a fork. It returns the pull request's number.
func (s *Server) AddPullRequest(owner, name string, pr PullRequest) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		s.tb.Fatalf("fakegithub: AddPullRequest on unknown repository %s/%s; call AddRepo first", owner, name)
		return 0
	}
	if pr.HeadOwner == "" {
		pr.HeadOwner = rp.owner
	}
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.Author == "" {
		pr.Author = "someone"
	}
	for _, l := range pr.Labels {
		rp.ensureLabel(l)
	}
	return s.addPull(rp, pr).Number
}

func (s *Server) addPull(rp *repo, pr PullRequest) *pull {
	now := time.Now().UTC().Truncate(time.Second)
	pr.Number = rp.nextNumber
	pr.Labels = slices.Clone(pr.Labels)
	rp.nextNumber++
	p := &pull{PullRequest: pr, id: s.newID(), createdAt: now, updatedAt: now}
	rp.pulls[pr.Number] = p
	return p
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

// PullRequests returns the repository's pull requests, lowest number first.
func (s *Server) PullRequests(owner, name string) []PullRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		return nil
	}
	out := make([]PullRequest, 0, len(rp.pulls))
	for _, p := range rp.sortedPulls() {
		pr := p.PullRequest
		pr.Labels = slices.Clone(pr.Labels)
		out = append(out, pr)
	}
	return out
}

// Comments returns the bodies of the comments on issue or pull request number.
func (s *Server) Comments(owner, name string, number int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		return nil
	}
	var out []string
	for _, c := range rp.comments[number] {
		out = append(out, c.body)
	}
	return out
}

// Labels returns the repository's labels in creation order.
func (s *Server) Labels(owner, name string) []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repos[key(owner, name)]
	if rp == nil {
		return nil
	}
	return slices.Clone(rp.labels)
}

// Requests counts every request received, refused ones included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Writes counts POST, PATCH, PUT and DELETE requests that got past
// authentication and rate limiting, whatever the answer.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Calls returns every request received, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func key(owner, name string) string { return strings.ToLower(owner + "/" + name) }

func (rp *repo) sortedPulls() []*pull {
	ps := make([]*pull, 0, len(rp.pulls))
	for _, p := range rp.pulls {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Number < ps[j].Number })
	return ps
}

func (rp *repo) label(name string) (Label, bool) {
	for _, l := range rp.labels {
		if strings.EqualFold(l.Name, name) {
			return l, true
		}
	}
	return Label{}, false
}

// ensureLabel returns the label named name, creating it the way GitHub does
// when a missing label is added to an issue: grey, without a description.
func (rp *repo) ensureLabel(name string) Label {
	if l, ok := rp.label(name); ok {
		return l
	}
	l := Label{Name: name, Color: "ededed"}
	rp.labels = append(rp.labels, l)
	return l
}

// memBranches is the default Branches: names and SHAs in memory.
type memBranches struct {
	sha map[string]string // "owner/repo\x00branch" -> sha
}

func (m *memBranches) k(owner, repo, branch string) string {
	return key(owner, repo) + "\x00" + branch
}

func (m *memBranches) set(owner, repo, branch, sha string) { m.sha[m.k(owner, repo, branch)] = sha }

func (m *memBranches) Exists(owner, repo, branch string) (bool, error) {
	_, ok := m.sha[m.k(owner, repo, branch)]
	return ok, nil
}

func (m *memBranches) Ahead(owner, repo, base, head string) (bool, error) {
	return m.sha[m.k(owner, repo, base)] != m.sha[m.k(owner, repo, head)], nil
}

func (m *memBranches) Delete(owner, repo, branch string) (bool, error) {
	k := m.k(owner, repo, branch)
	_, ok := m.sha[k]
	delete(m.sha, k)
	return ok, nil
}

// sha returns the in-memory SHA of a branch for the pull request JSON; a
// plugged-in Branches has none to offer.
func (s *Server) sha(owner, repo, branch string) string {
	if s.branches != Branches(s.mem) {
		return ""
	}
	return s.mem.sha[s.mem.k(owner, repo, branch)]
}
