package publish

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/osism/image-crawler/internal/render"
)

// GitOptions are the operator's settings of the commit, the push, the pull
// request and the dashboard (docs/pull-requests.md). Zero values are the
// documented defaults where one exists.
type GitOptions struct {
	// Repo is the repository on the forge, OWNER/NAME; derived from a
	// github.com URL when empty (--repo).
	Repo string
	// Base is the branch the pull request goes into; the remote's default
	// branch when empty (--base).
	Base string
	// Branch is the bot's branch (--branch), DefaultBranch when empty.
	Branch string
	// APIURL is the forge's API (--github-api-url); github.com's when empty.
	APIURL string
	Labels []string
	Draft  bool
	// Author and Committer make the commit; DefaultAuthor and the author
	// when empty.
	Author    Identity
	Committer Identity
	// Signoff adds a Signed-off-by trailer of the author.
	Signoff bool
	// SignCommits makes the commit through the forge's API, so that the
	// forge signs it (--sign-commits).
	SignCommits bool
	// Reviewers, TeamReviewers, Assignees and Milestone are requested on
	// the pull request when it is opened or gets a new commit; 0 is no
	// milestone.
	Reviewers     []string
	TeamReviewers []string
	Assignees     []string
	Milestone     int
	// Dashboard keeps one issue listing what fails and since when
	// (--dashboard); FailAfter is how long an image may fail before the
	// run exits 3 (--fail-after, DefaultFailAfter when zero).
	Dashboard bool
	FailAfter time.Duration
	// TitleTemplate and CommitTemplate replace the pull request title and
	// the commit message (--title, --commit-message); nil keeps the default.
	TitleTemplate  *render.Message
	CommitTemplate *render.Message
	// SplitBy is SplitByFile for one branch and pull request per catalog
	// file (--split-by), "" for one for all.
	SplitBy string
	// Proxy picks the proxy of the git remote and the forge's API, as
	// http.Transport.Proxy does; nil for none.
	Proxy func(*http.Request) (*url.URL, error)
}

// Env is what a Git publisher shares with the rest of the run.
type Env struct {
	CatalogDir string // the folder of catalog files in the repository
	// DryRun reads the branch and the pull request and says what it would
	// do; it writes nothing, pushes nothing and touches no pull request.
	DryRun bool
	Token  string // authenticates the push and the forge's API
	Logger *slog.Logger
	Now    func() time.Time
}

// Identity is a git author or committer.
type Identity struct{ Name, Email string }

// SplitByFile is --split-by file.
const SplitByFile = "file"

// DefaultBranch is the bot's branch unless --branch says otherwise.
const DefaultBranch = "image-crawler/updates"

// DefaultAuthor signs the bot's commits unless configured otherwise.
var DefaultAuthor = Identity{Name: "image-crawler", Email: "image-crawler@users.noreply.github.com"}

// config is one Git publisher's settings: the operator's and the run's.
type config struct {
	GitOptions
	Env
}

func (o *config) defaults() {
	if o.CatalogDir == "" {
		o.CatalogDir = "etc/images"
	}
	if o.Branch == "" {
		o.Branch = DefaultBranch
	}
	if o.Author.Name == "" {
		o.Author = DefaultAuthor
	}
	if o.Committer.Name == "" {
		o.Committer = o.Author
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// httpClient is the forge API's HTTP client: nil (the default client)
// without a proxy.
func (o *config) httpClient() *http.Client {
	if o.Proxy == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = o.Proxy
	return &http.Client{Transport: t}
}

// proxyFor returns the proxy for rawURL, or nil.
func (o *config) proxyFor(rawURL string) (*url.URL, error) {
	if o.Proxy == nil {
		return nil, nil
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return o.Proxy(req)
}
