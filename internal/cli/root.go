// Package cli is image-crawler's command line: flags, environment, exit
// codes. Commands stay thin; the work happens in package bot and below.
package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/source"
)

// Exit codes of CONTRACT.md.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFailures = 3
)

// EnvPrefix is the prefix of environment variables that set flags:
// --catalog-dir is IMAGE_CRAWLER_CATALOG_DIR.
const EnvPrefix = "IMAGE_CRAWLER_"

// LookupEnv reads the environment; tests pass a map.
type LookupEnv func(key string) (string, bool)

// exitError carries an exit code up to Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// app is what every command shares.
type app struct {
	ios    *iostreams.IOStreams
	env    LookupEnv
	token  string
	logger *slog.Logger
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, ios *iostreams.IOStreams, env LookupEnv) int {
	a := &app{env: env}
	a.token = a.lookupToken()
	// Everything printed passes through the redactor: a token must never
	// reach a log, even inside an error from a library.
	secrets := []string{a.token}
	a.ios = &iostreams.IOStreams{
		In: ios.In, Terminal: ios.Terminal,
		Out:    redact.NewWriter(ios.Out, secrets...),
		ErrOut: redact.NewWriter(ios.ErrOut, secrets...),
	}
	root := a.newRoot()
	root.SetArgs(args)
	root.SetOut(a.ios.Out)
	root.SetErr(a.ios.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitError
	var ee *exitError
	var ue *bot.UsageError
	var se source.Errors
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if ee.err == nil {
			return code
		}
	case errors.As(err, &ue), errors.As(err, &se):
		code = ExitUsage
	case isFlagError(err):
		code = ExitUsage
	}
	fmt.Fprintln(a.ios.ErrOut, "error:", redact.String(err.Error(), secrets...))
	return code
}

func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "flag needs an argument", "invalid argument", "unknown command", "accepts ", "requires "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) lookupToken() string {
	for _, k := range []string{"GITHUB_TOKEN", "INPUT_TOKEN"} {
		if v, ok := a.env(k); ok && v != "" {
			return v
		}
	}
	return ""
}

func (a *app) newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "image-crawler",
		Short: "Keep OpenStack image catalogs current, through pull requests",
		Long: `image-crawler reads the image catalog files of osism/openstack-image-manager, crawls the
distributions' mirrors for new cloud image builds, regenerates the catalog entries through
Jinja2 templates, and opens one pull request with the change (or updates the open one).

Every flag can also be set as IMAGE_CRAWLER_<FLAG> in the environment (upper case, - as _);
repeatable flags take one value per line there. The GitHub token is read from GITHUB_TOKEN.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.bindEnv(cmd.Flags()); err != nil {
				return usageErr(err)
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.AddCommand(a.newRunCmd(), a.newCrawlCmd(), a.newValidateCmd(), a.newVersionCmd())
	return root
}

// bindEnv fills every flag not given on the command line from
// IMAGE_CRAWLER_<FLAG>. Repeatable flags take one value per line.
func (a *app) bindEnv(fs *pflag.FlagSet) error {
	var errs []error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			return
		}
		key := EnvPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := a.env(key)
		if !ok || v == "" {
			return
		}
		values := []string{v}
		if strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice") {
			values = splitLines(v)
		}
		for _, val := range values {
			if err := f.Value.Set(val); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", key, val, err))
				return
			}
		}
		f.Changed = true
	})
	return errors.Join(errs...)
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
