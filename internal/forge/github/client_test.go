package github_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/forge/github"
	"github.com/osism/image-crawler/internal/testenv/fakegithub"
)

// token is a canary: it must never show up in an error.
const token = "ghp_CANARYcanary0123456789abcdefCANARY"

const branch = "image-crawler/updates"

var repo = forge.Repo{Owner: "osism", Name: "images"}

// sleeper records the waits the Client asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeper) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waits)
}

type env struct {
	gh    *fakegithub.Server
	c     *github.Client
	sleep *sleeper
}

// setup starts a fake GitHub with osism/images (default branch main) and a
// pushed bot branch, and a Client that uses tok (the write token when "").
func setup(t *testing.T, tok string, opts ...func(*github.Options)) *env {
	t.Helper()
	e := &env{gh: fakegithub.New(t, token), sleep: &sleeper{}}
	e.gh.AddRepo(repo.Owner, repo.Name, "main")
	e.gh.SetBranch(repo.Owner, repo.Name, branch, "c0ffee")
	if tok == "" {
		tok = token
	}
	o := github.Options{APIURL: e.gh.URL, Token: tok, Sleep: e.sleep.sleep, HTTPClient: e.gh.Client()}
	for _, f := range opts {
		f(&o)
	}
	c, err := github.New(o)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func (e *env) create(t *testing.T, p forge.NewPR) *forge.PullRequest {
	t.Helper()
	pr, created, err := e.c.Create(context.Background(), repo, p)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !created {
		t.Fatalf("Create found #%d instead of creating one", pr.Number)
	}
	return pr
}

func newPR() forge.NewPR {
	return forge.NewPR{Title: "Update images", Body: "Ubuntu 24.04: 20260705", Branch: branch, Base: "main"}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	ctx := context.Background()

	const base = "main"
	if pr, err := e.c.FindOpen(ctx, repo, branch, base); err != nil || pr != nil {
		t.Fatalf("FindOpen before create = %+v, %v; want nil, nil", pr, err)
	}

	pr := e.create(t, newPR())
	want := forge.PullRequest{Number: 1, URL: "https://github.com/osism/images/pull/1", Title: "Update images",
		Body: "Ubuntu 24.04: 20260705", Head: branch, Base: "main", State: "open"}
	if !equalPR(*pr, want) {
		t.Fatalf("Create = %+v, want %+v", *pr, want)
	}

	found, err := e.c.FindOpen(ctx, repo, branch, base)
	if err != nil || found == nil || !equalPR(*found, want) {
		t.Fatalf("FindOpen = %+v, %v; want %+v", found, err, want)
	}

	writes := e.gh.Writes()
	changed, err := e.c.Update(ctx, repo, pr.Number, want.Title, want.Body)
	if err != nil || changed {
		t.Fatalf("Update with identical text = %v, %v; want false, nil", changed, err)
	}
	if got := e.gh.Writes(); got != writes {
		t.Fatalf("Update with identical text wrote %d times", got-writes)
	}

	changed, err = e.c.Update(ctx, repo, pr.Number, want.Title, "Ubuntu 24.04: 20260706")
	if err != nil || !changed {
		t.Fatalf("Update with a new body = %v, %v; want true, nil", changed, err)
	}
	if got := e.gh.PullRequests(repo.Owner, repo.Name)[0]; got.Body != "Ubuntu 24.04: 20260706" || got.Title != want.Title {
		t.Fatalf("after Update, GitHub holds %+v", got)
	}

	if err := e.c.Close(ctx, repo, pr.Number, "Superseded: the catalog is current."); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := e.gh.Comments(repo.Owner, repo.Name, pr.Number); !slices.Equal(got, []string{"Superseded: the catalog is current."}) {
		t.Errorf("comments = %q", got)
	}
	if got := e.gh.PullRequests(repo.Owner, repo.Name)[0].State; got != "closed" {
		t.Errorf("state after Close = %q", got)
	}
	// The comment must come before the close, so that it explains the
	// notification the close sends.
	var order []string
	for _, c := range e.gh.Calls() {
		if c.Method != http.MethodGet {
			order = append(order, c.Method+" "+c.Path)
		}
	}
	wantOrder := []string{
		"POST /repos/osism/images/pulls",
		"PATCH /repos/osism/images/pulls/1",
		"POST /repos/osism/images/issues/1/comments",
		"PATCH /repos/osism/images/pulls/1",
	}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("writes = %q, want %q", order, wantOrder)
	}
	if pr, err := e.c.FindOpen(ctx, repo, branch, base); err != nil || pr != nil {
		t.Errorf("FindOpen after Close = %+v, %v; want nil, nil", pr, err)
	}
}

