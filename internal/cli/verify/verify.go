// Package verify is the verify command: every version item a catalog
// change adds or modifies, checked against upstream (docs/verify.md). The
// checks themselves are package internal/verify's.
package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	catalogverify "github.com/osism/image-crawler/internal/verify"
)

// Options are verify's flags.
type Options struct {
	Factory     *cmdutil.Factory
	Catalog     string
	CatalogDir  string
	Base        string
	Sources     string
	Signatures  source.SignaturePolicy
	Mirrors     []string
	SkipMirror  bool
	JSON        bool
	PerHost     int
	Retries     int
	HTTPTimeout time.Duration
	Timeout     time.Duration
}

// NewCmd makes the verify command. runF, when not nil, is called with the
// parsed options instead of running (tests).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every version item a catalog change adds or modifies against upstream",
		Long: `verify compares the catalog checked out in --catalog (a local git repository) with a base
(--base REF; default: the merge base with the repository's default branch) and checks every
version item the change adds or modifies, whoever wrote it: the url is pinned to one build and
published; the build's own checksum file lists exactly the recorded checksum (through its
signature where the source has keys); build_date matches the build; the entry's natsort-latest
version is its newest build; mirror_url serves the same file; the changed files validate
against the catalog's schema. docs/verify.md has the details.

Exit status: 0 every item passed (items that could not be checked are listed, and do not fail);
3 an item failed; 2 bad usage, or the base is not in the local repository (a shallow clone).`,
		Example: `  # In a pull request's checkout (actions/checkout with fetch-depth: 0):
  image-crawler verify

  # A local branch against main, through a mirror, leaving mirror_url to after the merge:
  image-crawler verify --base main --skip-mirror \
    --mirror https://cloud-images.ubuntu.com/=http://127.0.0.1:8080/ubuntu/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVerify(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Catalog, "catalog", ".", "the catalog repository's local checkout (its top directory)")
	fl.StringVar(&opts.CatalogDir, "catalog-dir", "etc/images", "folder inside the catalog that holds the catalog files")
	fl.StringVar(&opts.Base, "base", "", "git ref to compare with, by its merge base with HEAD (default: the repository's default branch: GITHUB_BASE_REF in a pull request's workflow, else origin/HEAD, main or master)")
	fl.StringVar(&opts.Sources, "sources", "", "image sources file that describes the entries (default: the built-in one)")
	fl.StringArrayVar(&opts.Mirrors, "mirror", nil, "fetch every URL that starts with FROM from TO instead: FROM=TO (repeatable)")
	fl.BoolVar(&opts.SkipMirror, "skip-mirror", false, "leave mirror_url unchecked (for mirrors that are filled after merging)")
	fl.BoolVar(&opts.JSON, "json", false, "print the result as JSON instead of a table")
	fl.Var(&opts.Signatures, "signatures", "required, optional or off for every source at once, overriding the sources file")
	fl.IntVar(&opts.PerHost, "per-host", 6, "requests under way at once to one host")
	fl.DurationVar(&opts.HTTPTimeout, "http-timeout", 30*time.Second, "advanced: deadline of one request attempt, body included")
	fl.IntVar(&opts.Retries, "retries", 3, "advanced: extra attempts of a request after a 5xx, 429, timeout or dropped connection (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 15*time.Minute, "deadline for the whole check")
	return cmd
}

func runVerify(ctx context.Context, opts *Options) error {
	f := opts.Factory
	o, err := opts.verifyOptions()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	endGroup := f.Group("Verify the catalog change against upstream")
	rep, err := catalogverify.Run(ctx, o)
	endGroup()
	var be *catalogverify.BaseError
	if errors.As(err, &be) {
		return cmdutil.UsageError(err)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		err = rep.WriteJSON(f.IOStreams.Out)
	} else {
		err = rep.WriteTable(f.IOStreams.Out)
	}
	if err != nil {
		return err
	}
	if err := annotate(f, rep); err != nil {
		return err
	}
	if rep.Count(catalogverify.Failed) > 0 {
		return cmdutil.Exit(cmdutil.ExitFailures)
	}
	return nil
}

func (opts *Options) verifyOptions() (catalogverify.Options, error) {
	src, err := source.Load(opts.Sources)
	if err != nil {
		return catalogverify.Options{}, cmdutil.UsageError(err)
	}
	mirrors, err := cmdutil.ParseMirrors(opts.Mirrors)
	if err != nil {
		return catalogverify.Options{}, cmdutil.UsageError(err)
	}
	if err := cmdutil.CheckFetch(opts.PerHost, opts.HTTPTimeout, opts.Retries); err != nil {
		return catalogverify.Options{}, cmdutil.UsageError(err)
	}
	if strings.Contains(opts.Catalog, "://") {
		return catalogverify.Options{}, cmdutil.UsageError(fmt.Errorf("--catalog %s: verify checks a local checkout, not a URL", opts.Catalog))
	}
	return catalogverify.Options{
		Repo:          opts.Catalog,
		CatalogDir:    strings.Trim(opts.CatalogDir, "/"),
		Base:          opts.Base,
		DefaultBranch: strings.TrimSpace(opts.Factory.Getenv("GITHUB_BASE_REF")),
		Sources:       src,
		Signatures:    opts.Signatures,
		SkipMirror:    opts.SkipMirror,
		Fetcher: httpclient.NewClient(httpclient.Options{
			UserAgent: buildinfo.UserAgent(),
			Mirrors:   mirrors,
			PerHost:   opts.PerHost,
			Timeout:   opts.HTTPTimeout,
			Retries:   cmdutil.Retries(opts.Retries),
		}),
	}, nil
}

// annotate puts, in GitHub Actions, an error annotation on the line of each
// failed item and a warning on each that could not be checked, and the
// table in the job summary.
func annotate(f *cmdutil.Factory, rep *catalogverify.Report) error {
	if f.Actions == nil {
		return nil
	}
	for _, it := range rep.Items {
		an := actions.Annotation{Title: "image-crawler verify", File: it.File, Line: it.Line, Message: it.Reason()}
		if it.Image != "" {
			an.Title += " (" + it.Image + " " + it.Version + ")"
		}
		switch it.Status {
		case catalogverify.Failed:
			actions.Error(f.IOStreams.Out, an)
		case catalogverify.NotCheckable:
			actions.Warning(f.IOStreams.Out, an)
		}
	}
	return f.AppendSummary(rep.Markdown())
}
