package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/upstream"
)

// eraseLine returns the cursor to the start of the line and clears it, so
// a terminal shows one progress line that updates in place.
const eraseLine = "\r\x1b[K"

// progress shows the crawl as it goes (docs/reference.md): on a terminal one line
// that updates in place (images done / total, failures so far, the last
// image); elsewhere (CI, a log file, --log-format json) one log record per
// image, at ERROR for a failed one. A failure's message is printed once,
// with the others, when the crawl ends.
func (a *app) progress() upstream.Progress {
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
		if a.ios.Terminal && !a.jsonLogs() {
			fmt.Fprintf(a.ios.ErrOut, "%s[%d/%d] %d failed; %s: %s", eraseLine, done, total, failed, o.Image.Name, status)
			// The total may still grow (releases found while others are
			// crawled): the line ends when the crawl does (group's end).
			a.lineOpen = true
			return
		}
		if a.logger == nil {
			return
		}
		level := slog.LevelInfo
		if o.Err != nil {
			level = slog.LevelError
		}
		a.logger.Log(context.Background(), level, "crawled", "image", o.Image.Name, "status", status, "done", done, "total", total)
	}
}

// jsonLogs reports whether --log-format json is in force: then every line
// on stderr is one JSON object, the command's own warnings included.
func (a *app) jsonLogs() bool {
	if a.logger == nil {
		return false
	}
	_, ok := a.logger.Handler().(*slog.JSONHandler)
	return ok
}

// warn prints a warning of the command itself: a WARN record in JSON logs,
// "WARNING: ..." otherwise.
func (a *app) warn(msg string) {
	if a.jsonLogs() {
		a.logger.Warn(msg)
		return
	}
	fmt.Fprintln(a.ios.ErrOut, "WARNING:", msg)
}

// printWarnings prints the report's warnings alone, for output that lists
// the failures itself (crawl's table).
func (a *app) printWarnings(rep *report.Report) {
	for _, w := range rep.Warnings {
		if a.jsonLogs() {
			a.logger.Warn(w)
			continue
		}
		fmt.Fprintf(a.ios.ErrOut, "warning: %s\n", w)
	}
}

// endProgress ends an open terminal progress line, so that what follows (an
// interrupted crawl's error) starts on a line of its own.
func (a *app) endProgress() {
	if a.lineOpen {
		fmt.Fprintln(a.ios.ErrOut)
		a.lineOpen = false
	}
}
