package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/gitrepo"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/report"
)

// Operations on the pull request, as the report names them.
const (
	OpCreated = "created"
	OpUpdated = "updated"
	OpClosed  = "closed"
	OpNone    = "none"
)

// Git publishes into a fresh shallow clone of the catalog repository. The
// bot's branch is regenerated from base on every run: one commit, pushed
// under a lease, so the runner keeps no state between runs.
type Git struct {
	o      config
	repo   *gitrepo.Repo
	remote forge.Repo // the repository on its forge, if onForge
	// onForge is false for a git URL of no known forge, which only a dry
	// run accepts: it has a branch but no pull request.
	onForge bool
	fg      forge.Forge // made by client
}

// OpenGit clones the catalog repository at url (https://, http:// or
// file://) for a Git publisher. The caller reads the catalog under Root and
// closes the Git when done.
func OpenGit(ctx context.Context, url string, o GitOptions, env Env) (*Git, error) {
	g := &Git{o: config{GitOptions: o, Env: env}}
	g.o.defaults()
	cfg := &g.o
	var err error
	if g.remote, g.onForge, err = forgeRepo(cfg, url); err != nil {
		return nil, err
	}
	if !g.onForge && !cfg.DryRun {
		return nil, &UsageError{fmt.Errorf("--repo OWNER/NAME is needed: %s is not a github.com URL", url)}
	}
	cfg.Logger.Info("cloning catalog", "url", redact.String(url, cfg.Token), "base", cfg.Base)
	proxy, err := cfg.proxyFor(url)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("proxy for %s: %w", redact.String(url, cfg.Token), err)}
	}
	repo, err := gitrepo.Clone(ctx, gitrepo.CloneOptions{URL: url, Base: cfg.Base, Token: cfg.Token, Proxy: proxy})
	if err != nil {
		return nil, fmt.Errorf("clone catalog: %w", err)
	}
	g.repo = repo
	return g, nil
}

// client is the forge's client, made on first use.
func (g *Git) client() (forge.Forge, error) {
	if g.fg != nil {
		return g.fg, nil
	}
	c, err := newForge(&g.o)
	if err != nil {
		return nil, err
	}
	g.fg = c
	return c, nil
}

// Root is the clone's work tree, where the run reads the catalog.
func (g *Git) Root() string { return g.repo.Dir() }

// Close removes the clone.
func (g *Git) Close() error { return g.repo.Close() }

// Publish commits, pushes and opens, updates or closes the pull request,
// then brings the dashboard issue up to date (--dashboard). In a dry run it
// only reads, and says what it would do.
func (g *Git) Publish(ctx context.Context, out *Proposal) error {
	o := &g.o
	if o.TitleTemplate != nil {
		title, err := o.TitleTemplate.Render(out.Report, out.Title)
		if err != nil {
			return &UsageError{err}
		}
		out.Title = strings.Join(strings.Fields(title), " ") // a title is one line
	}
	if o.SplitBy == SplitByFile {
		prs, err := g.publishSplit(ctx, o, out)
		if err != nil {
			return err
		}
		return g.dashboard(ctx, o, out, g.fg, prs)
	}
	p := g.newPublish(o, out)
	if err := p.run(ctx); err != nil {
		return err
	}
	return g.dashboard(ctx, o, out, p.fg, []report.PullRequest{*p.result})
}

func (g *Git) newPublish(o *config, out *Proposal) *publish {
	p := &publish{g: g, o: o, out: out, base: g.repo.Base(),
		bot: gitrepo.Identity{Name: o.Committer.Name, Email: o.Committer.Email}}
	if o.SignCommits {
		// The forge commits; the bot is the author (see gitrepo.committedBy).
		p.bot = gitrepo.Identity{Name: o.Author.Name, Email: o.Author.Email}
	}
	return p
}

