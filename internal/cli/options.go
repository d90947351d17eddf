package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// crawlFlags are the flags of run and crawl (docs/reference.md): registerCrawl
// adds those both commands take, registerPublish those only run uses (how
// the result is written, committed and proposed). A command lacks the flags
// it would ignore, so a --draft on crawl is an error, not a silent no-op.
type crawlFlags struct {
	catalog    string
	catalogDir string
	newCatalog bool
	// publish is set when the command has the publish flags (run).
	publish     bool
	sources     string
	templates   string
	only        []string
	mirrors     []string
	report      string
	signatures  string
	concurrency int
	perHost     int
	timeout     time.Duration
	httpTimeout time.Duration
	retries     int
	maxBody     int64
	logFormat   string
	verbose     bool

	add               []string
	addAll            bool
	mirrorURLTemplate string
	regenerate        bool
	disableEOL        bool

	repo           string
	base           string
	branch         string
	githubAPIURL   string
	labels         []string
	draft          bool
	authorName     string
	authorEmail    string
	committerName  string
	committerEmail string
	signoff        bool

	signCommits   bool
	dashboard     bool
	failAfter     time.Duration
	reviewers     []string
	teamReviewers []string
	assignees     []string
	milestone     int
	title         string
	commitMessage string
	splitBy       string
}

// registerCrawl adds the flags of crawl, which run takes too.
func (f *crawlFlags) registerCrawl(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.catalog, "catalog", ".", "catalog repository: an https:// or file:// git URL, or an existing local directory (SSH URLs are refused)")
	fl.StringVar(&f.catalogDir, "catalog-dir", "etc/images", "folder inside the catalog that holds the catalog files")
	fl.BoolVar(&f.newCatalog, "new-catalog", false, "start a new catalog: a local --catalog directory that does not exist yet is fine (run creates it)")
	fl.StringVar(&f.sources, "sources", "", "image sources file (default: the built-in sources/image-sources.yaml)")
	fl.StringVar(&f.templates, "templates", "", "directory of Jinja2 templates (default: the built-in templates/)")
	fl.StringArrayVar(&f.only, "only", nil, "only the image with this name (repeatable, any case), e.g. --only \"Ubuntu 24.04\"; a per-release source's own name (\"Fedora {release}\") takes all its releases; see image-crawler list")
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "fetch every URL that starts with FROM from TO instead: FROM=TO (repeatable); the catalog still records FROM")
	fl.StringVar(&f.report, "report", "", "write the JSON report to this file")
	fl.StringVar(&f.signatures, "signatures", "", "required, optional or off for every source at once, overriding the sources file (off: nothing is verified)")
	fl.IntVar(&f.concurrency, "concurrency", 0, "images crawled at once; 0: no global bound, --per-host alone limits a run")
	fl.IntVar(&f.perHost, "per-host", 6, "requests under way at once to one mirror host (as many as a web browser opens), so no mirror is hammered")
	fl.DurationVar(&f.timeout, "timeout", 15*time.Minute, "deadline for the whole run")
	fl.DurationVar(&f.httpTimeout, "http-timeout", 30*time.Second, "advanced: deadline of one upstream request attempt, body included")
	fl.IntVar(&f.retries, "retries", 3, "advanced: extra attempts of an upstream request after a 5xx, 429, timeout or dropped connection (0 = none)")
	fl.Int64Var(&f.maxBody, "max-body", 16<<20, "advanced: largest upstream file read, in bytes (checksum files, signatures, listings)")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "debug logging")
	fl.StringArrayVar(&f.add, "add", nil, "add this image of the sources to a catalog that lacks it (repeatable, any case); see image-crawler list")
	fl.BoolVar(&f.addAll, "add-all", false, "add every image of the sources that the catalog lacks")
	fl.StringVar(&f.base, "base", "", "branch of a git URL catalog to read, and the pull request targets (default: the repository's default branch)")
}

