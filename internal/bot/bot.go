// Package bot runs image-crawler's pipeline for one run:
//
//	sources + catalog -> crawl -> plan -> render -> publish -> report
//
// Each step is a small function over plain values; nothing reaches back up
// the chain. Publishing (write in place, dry run, or git and a pull
// request) is internal/publish's. The cli package parses flags and calls
// Crawl or Run.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/osism/image-crawler/internal/lifecycle"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/publish"
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
	// LoadTemplates, when set and Templates is nil, loads the templates
	// beside the crawl, as KeysChecked checks the keys: they are needed
	// only once the crawl is done. Its error stops the run as a usage
	// error before anything is rendered or written.
	LoadTemplates func() (*render.Renderer, error)
	// Started, when set, is called once the crawl's first requests are
	// under way (or the crawl ended before any): what the process did to
	// get there faster can end (cmdutil.EndStartup).
	Started func()
	Only    []string
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

	// Token authenticates the push and the forge's API (git URL catalogs);
	// every error and report is masked with it.
	Token string
	// Git are the settings of the commit, the push, the pull request and
	// the dashboard (git URL catalogs only). Git.Proxy picks the proxy of
	// the git remote and the forge's API; the crawl's Fetcher has its own.
	Git publish.GitOptions

	// Signatures is --signatures: required, optional or off for every
	// source at once, or the zero value for each source's own setting.
	// Under off the pull request says loudly that nothing was verified.
	Signatures source.SignaturePolicy

	// DisableEOL is --disable-eol: propose enable: false for enabled
	// images past the end of their release's support (docs/lifecycle.md).
	DisableEOL bool
	// Lifecycle are the release tables; nil means the built-in snapshot.
	Lifecycle *lifecycle.Tables

	Logger *slog.Logger
	Now    func() time.Time
}

func (o *Options) defaults() {
	if o.CatalogDir == "" {
		o.CatalogDir = "etc/images"
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
}

func (o *Options) check() error {
	if o.Sources == nil {
		return fmt.Errorf("bot: no sources")
	}
	if o.Templates == nil && o.LoadTemplates == nil {
		return fmt.Errorf("bot: no templates")
	}
	if o.Fetcher == nil {
		return fmt.Errorf("bot: no fetcher")
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