// run publishes one branch and its pull request.
func (p *publish) run(ctx context.Context) error {
	g, o, out := p.g, p.o, p.out
	var err error
	if p.state, err = g.repo.RemoteBranch(ctx, o.Branch, p.bot); err != nil {
		return fmt.Errorf("read branch %s: %w", o.Branch, err)
	}
	if g.onForge {
		if p.fg, err = g.client(); err != nil {
			return err
		}
		if p.pr, err = p.fg.FindOpen(ctx, g.remote, o.Branch, p.base); err != nil {
			if !o.DryRun {
				return fmt.Errorf("find the open pull request: %w", err)
			}
			out.Intent = append(out.Intent, fmt.Sprintf("could not read pull requests of %s: %v", g.remote, err))
		}
	}
	p.result = &report.PullRequest{Branch: o.Branch, Operation: OpNone}
	if p.pr != nil {
		p.result.Number, p.result.URL = p.pr.Number, p.pr.URL
	}
	defer p.setResult()

	if p.state.Owned && !o.DryRun {
		p.result.HeadSHA = p.state.Head // until a push or a delete moves it
	}
	if p.state.Exists && !p.state.Owned {
		p.leaveAlone(fmt.Sprintf("branch %s has commits that image-crawler did not make: leaving the branch and its pull request alone", o.Branch))
		return nil
	}
	if len(out.Files) == 0 {
		return g.nothingToPropose(ctx, o, out, p.fg, p.pr, p.state, p.result)
	}
	tree, err := p.commit(ctx)
	if errors.Is(err, gitrepo.ErrNothingToCommit) {
		return g.nothingToPropose(ctx, o, out, p.fg, p.pr, p.state, p.result)
	}
	if err != nil {
		return err
	}
	pushed, done, err := p.push(ctx, tree)
	if err != nil || done || p.fg == nil {
		return err
	}
	return p.upsertPR(ctx, pushed)
}

// publish is one Publish call: what it read at the start and what it found.
type publish struct {
	g      *Git
	o      *config
	out    *Proposal
	base   string
	bot    gitrepo.Identity
	state  gitrepo.BranchState // the bot's branch as read at the start: the lease
	fg     forge.Forge         // nil without a forge (dry runs of other URLs)
	pr     *forge.PullRequest  // the open pull request, or nil
	result *report.PullRequest
	tree   string // the tree of the bot's commit
	// headSHA is the bot's commit on the branch: the one pushed, or made
	// through the API with --sign-commits.
	headSHA string
}

// setResult puts the pull request into the report; a dry run reports none.
func (p *publish) setResult() {
	if !p.o.DryRun {
		p.out.Report.PullRequest = p.result
	}
}

// leaveAlone reports that the branch holds a person's commits.
func (p *publish) leaveAlone(msg string) {
	p.out.Report.Warnings = append(p.out.Report.Warnings, msg)
	p.out.Intent = append(p.out.Intent, msg)
}

// commit writes the regenerated files into the clone and makes the one
// commit on base; it returns the commit's tree.
func (p *publish) commit(ctx context.Context) (tree string, err error) {
	o := p.o
	// The files go into the commit, not into the clone's work tree: a
	// symbolic link the repository commits cannot lead a write out of it,
	// and a dry run writes no file (docs/operations.md).
	var files []gitrepo.File
	for _, f := range p.out.Files {
		files = append(files, gitrepo.File{Path: f.Path, Data: f.New})
	}
	msg, err := p.message()
	if err != nil {
		return "", err
	}
	var commit string
	commit, tree, err = p.g.repo.CommitFiles(ctx, o.Branch, files, msg, gitrepo.Identity(o.Author), gitrepo.Identity(o.Committer), o.Now())
	if err != nil && !errors.Is(err, gitrepo.ErrNothingToCommit) {
		return "", fmt.Errorf("commit: %w", err)
	}
	p.tree, p.headSHA = tree, commit
	return tree, err
}

// message is the commit message: --commit-message rendered over the
// report, or the default, then the trailers.
func (p *publish) message() (string, error) {
	if p.o.CommitTemplate == nil {
		return report.CommitMessage(p.out.Report, p.trailers()...), nil
	}
	msg, err := p.o.CommitTemplate.Render(p.out.Report, strings.TrimSpace(report.CommitMessage(p.out.Report)))
	if err != nil {
		return "", &UsageError{err}
	}
	msg += "\n"
	if t := p.trailers(); len(t) > 0 {
		msg += "\n" + strings.Join(t, "\n") + "\n"
	}
	return msg, nil
}

