// Package github is the forge.Forge of GitHub, github.com and GitHub
// Enterprise Server alike: it finds, creates, updates and closes the bot's
// pull request, labels it and asks for reviews, keeps the dashboard issue,
// and makes signed commits through the git data API.
//
// It waits out GitHub's rate limits within bounds, and turns GitHub's terse
// refusals into errors that say what to change (a token permission, a
// repository setting). No error it returns contains the token.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/forge"

	"github.com/osism/image-crawler/internal/redact"
)

// Options configures a Client.
type Options struct {
	// APIURL is the root of the REST API: "" or https://api.github.com/ for
	// github.com, https://HOST/api/v3/ for GitHub Enterprise Server, or a
	// test server. It is used as given (a missing trailing slash is added),
	// so it can be set from GITHUB_API_URL.
	APIURL    string
	Token     string
	UserAgent string
	// MaxRetries is how often one request is retried after a rate limit;
	// 3 when zero, none when negative.
	MaxRetries int
	// MaxWait is the longest single wait for a rate limit to reset; a limit
	// that resets later fails at once. 60s when zero.
	MaxWait    time.Duration
	HTTPClient *http.Client
	// Sleep waits for d or until ctx is done; nil uses a timer. Tests pass
	// their own so that they need not wait for real.
	Sleep func(ctx context.Context, d time.Duration) error
}

const (
	defaultAPIURL     = "https://api.github.com/"
	defaultUserAgent  = "image-crawler"
	defaultMaxRetries = 3
	defaultMaxWait    = 60 * time.Second
)

// Client talks to one GitHub instance; it is a forge.Forge. It is safe for
// concurrent use.
type Client struct {
	token      string
	newGH      func() *gogithub.Client
	sleep      func(ctx context.Context, d time.Duration) error
	maxRetries int
	maxWait    time.Duration

	mu sync.Mutex
	gh *gogithub.Client
}

