package cmdutil

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
)

// Exit codes, documented in docs/operations.md ("Exit status").
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFailures = 3
)

// ExitStatus carries an exit code up to the root command. A nil Err exits
// with Code and prints nothing more: the command has said what there was to
// say.
type ExitStatus struct {
	Code int
	Err  error
}

func (e *ExitStatus) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitStatus) Unwrap() error { return e.Err }

// UsageError marks err as bad usage: exit 2.
func UsageError(err error) error { return &ExitStatus{Code: ExitUsage, Err: err} }

// Exit ends the command with code and no further message.
func Exit(code int) error { return &ExitStatus{Code: code} }

// FlagError is a flag the command line got wrong, as a usage error. A value
// a flag refuses reads as `--signatures "maybe": want required, optional or
// off`, the same words whether it came from the command line, the
// environment or an action input.
func FlagError(err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) && ive.GetFlag() != nil {
		err = &flagValueError{name: ive.GetFlag().Name, value: ive.GetValue(), err: ive.Unwrap()}
	}
	return UsageError(err)
}

type flagValueError struct {
	name, value string
	err         error
}

func (e *flagValueError) Error() string {
	return fmt.Sprintf("--%s %q: %v", e.name, e.value, e.err)
}

func (e *flagValueError) Unwrap() error { return e.err }
