// Package bot runs image-crawler's pipeline for one run:
//
//	sources + catalog -> crawl -> plan -> render -> (write | diff | git -> pull request) -> report
//
// Each step is a small function over plain values; nothing reaches back up
// the chain. The cli package parses flags and calls Crawl or Run.
package bot

import (
	"context"
	"fmt"
	"github.com/osism/image-crawler/internal/lifecycle"
	"log/slog"
	"time"

	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Options configure one run. Zero values are the documented defaults
// (docs/reference.md) where one exists.
type Options struct {
	Catalog    string // local directory, or an https://, http:// or file:// git URL
	CatalogDir string // folder of catalog files inside the repository
	// NewCatalog lets a local Catalog that does not exist yet be started
	// (--new-catalog); without it a missing directory is a usage error,
	// as a typo must not grow a whole new catalog.
	NewCatalog bool

	Sources   *source.File
	Templates *render.Renderer
	// Preloaded is the catalog Preload started reading, if any.
	Preloaded *Preloaded
	// KeysChecked, when set, says whether the keys the run verifies
	// signatures with are usable (source.CheckKeysBeside): they are
	// parsed beside the crawl, not before its first request. Its error
	// stops the run as a usage error before anything is written.
	KeysChecked func() error
	Only        []string
	// Add names images the catalog lacks that this run adds (--add,
	// --add-all). An empty catalog gets every selected image anyway.
	Add AddOptions
	// MirrorURL writes mirror_url into every version the bot adds
	// (--mirror-url-template); nil writes none.
	MirrorURL *render.MirrorURL

	Fetcher upstream.Fetcher
	// Concurrency bounds the images crawled at once; 0 means no global
	// bound: each host's images are bounded by PerHost instead.
	Concurrency int
	// PerHost is the Fetcher's limit of requests under way to one host
	// (default 6), which sizes the crawl when Concurrency is 0.
	PerHost  int
	Progress upstream.Progress

	DryRun bool

	// Git and pull request settings (git URL catalogs only).
	Repo         string // owner/name; derived from a github.com URL when empty
	Base         string
	Branch       string
	GitHubAPIURL string
	Labels       []string
	Draft        bool
	Token        string
	Author       Identity
	Committer    Identity
	Signoff      bool
	// SignCommits makes the commit through GitHub's git data API, so that
	// GitHub signs it (--sign-commits).
	SignCommits bool
	// Reviewers, TeamReviewers, Assignees and Milestone are requested on
	// the pull request when it is opened or updated; 0 is no milestone.
	Reviewers     []string
	TeamReviewers []string
	Assignees     []string
	Milestone     int
	// Dashboard keeps one issue listing what fails and since when
	// (--dashboard); FailAfter is how long an image may fail before the
	// run exits 3 (--fail-after, 7 days when zero).
	Dashboard bool
	FailAfter time.Duration
	// TitleTemplate and CommitTemplate replace the pull request title and
	// the commit message (--title, --commit-message); nil keeps the default.
	TitleTemplate  *render.Message
	CommitTemplate *render.Message
	// SplitBy is "file" for one branch and pull request per catalog file
	// (--split-by), "" for one for all.
	SplitBy string
	// Proxy picks the proxy of the git remote and the GitHub API (the
	// crawl's Fetcher has its own); nil for none.
	Proxy ProxyFunc

	// Signatures is --signatures: required, optional or off for every
	// source at once, or "" for each source's own setting.
	Signatures string
	// SignaturesOff is true when --signatures off is in force; the pull
	// request then says loudly that nothing was verified. Setting it alone
	// is the same as Signatures "off".
	SignaturesOff bool

	// DisableEOL is --disable-eol: propose enable: false for enabled
	// images past the end of their release's support (docs/lifecycle.md).
	DisableEOL bool
	// Lifecycle are the release tables; nil means the built-in snapshot.
	Lifecycle *lifecycle.Tables

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

func (o *Options) defaults() {
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
	if o.Concurrency < 0 {
		o.Concurrency = 0
	}
	if o.PerHost < 1 {
		o.PerHost = 6
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SignaturesOff && o.Signatures == "" {
		o.Signatures = source.SignatureOff
	}
	o.SignaturesOff = o.Signatures == source.SignatureOff
}

func (o *Options) check() error {
	if o.Sources == nil {
		return fmt.Errorf("bot: no sources")
	}
	if o.Templates == nil {
		return fmt.Errorf("bot: no templates")
	}
	if o.Fetcher == nil {
		return fmt.Errorf("bot: no fetcher")
	}
	switch o.Signatures {
	case "", source.SignatureRequired, source.SignatureOptional, source.SignatureOff:
	default:
		return &UsageError{fmt.Errorf("signatures %q: want required, optional or off", o.Signatures)}
	}
	return nil
}

// ExitCode maps an outcome to the exit status of docs/operations.md: 0 all crawled, 3
// some images failed (the rest still proceeded).
func ExitCode(failures int) int {
	if failures > 0 {
		return 3
	}
	return 0
}

// UsageError marks errors that are the user's input (exit 2): a bad flag, a
// bad sources file, a bad template.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// redactFailures masks the token in failure messages before they reach
// the report, the pull request body or the commit message: an error may
// quote a URL that a user put the token into (a --mirror with it in the
// path), and the report file does not pass the CLI's redacting writer.
func redactFailures(fs []plan.Failure, token string) []plan.Failure {
	out := make([]plan.Failure, len(fs))
	for i, f := range fs {
		f.Error = redact.String(f.Error, token)
		out[i] = f
	}
	return out
}

// ctxDone is checked between steps so a cancelled run stops early.
func ctxDone(ctx context.Context) error { return ctx.Err() }