func equalPR(a, b forge.PullRequest) bool {
	return a.Number == b.Number && a.URL == b.URL && a.Title == b.Title && a.Body == b.Body &&
		a.Head == b.Head && a.Base == b.Base && a.State == b.State && a.Draft == b.Draft &&
		slices.Equal(a.Labels, b.Labels)
}

func TestUpdateIgnoresCRLF(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	n := e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{
		Title: "Update images", Body: "line 1\r\nline 2", Head: branch, Base: "main"})
	changed, err := e.c.Update(context.Background(), repo, n, "Update images", "line 1\nline 2")
	if err != nil || changed {
		t.Fatalf("Update = %v, %v; want false, nil", changed, err)
	}
	if w := e.gh.Writes(); w != 0 {
		t.Fatalf("%d writes, want 0", w)
	}
}

func TestFindOpenOnlyTheBotsBranch(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	e.gh.SetBranch(repo.Owner, repo.Name, "release", "abc")
	// A person's pull request from a fork, on a branch of the same name, and
	// one into another base: neither is the bot's.
	e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "fork", Head: branch, HeadOwner: "someone", Base: "main"})
	e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "other base", Head: branch, Base: "release"})
	e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "other branch", Head: "feature", Base: "main"})
	ctx := context.Background()

	if pr, err := e.c.FindOpen(ctx, repo, branch, "main"); err != nil || pr != nil {
		t.Fatalf("FindOpen = %+v, %v; want nil", pr, err)
	}
	ours := e.create(t, newPR())
	pr, err := e.c.FindOpen(ctx, repo, branch, "main")
	if err != nil || pr == nil || pr.Number != ours.Number {
		t.Fatalf("FindOpen = %+v, %v; want #%d", pr, err, ours.Number)
	}
	// Any base: the oldest of the bot's own.
	pr, err = e.c.FindOpen(ctx, repo, branch, "")
	if err != nil || pr == nil || pr.Title != "other base" {
		t.Fatalf("FindOpen with any base = %+v, %v; want the one into release", pr, err)
	}
	for _, c := range e.gh.Calls() {
		if c.Method == http.MethodGet && c.Path == "/repos/osism/images/pulls" && !strings.Contains(c.Query, "head=osism%3Aimage-crawler%2Fupdates") {
			t.Errorf("list without the owner:branch head filter: %s", c.Query)
		}
	}
}

func TestFindOpenPaginates(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	// GitHub allows one open pull request per head and base, but a search
	// across bases may match more than a page of them.
	for i := range 120 {
		e.gh.SetBranch(repo.Owner, repo.Name, fmt.Sprintf("b%d", i), "x")
		e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: fmt.Sprint(i), Head: branch, Base: fmt.Sprintf("b%d", i)})
	}
	pr, err := e.c.FindOpen(context.Background(), repo, branch, "")
	if err != nil || pr == nil || pr.Number != 1 {
		t.Fatalf("FindOpen = %+v, %v; want #1, which GitHub lists last", pr, err)
	}
	lists := 0
	for _, c := range e.gh.Calls() {
		if c.Path == "/repos/osism/images/pulls" {
			lists++
		}
	}
	if lists != 2 {
		t.Errorf("%d list requests, want 2 pages", lists)
	}
}

func TestCreateExistingReturnsIt(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	first := e.create(t, newPR())
	p := newPR()
	p.Title = "Something else"
	pr, created, err := e.c.Create(context.Background(), repo, p)
	if err != nil || created || pr == nil || pr.Number != first.Number || pr.Title != first.Title {
		t.Fatalf("second Create = %+v, %v, %v; want existing #%d with its title, not created", pr, created, err, first.Number)
	}
	if n := len(e.gh.PullRequests(repo.Owner, repo.Name)); n != 1 {
		t.Fatalf("%d pull requests, want 1", n)
	}
}