// trailers are the trailers of the bot's commit message besides
// gitrepo.Trailer.
func (p *publish) trailers() []string {
	if p.o.Signoff {
		return []string{fmt.Sprintf("Signed-off-by: %s <%s>", p.o.Author.Name, p.o.Author.Email)}
	}
	return nil
}

// push force-pushes the branch under the lease read at the start, unless it
// already holds this very commit. done is true when the branch turned out to
// be a person's, so the pull request is left alone.
func (p *publish) push(ctx context.Context, tree string) (pushed, done bool, err error) {
	o, repo := p.o, p.g.repo
	switch {
	case p.state.UpToDate(repo.BaseHead(), tree):
		p.out.Intent = append(p.out.Intent, fmt.Sprintf("branch %s already holds this change: no push", o.Branch))
		p.onRemote(false)
		return false, false, nil
	case o.DryRun:
		p.out.Intent = append(p.out.Intent, fmt.Sprintf("would push branch %s (one commit on %s %s)", o.Branch, p.base, short(repo.BaseHead())))
		return false, false, nil
	}
	if o.SignCommits {
		err = p.pushSigned(ctx)
	} else {
		err = repo.Push(ctx, o.Branch, p.state.Head)
	}
	if err == nil {
		o.Logger.Info("pushed", "branch", o.Branch, "signed", o.SignCommits)
		p.result.HeadSHA = p.headSHA
		p.onRemote(true)
		return true, false, nil
	}
	if !errors.Is(err, gitrepo.ErrLeaseFailed) && !errors.Is(err, forge.ErrRefMoved) {
		return false, false, fmt.Errorf("push %s: %w", o.Branch, err)
	}
	// Another run or a person pushed since we looked. Look again: if it was
	// a run that pushed the same change, all is well.
	now, rerr := repo.RemoteBranch(ctx, o.Branch, p.bot)
	switch {
	case rerr != nil:
		return false, false, fmt.Errorf("push %s: %w (and re-reading it failed: %v)", o.Branch, err, rerr)
	case now.Exists && !now.Owned:
		p.leaveAlone(fmt.Sprintf("branch %s changed under us and has commits image-crawler did not make: leaving it alone", o.Branch))
		return false, true, nil
	case now.UpToDate(repo.BaseHead(), tree):
		o.Logger.Info("another run pushed the same change", "branch", o.Branch)
		p.onRemote(false)
		p.result.HeadSHA = now.Head
		if p.pr == nil && p.fg != nil {
			p.pr, _ = p.fg.FindOpen(ctx, p.g.remote, o.Branch, p.base)
		}
		return false, false, nil
	default:
		return false, false, fmt.Errorf("push %s: %w", o.Branch, err)
	}
}

// onRemote records that the remote branch holds the files: written (in the
// commit there) and, if this run sent it, pushed. A dry run records nothing.
func (p *publish) onRemote(pushed bool) {
	if p.o.DryRun {
		return
	}
	for _, f := range p.out.Files {
		p.out.Report.Written = append(p.out.Report.Written, f.Path)
	}
	p.out.Report.Pushed = pushed
}

