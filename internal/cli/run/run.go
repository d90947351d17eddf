// Package run is the run command: crawl upstream, update the catalog, and
// open or update the pull request (docs/reference.md).
package run

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/report"
)

// Options are run's flags.
type Options struct {
	Factory *cmdutil.Factory
	Crawl   cmdutil.CrawlFlags
	Entry   EntryFlags
	Publish PublishFlags
	DryRun  bool
}

// NewCmd makes the run command. runF, when not nil, is called with the
// parsed options instead of running (tests).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Crawl upstream, update the catalog, and open or update the pull request",
		Long: `run crawls upstream for every image the catalog holds (an empty catalog: every image of the
sources file), adds each new build to its entry's versions in the entry's own style, prunes versions
whose files are gone, and then:

  - with --catalog a git URL: clones it, commits on the bot's branch, pushes, and opens or updates
    one pull request (GITHUB_TOKEN authenticates);
  - with --catalog a local directory: writes the regenerated files in place and commits nothing
    (the directory must exist; --new-catalog starts a new catalog; SSH URLs are refused);
  - with --dry-run: changes nothing anywhere, and prints the pull request title and body it would
    open, then a unified diff of the catalog.

Images the catalog lacks are listed, not added: --add NAME or --add-all adds them. See
docs/catalog.md for what the bot changes and what stays the operator's.

Exit status: 0 every image crawled; 3 some images failed (the rest still went in);
2 bad usage, sources file or template; 1 any other failure or --timeout reached;
130 SIGINT, 143 SIGTERM (nothing is published after the signal; a second one exits at once;
docs/operations.md). With --dashboard a failed image is listed in the dashboard issue and
gives 3 only once it has failed for longer than --fail-after, or when every image failed
(docs/pull-requests.md). See docs/reference.md.`,
		Example: `  # See what would change in a local checkout, touching nothing:
  image-crawler run --dry-run --catalog ./my-catalog

  # Only Ubuntu 24.04, through a local mirror of cloud-images.ubuntu.com:
  image-crawler run --dry-run --only "Ubuntu 24.04" \
    --mirror https://cloud-images.ubuntu.com/=http://127.0.0.1:8080/ubuntu/

  # The bot: clone, commit, push, open or update the pull request:
  GITHUB_TOKEN=... image-crawler run --catalog https://github.com/ORG/REPO --label images`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	opts.Crawl.Register(cmd)
	opts.Entry.Register(cmd)
	opts.Publish.Register(cmd)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "change nothing: no write, no push, no API write; print the pull request and a diff")
	return cmd
}

func runRun(ctx context.Context, opts *Options) error {
	f := opts.Factory
	// The deadline counts from here: loading the sources file, the
	// templates and the catalog is part of the run (docs/operations.md);
	// a run whose time ran out while loading stops before any request.
	ctx, cancel := context.WithTimeout(ctx, opts.Crawl.Timeout)
	defer cancel()
	o, err := opts.botOptions()
	if err != nil {
		return err
	}
	o.Progress = f.Progress()
	endGroup := f.Group("Crawl upstream and update the catalog")
	out, err := bot.Run(ctx, o)
	endGroup()
	var rep *report.Report
	if out != nil {
		rep = out.Report
		if rerr := cmdutil.WriteReport(opts.Crawl.Report, rep.WriteJSON); rerr != nil && err == nil {
			err = rerr
		}
	}
	if ferr := f.Finish(rep, err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	printRun(f, out, opts.DryRun)
	if code := out.ExitCode(); code != cmdutil.ExitOK {
		return cmdutil.Exit(code)
	}
	return nil
}

// botOptions are the bot's options of a run: the crawl's, then how entries
// are written and how the result is published.
func (opts *Options) botOptions() (bot.Options, error) {
	o, err := opts.Crawl.BotOptions(opts.Factory)
	if err != nil {
		return bot.Options{}, err
	}
	if err := opts.Entry.apply(&o); err != nil {
		return bot.Options{}, cmdutil.UsageError(err)
	}
	if err := opts.Publish.apply(&o); err != nil {
		return bot.Options{}, cmdutil.UsageError(err)
	}
	o.DryRun = opts.DryRun
	return o, nil
}

func printRun(f *cmdutil.Factory, out *bot.Outcome, dryRun bool) {
	w := f.IOStreams.Out
	rep := out.Report
	if dryRun && len(rep.Updates) == 0 && out.Diff == "" && len(out.Intent) == 0 {
		fmt.Fprintf(w, "Nothing to change: %d unchanged, %d failed, %d available not in the catalog.\n", len(rep.Unchanged), len(rep.Failures), len(rep.Available))
		if len(rep.EndOfLife) > 0 {
			fmt.Fprintf(w, "\n%s", report.EndOfLifeSection(rep.EndOfLife))
		}
		f.PrintProblems(rep)
		return
	}
	if dryRun {
		fmt.Fprintf(w, "# %s\n\n%s\n", out.Title, out.Body)
		for _, line := range out.Intent {
			fmt.Fprintf(w, "dry run: %s\n", line)
		}
		if len(out.Intent) > 0 {
			fmt.Fprintln(w)
		}
		if out.Diff != "" {
			fmt.Fprint(w, out.Diff)
		} else {
			fmt.Fprintln(w, "(no change to the catalog)")
		}
		f.PrintProblems(rep)
		return
	}
	if len(rep.Updates) == 0 {
		fmt.Fprintf(w, "Nothing to update: %d unchanged, %d failed.\n", len(rep.Unchanged), len(rep.Failures))
	} else {
		fmt.Fprintf(w, "%s\n", out.Title)
		for _, f := range rep.Files {
			fmt.Fprintf(w, "  wrote %s\n", f)
		}
	}
	for _, line := range out.Intent {
		fmt.Fprintln(w, line)
	}
	if pr := rep.PullRequest; pr != nil {
		fmt.Fprintf(w, "Pull request: %s %s (%s)\n", pr.Operation, pr.URL, pr.Branch)
	}
	f.PrintProblems(rep)
}
