package bot

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/catalog"
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

// gitWorkspace is a fresh shallow clone of the catalog repository. The bot's
// branch is regenerated from base on every run: one commit, pushed under a
// lease, so the runner keeps no state between runs.
type gitWorkspace struct {
	repo   *gitrepo.Repo
	ghRepo forge.Repo
	hasGH  bool
}

func openGit(ctx context.Context, o *Options) (workspace, error) {
	ws := &gitWorkspace{}
	if o.Repo != "" {
		r, err := forge.ParseRepo(o.Repo)
		if err != nil {
			return nil, &UsageError{fmt.Errorf("--repo: %w", err)}
		}
		ws.ghRepo, ws.hasGH = r, true
	} else if r, ok := forge.RepoFromURL(o.Catalog); ok {
		ws.ghRepo, ws.hasGH = r, true
	}
	if !ws.hasGH && !o.DryRun {
		return nil, &UsageError{fmt.Errorf("--repo OWNER/NAME is needed: %s is not a github.com URL", o.Catalog)}
	}
	o.Logger.Info("cloning catalog", "url", redact.String(o.Catalog, o.Token), "base", o.Base)
	repo, err := gitrepo.Clone(ctx, gitrepo.CloneOptions{URL: o.Catalog, Base: o.Base, Token: o.Token})
	if err != nil {
		return nil, fmt.Errorf("clone catalog: %w", err)
	}
	ws.repo = repo
	return ws, nil
}

func (g *gitWorkspace) Root() string { return g.repo.Dir() }
func (g *gitWorkspace) Close() error { return g.repo.Close() }