// New returns a Client for the GitHub instance o describes.
func New(o Options) (*Client, error) {
	token := strings.TrimSpace(o.Token)
	if strings.ContainsFunc(token, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return nil, errors.New("GitHub token contains spaces or control characters")
	}
	base, err := apiBaseURL(o.APIURL)
	if err != nil {
		return nil, err
	}
	ua := o.UserAgent
	if ua == "" {
		ua = defaultUserAgent
	}
	c := &Client{
		token:      token,
		sleep:      o.Sleep,
		maxRetries: o.MaxRetries,
		maxWait:    o.MaxWait,
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	if c.maxRetries == 0 {
		c.maxRetries = defaultMaxRetries
	}
	c.maxRetries = max(c.maxRetries, 0)
	if c.maxWait <= 0 {
		c.maxWait = defaultMaxWait
	}
	c.newGH = func() *gogithub.Client {
		gh := gogithub.NewClient(o.HTTPClient)
		if token != "" {
			gh = gh.WithAuthToken(token)
		}
		b := *base
		gh.BaseURL = &b
		gh.UserAgent = ua
		return gh
	}
	c.gh = c.newGH()
	return c, nil
}

// apiBaseURL checks and normalises Options.APIURL. go-github needs a base
// URL ending in "/"; its WithEnterpriseURLs would also append "api/v3/",
// which a test server at its root does not serve, so the URL is taken as given.
func apiBaseURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = defaultAPIURL
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("GitHub API URL: %w", err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("GitHub API URL %s: credentials do not belong in the URL; pass the token separately", redact.String(s))
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("GitHub API URL %q: want https://HOST/PATH/, e.g. https://api.github.com/ or https://ghe.example.com/api/v3/", s)
	}
	// The web address of github.com is a common slip for its API address.
	if h := strings.ToLower(u.Hostname()); (h == "github.com" || h == "www.github.com") && strings.Trim(u.Path, "/") == "" {
		return url.Parse(defaultAPIURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// The permissions a fine-grained or installation token needs, by operation.
const (
	permPullsRead  = "pull-requests: read"
	permPullsWrite = "pull-requests: write"
	permIssues     = "issues: write"
	permContents   = "contents: write"
)

// FindOpen returns the open pull request from branch into base (any base
// when base is ""), or nil when there is none.
func (c *Client) FindOpen(ctx context.Context, r forge.Repo, branch, base string) (*forge.PullRequest, error) {
	op := fmt.Sprintf("find open pull request for %s in %s", branch, r)
	if branch == "" {
		return nil, c.fail(op, r, "", false, errors.New("no branch given"))
	}
	opts := &gogithub.PullRequestListOptions{
		State: "open",
		// GitHub silently ignores a head filter without the owner prefix
		// and lists every pull request.
		Head:        r.Owner + ":" + branch,
		Base:        base,
		ListOptions: gogithub.ListOptions{PerPage: 100},
	}
	var found *gogithub.PullRequest
	for {
		var page []*gogithub.PullRequest
		var resp *gogithub.Response
		err := c.call(ctx, func(gh *gogithub.Client) (_ *gogithub.Response, err error) {
			page, resp, err = gh.PullRequests.List(ctx, r.Owner, r.Name, opts)
			return resp, err
		})
		if err != nil {
			return nil, c.fail(op, r, permPullsRead, false, err)
		}
		for _, p := range page {
			// Check what the filter promised, so that a server that ignores
			// it cannot make the bot adopt someone else's pull request.
			if !fromBranch(p, r, branch) || (base != "" && p.GetBase().GetRef() != base) {
				continue
			}
			if found == nil || p.GetNumber() < found.GetNumber() {
				found = p
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if found == nil {
		return nil, nil
	}
	return toPR(found), nil
}

// fromBranch reports whether p's head is branch in r itself (not in a fork).
func fromBranch(p *gogithub.PullRequest, r forge.Repo, branch string) bool {
	h := p.GetHead()
	if h.GetRef() != branch {
		return false
	}
	if owner, _, ok := strings.Cut(h.GetLabel(), ":"); ok {
		return strings.EqualFold(owner, r.Owner)
	}
	return h.GetRepo() == nil || strings.EqualFold(h.GetRepo().GetOwner().GetLogin(), r.Owner)
}

func toPR(p *gogithub.PullRequest) *forge.PullRequest {
	out := &forge.PullRequest{
		Number: p.GetNumber(),
		URL:    p.GetHTMLURL(),
		Title:  p.GetTitle(),
		Body:   p.GetBody(),
		Head:   p.GetHead().GetRef(),
		Base:   p.GetBase().GetRef(),
		State:  p.GetState(),
		Draft:  p.GetDraft(),
	}
	for _, l := range p.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// Create opens a pull request. When an open one from the same branch into the
// same base already exists (a racing run opened it), Create returns that one
// with created false; the caller then brings it up to date with Update.
// A branch without new commits fails with ErrNoCommits.
//
// Labels are added after the pull request exists; if that fails, Create
// returns the pull request together with the error.
func (c *Client) Create(ctx context.Context, r forge.Repo, p forge.NewPR) (pr *forge.PullRequest, created bool, err error) {
	op := "create pull request in " + r.String()
	switch {
	case p.Title == "":
		return nil, false, c.fail(op, r, "", true, errors.New("no title"))
	case p.Branch == "" || p.Base == "":
		return nil, false, c.fail(op, r, "", true, errors.New("branch and base are both needed"))
	}
	var gp *gogithub.PullRequest
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		gp, resp, err = gh.PullRequests.Create(ctx, r.Owner, r.Name, &gogithub.NewPullRequest{
			Title: gogithub.String(p.Title),
			Head:  gogithub.String(p.Branch),
			Base:  gogithub.String(p.Base),
			Body:  gogithub.String(p.Body),
			Draft: gogithub.Bool(p.Draft),
		})
		return resp, err
	})
	switch {
	case err == nil:
		pr, created = toPR(gp), true
	case validation(err, "A pull request already exists"):
		pr, err = c.FindOpen(ctx, r, p.Branch, p.Base)
		if err != nil {
			return nil, false, err
		}
		if pr == nil {
			return nil, false, c.fail(op, r, "", true, fmt.Errorf("GitHub reports an open pull request from %s into %s, but lists none", p.Branch, p.Base))
		}
	case validation(err, "No commits between"):
		return nil, false, c.fail(op, r, "", true, &explained{fmt.Sprintf("no commits between %s and %s", p.Base, p.Branch), forge.ErrNoCommits})
	case invalidField(err, "base"):
		return nil, false, c.fail(op, r, "", true, fmt.Errorf("base branch %q does not exist", p.Base))
	case invalidField(err, "head"):
		return nil, false, c.fail(op, r, "", true, fmt.Errorf("branch %q does not exist; was it pushed?", p.Branch))
	default:
		return nil, false, c.fail(op, r, permPullsWrite, true, err)
	}
	if err := c.AddLabels(ctx, r, pr, p.Labels); err != nil {
		return pr, created, err
	}
	return pr, created, nil
}

// AddLabels adds to pr the labels it lacks, creating those the repository
// lacks first. pr.Labels is updated.
func (c *Client) AddLabels(ctx context.Context, r forge.Repo, pr *forge.PullRequest, labels []string) error {
	var missing []string
	for _, l := range labels {
		l = strings.TrimSpace(l)
		if l != "" && !containsFold(pr.Labels, l) && !containsFold(missing, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, l := range missing {
		if err := c.ensureLabel(ctx, r, l); err != nil {
			return err
		}
	}
	op := fmt.Sprintf("label pull request #%d in %s", pr.Number, r)
	var got []*gogithub.Label
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		got, resp, err = gh.Issues.AddLabelsToIssue(ctx, r.Owner, r.Name, pr.Number, missing)
		return resp, err
	})
	if err != nil {
		return c.failPR(op, r, pr.Number, permIssues, true, err)
	}
	names := make([]string, 0, len(got))
	for _, l := range got {
		names = append(names, l.GetName())
	}
	pr.Labels = names
	return nil
}

// labelColor is the colour of the labels image-crawler creates. GitHub would
// create a missing label by itself when it is added, but grey and without a
// description that says where it came from.
const labelColor = "1d76db"

func (c *Client) ensureLabel(ctx context.Context, r forge.Repo, name string) error {
	op := fmt.Sprintf("create label %q in %s", name, r)
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.Issues.GetLabel(ctx, r.Owner, r.Name, url.PathEscape(name))
		return resp, err
	})
	if err == nil {
		return nil
	}
	if status(err) != http.StatusNotFound {
		return c.fail(op, r, permIssues, false, err)
	}
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.Issues.CreateLabel(ctx, r.Owner, r.Name, &gogithub.Label{
			Name:        gogithub.String(name),
			Color:       gogithub.String(labelColor),
			Description: gogithub.String("Added by image-crawler"),
		})
		return resp, err
	})
	if err != nil && !validationCode(err, "already_exists") { // created by a racing run: fine
		return c.fail(op, r, permIssues, true, err)
	}
	return nil
}

// Update sets the title and body of pull request number. It reads the pull
// request first and writes only when something differs, so an unchanged run
// makes no write. It reports whether it wrote.
func (c *Client) Update(ctx context.Context, r forge.Repo, number int, title, body string) (changed bool, err error) {
	op := fmt.Sprintf("update pull request #%d in %s", number, r)
	var cur *gogithub.PullRequest
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		cur, resp, err = gh.PullRequests.Get(ctx, r.Owner, r.Name, number)
		return resp, err
	})
	if err != nil {
		return false, c.failPR(op, r, number, permPullsRead, false, err)
	}
	edit := &gogithub.PullRequest{}
	if cur.GetTitle() != title {
		edit.Title = gogithub.String(title)
	}
	// GitHub stores bodies edited in the browser with CRLF line ends.
	if strings.ReplaceAll(cur.GetBody(), "\r\n", "\n") != strings.ReplaceAll(body, "\r\n", "\n") {
		edit.Body = gogithub.String(body)
	}
	if edit.Title == nil && edit.Body == nil {
		return false, nil
	}
	err = c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.PullRequests.Edit(ctx, r.Owner, r.Name, number, edit)
		return resp, err
	})
	if err != nil {
		return false, c.failPR(op, r, number, permPullsWrite, true, err)
	}
	return true, nil
}

// Close comments on pull request number (unless comment is empty) and then
// closes it, so that the reason is there before anyone is notified.
func (c *Client) Close(ctx context.Context, r forge.Repo, number int, comment string) error {
	op := fmt.Sprintf("close pull request #%d in %s", number, r)
	if comment != "" {
		err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
			_, resp, err = gh.Issues.CreateComment(ctx, r.Owner, r.Name, number, &gogithub.IssueComment{Body: gogithub.String(comment)})
			return resp, err
		})
		if err != nil {
			return c.failPR(op, r, number, permPullsWrite, true, err)
		}
	}
	err := c.call(ctx, func(gh *gogithub.Client) (resp *gogithub.Response, err error) {
		_, resp, err = gh.PullRequests.Edit(ctx, r.Owner, r.Name, number, &gogithub.PullRequest{State: gogithub.String("closed")})
		return resp, err
	})
	if err != nil {
		return c.failPR(op, r, number, permPullsWrite, true, err)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Client is a forge.Forge.
var _ forge.Forge = (*Client)(nil)