// registerPublish adds the flags of run alone: how entries are written,
// and the commit and pull request of a git URL catalog.
func (f *crawlFlags) registerPublish(cmd *cobra.Command) {
	f.publish = true
	fl := cmd.Flags()
	fl.StringVar(&f.mirrorURLTemplate, "mirror-url-template", "", "Jinja2 template of the mirror_url written into every version the bot adds, e.g. 'https://mirror.example.org/{{ image.shortname }}/{{ version.version }}-{{ image.shortname }}.{{ image.format }}'")
	fl.BoolVar(&f.disableEOL, "disable-eol", false, "propose enable: false for enabled images past the end of their release's support (docs/lifecycle.md)")
	fl.BoolVar(&f.regenerate, "regenerate", false, "own whole catalog entries: render every updated entry from the templates, as for a new one (default: change only its versions)")

	fl.StringVar(&f.repo, "repo", "", "GitHub repository OWNER/NAME for the pull request (default: derived from an https://github.com/... catalog URL)")
	fl.StringVar(&f.branch, "branch", bot.DefaultBranch, "the bot's branch")
	fl.StringVar(&f.githubAPIURL, "github-api-url", "https://api.github.com/", "GitHub API URL (GitHub Enterprise: https://HOST/api/v3/)")
	fl.StringArrayVar(&f.labels, "label", nil, "label for the pull request (repeatable)")
	fl.BoolVar(&f.draft, "draft", false, "open the pull request as a draft")
	fl.StringVar(&f.authorName, "author-name", bot.DefaultAuthor.Name, "commit author name (and committer name, unless --committer-name)")
	fl.StringVar(&f.authorEmail, "author-email", bot.DefaultAuthor.Email, "commit author email (and committer email, unless --committer-email)")
	fl.StringVar(&f.committerName, "committer-name", "", "commit committer name (default: the author's)")
	fl.StringVar(&f.committerEmail, "committer-email", "", "commit committer email (default: the author's); the bot recognises its own commits by it")
	fl.BoolVar(&f.signoff, "signoff", false, "add a Signed-off-by trailer to the commit")
	f.registerForge(cmd)
}

