package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/osism/image-crawler/internal/catalog"
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

// catalogDirFlag drops the trailing slashes of --catalog-dir but keeps a
// leading one, so an absolute directory reaches bot's check and is refused
// rather than quietly made relative (docs/operations.md).
func catalogDirFlag(s string) string {
	if strings.HasPrefix(s, "/") {
		return s
	}
	return strings.TrimRight(s, "/")
}

// loadCatalogIn loads the catalog for validate as run and crawl do: through
// one os.Root at the repository, refusing a --catalog-dir outside it and
// any symbolic link on the way (docs/operations.md).
func loadCatalogIn(ctx context.Context, repo, dir string) (*catalog.Catalog, error) {
	dir = catalogDirFlag(dir)
	if err := catalog.CheckDir(dir); err != nil {
		return nil, fmt.Errorf("--catalog-dir: %w", err)
	}
	r, err := catalog.OpenRepo(repo, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &catalog.Catalog{Dir: dir}, nil // no repository: no catalog file, which validate reports
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Load(ctx)
}
