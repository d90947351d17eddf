package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
)

// The GitHub Actions side of the flags; package actions does the work,
// this file only connects it to the flags (the output's side is
// cmdutil's). Every function is a no-op outside Actions.

// applyInputs sets the flags the action's inputs give, before the
// IMAGE_CRAWLER_* variables are read: a flag on the command line wins over
// an input, an input over a variable.
func applyInputs(f *cmdutil.Factory, fs *pflag.FlagSet) error {
	if f.Actions == nil {
		return nil
	}
	flags, err := f.Actions.Inputs()
	if err != nil {
		return err
	}
	return setFlags(fs, flags)
}

// applyDefaults fills what neither the command line, the inputs nor the
// environment set with the defaults the runner implies (actions.Defaults).
func applyDefaults(f *cmdutil.Factory, cmd *cobra.Command) error {
	if f.Actions == nil {
		return nil
	}
	fs := cmd.Flags()
	isSet := func(name string) bool { fl := fs.Lookup(name); return fl != nil && fl.Changed }
	return setFlags(fs, f.Actions.Defaults(cmd.Name(), isSet))
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
