package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Signal is the cancel cause of a run that a signal ended. Main exits with
// its ExitCode: 130 for SIGINT, 143 for SIGTERM (docs/operations.md).
type Signal struct{ Sig os.Signal }

func (s *Signal) Error() string { return "received " + s.SignalName() }

// SignalName is "SIGINT", "SIGTERM", or the signal's own description.
func (s *Signal) SignalName() string {
	switch s.Sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.Sig.String()
}

// ExitCode is the shell's convention for death by a signal: 128 + its number.
func (s *Signal) ExitCode() int {
	if n, ok := s.Sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

// WithSignals returns a context that the first signal from sigs cancels,
// with a *Signal as its cause: the run stops at the next phase, publishes
// nothing after it and writes its partial report. A second signal calls
// exit with that signal's code at once, for a run that does not stop soon
// enough. stop ends the watch.
func WithSignals(parent context.Context, sigs <-chan os.Signal, stderr io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-sigs:
		case <-done:
			return
		}
		s := &Signal{Sig: first}
		fmt.Fprintf(stderr, "%s: stopping; nothing more is written or pushed (again to exit at once)\n", s.SignalName())
		cancel(s)
		select {
		case again := <-sigs:
			s2 := &Signal{Sig: again}
			fmt.Fprintf(stderr, "%s again: exiting now\n", s2.SignalName())
			exit(s2.ExitCode())
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// signalCode is the exit code of a run a signal ended, or 0.
func signalCode(ctx context.Context) int {
	var s *Signal
	if errors.As(context.Cause(ctx), &s) {
		return s.ExitCode()
	}
	return 0
}