// Publish commits, pushes and opens, updates or closes the pull request. In
// a dry run it only reads, and says what it would do.
func (g *gitWorkspace) Publish(ctx context.Context, o *Options, out *Outcome) error {
	rep := out.Report
	base := g.repo.Base()
	bot := gitrepo.Identity{Name: o.Committer.Name, Email: o.Committer.Email}
	state, err := g.repo.RemoteBranch(ctx, o.Branch, bot)
	if err != nil {
		return fmt.Errorf("read branch %s: %w", o.Branch, err)
	}
	var gh *forge.Client
	var pr *forge.PullRequest
	if g.hasGH {
		gh, err = forge.New(forge.Options{APIURL: o.GitHubAPIURL, Token: o.Token, UserAgent: buildinfo.UserAgent()})
		if err != nil {
			return &UsageError{fmt.Errorf("--github-api-url: %w", err)}
		}
		pr, err = gh.FindOpen(ctx, g.ghRepo, o.Branch, base)
		if err != nil {
			if !o.DryRun {
				return fmt.Errorf("find the open pull request: %w", err)
			}
			out.Intent = append(out.Intent, fmt.Sprintf("could not read pull requests of %s: %v", g.ghRepo, err))
		}
	}
	result := &report.PullRequest{Branch: o.Branch, Operation: OpNone}
	if pr != nil {
		result.Number, result.URL = pr.Number, pr.URL
	}
	setResult := func() {
		if !o.DryRun {
			rep.PullRequest = result
		}
	}

	if state.Exists && !state.Owned {
		msg := fmt.Sprintf("branch %s has commits that image-crawler did not make: leaving the branch and its pull request alone", o.Branch)
		rep.Warnings = append(rep.Warnings, msg)
		out.Intent = append(out.Intent, msg)
		setResult()
		return nil
	}

	if len(out.Files) == 0 {
		return g.nothingToPropose(ctx, o, out, gh, pr, state, result, setResult)
	}

	// Write the regenerated files into the clone and make the one commit.
	dir := filepath.Join(g.repo.Dir(), filepath.FromSlash(o.CatalogDir))
	var paths []string
	for _, f := range out.Files {
		if err := catalog.WriteFile(dir, f.Rel, f.New); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		paths = append(paths, f.Path)
	}
	var trailers []string
	if o.Signoff {
		trailers = append(trailers, fmt.Sprintf("Signed-off-by: %s <%s>", o.Author.Name, o.Author.Email))
	}
	msg := report.CommitMessage(rep, trailers...)
	_, tree, err := g.repo.Commit(ctx, o.Branch, paths, msg,
		gitrepo.Identity(o.Author), gitrepo.Identity(o.Committer), o.Now())
	if errors.Is(err, gitrepo.ErrNothingToCommit) {
		return g.nothingToPropose(ctx, o, out, gh, pr, state, result, setResult)
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}

	pushed := false
	if state.UpToDate(g.repo.BaseHead(), tree) {
		out.Intent = append(out.Intent, fmt.Sprintf("branch %s already holds this change: no push", o.Branch))
	} else if o.DryRun {
		out.Intent = append(out.Intent, fmt.Sprintf("would push branch %s (one commit on %s %s)", o.Branch, base, short(g.repo.BaseHead())))
	} else {
		err := g.repo.Push(ctx, o.Branch, state.Head)
		if errors.Is(err, gitrepo.ErrLeaseFailed) {
			// Another run or a person pushed since we looked. Look again:
			// if it was a run that pushed the same change, all is well.
			now, rerr := g.repo.RemoteBranch(ctx, o.Branch, bot)
			switch {
			case rerr != nil:
				return fmt.Errorf("push %s: %w (and re-reading it failed: %v)", o.Branch, err, rerr)
			case now.Exists && !now.Owned:
				msg := fmt.Sprintf("branch %s changed under us and has commits image-crawler did not make: leaving it alone", o.Branch)
				rep.Warnings = append(rep.Warnings, msg)
				setResult()
				return nil
			case now.UpToDate(g.repo.BaseHead(), tree):
				o.Logger.Info("another run pushed the same change", "branch", o.Branch)
				if pr == nil && gh != nil {
					pr, _ = gh.FindOpen(ctx, g.ghRepo, o.Branch, base)
				}
			default:
				return fmt.Errorf("push %s: %w", o.Branch, err)
			}
		} else if err != nil {
			return fmt.Errorf("push %s: %w", o.Branch, err)
		} else {
			pushed = true
			o.Logger.Info("pushed", "branch", o.Branch)
		}
	}

	if gh == nil {
		setResult()
		return nil
	}
	switch {
	case pr == nil && o.DryRun:
		out.Intent = append(out.Intent, fmt.Sprintf("would open a pull request from %s into %s", o.Branch, base))
	case pr == nil:
		created, isNew, err := gh.Create(ctx, g.ghRepo, forge.NewPR{
			Title: out.Title, Body: out.Body, Branch: o.Branch, Base: base, Draft: o.Draft, Labels: o.Labels,
		})
		if err != nil && created == nil {
			return fmt.Errorf("open pull request: %w", err)
		}
		result.Number, result.URL = created.Number, created.URL
		result.Operation = OpCreated
		if !isNew {
			// A racing run opened it first: make sure it says what we say.
			changed, uerr := gh.Update(ctx, g.ghRepo, created.Number, out.Title, out.Body)
			if uerr != nil {
				return fmt.Errorf("update pull request #%d: %w", created.Number, uerr)
			}
			result.Operation = opFor(changed || pushed)
		}
		if err != nil {
			rep.Warnings = append(rep.Warnings, err.Error())
		}
	case o.DryRun:
		out.Intent = append(out.Intent, fmt.Sprintf("would update pull request #%d (%s) where its title or body differ", pr.Number, pr.URL))
	default:
		changed, err := gh.Update(ctx, g.ghRepo, pr.Number, out.Title, out.Body)
		if err != nil {
			return fmt.Errorf("update pull request #%d: %w", pr.Number, err)
		}
		if len(o.Labels) > 0 {
			if err := gh.AddLabels(ctx, g.ghRepo, pr, o.Labels); err != nil {
				rep.Warnings = append(rep.Warnings, err.Error())
			}
		}
		result.Operation = opFor(changed || pushed)
	}
	setResult()
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
func (g *gitWorkspace) nothingToPropose(ctx context.Context, o *Options, out *Outcome, gh *forge.Client, pr *forge.PullRequest, state gitrepo.BranchState, result *report.PullRequest, setResult func()) error {
	defer setResult()
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
	if pr != nil && gh != nil {
		if err := gh.Close(ctx, g.ghRepo, pr.Number, why+"\n\n"+report.Marker); err != nil {
			return fmt.Errorf("close pull request #%d: %w", pr.Number, err)
		}
		result.Operation = OpClosed
	}
	if state.Exists {
		if err := g.repo.DeleteBranch(ctx, o.Branch, state.Head); err != nil && !errors.Is(err, gitrepo.ErrLeaseFailed) {
			return fmt.Errorf("delete branch %s: %w", o.Branch, err)
		}
	}
	return nil
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