// options turns flags into the bot's options, loading the sources file and
// the templates: problems with either are usage errors (exit 2).
func (a *app) options(f *crawlFlags) (bot.Options, error) {
	logger, err := a.newLogger(f)
	if err != nil {
		return bot.Options{}, usageErr(err)
	}
	a.logger = logger
	// The catalog is read while the sources and templates load, and the
	// templates while the sources do: all three are on the way to the
	// run's first request.
	preloaded := bot.Preload(f.catalog, catalogDirFlag(f.catalogDir))
	type loaded struct {
		tpl *render.Renderer
		err error
	}
	templates := make(chan loaded, 1)
	go func() {
		tpl, err := loadTemplates(f.templates)
		templates <- loaded{tpl, err}
	}()
	src, err := source.Load(f.sources)
	if err != nil {
		return bot.Options{}, usageErr(err)
	}
	switch f.signatures {
	case "", source.SignatureRequired, source.SignatureOptional:
	case source.SignatureOff:
		a.warn("--signatures off: no upstream signature will be checked; checksums from a tampered mirror would be taken as they come")
	default:
		return bot.Options{}, usageErr(fmt.Errorf("--signatures %q: want required, optional or off", f.signatures))
	}
	keysChecked, err := checkKeys(src, f.only, f.signatures)
	if err != nil {
		return bot.Options{}, usageErr(err)
	}
	lt := <-templates
	tpl, err := lt.tpl, lt.err
	if err != nil {
		return bot.Options{}, usageErr(err)
	}
	for _, img := range src.Images {
		if img.Template != "" && !tpl.Has(img.Template) {
			return bot.Options{}, usageErr(fmt.Errorf("%s:%d: image %q names template %q, which is not in %s", src.Path, img.Line, img.Name, img.Template, templatesName(f.templates)))
		}
	}
	if f.regenerate {
		for i := range src.Images {
			src.Images[i].Regenerate = true
		}
	}
	mirrorURL, err := render.ParseMirrorURL(f.mirrorURLTemplate)
	if err != nil {
		return bot.Options{}, usageErr(err)
	}
	var mirrors []upstream.Mirror
	for _, m := range f.mirrors {
		mm, err := upstream.ParseMirror(m)
		if err != nil {
			return bot.Options{}, usageErr(fmt.Errorf("--mirror: %w", err))
		}
		mirrors = append(mirrors, mm)
	}
	if f.concurrency < 0 {
		return bot.Options{}, usageErr(fmt.Errorf("--concurrency %d: want 0 (no global bound) or more", f.concurrency))
	}
	if f.perHost < 1 {
		return bot.Options{}, usageErr(fmt.Errorf("--per-host %d: want at least 1", f.perHost))
	}
	if f.httpTimeout <= 0 {
		return bot.Options{}, usageErr(fmt.Errorf("--http-timeout %s: want a positive duration", f.httpTimeout))
	}
	if f.retries < 0 {
		return bot.Options{}, usageErr(fmt.Errorf("--retries %d: want 0 or more", f.retries))
	}
	if f.maxBody < 1<<10 {
		return bot.Options{}, usageErr(fmt.Errorf("--max-body %d: want at least 1024 bytes", f.maxBody))
	}
	retries := f.retries
	if retries == 0 {
		retries = -1 // upstream.Options: 0 means the default, -1 none
	}
	proxy := a.proxy()
	client := upstream.NewClient(upstream.Options{
		Transport: crawlTransport(proxy, f.perHost),
		UserAgent: buildinfo.UserAgent(),
		Mirrors:   mirrors,
		PerHost:   f.perHost,
		Timeout:   f.httpTimeout,
		Retries:   retries,
		MaxBody:   f.maxBody,
		Logger:    logger,
	})
	if err := f.checkForge(); f.publish && err != nil {
		return bot.Options{}, usageErr(err)
	}
	client.AllowRedirects(src.Hosts()...) // docs/security.md
	author := bot.Identity{Name: f.authorName, Email: f.authorEmail}
	committer := author
	if f.committerName != "" {
		committer.Name = f.committerName
	}
	if f.committerEmail != "" {
		committer.Email = f.committerEmail
	}
	o := bot.Options{
		Catalog:       f.catalog,
		NewCatalog:    f.newCatalog,
		CatalogDir:    catalogDirFlag(f.catalogDir),
		Sources:       src,
		Templates:     tpl,
		Preloaded:     preloaded,
		KeysChecked:   keysChecked,
		Only:          f.only,
		Add:           bot.AddOptions{Names: f.add, All: f.addAll},
		DisableEOL:    f.disableEOL,
		MirrorURL:     mirrorURL,
		Fetcher:       client,
		Concurrency:   f.concurrency,
		PerHost:       f.perHost,
		Repo:          f.repo,
		Base:          f.base,
		Branch:        f.branch,
		GitHubAPIURL:  f.githubAPIURL,
		Labels:        f.labels,
		Draft:         f.draft,
		Token:         a.token,
		Author:        author,
		Committer:     committer,
		Signoff:       f.signoff,
		SignCommits:   f.signCommits,
		Dashboard:     f.dashboard,
		FailAfter:     f.failAfter,
		Reviewers:     f.reviewers,
		TeamReviewers: f.teamReviewers,
		Assignees:     f.assignees,
		Milestone:     f.milestone,
		Signatures:    f.signatures,
		SignaturesOff: f.signatures == source.SignatureOff,
		Logger:        logger,
		SplitBy:       f.splitBy,
		Proxy:         proxy,
	}
	if err := f.messageTemplates(&o); err != nil {
		return bot.Options{}, usageErr(err)
	}
	return o, nil
}

func loadTemplates(dir string) (*render.Renderer, error) {
	if dir == "" {
		return render.LoadDefault()
	}
	return render.LoadDir(dir)
}

func templatesName(dir string) string {
	if dir == "" {
		return "the built-in templates"
	}
	return dir
}

func (a *app) newLogger(f *crawlFlags) (*slog.Logger, error) {
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	var w io.Writer = a.ios.ErrOut
	switch f.logFormat {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", f.logFormat)
	}
}

// writeReport writes the JSON report where --report says.
func writeReport(path string, write func(io.Writer) error) error {
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
