package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/verify"
)

type verifyFlags struct {
	catalog, catalogDir, base, sources, signatures string
	mirrors                                        []string
	skipMirror, asJSON                             bool
	perHost, retries                               int
	httpTimeout, timeout                           time.Duration
}

func (a *app) newVerifyCmd() *cobra.Command {
	f := &verifyFlags{}
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
			o, err := a.verifyOptions(f)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			endGroup := a.group("Verify the catalog change against upstream")
			rep, err := verify.Run(ctx, o)
			endGroup()
			var be *verify.BaseError
			if errors.As(err, &be) {
				return usageErr(err)
			}
			if err != nil {
				return err
			}
			if f.asJSON {
				err = rep.WriteJSON(a.ios.Out)
			} else {
				err = rep.WriteTable(a.ios.Out)
			}
			if err != nil {
				return err
			}
			if err := a.annotateVerify(rep); err != nil {
				return err
			}
			if rep.Count(verify.Failed) > 0 {
				return &exitError{code: ExitFailures}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.catalog, "catalog", ".", "the catalog repository's local checkout (its top directory)")
	fl.StringVar(&f.catalogDir, "catalog-dir", "etc/images", "folder inside the catalog that holds the catalog files")
	fl.StringVar(&f.base, "base", "", "git ref to compare with, by its merge base with HEAD (default: the repository's default branch: GITHUB_BASE_REF in a pull request's workflow, else origin/HEAD, main or master)")
	fl.StringVar(&f.sources, "sources", "", "image sources file that describes the entries (default: the built-in one)")
	fl.StringArrayVar(&f.mirrors, "mirror", nil, "fetch every URL that starts with FROM from TO instead: FROM=TO (repeatable)")
	fl.BoolVar(&f.skipMirror, "skip-mirror", false, "leave mirror_url unchecked (for mirrors that are filled after merging)")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON instead of a table")
	fl.StringVar(&f.signatures, "signatures", "", "required, optional or off for every source at once, overriding the sources file")
	fl.IntVar(&f.perHost, "per-host", 6, "requests under way at once to one host")
	fl.DurationVar(&f.httpTimeout, "http-timeout", 30*time.Second, "advanced: deadline of one request attempt, body included")
	fl.IntVar(&f.retries, "retries", 3, "advanced: extra attempts of a request after a 5xx, 429, timeout or dropped connection (0 = none)")
	fl.DurationVar(&f.timeout, "timeout", 15*time.Minute, "deadline for the whole check")
	return cmd
}

func (a *app) verifyOptions(f *verifyFlags) (verify.Options, error) {
	src, err := source.Load(f.sources)
	if err != nil {
		return verify.Options{}, usageErr(err)
	}
	switch f.signatures {
	case "", source.SignatureRequired, source.SignatureOptional, source.SignatureOff:
	default:
		return verify.Options{}, usageErr(fmt.Errorf("--signatures %q: want required, optional or off", f.signatures))
	}
	var mirrors []httpclient.Mirror
	for _, m := range f.mirrors {
		mm, err := httpclient.ParseMirror(m)
		if err != nil {
			return verify.Options{}, usageErr(fmt.Errorf("--mirror: %w", err))
		}
		mirrors = append(mirrors, mm)
	}
	switch {
	case f.perHost < 1:
		return verify.Options{}, usageErr(fmt.Errorf("--per-host %d: want at least 1", f.perHost))
	case f.httpTimeout <= 0:
		return verify.Options{}, usageErr(fmt.Errorf("--http-timeout %s: want a positive duration", f.httpTimeout))
	case f.retries < 0:
		return verify.Options{}, usageErr(fmt.Errorf("--retries %d: want 0 or more", f.retries))
	case strings.Contains(f.catalog, "://"):
		return verify.Options{}, usageErr(fmt.Errorf("--catalog %s: verify checks a local checkout, not a URL", f.catalog))
	}
	retries := f.retries
	if retries == 0 {
		retries = -1 // httpclient.Options: 0 means the default, -1 none
	}
	defaultBranch, _ := a.env("GITHUB_BASE_REF")
	return verify.Options{
		Repo:          f.catalog,
		CatalogDir:    strings.Trim(f.catalogDir, "/"),
		Base:          f.base,
		DefaultBranch: strings.TrimSpace(defaultBranch),
		Sources:       src,
		Signatures:    f.signatures,
		SkipMirror:    f.skipMirror,
		Fetcher: httpclient.NewClient(httpclient.Options{
			UserAgent: buildinfo.UserAgent(),
			Mirrors:   mirrors,
			PerHost:   f.perHost,
			Timeout:   f.httpTimeout,
			Retries:   retries,
		}),
	}, nil
}

// annotateVerify puts, in GitHub Actions, an error annotation on the line
// of each failed item and a warning on each that could not be checked, and
// the table in the job summary.
func (a *app) annotateVerify(rep *verify.Report) error {
	if a.gha == nil {
		return nil
	}
	for _, it := range rep.Items {
		an := actions.Annotation{Title: "image-crawler verify", File: it.File, Line: it.Line, Message: it.Reason()}
		if it.Image != "" {
			an.Title += " (" + it.Image + " " + it.Version + ")"
		}
		switch it.Status {
		case verify.Failed:
			actions.Error(a.ios.Out, an)
		case verify.NotCheckable:
			actions.Warning(a.ios.Out, an)
		}
	}
	a.finished = true
	return a.gha.AppendSummary(rep.Markdown())
}
