// Package crawl is the crawl command: what upstream has now against what
// the catalog holds, changing nothing (docs/reference.md).
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/report"
)

// Options are crawl's flags: the crawl's alone, none of run's publish
// flags.
type Options struct {
	Factory *cmdutil.Factory
	Crawl   cmdutil.CrawlFlags
	JSON    bool
}

// NewCmd makes the crawl command. runF, when not nil, is called with the
// parsed options instead of running (tests).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "crawl",
		Short: "Show what upstream has now against what the catalog holds; changes nothing",
		Long: `crawl crawls upstream for every image the catalog holds, as run does, and prints what it
found against the catalog: a table, or with --json the JSON report (docs/reference.md). It writes,
commits and pushes nothing, so it takes none of run's publish flags (--draft, --label, ...).

Exit status: 0 every image crawled; 3 some images failed; 2 bad usage, sources file or
template; 1 any other failure. See docs/reference.md.`,
		Example: `  image-crawler crawl --catalog ./my-catalog
  image-crawler crawl --json --only "Debian 12"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runCrawl(cmd.Context(), opts)
		},
	}
	opts.Crawl.Register(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the JSON report instead of a table")
	return cmd
}

func runCrawl(ctx context.Context, opts *Options) error {
	f := opts.Factory
	// The deadline counts from here: loading the sources file, the
	// templates and the catalog is part of the run (docs/operations.md);
	// a run whose time ran out while loading stops before any request.
	ctx, cancel := context.WithTimeout(ctx, opts.Crawl.Timeout)
	defer cancel()
	o, err := opts.Crawl.BotOptions(f)
	if err != nil {
		return err
	}
	o.Progress = f.Progress()
	endGroup := f.Group("Crawl upstream")
	rep, err := bot.Crawl(ctx, o)
	endGroup()
	// In GitHub Actions: the same outputs, summary and annotations
	// as run (no pull request, as in a dry run).
	if ferr := f.Finish(rep, err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		if rep != nil {
			// An interrupted crawl still says what it reached.
			if rerr := cmdutil.WriteReport(opts.Crawl.Report, rep.WriteJSON); rerr != nil {
				return errors.Join(err, rerr)
			}
		}
		return err
	}
	if err := cmdutil.WriteReport(opts.Crawl.Report, rep.WriteJSON); err != nil {
		return err
	}
	if opts.JSON {
		if err := rep.WriteJSON(f.IOStreams.Out); err != nil {
			return err
		}
	} else {
		printTable(f.IOStreams.Out, rep)
	}
	if opts.JSON || f.Actions != nil {
		f.PrintProblems(rep)
	} else {
		// The table's DETAIL column already says why each image
		// failed: a failure is printed once.
		f.PrintWarnings(rep)
	}
	if len(rep.Failures) > 0 {
		return cmdutil.Exit(cmdutil.ExitFailures)
	}
	return nil
}

func printTable(w io.Writer, rep *report.Report) {
	// EOL is the end of support of the images whose release ended or ends
	// within 90 days (docs/lifecycle.md).
	eol := map[string]string{}
	for _, e := range rep.EndOfLife {
		eol[e.Image] = e.EOL + " (" + e.State + ")"
	}
	shown := map[string]bool{}
	col := func(name string) string {
		shown[name] = true
		if e, ok := eol[name]; ok {
			return e
		}
		return "-"
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tCATALOG\tUPSTREAM\tSTATUS\tEOL\tDETAIL")
	for _, u := range rep.Updates {
		prev := "-"
		if u.PreviousVersion != nil {
			prev = *u.PreviousVersion
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\n", u.Image, prev, u.Version, u.Kind, col(u.Image), u.BuildDate, u.URL)
	}
	for _, u := range rep.Unchanged {
		fmt.Fprintf(tw, "%s\t%s\t%s\tunchanged\t%s\t\n", u.Image, u.Version, u.Version, col(u.Image))
	}
	for _, fl := range rep.Failures {
		fmt.Fprintf(tw, "%s\t\t\tfailed\t%s\t%s\n", fl.Image, col(fl.Image), strings.ReplaceAll(fl.Error, "\n", " "))
	}
	for _, e := range rep.EndOfLife {
		if !shown[e.Image] {
			fmt.Fprintf(tw, "%s\t\t\tnot crawled\t%s\t%s (%s)\n", e.Image, col(e.Image), e.File, e.Origin)
		}
	}
	for _, n := range rep.NotUpdated {
		fmt.Fprintf(tw, "%s\t\t\tleft alone\t%s\n", n.Image, strings.ReplaceAll(n.Reason, "\n", " "))
	}
	for _, name := range rep.Available {
		fmt.Fprintf(tw, "%s\t-\t\tavailable\tnot in the catalog (--add)\n", name)
	}
	tw.Flush()
}