func TestCreateRace(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	const runs = 4
	var wg sync.WaitGroup
	results := make([]struct {
		pr      *forge.PullRequest
		created bool
		err     error
	}, runs)
	for i := range runs {
		wg.Go(func() {
			r := &results[i]
			r.pr, r.created, r.err = e.c.Create(context.Background(), repo, newPR())
		})
	}
	wg.Wait()
	created := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("run %d: %v", i, r.err)
		}
		if r.pr.Number != 1 {
			t.Errorf("run %d got #%d, want #1", i, r.pr.Number)
		}
		if r.created {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d runs created the pull request, want 1", created)
	}
	if n := len(e.gh.PullRequests(repo.Owner, repo.Name)); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}
}

func TestCreateRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(e *env, p *forge.NewPR)
		want   string
		is     error
	}{
		{"no commits", func(e *env, p *forge.NewPR) { e.gh.SetBranch(repo.Owner, repo.Name, branch, "base") },
			"create pull request in osism/images: no commits between main and image-crawler/updates", forge.ErrNoCommits},
		{"no base", func(e *env, p *forge.NewPR) { p.Base = "develop" },
			`create pull request in osism/images: base branch "develop" does not exist`, nil},
		{"branch not pushed", func(e *env, p *forge.NewPR) { p.Branch = "nowhere" },
			`create pull request in osism/images: branch "nowhere" does not exist; was it pushed?`, nil},
		{"no title", func(e *env, p *forge.NewPR) { p.Title = "" },
			"create pull request in osism/images: no title", nil},
		{"body too long", func(e *env, p *forge.NewPR) { p.Body = strings.Repeat("x", 70000) },
			"body is too long (maximum is 65536 characters)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, "")
			p := newPR()
			tt.mutate(e, &p)
			pr, created, err := e.c.Create(context.Background(), repo, p)
			if err == nil || pr != nil || created {
				t.Fatalf("Create = %+v, %v, %v; want an error", pr, created, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if n := len(e.gh.PullRequests(repo.Owner, repo.Name)); n != 0 {
				t.Errorf("%d pull requests exist", n)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	ctx := context.Background()
	// One label exists already, in a colour someone chose: keep it.
	e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "old", Head: "x", Base: "main", State: "closed", Labels: []string{"Images"}})
	p := newPR()
	p.Labels = []string{"automated", "images", "automated", " "}
	pr := e.create(t, p)
	if want := []string{"automated", "Images"}; !slices.Equal(pr.Labels, want) {
		t.Errorf("pull request labels = %q, want %q", pr.Labels, want)
	}
	want := []fakegithub.Label{
		{Name: "Images", Color: "ededed"},
		{Name: "automated", Color: "1d76db", Description: "Added by image-crawler"},
	}
	if got := e.gh.Labels(repo.Owner, repo.Name); !slices.Equal(got, want) {
		t.Errorf("repository labels = %+v, want %+v", got, want)
	}
	if got := e.gh.PullRequests(repo.Owner, repo.Name)[1].Labels; !slices.Equal(got, []string{"automated", "Images"}) {
		t.Errorf("GitHub holds labels %q", got)
	}

	// A pull request that has its labels costs no request at all.
	before := e.gh.Requests()
	if err := e.c.AddLabels(ctx, repo, pr, []string{"AUTOMATED", "images"}); err != nil {
		t.Fatal(err)
	}
	if got := e.gh.Requests(); got != before {
		t.Errorf("AddLabels with nothing to add made %d requests", got-before)
	}

	// A racing run's Create finds the pull request; labels are not created twice.
	writes := e.gh.Writes()
	got, created, err := e.c.Create(ctx, repo, p)
	if err != nil || created || got.Number != pr.Number {
		t.Fatalf("second Create = %+v, %v, %v", got, created, err)
	}
	if w := e.gh.Writes() - writes; w != 1 {
		t.Errorf("second Create made %d writes, want only its refused POST", w)
	}
	if n := len(e.gh.Labels(repo.Owner, repo.Name)); n != 2 {
		t.Errorf("%d labels after the second run, want 2", n)
	}
}

// TestRefusals checks that GitHub's refusals become errors that name the
// operation and say what to change, and never carry the token.
func TestRefusals(t *testing.T) {
	t.Parallel()
	const (
		readOnly = "ghs_READONLY0123456789readonly"
		actions  = "ghs_ACTIONS0123456789actions"
	)
	type op func(ctx context.Context, e *env) error
	create := func(ctx context.Context, e *env) error {
		_, _, err := e.c.Create(ctx, repo, newPR())
		return err
	}
	update := func(ctx context.Context, e *env) error {
		n := e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "t", Head: branch, Base: "main"})
		_, err := e.c.Update(ctx, repo, n, "new", "new")
		return err
	}
	closePR := func(ctx context.Context, e *env) error {
		n := e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "t", Head: branch, Base: "main"})
		return e.c.Close(ctx, repo, n, "bye")
	}
	label := func(ctx context.Context, e *env) error {
		n := e.gh.AddPullRequest(repo.Owner, repo.Name, fakegithub.PullRequest{Title: "t", Head: branch, Base: "main"})
		return e.c.AddLabels(ctx, repo, &forge.PullRequest{Number: n}, []string{"automated"})
	}
	issue := func(ctx context.Context, e *env) error {
		_, err := e.c.CreateIssue(ctx, repo, "t", "b", nil)
		return err
	}
	findOpen := func(ctx context.Context, e *env) error {
		_, err := e.c.FindOpen(ctx, forge.Repo{Owner: "osism", Name: "missing"}, branch, "")
		return err
	}
	tests := []struct {
		name  string
		token string
		op    op
		want  string
	}{
		{"bad token", "ghp_WRONG" + token, findOpen, "find open pull request for image-crawler/updates in osism/missing: GitHub rejected the token (401 Bad credentials)"},
		{"bad token on write", "ghp_WRONG" + token, create, "create pull request in osism/images: GitHub rejected the token (401 Bad credentials)"},
		{"missing repository", "", findOpen, "find open pull request for image-crawler/updates in osism/missing: repository osism/missing not found, or the token cannot see it (404 Not Found)"},
		{"read-only create", readOnly, create, "create pull request in osism/images: the token needs pull-requests: write on osism/images (403 Resource not accessible by integration)"},
		{"read-only update", readOnly, update, "update pull request #1 in osism/images: the token needs pull-requests: write"},
		{"read-only close", readOnly, closePR, "close pull request #1 in osism/images: the token needs pull-requests: write"},
		{"read-only labels", readOnly, label, `create label "automated" in osism/images: the token needs issues: write`},
		{"read-only issue", readOnly, issue, "create an issue in osism/images: the token needs issues: write"},
		{"actions setting", actions, create, `turn on "Allow GitHub Actions to create and approve pull requests"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, tt.token)
			e.gh.AddToken(readOnly, fakegithub.Token{ReadOnly: true})
			e.gh.AddToken(actions, fakegithub.Token{Actions: true})
			err := tt.op(context.Background(), e)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nlacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), token) || (tt.token != "" && strings.Contains(err.Error(), tt.token)) {
				t.Errorf("error contains the token: %q", err)
			}
			if e.sleep.count() != 0 {
				t.Errorf("a refusal was retried")
			}
		})
	}
}

// leakyTransport fails like a careless proxy library that dumps the request
// headers into its error.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("proxy refused request with Authorization: %s", req.Header.Get("Authorization"))
}

func TestErrorsNeverContainTheToken(t *testing.T) {
	t.Parallel()
	c, err := github.New(github.Options{Token: token, HTTPClient: &http.Client{Transport: leakyTransport{}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FindOpen(context.Background(), repo, branch, "")
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "Authorization: Bearer ***") {
		t.Fatalf("error not redacted: %q", err)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		limit    fakegithub.RateLimit
		retries  int
		wantErr  string
		requests int
		sleeps   int
		wait     func(time.Duration) bool
	}{
		{name: "primary clears", limit: fakegithub.RateLimit{Requests: 2},
			requests: 3, sleeps: 2, wait: between(time.Second, 3*time.Second)},
		{name: "primary 429 clears", limit: fakegithub.RateLimit{Requests: 1, Status: 429},
			requests: 2, sleeps: 1, wait: between(time.Second, 3*time.Second)},
		{name: "secondary clears", limit: fakegithub.RateLimit{Requests: 2, Secondary: true},
			requests: 3, sleeps: 2, wait: exactly(time.Second)},
		{name: "secondary 429 clears", limit: fakegithub.RateLimit{Requests: 1, Secondary: true, Status: 429, RetryAfter: 7},
			requests: 2, sleeps: 1, wait: exactly(7 * time.Second)},
		{name: "secondary without Retry-After waits a minute", limit: fakegithub.RateLimit{Requests: 1, Secondary: true, RetryAfter: -1},
			requests: 2, sleeps: 1, wait: exactly(time.Minute)},
		{name: "primary never clears", limit: fakegithub.RateLimit{Requests: -1},
			wantErr: "GitHub API rate limit exceeded: still exceeded after 4 attempts", requests: 4, sleeps: 3},
		{name: "secondary never clears", limit: fakegithub.RateLimit{Requests: -1, Secondary: true}, retries: 1,
			wantErr: "GitHub API rate limit exceeded: still exceeded after 2 attempts", requests: 2, sleeps: 1},
		{name: "primary resets too late", limit: fakegithub.RateLimit{Requests: -1, Reset: time.Hour},
			wantErr: "longer than the 1m0s this run waits", requests: 1, sleeps: 0},
		{name: "secondary asks too much", limit: fakegithub.RateLimit{Requests: 1, Secondary: true, RetryAfter: 600},
			wantErr: "GitHub asks to wait 10m0s, longer than the 1m0s this run waits", requests: 1, sleeps: 0},
		{name: "no retries", limit: fakegithub.RateLimit{Requests: 1}, retries: -1,
			wantErr: "still exceeded after 1 attempt (", requests: 1, sleeps: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, "", func(o *github.Options) { o.MaxRetries = tt.retries })
			e.gh.RateLimit(tt.limit)
			pr, err := e.c.FindOpen(context.Background(), repo, branch, "")
			if tt.wantErr == "" {
				if err != nil || pr != nil {
					t.Fatalf("FindOpen = %+v, %v", pr, err)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, github.ErrRateLimited) {
					t.Fatalf("error %v, want ErrRateLimited with %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "find open pull request for image-crawler/updates in osism/images: ") {
					t.Errorf("error does not name the operation: %q", err)
				}
			}
			if got := e.gh.Requests(); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if got := e.sleep.count(); got != tt.sleeps {
				t.Errorf("%d waits, want %d", got, tt.sleeps)
			}
			for _, w := range e.sleep.waits {
				if tt.wait != nil && !tt.wait(w) {
					t.Errorf("waited %v", w)
				}
			}
		})
	}
}

func between(lo, hi time.Duration) func(time.Duration) bool {
	return func(d time.Duration) bool { return d > lo && d <= hi }
}

func exactly(want time.Duration) func(time.Duration) bool {
	return func(d time.Duration) bool { return d == want }
}

// go-github remembers a primary limit and answers later calls with a
// RateLimitError without sending them; that error must be waited out too.
func TestRateLimitRemembered(t *testing.T) {
	t.Parallel()
	e := setup(t, "", func(o *github.Options) { o.MaxRetries = 1 })
	ctx := context.Background()
	e.gh.RateLimit(fakegithub.RateLimit{Requests: 2})
	if _, err := e.c.FindOpen(ctx, repo, branch, ""); !errors.Is(err, github.ErrRateLimited) {
		t.Fatalf("first call: %v, want ErrRateLimited", err)
	}
	if got := e.gh.Requests(); got != 2 {
		t.Fatalf("%d requests, want 2", got)
	}
	// The limit has cleared on the server, but the client still remembers
	// it: the first attempt is refused locally, the retry goes through.
	pr, err := e.c.FindOpen(ctx, repo, branch, "main")
	if err != nil || pr != nil {
		t.Fatalf("FindOpen = %+v, %v", pr, err)
	}
	if got := e.gh.Requests(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
	if got := e.sleep.count(); got != 2 {
		t.Errorf("%d waits, want 2", got)
	}
}

func TestRateLimitWaitHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := setup(t, "", func(o *github.Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
	})
	e.gh.RateLimit(fakegithub.RateLimit{Requests: -1, Secondary: true})
	_, err := e.c.FindOpen(ctx, repo, branch, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if got := e.gh.Requests(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestAPIURLFormsReachTheFake(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(t, token)
	gh.AddRepo("osism", "images", "main")
	tests := []struct{ url, path string }{
		{gh.URL, "/repos/osism/images/pulls"},
		{gh.URL + "/", "/repos/osism/images/pulls"},
		{gh.URL + "/api/v3", "/api/v3/repos/osism/images/pulls"},
		{gh.URL + "/api/v3/", "/api/v3/repos/osism/images/pulls"},
	}
	for _, tt := range tests {
		c, err := github.New(github.Options{APIURL: tt.url, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		if pr, err := c.FindOpen(context.Background(), repo, branch, ""); err != nil || pr != nil {
			t.Errorf("%s: FindOpen = %+v, %v", tt.url, pr, err)
		}
		calls := gh.Calls()
		if got := calls[len(calls)-1].Path; got != tt.path {
			t.Errorf("%s: request went to %s, want %s", tt.url, got, tt.path)
		}
	}
}

// recorder answers every request with pull request #1 and records the URLs.
type recorder struct {
	mu   sync.Mutex
	urls []string
	ua   []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.ua = append(r.ua, req.UserAgent())
	r.mu.Unlock()
	return &http.Response{
		StatusCode: 200, Request: req, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"number":1,"title":"t","body":"b"}`)),
	}, nil
}

func TestAPIURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "https://api.github.com/repos/osism/images/pulls/1"},
		{"https://api.github.com", "https://api.github.com/repos/osism/images/pulls/1"},
		{"https://api.github.com/", "https://api.github.com/repos/osism/images/pulls/1"},
		{"https://github.com/", "https://api.github.com/repos/osism/images/pulls/1"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/repos/osism/images/pulls/1"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/repos/osism/images/pulls/1"},
		{" http://127.0.0.1:1234/ ", "http://127.0.0.1:1234/repos/osism/images/pulls/1"},
	}
	for _, tt := range tests {
		rec := &recorder{}
		c, err := github.New(github.Options{APIURL: tt.in, Token: token, UserAgent: "image-crawler/test", HTTPClient: &http.Client{Transport: rec}})
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		// Update reads the pull request and, its title and body being the
		// same, writes nothing: one request.
		if _, err := c.Update(context.Background(), repo, 1, "t", "b"); err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if len(rec.urls) != 1 || rec.urls[0] != tt.want || rec.ua[0] != "image-crawler/test" {
			t.Errorf("%q: requested %q as %q, want %q", tt.in, rec.urls, rec.ua, tt.want)
		}
	}
}

func TestBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		o    github.Options
		want string
	}{
		{github.Options{APIURL: "ftp://ghe.example.com/"}, "want https://HOST/PATH/"},
		{github.Options{APIURL: "ghe.example.com/api/v3"}, "want https://HOST/PATH/"},
		{github.Options{APIURL: "https://ghe.example.com/api/v3?x=1"}, "want https://HOST/PATH/"},
		{github.Options{APIURL: "https://x-access-token:" + token + "@ghe.example.com/api/v3"}, "credentials do not belong in the URL"},
		{github.Options{APIURL: "https://ghe.example.com/%zz"}, "GitHub API URL"},
		{github.Options{Token: "ghp_abc\ndef"}, "GitHub token contains spaces or control characters"},
	}
	for _, tt := range tests {
		_, err := github.New(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want %q", tt.o.APIURL, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("error contains the token: %q", err)
		}
	}
}

