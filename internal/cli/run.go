package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/report"
)

func (a *app) newRunCmd() *cobra.Command {
	f := &crawlFlags{}
	var dryRun bool
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
			// The deadline counts from here: loading the sources file, the
			// templates and the catalog is part of the run (docs/operations.md);
			// a run whose time ran out while loading stops before any request.
			ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			o, err := a.options(f)
			if err != nil {
				return err
			}
			o.DryRun = dryRun
			o.Progress = a.progress()
			endGroup := a.group("Crawl upstream and update the catalog")
			out, err := bot.Run(ctx, o)
			endGroup()
			var rep *report.Report
			if out != nil {
				rep = out.Report
				if rerr := writeReport(f.report, rep.WriteJSON); rerr != nil && err == nil {
					err = rerr
				}
			}
			if ferr := a.finish(rep, err); ferr != nil && err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			a.printRun(out, dryRun)
			if code := out.ExitCode(); code != ExitOK {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f.registerCrawl(cmd)
	f.registerPublish(cmd)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "change nothing: no write, no push, no API write; print the pull request and a diff")
	return cmd
}

func (a *app) printRun(out *bot.Outcome, dryRun bool) {
	w := a.ios.Out
	rep := out.Report
	if dryRun && len(rep.Updates) == 0 && out.Diff == "" && len(out.Intent) == 0 {
		fmt.Fprintf(w, "Nothing to change: %d unchanged, %d failed, %d available not in the catalog.\n", len(rep.Unchanged), len(rep.Failures), len(rep.Available))
		if len(rep.EndOfLife) > 0 {
			fmt.Fprintf(w, "\n%s", report.EndOfLifeSection(rep.EndOfLife))
		}
		a.printProblems(rep)
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
		a.printProblems(rep)
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
	a.printProblems(rep)
}
