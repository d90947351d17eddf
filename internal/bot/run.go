package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/report"
)

// Outcome is what a run did: the proposal it published (and what
// publishing recorded on it), and the diff of a dry run.
type Outcome struct {
	publish.Proposal
	Diff string // git-style unified diff of the catalog (dry runs)
}

// ExitCode is the exit status (docs/operations.md) of a completed run; with the
// dashboard on, publish.DashboardStatus.ExitCode.
func (o *Outcome) ExitCode() int {
	if o.Dashboard != nil {
		return o.Dashboard.ExitCode()
	}
	return ExitCode(len(o.Report.Failures))
}

// IsGitURL reports whether --catalog names a git remote rather than a
// directory on this machine.
func IsGitURL(s string) bool {
	for _, p := range []string{"https://", "http://", "file://"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// begin opens the workspace and runs the crawl and plan steps, which run
// and crawl share. The caller closes the workspace. rc follows the phase.
func begin(ctx context.Context, o *Options, rc *reach) (*workspace, *Crawled, error) {
	ws, err := openWorkspace(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		ws.Close()
		return nil, nil, err
	}
	rc.phase = PhaseCrawling
	c, err := crawlStep(ctx, o, ws.root)
	if err != nil {
		ws.Close()
		return nil, nil, err
	}
	pruneStep(ctx, o, c)
	return ws, c, nil
}

// signaturesOffWarning is the report's warning under --signatures off.
const signaturesOffWarning = "signature verification is off (--signatures off): no checksum file was verified"

// warnings are the report's warnings of a crawl: said once, not per image.
func (c *Crawled) warnings(o *Options) []string {
	var ws []string
	if o.Signatures.Off() {
		ws = append(ws, signaturesOffWarning)
	}
	if c.Offline != nil {
		ws = append(ws, fmt.Sprintf("every upstream host failed to resolve (%v): this machine seems offline, or its DNS is broken", c.Offline))
	}
	return ws
}

// prepare checks the options and starts following the run's progress.
func prepare(ctx context.Context, o *Options) (*reach, error) {
	o.defaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := catalog.CheckDir(o.CatalogDir); err != nil {
		return nil, &UsageError{fmt.Errorf("--catalog-dir: %w", err)}
	}
	return track(ctx, o), nil
}

// stoppedEarly is the outcome of a run interrupted before it had crawled:
// every selected image is not reached.
func stoppedEarly(o *Options, rc *reach) (*report.Report, error) {
	rep := report.New(nil, nil, nil, nil)
	var names []string
	order := map[string]int{}
	if imgs, err := o.Sources.Select(o.Only); err == nil {
		for _, img := range imgs {
			for _, n := range concreteNames(o, img.Name) {
				order[n] = len(names)
				names = append(names, n)
			}
		}
	}
	rc.mark(rep, order, names)
	rep.DryRun = o.DryRun
	return rep, rc.interrupted("")
}

// Crawl compares upstream with the catalog and changes nothing.
func Crawl(ctx context.Context, o Options) (*report.Report, error) {
	o.DryRun = true // nothing is pushed, so no pull request needs --repo
	rc, err := prepare(ctx, &o)
	if err != nil {
		return nil, err
	}
	ws, c, err := begin(ctx, &o, rc)
	if err != nil {
		if ctx.Err() != nil {
			return stoppedEarly(&o, rc)
		}
		return nil, err
	}
	defer ws.Close()
	var updates []plan.Update
	for _, ch := range c.Changes {
		updates = append(updates, ch.Update)
	}
	rep := report.New(updates, c.Unchanged, redactFailures(c.Failures, o.Token), nil)
	c.fill(rep, c.Changes)
	rep.DryRun = true
	rep.Warnings = append(rep.Warnings, c.warnings(&o)...)
	if ctx.Err() != nil {
		rc.mark(rep, c.order, nil)
		return rep, rc.interrupted("")
	}
	return rep, nil
}

// Run is the whole job: crawl, plan, render, then write the files (a local
// directory), print them as a diff (--dry-run), or commit, push and open or
// update the pull request (a git URL).
//
// A run whose context ends (a signal, --timeout) stops at the next phase
// and publishes nothing after it: it returns the partial outcome, whose
// report lists the images not reached, and an *InterruptedError.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	rc, err := prepare(ctx, &o)
	if err != nil {
		return nil, err
	}
	ws, c, err := begin(ctx, &o, rc)
	if err != nil {
		if ctx.Err() != nil {
			rep, ierr := stoppedEarly(&o, rc)
			return &Outcome{Proposal: publish.Proposal{Report: rep}}, ierr
		}
		return nil, err
	}
	defer ws.Close()
	if ctx.Err() == nil {
		rc.phase = PhaseRendering
	}
	r, err := renderUntil(ctx, &o, c)
	if err != nil {
		var updates []plan.Update
		for _, ch := range c.Changes {
			updates = append(updates, ch.Update)
		}
		rep := report.New(updates, c.Unchanged, redactFailures(c.Failures, o.Token), nil)
		rep.DryRun = o.DryRun
		rc.mark(rep, c.order, nil)
		return &Outcome{Proposal: publish.Proposal{Report: rep}}, rc.interrupted("")
	}
	disableStep(&o, c, r)
	var paths []string
	for _, f := range r.Files {
		paths = append(paths, f.Path)
	}
	failures := append(c.Failures, r.Failures...)
	sort.SliceStable(failures, func(i, j int) bool { return c.order[failures[i].Image] < c.order[failures[j].Image] })
	rep := report.New(r.Updates, c.Unchanged, redactFailures(failures, o.Token), paths)
	c.fill(rep, r.Changes)
	rep.DryRun = o.DryRun
	rep.Warnings = append(rep.Warnings, c.warnings(&o)...)
	bodyOpts := report.BodyOptions{SignaturesOff: o.Signatures.Off()}
	out := &Outcome{Proposal: publish.Proposal{Report: rep, Files: r.Files, BodyOptions: bodyOpts}}
	out.Title = report.Title(rep.Updates)
	out.Body = report.Body(rep, bodyOpts)
	if o.DryRun {
		out.Diff = Diff(r.Files)
	}
	if ctx.Err() != nil {
		// Stopped before publishing: nothing leaves the run.
		rc.mark(rep, c.order, nil)
		if !o.DryRun {
			rep.Unpublished()
		}
		return out, rc.interrupted("")
	}
	rc.phase = PhasePublishing
	err = ws.pub.Publish(ctx, &out.Proposal)
	if !o.DryRun {
		rep.NotWritten = notWritten(rep.Files, rep.Written)
	}
	if err != nil && ctx.Err() != nil {
		rc.mark(rep, c.order, nil)
		return out, rc.interrupted(published(rep))
	}
	if err != nil {
		return out, err
	}
	return out, nil
}

// renderUntil renders, or gives up when ctx ends first: rendering only
// computes bytes, so a run out of time need not wait for it (a template
// slow to render cannot hold a run past its deadline).
func renderUntil(ctx context.Context, o *Options, c *Crawled) (*Rendered, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	done := make(chan *Rendered, 1)
	go func() { done <- renderStep(o, c) }()
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// notWritten are the files of a run that did not reach their place.
func notWritten(files, written []string) []string {
	done := map[string]bool{}
	for _, w := range written {
		done[w] = true
	}
	var out []string
	for _, f := range files {
		if !done[f] {
			out = append(out, f)
		}
	}
	return out
}

// published says what a run interrupted while publishing had published.
func published(rep *report.Report) string {
	switch {
	case rep.Pushed:
		return "the branch was pushed before the interruption; the pull request may not say so yet"
	case len(rep.Written) > 0:
		return fmt.Sprintf("%d of %d files were written before the interruption (see the report)", len(rep.Written), len(rep.Files))
	}
	return ""
}

// Diff renders file changes as one git-style unified diff.
func Diff(files []publish.File) string {
	var b strings.Builder
	for _, f := range files {
		if equalFiles(f) {
			continue
		}
		from := "a/" + f.Path
		if f.Created {
			from = "/dev/null"
		}
		d := udiff.Unified(from, "b/"+f.Path, string(f.Old), string(f.New))
		fmt.Fprintf(&b, "diff --git a/%s b/%s\n", f.Path, f.Path)
		if f.Created {
			b.WriteString("new file mode 100644\n")
		}
		b.WriteString(d)
	}
	return b.String()
}

// workspace is where the catalog lives for this run, and how the result
// leaves the machine.
type workspace struct {
	root  string // where the run reads the catalog
	pub   publish.Publisher
	close func() error
}

func (w *workspace) Close() error {
	if w.close == nil {
		return nil
	}
	return w.close()
}

func openWorkspace(ctx context.Context, o *Options) (*workspace, error) {
	if err := CheckCatalog(o.Catalog); err != nil {
		return nil, &UsageError{err}
	}
	if IsGitURL(o.Catalog) {
		g, err := publish.OpenGit(ctx, o.Catalog, o.Git, publish.Env{
			CatalogDir: o.CatalogDir, DryRun: o.DryRun, Token: o.Token, Logger: o.Logger, Now: o.Now,
		})
		if err != nil {
			return nil, usage(err)
		}
		return &workspace{root: g.Root(), pub: usagePublisher{g}, close: g.Close}, nil
	}
	dir := o.Catalog
	if dir == "" {
		dir = "."
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && o.NewCatalog:
		// Created when the run writes its first file (catalog.WriteFile).
	case errors.Is(err, fs.ErrNotExist):
		return nil, &UsageError{fmt.Errorf("--catalog %s: no such directory (a typo? --new-catalog starts a new catalog there)", dir)}
	case err != nil:
		return nil, fmt.Errorf("--catalog: %w", err)
	case !fi.IsDir():
		return nil, &UsageError{fmt.Errorf("--catalog %s: not a directory", dir)}
	}
	if o.DryRun {
		return &workspace{root: dir, pub: publish.DryRun{}}, nil
	}
	return &workspace{root: dir, pub: publish.InPlace{Root: dir, CatalogDir: o.CatalogDir, Logger: o.Logger}}, nil
}

// usagePublisher makes the publisher's usage errors the bot's.
type usagePublisher struct{ p publish.Publisher }

func (u usagePublisher) Publish(ctx context.Context, p *publish.Proposal) error {
	return usage(u.p.Publish(ctx, p))
}

// usage marks err a *UsageError when it is a *publish.UsageError, keeping
// its text and its chain.
func usage(err error) error {
	var ue *publish.UsageError
	if errors.As(err, &ue) {
		return &UsageError{err}
	}
	return err
}

// scpLike matches git's scp-like remote syntax, user@host:path or
// host:path: a colon before any slash (git reads "./a:b" as a path).
var scpLike = regexp.MustCompile(`^([^/:@]+@)?[^/:]{2,}:`)

// schemeOf is the scheme of a URL-like --catalog ("" for none).
var schemeOf = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// CheckCatalog refuses a --catalog that is neither a supported git URL nor
// a local path: SSH remotes by name (the bot pushes over HTTPS with a
// token; docs/reference.md), and any other scheme (ftp://, a typo such as
// htps://) rather than taking it for a folder name.
func CheckCatalog(s string) error {
	if IsGitURL(s) {
		return nil
	}
	if m := schemeOf.FindStringSubmatch(s); m != nil {
		if strings.EqualFold(m[1], "ssh") || strings.Contains(strings.ToLower(m[1]), "ssh") {
			return fmt.Errorf("--catalog %s: SSH git URLs are not supported: use the https:// URL (GITHUB_TOKEN authenticates the push)", s)
		}
		return fmt.Errorf("--catalog %s: unsupported URL scheme %q: want https://, http://, file:// or a local directory", s, m[1])
	}
	if scpLike.MatchString(s) {
		return fmt.Errorf("--catalog %s: SSH git URLs (host:path) are not supported: use the https:// URL (GITHUB_TOKEN authenticates the push); write ./%s for a local directory", s, s)
	}
	return nil
}

// loadCatalog loads the catalog under root through one os.Root at the
// repository root: no symbolic link, no FIFO (docs/operations.md).
func loadCatalog(ctx context.Context, root, dir string) (*catalog.Catalog, error) {
	repo, err := catalog.OpenRepo(root, dir)
	if errors.Is(err, fs.ErrNotExist) {
		// A local directory that does not exist yet holds an empty
		// catalog; Publish makes it.
		return &catalog.Catalog{Dir: dir}, nil
	}
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	return repo.Load(ctx)
}

// fill adds to the report what the run pruned and repinned (of the changes
// that made it into a file), what it left alone, and what it could add.
func (c *Crawled) fill(rep *report.Report, changes []*plan.Change) {
	for _, ch := range changes {
		for _, p := range ch.Prune {
			rep.Pruned = append(rep.Pruned, report.Pruned{Image: ch.Image.Name, File: ch.Update.File, Version: p.Version, URL: p.URL, Reason: p.Reason})
		}
		for _, r := range ch.Repin {
			rep.Repinned = append(rep.Repinned, report.Repinned{Image: ch.Image.Name, File: ch.Update.File, Version: r.Version, From: r.From, To: r.To})
		}
	}
	rep.NotUpdated = append(rep.NotUpdated, c.NotUpdated...)
	rep.Available = append(rep.Available, c.Available...)
	rep.EndOfLife = append(rep.EndOfLife, c.EndOfLife...)
	rep.Warnings = append(rep.Warnings, c.Warnings...)
}
