package fakegithub_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/testenv/fakegithub"
)

const token = "ghp_fake0123456789"

// setup starts a fake with osism/images (main, and a pushed branch "feature")
// and returns a real go-github client for it.
func setup(t *testing.T) (*fakegithub.Server, *github.Client) {
	t.Helper()
	s := fakegithub.New(t, token)
	s.AddRepo("osism", "images", "main")
	s.SetBranch("osism", "images", "feature", "f00d")
	return s, clientFor(t, s, s.URL+"/", token)
}

func clientFor(t *testing.T, s *fakegithub.Server, base, tok string) *github.Client {
	t.Helper()
	gh := github.NewClient(s.Client()).WithAuthToken(tok)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	gh.BaseURL = u
	return gh
}

func newPR(head string) *github.NewPullRequest {
	return &github.NewPullRequest{Title: github.String("t"), Head: github.String(head), Base: github.String("main")}
}

// errorResponse asserts err is GitHub's error answer with status.
func errorResponse(t *testing.T, err error, status int) *github.ErrorResponse {
	t.Helper()
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != status {
		t.Fatalf("error %v (%T), want a %d ErrorResponse", err, err, status)
	}
	return er
}

func TestRepository(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	r, _, err := gh.Repositories.Get(ctx, "OSISM", "Images") // names are case-insensitive
	if err != nil {
		t.Fatal(err)
	}
	if r.GetDefaultBranch() != "main" || r.GetFullName() != "osism/images" || r.GetHTMLURL() != "https://github.com/osism/images" {
		t.Errorf("repository = %s %s %s", r.GetDefaultBranch(), r.GetFullName(), r.GetHTMLURL())
	}
	_, _, err = gh.Repositories.Get(ctx, "osism", "nope")
	if er := errorResponse(t, err, 404); er.Message != "Not Found" {
		t.Errorf("message %q", er.Message)
	}
	// The GitHub Enterprise form of the URL reaches the same API.
	ghe, err := github.NewClient(s.Client()).WithAuthToken(token).WithEnterpriseURLs(s.URL, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if r, _, err := ghe.Repositories.Get(ctx, "osism", "images"); err != nil || r.GetDefaultBranch() != "main" {
		t.Fatalf("via /api/v3/: %v, %v", r, err)
	}
	calls := s.Calls()
	if got := calls[len(calls)-1].Path; got != "/api/v3/repos/osism/images" {
		t.Errorf("last path %q", got)
	}
	// Unknown endpoints answer GitHub's JSON 404, not the mux's text.
	_, err = gh.Do(ctx, mustRequest(t, gh, "GET", "repos/osism/images/hooks"), nil)
	if er := errorResponse(t, err, 404); er.Message != "Not Found" {
		t.Errorf("message %q", er.Message)
	}
}

func mustRequest(t *testing.T, gh *github.Client, method, path string) *http.Request {
	t.Helper()
	req, err := gh.NewRequest(method, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		header string
		status int
	}{
		{"bearer", "Bearer " + token, 200},
		{"token scheme", "token " + token, 200},
		{"wrong token", "Bearer nope", 401},
		{"missing", "", 401},
		{"basic", "Basic " + token, 401},
	} {
		req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/repos/osism/images", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		if resp.Header.Get("X-RateLimit-Limit") != "5000" || resp.Header.Get("X-RateLimit-Resource") != "core" {
			t.Errorf("%s: rate-limit headers missing: %v", tc.name, resp.Header)
		}
	}
	_, _, err := clientFor(t, s, s.URL+"/", "ghp_wrong").Repositories.Get(ctx, "osism", "images")
	if er := errorResponse(t, err, 401); er.Message != "Bad credentials" {
		t.Errorf("message %q", er.Message)
	}
	if s.Writes() != 0 {
		t.Errorf("%d writes counted", s.Writes())
	}
}