// upsertPR opens the pull request, or updates the open one where its title
// or body differ; a dry run says which it would do.
func (p *publish) upsertPR(ctx context.Context, pushed bool) error {
	o, out, fg, repo := p.o, p.out, p.fg, p.g.remote
	switch {
	case p.pr == nil && o.DryRun:
		out.Intent = append(out.Intent, fmt.Sprintf("would open a pull request from %s into %s", o.Branch, p.base))
	case p.pr == nil:
		created, isNew, err := fg.Create(ctx, repo, forge.NewPR{
			Title: out.Title, Body: out.Body, Branch: o.Branch, Base: p.base, Draft: o.Draft, Labels: o.Labels,
		})
		if err != nil && created == nil {
			return fmt.Errorf("open pull request: %w", err)
		}
		p.result.Number, p.result.URL, p.result.Operation = created.Number, created.URL, OpCreated
		if !isNew {
			// A racing run opened it first: make sure it says what we say.
			changed, uerr := fg.Update(ctx, repo, created.Number, out.Title, out.Body)
			if uerr != nil {
				return fmt.Errorf("update pull request #%d: %w", created.Number, uerr)
			}
			p.result.Operation = opFor(changed || pushed)
		}
		if err != nil {
			// The pull request is open; only its labels failed.
			out.Report.Warnings = append(out.Report.Warnings, err.Error())
		}
	case o.DryRun:
		out.Intent = append(out.Intent, fmt.Sprintf("would update pull request #%d (%s) where its title or body differ", p.pr.Number, p.pr.URL))
	default:
		changed, err := fg.Update(ctx, repo, p.pr.Number, out.Title, out.Body)
		if err != nil {
			return fmt.Errorf("update pull request #%d: %w", p.pr.Number, err)
		}
		if len(o.Labels) > 0 {
			if err := fg.AddLabels(ctx, repo, p.pr, o.Labels); err != nil {
				out.Report.Warnings = append(out.Report.Warnings, err.Error())
			}
		}
		p.result.Operation = opFor(changed || pushed)
	}
	return p.applyExtras(ctx, pushed)
}

// applyExtras requests the reviewers and sets the assignees and milestone
// when the pull request was opened or its branch got a new commit, so that
// reviewers are asked again for new content but an unchanged run writes
// nothing. The forge's refusals of names are warnings.
func (p *publish) applyExtras(ctx context.Context, pushed bool) error {
	o := p.o
	x := forge.Extras{Reviewers: o.Reviewers, TeamReviewers: o.TeamReviewers, Assignees: o.Assignees, Milestone: o.Milestone}
	if o.DryRun || x.Empty() || p.result.Number == 0 || (p.result.Operation != OpCreated && !pushed) {
		return nil
	}
	warnings, err := p.fg.ApplyExtras(ctx, p.g.remote, p.result.Number, x)
	p.out.Report.Warnings = append(p.out.Report.Warnings, warnings...)
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", p.result.Number, err)
	}
	return nil
}

func opFor(changed bool) string {
	if changed {
		return OpUpdated
	}
	return OpNone
}

// nothingToPropose handles a run whose catalog on base already holds
// everything: an open pull request has become moot and is closed, and the
// bot's branch deleted. When some images failed, nothing is known about them,
// so the pull request is left as it is.
func (g *Git) nothingToPropose(ctx context.Context, o *config, out *Proposal, fg forge.Forge, pr *forge.PullRequest, state gitrepo.BranchState, result *report.PullRequest) error {
	if len(out.Report.Failures) > 0 || (pr == nil && !state.Exists) {
		return nil
	}
	const why = "The catalog on the base branch already holds every image this pull request proposed, so it is no longer needed. image-crawler closed it and deleted its branch; it opens a new one when upstream publishes new builds."
	if o.DryRun {
		if pr != nil {
			out.Intent = append(out.Intent, fmt.Sprintf("would close pull request #%d: base already holds everything", pr.Number))
		}
		if state.Exists {
			out.Intent = append(out.Intent, fmt.Sprintf("would delete branch %s", o.Branch))
		}
		return nil
	}
	if pr != nil && fg != nil {
		if err := fg.Close(ctx, g.remote, pr.Number, why+"\n\n"+report.Marker); err != nil {
			return fmt.Errorf("close pull request #%d: %w", pr.Number, err)
		}
		result.Operation = OpClosed
	}
	if state.Exists {
		if err := g.repo.DeleteBranch(ctx, o.Branch, state.Head); err != nil && !errors.Is(err, gitrepo.ErrLeaseFailed) {
			return fmt.Errorf("delete branch %s: %w", o.Branch, err)
		}
		result.HeadSHA = ""
	}
	return nil
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
