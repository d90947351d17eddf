package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/report"
)

// Outcome is what a run did.
type Outcome struct {
	Report *report.Report
	Files  []FileChange
	Title  string // pull request title
	Body   string // pull request body
	Diff   string // git-style unified diff of the catalog (dry runs)
	// Intent says what a run did or, in a dry run, would do with the
	// branch and the pull request.
	Intent []string
	// Dashboard decides the exit status when the dashboard is on.
	Dashboard *DashboardStatus
}

// ExitCode is the exit status of a completed run (docs/cli.md); with the
// dashboard on, DashboardStatus.ExitCode.
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
// and crawl share. The caller closes the workspace.
func begin(ctx context.Context, o *Options) (workspace, *Crawled, error) {
	o.defaults()
	if err := o.check(); err != nil {
		return nil, nil, err
	}
	ws, err := openWorkspace(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	c, err := crawlStep(ctx, o, ws.Root())
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
	if o.SignaturesOff {
		ws = append(ws, signaturesOffWarning)
	}
	if c.Offline != nil {
		ws = append(ws, fmt.Sprintf("every upstream host failed to resolve (%v): this machine seems offline, or its DNS is broken", c.Offline))
	}
	return ws
}

// Crawl compares upstream with the catalog and changes nothing.
func Crawl(ctx context.Context, o Options) (*report.Report, error) {
	o.DryRun = true // nothing is pushed, so no pull request needs --repo
	ws, c, err := begin(ctx, &o)
	if err != nil {
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
	return rep, nil
}

// Run is the whole job: crawl, plan, render, then write the files (a local
// directory), print them as a diff (--dry-run), or commit, push and open or
// update the pull request (a git URL).
func Run(ctx context.Context, o Options) (*Outcome, error) {
	ws, c, err := begin(ctx, &o)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	r := renderStep(&o, c)
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
	out := &Outcome{Report: rep, Files: r.Files}
	out.Title = report.Title(rep.Updates)
	out.Body = report.Body(rep, report.BodyOptions{SignaturesOff: o.SignaturesOff})
	if o.DryRun {
		out.Diff = Diff(r.Files)
	}
	if err := ws.Publish(ctx, &o, out); err != nil {
		return out, err
	}
	return out, nil
}

// Diff renders file changes as one git-style unified diff.
func Diff(files []FileChange) string {
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
type workspace interface {
	Root() string
	Publish(ctx context.Context, o *Options, out *Outcome) error
	Close() error
}

func openWorkspace(ctx context.Context, o *Options) (workspace, error) {
	if err := CheckCatalog(o.Catalog); err != nil {
		return nil, &UsageError{err}
	}
	if IsGitURL(o.Catalog) {
		return openGit(ctx, o)
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
	return &localWorkspace{root: dir}, nil
}

// scpLike matches git's scp-like remote syntax, user@host:path or
// host:path: a colon before any slash (git reads "./a:b" as a path).
var scpLike = regexp.MustCompile(`^([^/:@]+@)?[^/:]{2,}:`)

// schemeOf is the scheme of a URL-like --catalog ("" for none).
var schemeOf = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// CheckCatalog refuses a --catalog that is neither a supported git URL nor
// a local path: SSH remotes by name (the bot pushes over HTTPS with a
// token; docs/cli.md), and any other scheme (ftp://, a typo such as
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

// localWorkspace is a directory on this machine: the run writes the
// regenerated files in place and commits nothing.
type localWorkspace struct{ root string }

func (l *localWorkspace) Root() string { return l.root }
func (l *localWorkspace) Close() error { return nil }

func (l *localWorkspace) Publish(_ context.Context, o *Options, out *Outcome) error {
	if o.DryRun {
		return nil
	}
	dir := filepath.Join(l.root, filepath.FromSlash(o.CatalogDir))
	for _, f := range out.Files {
		if err := catalog.WriteFile(dir, f.Rel, f.New); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
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
}
