// Package cmdutil is what image-crawler's commands share: the Factory every
// command is made with (streams, environment, token, the GitHub Actions
// runtime), exit codes, the output helpers, and the flag groups more than
// one command registers. Each command lives in its own package under
// internal/cli and takes only the flags it uses (docs/development.md).
package cmdutil

import (
	"log/slog"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/iostreams"
)

// LookupEnv reads the environment; tests pass a map.
type LookupEnv func(key string) (string, bool)

// Factory is what every command is made with, and the output state the
// commands and the root command share during one invocation.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Env       LookupEnv
	// Token is the GitHub token to use, "" for none (never printed).
	Token string
	// Actions is the GitHub Actions runtime, nil outside Actions.
	Actions *actions.Runtime
	// Logger is the command's logger once its flags are read (SetLogger);
	// nil before, and for commands that log nothing.
	Logger *slog.Logger

	// finished is set once a run's outputs and summary are written.
	finished bool
	// lineOpen is set while a terminal progress line awaits its newline
	// (output.go).
	lineOpen bool
}

// Getenv is the value of key, "" when unset.
func (f *Factory) Getenv(key string) string {
	if f.Env == nil {
		return ""
	}
	v, _ := f.Env(key)
	return v
}
