// Package cli is image-crawler's command line: the root command, which
// wires the commands (each in its own package below: run, crawl, validate,
// verify, list, version), and where flags get their values from (the
// command line, the action's inputs, the environment). Commands stay thin;
// the work happens in package bot and below. docs/development.md says where
// a new command goes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/cli/crawl"
	"github.com/osism/image-crawler/internal/cli/list"
	"github.com/osism/image-crawler/internal/cli/run"
	"github.com/osism/image-crawler/internal/cli/validate"
	"github.com/osism/image-crawler/internal/cli/verify"
	"github.com/osism/image-crawler/internal/cli/version"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/source"
)

// Exit codes, documented in docs/operations.md ("Exit status").
const (
	ExitOK       = cmdutil.ExitOK
	ExitError    = cmdutil.ExitError
	ExitUsage    = cmdutil.ExitUsage
	ExitFailures = cmdutil.ExitFailures
)

// EnvPrefix is the prefix of environment variables that set flags:
// --catalog-dir is IMAGE_CRAWLER_CATALOG_DIR.
const EnvPrefix = "IMAGE_CRAWLER_"

// LookupEnv reads the environment; tests pass a map.
type LookupEnv = cmdutil.LookupEnv

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, ios *iostreams.IOStreams, env LookupEnv) int {
	f := &cmdutil.Factory{Env: env, Actions: actions.Detect(actions.LookupEnv(env))}
	registerSecrets(env)
	secrets := lookupTokens(env)
	if len(secrets) > 0 {
		f.Token = secrets[0]
	}
	if f.Actions != nil {
		// The runner masks a value only in lines after ::add-mask::, so
		// this comes before anything else, on the raw stream: through the
		// redactor below it would arrive as ***.
		f.Actions.Secrets = secrets
		for _, s := range secrets {
			actions.AddMask(ios.Out, s)
		}
	}
	// Everything printed passes through the redactor: a token must never
	// reach a log, even inside an error from a library.
	f.IOStreams = &iostreams.IOStreams{
		In: ios.In, Terminal: ios.Terminal,
		Out:    redact.NewWriter(ios.Out, secrets...),
		ErrOut: redact.NewWriter(ios.ErrOut, secrets...),
	}
	defer guardOutput(f)()
	root := newRoot(f)
	root.SetArgs(args)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitError
	var ee *cmdutil.ExitStatus
	var ue *bot.UsageError
	var se source.Errors
	switch {
	case errors.As(err, &ee):
		code = ee.Code
		if ee.Err == nil {
			return code
		}
	case errors.As(err, &ue), errors.As(err, &se):
		code = ExitUsage
	case isFlagError(err):
		code = ExitUsage
	}
	// A run a signal ended exits as the shell expects (130, 143), whatever
	// the error it ended with (docs/operations.md).
	if sc := signalCode(ctx); sc != 0 {
		code = sc
	}
	msg := redact.String(err.Error(), secrets...)
	if f.Actions != nil {
		f.FailEarly(msg)
		return code
	}
	if f.JSONLogs() {
		f.Logger.Error(msg)
		return code
	}
	fmt.Fprintln(f.IOStreams.ErrOut, "error:", msg)
	return code
}

const completionExample = `  # bash, for this shell:
  source <(image-crawler completion bash)
  # bash, for every shell (Debian, Ubuntu):
  image-crawler completion bash | sudo tee /etc/bash_completion.d/image-crawler >/dev/null

  # zsh:
  image-crawler completion zsh > "${fpath[1]}/_image-crawler"

  # fish:
  image-crawler completion fish > ~/.config/fish/completions/image-crawler.fish`

func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "flag needs an argument", "invalid argument", "unknown command", "accepts ", "requires "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// lookupTokens returns the distinct tokens of the environment, the one to
// use first: the action's token input, which a workflow sets on purpose
// (and which defaults to the workflow token), then GITHUB_TOKEN, then GH_TOKEN. All of
// them are secrets to keep out of the output.
func lookupTokens(env LookupEnv) []string {
	var tokens []string
	// GH_TOKEN is the GitHub CLI's name for it, accepted the same way.
	for _, k := range []string{"INPUT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"} {
		if v, ok := env(k); ok {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(tokens, v) {
				tokens = append(tokens, v)
			}
		}
	}
	return tokens
}

// newRoot makes the root command with every command under it.
func newRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "image-crawler",
		Short: "Keep OpenStack image catalogs current, through pull requests",
		Long: `image-crawler reads the image catalog files of osism/openstack-image-manager, crawls the
distributions' mirrors for new cloud image builds, regenerates the catalog entries through
Jinja2 templates, and opens one pull request with the change (or updates the open one).

Every flag can also be set as IMAGE_CRAWLER_<FLAG> in the environment (upper case, - as _);
repeatable flags take one value per line there. The GitHub token is read from GITHUB_TOKEN (or GH_TOKEN).

As a GitHub Action, the action's inputs set the flags as well. A flag's value comes from, in
order: the command line, the action input, IMAGE_CRAWLER_<FLAG>, the workflow's own repository
(--catalog, --repo, --github-api-url, when run as the action), the default. Inside Actions the
token is masked first, and a run writes step outputs, a job summary and annotations.`,
		Example: `  # What upstream has that the catalog lacks, changing nothing:
  image-crawler crawl --catalog ./my-catalog

  # Update the catalog files of a checkout in place:
  image-crawler run --catalog ./my-catalog

  # Shell completion (bash, zsh, fish, powershell):
  source <(image-crawler completion bash)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Flags get their values from, in order: the command line, the
		// action's inputs (in GitHub Actions), IMAGE_CRAWLER_* variables,
		// the defaults the Actions runner implies, the flag's default.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyInputs(f, cmd.Flags()); err != nil {
				return cmdutil.UsageError(err)
			}
			if err := bindEnv(f.Env, cmd.Flags()); err != nil {
				return cmdutil.UsageError(err)
			}
			if err := applyDefaults(f, cmd); err != nil {
				return cmdutil.UsageError(err)
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.FlagError(err) })
	root.AddCommand(
		run.NewCmd(f, nil),
		crawl.NewCmd(f, nil),
		validate.NewCmd(f, nil),
		list.NewCmd(f, nil),
		version.NewCmd(f),
		verify.NewCmd(f, nil),
	)
	// Cobra's completion command, made here rather than on Execute so that
	// it carries examples like every other command. It takes its output
	// stream when made, so the streams are set first.
	if f.IOStreams != nil {
		root.SetOut(f.IOStreams.Out)
		root.SetErr(f.IOStreams.ErrOut)
	}
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.Example = "  image-crawler help run"
		}
		if c.Name() != "completion" {
			continue
		}
		c.Example = completionExample
		for _, sh := range c.Commands() {
			sh.Example = "  source <(image-crawler completion " + sh.Name() + ")"
			if sh.Name() == "powershell" {
				sh.Example = "  image-crawler completion powershell | Out-String | Invoke-Expression"
			}
		}
	}
	return root
}

// bindEnv fills every flag not given on the command line from
// IMAGE_CRAWLER_<FLAG>. Repeatable flags take one value per line.
func bindEnv(env LookupEnv, fs *pflag.FlagSet) error {
	var errs []error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			return
		}
		key := EnvPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := env(key)
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
