package cmdutil

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
)

// CrawlFlags are the flags of a crawl, which run and crawl both register
// (docs/reference.md). How run writes, commits and proposes the result are
// run's own flags (package run), so crawl refuses them rather than quietly
// ignoring a --draft.
type CrawlFlags struct {
	Catalog    string
	CatalogDir string
	NewCatalog bool
	Sources    string
	Templates  string
	Only       []string
	Add        []string
	AddAll     bool
	Base       string
	Mirrors    []string
	Report     string
	// Signatures is --signatures, checked when the flag is parsed.
	Signatures  source.SignaturePolicy
	Concurrency int
	PerHost     int
	Timeout     time.Duration
	HTTPTimeout time.Duration
	Retries     int
	MaxBody     int64
	LogFormat   string
	Verbose     bool
}

// Register adds the crawl's flags to cmd.
func (f *CrawlFlags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Catalog, "catalog", ".", "catalog repository: an https:// or file:// git URL, or an existing local directory (SSH URLs are refused)")
	fl.StringVar(&f.CatalogDir, "catalog-dir", "etc/images", "folder inside the catalog that holds the catalog files")
	fl.BoolVar(&f.NewCatalog, "new-catalog", false, "start a new catalog: a local --catalog directory that does not exist yet is fine (run creates it)")
	fl.StringVar(&f.Sources, "sources", "", "image sources file (default: the built-in sources/image-sources.yaml)")
	fl.StringVar(&f.Templates, "templates", "", "directory of Jinja2 templates (default: the built-in templates/)")
	fl.StringArrayVar(&f.Only, "only", nil, "only the image with this name (repeatable, any case), e.g. --only \"Ubuntu 24.04\"; a per-release source's own name (\"Fedora {release}\") takes all its releases; see image-crawler list")
	fl.StringArrayVar(&f.Mirrors, "mirror", nil, "fetch every URL that starts with FROM from TO instead: FROM=TO (repeatable); the catalog still records FROM")
	fl.StringVar(&f.Report, "report", "", "write the JSON report to this file")
	fl.Var(&f.Signatures, "signatures", "required, optional or off for every source at once, overriding the sources file (off: nothing is verified)")
	fl.IntVar(&f.Concurrency, "concurrency", 0, "images crawled at once; 0: no global bound, --per-host alone limits a run")
	fl.IntVar(&f.PerHost, "per-host", 6, "requests under way at once to one mirror host (as many as a web browser opens), so no mirror is hammered")
	fl.DurationVar(&f.Timeout, "timeout", 15*time.Minute, "deadline for the whole run")
	fl.DurationVar(&f.HTTPTimeout, "http-timeout", 30*time.Second, "advanced: deadline of one upstream request attempt, body included")
	fl.IntVar(&f.Retries, "retries", 3, "advanced: extra attempts of an upstream request after a 5xx, 429, timeout or dropped connection (0 = none)")
	fl.Int64Var(&f.MaxBody, "max-body", 16<<20, "advanced: largest upstream file read, in bytes (checksum files, signatures, listings)")
	fl.StringVar(&f.LogFormat, "log-format", "text", "log format: text or json")
	fl.BoolVarP(&f.Verbose, "verbose", "v", false, "debug logging")
	fl.StringArrayVar(&f.Add, "add", nil, "add this image of the sources to a catalog that lacks it (repeatable, any case); see image-crawler list")
	fl.BoolVar(&f.AddAll, "add-all", false, "add every image of the sources that the catalog lacks")
	fl.StringVar(&f.Base, "base", "", "branch of a git URL catalog to read, and the pull request targets (default: the repository's default branch)")
}

