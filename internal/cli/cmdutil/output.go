package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/upstream"
)

// EraseLine returns the cursor to the start of the line and clears it, so
// a terminal shows one progress line that updates in place.
const EraseLine = "\r\x1b[K"

// Progress shows the crawl as it goes (docs/reference.md): on a terminal one line
// that updates in place (images done / total, failures so far, the last
// image); elsewhere (CI, a log file, --log-format json) one log record per
// image, at ERROR for a failed one. A failure's message is printed once,
// with the others, when the crawl ends.
func (f *Factory) Progress() upstream.Progress {
	failed := 0
	return func(done, total int, o upstream.Outcome) {
		// upstream calls one at a time (upstream.Progress), so failed
		// needs no lock.
		status := "up to date"
		switch {
		case o.Err != nil:
			failed++
			status = "failed"
		case !o.Result.Unchanged:
			status = "new build " + o.Result.Version
		}
		if f.IOStreams.Terminal && !f.JSONLogs() {
			fmt.Fprintf(f.IOStreams.ErrOut, "%s[%d/%d] %d failed; %s: %s", EraseLine, done, total, failed, o.Image.Name, status)
			// The total may still grow (releases found while others are
			// crawled): the line ends when the crawl does (group's end).
			f.lineOpen = true
			return
		}
		if f.Logger == nil {
			return
		}
		level := slog.LevelInfo
		if o.Err != nil {
			level = slog.LevelError
		}
		f.Logger.Log(context.Background(), level, "crawled", "image", o.Image.Name, "status", status, "done", done, "total", total)
	}
}

// SetLogger makes the command's logger, on stderr: format "text" (or "")
// or "json"; debug records only when verbose.
func (f *Factory) SetLogger(format string, verbose bool) error {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	var w io.Writer = f.IOStreams.ErrOut
	switch format {
	case "text", "":
		f.Logger = slog.New(slog.NewTextHandler(w, opts))
	case "json":
		f.Logger = slog.New(slog.NewJSONHandler(w, opts))
	default:
		return fmt.Errorf("--log-format %q: want text or json", format)
	}
	return nil
}

// JSONLogs reports whether --log-format json is in force: then every line
// on stderr is one JSON object, the command's own warnings included.
func (f *Factory) JSONLogs() bool {
	if f.Logger == nil {
		return false
	}
	_, ok := f.Logger.Handler().(*slog.JSONHandler)
	return ok
}

// Warn prints a warning of the command itself: a WARN record in JSON logs,
// "WARNING: ..." otherwise.
func (f *Factory) Warn(msg string) {
	if f.JSONLogs() {
		f.Logger.Warn(msg)
		return
	}
	fmt.Fprintln(f.IOStreams.ErrOut, "WARNING:", msg)
}

// PrintWarnings prints the report's warnings alone, for output that lists
// the failures itself (crawl's table).
func (f *Factory) PrintWarnings(rep *report.Report) {
	for _, w := range rep.Warnings {
		if f.JSONLogs() {
			f.Logger.Warn(w)
			continue
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", w)
	}
}

// endProgress ends an open terminal progress line, so that what follows (an
// interrupted crawl's error) starts on a line of its own.
func (f *Factory) endProgress() {
	if f.lineOpen {
		fmt.Fprintln(f.IOStreams.ErrOut)
		f.lineOpen = false
	}
}

// The GitHub Actions side of the output; package actions does the work.
// Outside Actions (f.Actions == nil) each falls back to plain output or
// does nothing.

// Group folds the log lines up to the returned func's call into one
// collapsible group. The markers go to stderr, with the log lines they
// enclose: the runner reads stdout and stderr through separate pipes, so
// only the same stream keeps them in order.
func (f *Factory) Group(title string) (end func()) {
	if f.Actions == nil {
		return f.endProgress
	}
	actions.Group(f.IOStreams.ErrOut, title)
	return func() { f.endProgress(); actions.EndGroup(f.IOStreams.ErrOut) }
}

// PrintProblems reports failed images, respins and warnings: annotations in
// Actions, which the run's page lists, plain lines elsewhere.
func (f *Factory) PrintProblems(rep *report.Report) {
	if f.Actions != nil {
		actions.Annotate(f.IOStreams.Out, rep)
		return
	}
	if f.JSONLogs() {
		for _, warn := range rep.Warnings {
			f.Logger.Warn(warn)
		}
		for _, fl := range rep.Failures {
			f.Logger.Error("failed", "image", fl.Image, "error", fl.Error)
		}
		return
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", warn)
	}
	for _, fl := range rep.Failures {
		fmt.Fprintf(f.IOStreams.ErrOut, "failed: %s: %s\n", fl.Image, fl.Error)
	}
}

// Finish writes the step outputs and the job summary of a run that got as
// far as bot.Run; FailEarly covers the runs that stopped before (bad usage).
func (f *Factory) Finish(rep *report.Report, runErr error) error {
	if f.Actions == nil {
		return nil
	}
	f.finished = true
	return f.Actions.Finish(rep, redact.Error(runErr, f.Actions.Secrets...))
}

// AppendSummary adds md to the job summary as the command's own, so that
// FailEarly adds none after it.
func (f *Factory) AppendSummary(md string) error {
	if f.Actions == nil {
		return nil
	}
	f.finished = true
	return f.Actions.AppendSummary(md)
}

// FailEarly reports, in Actions, an error that ended the command before
// Finish: as an annotation, and as the job summary.
func (f *Factory) FailEarly(msg string) {
	actions.Error(f.IOStreams.Out, actions.Annotation{Title: "image-crawler", Message: msg})
	if !f.finished {
		if err := f.Actions.AppendSummary(report.Summary(nil, errors.New(msg))); err != nil {
			fmt.Fprintln(f.IOStreams.ErrOut, "error:", err)
		}
	}
}
