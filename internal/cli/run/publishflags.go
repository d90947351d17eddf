package run

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/publish"
	"github.com/osism/image-crawler/internal/render"
)

// EntryFlags say how run writes the entries it changes (docs/catalog.md).
type EntryFlags struct {
	MirrorURLTemplate string
	Regenerate        bool
	DisableEOL        bool
}

// Register adds the entry flags to cmd.
func (f *EntryFlags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.MirrorURLTemplate, "mirror-url-template", "", "Jinja2 template of the mirror_url written into every version the bot adds, e.g. 'https://mirror.example.org/{{ image.shortname }}/{{ version.version }}-{{ image.shortname }}.{{ image.format }}'")
	fl.BoolVar(&f.DisableEOL, "disable-eol", false, "propose enable: false for enabled images past the end of their release's support (docs/lifecycle.md)")
	fl.BoolVar(&f.Regenerate, "regenerate", false, "own whole catalog entries: render every updated entry from the templates, as for a new one (default: change only its versions)")
}

// apply sets the entry options of o.
func (f *EntryFlags) apply(o *bot.Options) error {
	mirrorURL, err := render.ParseMirrorURL(f.MirrorURLTemplate)
	if err != nil {
		return err
	}
	o.MirrorURL = mirrorURL
	o.DisableEOL = f.DisableEOL
	if f.Regenerate {
		for i := range o.Sources.Images {
			o.Sources.Images[i].Regenerate = true
		}
	}
	return nil
}

// PublishFlags are the commit, the pull request and the dashboard of a git
// URL catalog (docs/pull-requests.md).
type PublishFlags struct {
	Repo           string
	Branch         string
	GitHubAPIURL   string
	Labels         []string
	Draft          bool
	AuthorName     string
	AuthorEmail    string
	CommitterName  string
	CommitterEmail string
	Signoff        bool

	SignCommits   bool
	Dashboard     bool
	FailAfter     time.Duration
	Reviewers     []string
	TeamReviewers []string
	Assignees     []string
	Milestone     int
	Title         string
	CommitMessage string
	SplitBy       string
}

// Register adds the publish flags to cmd.
func (f *PublishFlags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Repo, "repo", "", "GitHub repository OWNER/NAME for the pull request (default: derived from an https://github.com/... catalog URL)")
	fl.StringVar(&f.Branch, "branch", publish.DefaultBranch, "the bot's branch")
	fl.StringVar(&f.GitHubAPIURL, "github-api-url", "https://api.github.com/", "GitHub API URL (GitHub Enterprise: https://HOST/api/v3/)")
	fl.StringArrayVar(&f.Labels, "label", nil, "label for the pull request (repeatable)")
	fl.BoolVar(&f.Draft, "draft", false, "open the pull request as a draft")
	fl.StringVar(&f.AuthorName, "author-name", publish.DefaultAuthor.Name, "commit author name (and committer name, unless --committer-name)")
	fl.StringVar(&f.AuthorEmail, "author-email", publish.DefaultAuthor.Email, "commit author email (and committer email, unless --committer-email)")
	fl.StringVar(&f.CommitterName, "committer-name", "", "commit committer name (default: the author's)")
	fl.StringVar(&f.CommitterEmail, "committer-email", "", "commit committer email (default: the author's); the bot recognises its own commits by it")
	fl.BoolVar(&f.Signoff, "signoff", false, "add a Signed-off-by trailer to the commit")

	fl.BoolVar(&f.SignCommits, "sign-commits", false, "make the commit through the GitHub API, so that GitHub signs it and shows it Verified")
	fl.BoolVar(&f.Dashboard, "dashboard", false, "keep one issue labelled image-crawler that lists the images failing and since when; a failure then turns the run red only after --fail-after, or when every image failed")
	fl.DurationVar(&f.FailAfter, "fail-after", publish.DefaultFailAfter, "with --dashboard: how long an image may fail before the run exits 3")
	fl.StringArrayVar(&f.Reviewers, "reviewer", nil, "request a review of the pull request from this user (repeatable)")
	fl.StringArrayVar(&f.TeamReviewers, "team-reviewer", nil, "request a review of the pull request from this team, by slug (repeatable)")
	fl.StringArrayVar(&f.Assignees, "assignee", nil, "assign the pull request to this user (repeatable)")
	fl.IntVar(&f.Milestone, "milestone", 0, "put the pull request into the milestone with this number")
	fl.StringVar(&f.Title, "title", "", "Jinja2 template of the pull request title over the JSON report, e.g. 'chore: update images' (default: \"Update images: ...\"; {{ default }} is that text)")
	fl.StringVar(&f.CommitMessage, "commit-message", "", "Jinja2 template of the commit message over the JSON report (default: the title and one line per update; {{ default }} is that text)")
	fl.StringVar(&f.SplitBy, "split-by", "", "\"file\": one branch and one pull request per catalog file (BRANCH/ubuntu for ubuntu.yml) instead of one for all")
}

// apply checks the flags against o.Catalog and sets the publish options
// of o.
func (f *PublishFlags) apply(o *bot.Options) error {
	if err := f.check(o.Catalog); err != nil {
		return err
	}
	author := publish.Identity{Name: f.AuthorName, Email: f.AuthorEmail}
	committer := author
	if f.CommitterName != "" {
		committer.Name = f.CommitterName
	}
	if f.CommitterEmail != "" {
		committer.Email = f.CommitterEmail
	}
	o.Git.Repo = f.Repo
	o.Git.Branch = f.Branch
	o.Git.APIURL = f.GitHubAPIURL
	o.Git.Labels = f.Labels
	o.Git.Draft = f.Draft
	o.Git.Author = author
	o.Git.Committer = committer
	o.Git.Signoff = f.Signoff
	o.Git.SignCommits = f.SignCommits
	o.Git.Dashboard = f.Dashboard
	o.Git.FailAfter = f.FailAfter
	o.Git.Reviewers = f.Reviewers
	o.Git.TeamReviewers = f.TeamReviewers
	o.Git.Assignees = f.Assignees
	o.Git.Milestone = f.Milestone
	o.Git.SplitBy = f.SplitBy
	var err error
	if o.Git.TitleTemplate, err = render.ParseMessage("--title", f.Title); err != nil {
		return err
	}
	o.Git.CommitTemplate, err = render.ParseMessage("--commit-message", f.CommitMessage)
	return err
}

// check refuses combinations that cannot work.
func (f *PublishFlags) check(catalog string) error {
	if f.FailAfter <= 0 {
		return fmt.Errorf("--fail-after %s: want a positive duration", f.FailAfter)
	}
	switch f.SplitBy {
	case "", publish.SplitByFile:
	default:
		return fmt.Errorf("--split-by %q: want file, or nothing for one pull request", f.SplitBy)
	}
	if f.Milestone < 0 {
		return fmt.Errorf("--milestone %d: want a milestone number", f.Milestone)
	}
	if (f.Dashboard || f.SignCommits) && !bot.IsGitURL(catalog) {
		return fmt.Errorf("--dashboard and --sign-commits need a git URL as --catalog, not the directory %q", catalog)
	}
	return nil
}