// BotOptions turns the flags into the bot's options, loading the sources
// file and the templates, and sets fac's logger: problems with any of them
// are usage errors (exit 2). The publishing options stay zero: run sets
// them from its own flags.
func (f *CrawlFlags) BotOptions(fac *Factory) (bot.Options, error) {
	if err := fac.SetLogger(f.LogFormat, f.Verbose); err != nil {
		return bot.Options{}, UsageError(err)
	}
	logger := fac.Logger
	// The catalog is read while the sources load: both are on the way to
	// the run's first request. The templates are not (below).
	preloaded := bot.Preload(f.Catalog, CatalogDir(f.CatalogDir))
	src, err := source.Load(f.Sources)
	if err != nil {
		return bot.Options{}, UsageError(err)
	}
	if f.Signatures.Off() {
		fac.Warn("--signatures off: no upstream signature will be checked; checksums from a tampered mirror would be taken as they come")
	}
	keysChecked, err := checkKeys(src, f.Only, f.Signatures)
	if err != nil {
		return bot.Options{}, UsageError(err)
	}
	// The templates are needed once the crawl is done: the run loads them
	// once its first requests are under way, so that loading them takes no
	// processor from what those requests wait for. A broken one is still a
	// usage error, before anything is written (bot.Options.LoadTemplates).
	loadTemplates := func() (*render.Renderer, error) {
		tpl, err := LoadTemplates(f.Templates)
		if err != nil {
			return nil, err
		}
		for _, img := range src.Images {
			if img.Template != "" && !tpl.Has(img.Template) {
				return nil, fmt.Errorf("%s:%d: image %q names template %q, which is not in %s", src.Path, img.Line, img.Name, img.Template, TemplatesName(f.Templates))
			}
		}
		return tpl, nil
	}
	mirrors, err := ParseMirrors(f.Mirrors)
	if err != nil {
		return bot.Options{}, UsageError(err)
	}
	if f.Concurrency < 0 {
		return bot.Options{}, UsageError(fmt.Errorf("--concurrency %d: want 0 (no global bound) or more", f.Concurrency))
	}
	if err := CheckFetch(f.PerHost, f.HTTPTimeout, f.Retries); err != nil {
		return bot.Options{}, UsageError(err)
	}
	if f.MaxBody < 1<<10 {
		return bot.Options{}, UsageError(fmt.Errorf("--max-body %d: want at least 1024 bytes", f.MaxBody))
	}
	proxy := fac.Proxy()
	client := httpclient.NewClient(httpclient.Options{
		Transport: CrawlTransport(proxy, f.PerHost),
		UserAgent: buildinfo.UserAgent(),
		Mirrors:   mirrors,
		PerHost:   f.PerHost,
		Timeout:   f.HTTPTimeout,
		Retries:   Retries(f.Retries),
		MaxBody:   f.MaxBody,
		Logger:    logger,
	})
	client.AllowRedirects(src.Hosts()...) // docs/security.md
	return bot.Options{
		Catalog:       f.Catalog,
		NewCatalog:    f.NewCatalog,
		CatalogDir:    CatalogDir(f.CatalogDir),
		Sources:       src,
		Preloaded:     preloaded,
		KeysChecked:   keysChecked,
		LoadTemplates: loadTemplates,
		Started:       EndStartup,
		Only:          f.Only,
		Add:           bot.AddOptions{Names: f.Add, All: f.AddAll},
		Fetcher:       client,
		Concurrency:   f.Concurrency,
		PerHost:       f.PerHost,
		Token:         fac.Token,
		Signatures:    f.Signatures,
		Logger:        logger,
		Git:           publish.GitOptions{Base: f.Base, Proxy: proxy},
	}, nil
}

// ParseMirrors parses the --mirror flags.
func ParseMirrors(flags []string) ([]httpclient.Mirror, error) {
	var mirrors []httpclient.Mirror
	for _, m := range flags {
		mm, err := httpclient.ParseMirror(m)
		if err != nil {
			return nil, fmt.Errorf("--mirror: %w", err)
		}
		mirrors = append(mirrors, mm)
	}
	return mirrors, nil
}

// CheckFetch checks --per-host, --http-timeout and --retries.
func CheckFetch(perHost int, httpTimeout time.Duration, retries int) error {
	switch {
	case perHost < 1:
		return fmt.Errorf("--per-host %d: want at least 1", perHost)
	case httpTimeout <= 0:
		return fmt.Errorf("--http-timeout %s: want a positive duration", httpTimeout)
	case retries < 0:
		return fmt.Errorf("--retries %d: want 0 or more", retries)
	}
	return nil
}

// Retries is --retries as httpclient.Options takes it: there 0 means the
// default and -1 none.
func Retries(flag int) int {
	if flag == 0 {
		return -1
	}
	return flag
}

// LoadTemplates loads --templates, or the built-in templates for "".
func LoadTemplates(dir string) (*render.Renderer, error) {
	if dir == "" {
		return render.LoadDefault()
	}
	return render.LoadDir(dir)
}

// TemplatesName names --templates in messages.
func TemplatesName(dir string) string {
	if dir == "" {
		return "the built-in templates"
	}
	return dir
}

// WriteReport writes the JSON report where --report says; "" writes none.
func WriteReport(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
