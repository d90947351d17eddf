package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/render"
)

// registerForge adds the flags of the commit, the pull request and the
// dashboard (docs/pull-requests.md).
func (f *crawlFlags) registerForge(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.signCommits, "sign-commits", false, "make the commit through the GitHub API, so that GitHub signs it and shows it Verified")
	fl.BoolVar(&f.dashboard, "dashboard", false, "keep one issue labelled image-crawler that lists the images failing and since when; a failure then turns the run red only after --fail-after, or when every image failed")
	fl.DurationVar(&f.failAfter, "fail-after", publish.DefaultFailAfter, "with --dashboard: how long an image may fail before the run exits 3")
	fl.StringArrayVar(&f.reviewers, "reviewer", nil, "request a review of the pull request from this user (repeatable)")
	fl.StringArrayVar(&f.teamReviewers, "team-reviewer", nil, "request a review of the pull request from this team, by slug (repeatable)")
	fl.StringArrayVar(&f.assignees, "assignee", nil, "assign the pull request to this user (repeatable)")
	fl.IntVar(&f.milestone, "milestone", 0, "put the pull request into the milestone with this number")
	fl.StringVar(&f.title, "title", "", "Jinja2 template of the pull request title over the JSON report, e.g. 'chore: update images' (default: \"Update images: ...\"; {{ default }} is that text)")
	fl.StringVar(&f.commitMessage, "commit-message", "", "Jinja2 template of the commit message over the JSON report (default: the title and one line per update; {{ default }} is that text)")
	fl.StringVar(&f.splitBy, "split-by", "", "\"file\": one branch and one pull request per catalog file (BRANCH/ubuntu for ubuntu.yml) instead of one for all")
}

// messageTemplates parses --title and --commit-message.
func (f *crawlFlags) messageTemplates(o *bot.Options) error {
	var err error
	if o.Git.TitleTemplate, err = render.ParseMessage("--title", f.title); err != nil {
		return err
	}
	o.Git.CommitTemplate, err = render.ParseMessage("--commit-message", f.commitMessage)
	return err
}

// checkForge refuses combinations that cannot work.
func (f *crawlFlags) checkForge() error {
	if f.failAfter <= 0 {
		return fmt.Errorf("--fail-after %s: want a positive duration", f.failAfter)
	}
	switch f.splitBy {
	case "", publish.SplitByFile:
	default:
		return fmt.Errorf("--split-by %q: want file, or nothing for one pull request", f.splitBy)
	}
	if f.milestone < 0 {
		return fmt.Errorf("--milestone %d: want a milestone number", f.milestone)
	}
	if (f.dashboard || f.signCommits) && !bot.IsGitURL(f.catalog) {
		return fmt.Errorf("--dashboard and --sign-commits need a git URL as --catalog, not the directory %q", f.catalog)
	}
	return nil
}
