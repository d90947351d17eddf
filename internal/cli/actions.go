package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/report"
)

// The GitHub Actions side of the command line; package actions does the
// work, this file only connects it to flags and output. Every function is a
// no-op outside Actions (a.gha == nil).

// applyInputs sets the flags the action's inputs give, before the
// IMAGE_CRAWLER_* variables are read: a flag on the command line wins over
// an input, an input over a variable.
func (a *app) applyInputs(fs *pflag.FlagSet) error {
	if a.gha == nil {
		return nil
	}
	flags, err := a.gha.Inputs()
	if err != nil {
		return err
	}
	return setFlags(fs, flags)
}

// applyDefaults fills what neither the command line, the inputs nor the
// environment set with the defaults the runner implies (actions.Defaults).
func (a *app) applyDefaults(cmd *cobra.Command) error {
	if a.gha == nil {
		return nil
	}
	fs := cmd.Flags()
	isSet := func(name string) bool { f := fs.Lookup(name); return f != nil && f.Changed }
	return setFlags(fs, a.gha.Defaults(cmd.Name(), isSet))
}

// setFlags sets flags that are not set yet; an input for a flag the command
// does not have (labels for validate) does not apply to it.
func setFlags(fs *pflag.FlagSet, flags []actions.Flag) error {
	var errs []error
	for _, fl := range flags {
		f := fs.Lookup(fl.Name)
		if f == nil || f.Changed {
			continue
		}
		for _, v := range fl.Values {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: --%s %q: %w", fl.From, fl.Name, v, err))
				break
			}
		}
		f.Changed = true
	}
	return errors.Join(errs...)
}

// group folds the log lines up to the returned func's call into one
// collapsible group. The markers go to stderr, with the log lines they
// enclose: the runner reads stdout and stderr through separate pipes, so
// only the same stream keeps them in order.
func (a *app) group(title string) (end func()) {
	if a.gha == nil {
		return a.endProgress
	}
	actions.Group(a.ios.ErrOut, title)
	return func() { a.endProgress(); actions.EndGroup(a.ios.ErrOut) }
}

// printProblems reports failed images, respins and warnings: annotations in
// Actions, which the run's page lists, plain lines elsewhere.
func (a *app) printProblems(rep *report.Report) {
	if a.gha != nil {
		actions.Annotate(a.ios.Out, rep)
		return
	}
	if a.jsonLogs() {
		for _, warn := range rep.Warnings {
			a.logger.Warn(warn)
		}
		for _, fl := range rep.Failures {
			a.logger.Error("failed", "image", fl.Image, "error", fl.Error)
		}
		return
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(a.ios.ErrOut, "warning: %s\n", warn)
	}
	for _, fl := range rep.Failures {
		fmt.Fprintf(a.ios.ErrOut, "failed: %s: %s\n", fl.Image, fl.Error)
	}
}

// finish writes the step outputs and the job summary of a run that got as
// far as bot.Run; Main covers the runs that stopped before (bad usage).
func (a *app) finish(rep *report.Report, runErr error) error {
	if a.gha == nil {
		return nil
	}
	a.finished = true
	return a.gha.Finish(rep, redact.Error(runErr, a.gha.Secrets...))
}

// failEarly reports, in Actions, an error that ended the command before
// finish: as an annotation, and as the job summary.
func (a *app) failEarly(msg string) {
	actions.Error(a.ios.Out, actions.Annotation{Title: "image-crawler", Message: msg})
	if !a.finished {
		if err := a.gha.AppendSummary(report.Summary(nil, errors.New(msg))); err != nil {
			fmt.Fprintln(a.ios.ErrOut, "error:", err)
		}
	}
}