func TestPullRequestValidation(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	s.SetBranch("osism", "images", "empty", "base") // same commit as main

	pr, resp, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v", err)
	}
	if pr.GetNumber() != 1 || pr.GetHTMLURL() != "https://github.com/osism/images/pull/1" ||
		pr.GetHead().GetLabel() != "osism:feature" || pr.GetBase().GetRef() != "main" || pr.GetState() != "open" {
		t.Errorf("created %+v", pr)
	}

	tests := []struct {
		name string
		pr   *github.NewPullRequest
		want github.Error
	}{
		{"duplicate", newPR("feature"), github.Error{Resource: "PullRequest", Code: "custom", Message: "A pull request already exists for osism:feature."}},
		{"duplicate with owner", newPR("osism:feature"), github.Error{Resource: "PullRequest", Code: "custom", Message: "A pull request already exists for osism:feature."}},
		{"no commits", newPR("empty"), github.Error{Resource: "PullRequest", Code: "custom", Message: "No commits between main and empty"}},
		{"missing head", newPR("nowhere"), github.Error{Resource: "PullRequest", Code: "invalid", Field: "head"}},
		{"fork head", newPR("someone:feature"), github.Error{Resource: "PullRequest", Code: "invalid", Field: "head"}},
		{"missing base", &github.NewPullRequest{Title: github.String("t"), Head: github.String("feature"), Base: github.String("develop")},
			github.Error{Resource: "PullRequest", Code: "invalid", Field: "base"}},
	}
	for _, tt := range tests {
		_, _, err := gh.PullRequests.Create(ctx, "osism", "images", tt.pr)
		er := errorResponse(t, err, 422)
		if er.Message != "Validation Failed" || len(er.Errors) != 1 || er.Errors[0] != tt.want ||
			!strings.HasPrefix(er.DocumentationURL, "https://docs.github.com/rest/pulls/") {
			t.Errorf("%s: got %q %+v %q, want %+v", tt.name, er.Message, er.Errors, er.DocumentationURL, tt.want)
		}
	}
	if n := len(s.PullRequests("osism", "images")); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}
}

func TestListHeadFilterNeedsOwner(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	s.AddPullRequest("osism", "images", fakegithub.PullRequest{Title: "ours", Head: "feature", Base: "main"})
	s.AddPullRequest("osism", "images", fakegithub.PullRequest{Title: "fork", Head: "feature", HeadOwner: "someone", Base: "main"})
	s.AddPullRequest("osism", "images", fakegithub.PullRequest{Title: "other", Head: "other", Base: "main"})
	s.AddPullRequest("osism", "images", fakegithub.PullRequest{Title: "closed", Head: "feature", Base: "main", State: "closed"})

	titles := func(opts *github.PullRequestListOptions) string {
		prs, _, err := gh.PullRequests.List(ctx, "osism", "images", opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range prs {
			out = append(out, p.GetTitle())
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		opts github.PullRequestListOptions
		want string
	}{
		{github.PullRequestListOptions{Head: "osism:feature"}, "ours"},
		{github.PullRequestListOptions{Head: "someone:feature"}, "fork"},
		{github.PullRequestListOptions{Head: "feature"}, "other,fork,ours"}, // ignored, as on GitHub
		{github.PullRequestListOptions{Head: "osism:feature", State: "all"}, "closed,ours"},
		{github.PullRequestListOptions{Head: "osism:feature", Base: "release"}, ""},
	} {
		if got := titles(&tt.opts); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestListPaginates(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	for range 5 {
		s.AddPullRequest("osism", "images", fakegithub.PullRequest{Title: "t", Head: "feature", Base: "main"})
	}
	ctx := context.Background()
	var numbers []int
	opts := &github.PullRequestListOptions{ListOptions: github.ListOptions{PerPage: 2}}
	for {
		prs, resp, err := gh.PullRequests.List(ctx, "osism", "images", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range prs {
			numbers = append(numbers, p.GetNumber())
		}
		if resp.NextPage == 0 {
			if resp.PrevPage != 2 || resp.FirstPage != 1 {
				t.Errorf("last page links: prev %d first %d", resp.PrevPage, resp.FirstPage)
			}
			break
		}
		opts.Page = resp.NextPage
	}
	if !slices.Equal(numbers, []int{5, 4, 3, 2, 1}) {
		t.Errorf("numbers %v, want newest first across pages", numbers)
	}
	opts.Page = 1<<63 - 1
	if prs, _, err := gh.PullRequests.List(ctx, "osism", "images", opts); err != nil || len(prs) != 0 {
		t.Errorf("a page past the end: %d pull requests, %v", len(prs), err)
	}
}

func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, resp, _ := gh.PullRequests.Create(context.Background(), "osism", "images", newPR("feature"))
			if resp != nil {
				codes[i] = resp.StatusCode
			}
		})
	}
	wg.Wait()
	created, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 422:
			refused++
		}
	}
	if created != 1 || refused != n-1 {
		t.Errorf("status codes %v: want one 201 and %d 422", codes, n-1)
	}
	if got := len(s.PullRequests("osism", "images")); got != 1 {
		t.Errorf("%d pull requests", got)
	}
	if got := s.Writes(); got != n {
		t.Errorf("Writes() = %d, want %d", got, n)
	}
}