// A GitHub Enterprise address without /api/v3 reaches the web server, which
// answers HTML; the error says where the API is.
func TestNotTheAPI(t *testing.T) {
	t.Parallel()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html><body>Page not found</body></html>")
	}))
	t.Cleanup(web.Close)
	c, err := github.New(github.Options{APIURL: web.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FindOpen(context.Background(), repo, branch, "")
	if err == nil || !strings.Contains(err.Error(), "the answer did not come from the GitHub API; for GitHub Enterprise Server the API URL is https://HOST/api/v3/") {
		t.Fatalf("error %v", err)
	}
}

func TestMissingPullRequest(t *testing.T) {
	t.Parallel()
	e := setup(t, "")
	ctx := context.Background()
	_, err := e.c.Update(ctx, repo, 42, "t", "b")
	if want := "update pull request #42 in osism/images: pull request #42 in osism/images not found, or the token cannot see it (404 Not Found)"; err == nil || err.Error() != want {
		t.Errorf("Update: %v\nwant %s", err, want)
	}
	err = e.c.Close(ctx, repo, 42, "bye")
	if want := "close pull request #42 in osism/images: pull request #42 in osism/images not found, or the token needs pull-requests: write (404 Not Found)"; err == nil || err.Error() != want {
		t.Errorf("Close: %v\nwant %s", err, want)
	}
}