func TestEditCommentClose(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	pr, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if err != nil {
		t.Fatal(err)
	}
	n := pr.GetNumber()
	if _, _, err := gh.PullRequests.Edit(ctx, "osism", "images", n, &github.PullRequest{Body: github.String("new body")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Issues.CreateComment(ctx, "osism", "images", n, &github.IssueComment{Body: github.String("closing")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = gh.Issues.CreateComment(ctx, "osism", "images", n, &github.IssueComment{Body: github.String("")})
	errorResponse(t, err, 422)
	_, _, err = gh.Issues.CreateComment(ctx, "osism", "images", 99, &github.IssueComment{Body: github.String("x")})
	errorResponse(t, err, 404)
	got, _, err := gh.PullRequests.Edit(ctx, "osism", "images", n, &github.PullRequest{State: github.String("closed")})
	if err != nil || got.GetState() != "closed" || got.GetBody() != "new body" || got.ClosedAt == nil {
		t.Fatalf("close: %+v, %v", got, err)
	}
	if c := s.Comments("osism", "images", n); len(c) != 1 || c[0] != "closing" {
		t.Errorf("comments %q", c)
	}
	// Numbers are shared with issues: the next pull request is #2, and a
	// number never given out is 404.
	s.SetBranch("osism", "images", "next", "n")
	if pr, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("next")); err != nil || pr.GetNumber() != 2 {
		t.Fatalf("second create: %v, %v", pr.GetNumber(), err)
	}
	_, _, err = gh.PullRequests.Get(ctx, "osism", "images", 3)
	errorResponse(t, err, 404)
}

func TestLabels(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	l, resp, err := gh.Issues.CreateLabel(ctx, "osism", "images", &github.Label{Name: github.String("automated"), Color: github.String("1D76DB")})
	if err != nil || resp.StatusCode != 201 || l.GetColor() != "1d76db" {
		t.Fatalf("create label: %+v, %v", l, err)
	}
	_, _, err = gh.Issues.CreateLabel(ctx, "osism", "images", &github.Label{Name: github.String("Automated")})
	if er := errorResponse(t, err, 422); len(er.Errors) != 1 || er.Errors[0] != (github.Error{Resource: "Label", Code: "already_exists", Field: "name"}) {
		t.Errorf("duplicate label: %+v", er.Errors)
	}
	_, _, err = gh.Issues.CreateLabel(ctx, "osism", "images", &github.Label{Name: github.String("x"), Color: github.String("#ffffff")})
	errorResponse(t, err, 422)
	if _, _, err := gh.Issues.GetLabel(ctx, "osism", "images", "AUTOMATED"); err != nil {
		t.Errorf("get label: %v", err)
	}
	_, _, err = gh.Issues.GetLabel(ctx, "osism", "images", url.PathEscape("area/images"))
	errorResponse(t, err, 404)

	pr, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if err != nil {
		t.Fatal(err)
	}
	// Adding a label that does not exist creates it, grey, as GitHub does.
	got, _, err := gh.Issues.AddLabelsToIssue(ctx, "osism", "images", pr.GetNumber(), []string{"AUTOMATED", "area/images", "automated"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range got {
		names = append(names, l.GetName())
	}
	if strings.Join(names, ",") != "automated,area/images" {
		t.Errorf("issue labels %q", names)
	}
	want := []fakegithub.Label{{Name: "automated", Color: "1d76db"}, {Name: "area/images", Color: "ededed"}}
	if got := s.Labels("osism", "images"); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("repository labels %+v, want %+v", got, want)
	}
	if l, _, err := gh.Issues.GetLabel(ctx, "osism", "images", url.PathEscape("area/images")); err != nil || l.GetName() != "area/images" {
		t.Errorf("get label with a slash: %v, %v", l, err)
	}
}

func TestDeleteRef(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	ctx := context.Background()
	s.SetBranch("osism", "images", "image-crawler/updates", "c1")
	pr, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("image-crawler/updates"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := gh.Git.DeleteRef(ctx, "osism", "images", "heads/image-crawler/updates")
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v", err)
	}
	if s.HasBranch("osism", "images", "image-crawler/updates") {
		t.Error("branch still exists")
	}
	// GitHub closes a pull request whose head branch is deleted.
	if got := s.PullRequests("osism", "images")[pr.GetNumber()-1].State; got != "closed" {
		t.Errorf("pull request state %q after deleting its branch", got)
	}
	_, err = gh.Git.DeleteRef(ctx, "osism", "images", "heads/image-crawler/updates")
	if er := errorResponse(t, err, 422); er.Message != "Reference does not exist" {
		t.Errorf("second delete: %q", er.Message)
	}
}

// gitBranches stands in for the real git server an end-to-end test plugs in.
type gitBranches struct {
	deleted []string
}

func (g *gitBranches) Exists(owner, repo, branch string) (bool, error) { return true, nil }
func (g *gitBranches) Ahead(owner, repo, base, head string) (bool, error) {
	return head != "merged", nil
}
func (g *gitBranches) Delete(owner, repo, branch string) (bool, error) {
	g.deleted = append(g.deleted, owner+"/"+repo+":"+branch)
	return true, nil
}

func TestUseBranches(t *testing.T) {
	t.Parallel()
	s, gh := setup(t)
	g := &gitBranches{}
	s.UseBranches(g)
	ctx := context.Background()
	if _, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("only-in-git")); err != nil {
		t.Fatalf("create from a branch the hook knows: %v", err)
	}
	_, _, err := gh.PullRequests.Create(ctx, "osism", "images", newPR("merged"))
	if er := errorResponse(t, err, 422); er.Errors[0].Message != "No commits between main and merged" {
		t.Errorf("errors %+v", er.Errors)
	}
	if _, err := gh.Git.DeleteRef(ctx, "osism", "images", "heads/only-in-git"); err != nil {
		t.Fatal(err)
	}
	if len(g.deleted) != 1 || g.deleted[0] != "osism/images:only-in-git" {
		t.Errorf("hook saw deletions %q", g.deleted)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	s.AddToken("ghs_ro", fakegithub.Token{ReadOnly: true})
	s.AddToken("ghs_actions", fakegithub.Token{Actions: true})
	ctx := context.Background()

	ro := clientFor(t, s, s.URL+"/", "ghs_ro")
	if _, _, err := ro.Repositories.Get(ctx, "osism", "images"); err != nil {
		t.Fatalf("read with a read-only token: %v", err)
	}
	_, _, err := ro.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if er := errorResponse(t, err, 403); er.Message != "Resource not accessible by integration" {
		t.Errorf("read-only create: %q", er.Message)
	}
	_, err = ro.Git.DeleteRef(ctx, "osism", "images", "heads/feature")
	errorResponse(t, err, 403)
	if !s.HasBranch("osism", "images", "feature") {
		t.Error("a read-only token deleted a branch")
	}

	actions := clientFor(t, s, s.URL+"/", "ghs_actions")
	_, _, err = actions.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if er := errorResponse(t, err, 403); er.Message != "GitHub Actions is not permitted to create or approve pull requests." {
		t.Errorf("actions create: %q", er.Message)
	}
	s.SetActionsCanCreatePullRequests(true)
	pr, _, err := actions.PullRequests.Create(ctx, "osism", "images", newPR("feature"))
	if err != nil || pr.GetUser().GetLogin() != "github-actions[bot]" {
		t.Fatalf("actions create with the setting on: %v, %v", pr.GetUser().GetLogin(), err)
	}
}

// The injected limits must be classified by go-github as GitHub's are.
func TestRateLimitClassification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	s, gh := setup(t)
	s.RateLimit(fakegithub.RateLimit{Requests: 1})
	_, _, err := gh.Repositories.Get(ctx, "osism", "images")
	var primary *github.RateLimitError
	if !errors.As(err, &primary) {
		t.Fatalf("primary: %v (%T), want *github.RateLimitError", err, err)
	}
	if primary.Rate.Remaining != 0 || primary.Rate.Limit != 5000 || !primary.Rate.Reset.After(time.Now()) ||
		!strings.HasPrefix(primary.Message, "API rate limit exceeded for ") {
		t.Errorf("primary: %+v", primary)
	}
	// go-github now refuses by itself until the reset, without a request.
	before := s.Requests()
	if _, _, err := gh.Repositories.Get(ctx, "osism", "images"); !errors.As(err, &primary) || s.Requests() != before {
		t.Errorf("remembered limit: %v, %d requests", err, s.Requests()-before)
	}

	s, gh = setup(t)
	s.RateLimit(fakegithub.RateLimit{Requests: 1, Secondary: true, RetryAfter: 3})
	_, _, err = gh.Repositories.Get(ctx, "osism", "images")
	var secondary *github.AbuseRateLimitError
	if !errors.As(err, &secondary) {
		t.Fatalf("secondary: %v (%T), want *github.AbuseRateLimitError", err, err)
	}
	if secondary.RetryAfter == nil || *secondary.RetryAfter != 3*time.Second ||
		!strings.HasPrefix(secondary.Message, "You have exceeded a secondary rate limit") {
		t.Errorf("secondary: %+v", secondary)
	}
	if r := secondary.Response.Header.Get("X-RateLimit-Remaining"); r == "0" || r == "" {
		t.Errorf("secondary limit with X-RateLimit-Remaining %q", r)
	}

	s, gh = setup(t)
	s.RateLimit(fakegithub.RateLimit{Requests: 2, Status: 429})
	_, _, err = gh.Repositories.Get(ctx, "osism", "images")
	if er := errorResponse(t, err, 429); er.Response.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("429 primary headers %v", er.Response.Header)
	}
	if s.Writes() != 0 {
		t.Errorf("refused requests counted as writes")
	}
}

func TestRateLimitForever(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	s.RateLimit(fakegithub.RateLimit{Requests: -1, Secondary: true})
	for i := range 5 {
		// A fresh client each time, so that go-github's memory does not
		// keep the requests from reaching the server.
		_, _, err := clientFor(t, s, s.URL+"/", token).Repositories.Get(context.Background(), "osism", "images")
		var secondary *github.AbuseRateLimitError
		if !errors.As(err, &secondary) {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	s.RateLimit(fakegithub.RateLimit{})
	if _, _, err := clientFor(t, s, s.URL+"/", token).Repositories.Get(context.Background(), "osism", "images"); err != nil {
		t.Fatalf("after lifting the limit: %v", err)
	}
	if s.Requests() != 6 {
		t.Errorf("%d requests, want 6", s.Requests())
	}
}

func TestBodyTooLong(t *testing.T) {
	t.Parallel()
	_, gh := setup(t)
	p := newPR("feature")
	p.Body = github.String(strings.Repeat("ä", 65537))
	_, _, err := gh.PullRequests.Create(context.Background(), "osism", "images", p)
	if er := errorResponse(t, err, 422); er.Errors[0].Message != "body is too long (maximum is 65536 characters)" {
		t.Errorf("errors %+v", er.Errors)
	}
	p.Body = github.String(strings.Repeat("ä", 65536))
	if _, _, err := gh.PullRequests.Create(context.Background(), "osism", "images", p); err != nil {
		t.Errorf("a body at the limit: %v", err)
	}
}
