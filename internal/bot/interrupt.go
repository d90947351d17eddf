package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/upstream"
)

// Phases of a run, as an interruption names them.
const (
	PhaseStarting   = "starting"   // cloning or loading the catalog
	PhaseCrawling   = "crawling"   // asking upstream
	PhaseRendering  = "rendering"  // writing the new entries
	PhasePublishing = "publishing" // writing files, pushing, the pull request
)

// SignalCause is what a context's cancel cause implements when a signal
// ended the run (the command line's signal handler sets it): its name,
// "SIGINT" or "SIGTERM", goes into the report.
type SignalCause interface {
	error
	SignalName() string
}

// InterruptedError is the error of a run that was cancelled or ran out of
// time. Such a run stops at the next phase boundary and publishes nothing
// after it; Outcome.Report says what it reached (docs/operations.md).
type InterruptedError struct {
	Phase string
	// Cause is context.Cause of the run's context: a SignalCause, or
	// context.DeadlineExceeded for --timeout.
	Cause error
	// Published says what had already left the run when it stopped; ""
	// when nothing had.
	Published string
	// NotReached counts the images the run did not finish crawling.
	NotReached int
}

func (e *InterruptedError) Error() string {
	what := "nothing was written or pushed"
	if e.Published != "" {
		what = e.Published
	}
	msg := fmt.Sprintf("interrupted while %s (%s): %s", e.Phase, reasonOf(e.Cause), what)
	if e.NotReached > 0 {
		msg += fmt.Sprintf("; %d images not reached (the report lists them)", e.NotReached)
	}
	return msg
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

// reasonOf names what stopped a run: the signal, "timeout" or "cancelled".
func reasonOf(cause error) string {
	var sc SignalCause
	switch {
	case errors.As(cause, &sc):
		return sc.SignalName()
	case errors.Is(cause, context.DeadlineExceeded):
		return "timeout"
	}
	return "cancelled"
}

// reach follows a run's crawl through its progress callback: which images
// were cut short by the run's end, so an interrupted run can list them
// rather than report them as failures.
type reach struct {
	ctx        context.Context
	phase      string
	mu         sync.Mutex
	notReached map[string]bool
	marked     int // images not reached, once mark has run
}

// track wraps o.Progress. Outcomes of images cut short by the run's end are
// not passed on: they are no failure of the image, and the interruption is
// said once, at the end.
func track(ctx context.Context, o *Options) *reach {
	r := &reach{ctx: ctx, phase: PhaseStarting, notReached: map[string]bool{}}
	next := o.Progress
	o.Progress = func(done, total int, oc upstream.Outcome) {
		if oc.Err != nil && ctx.Err() != nil && (isCancel(oc.Err) || errors.Is(oc.Err, context.Cause(ctx))) {
			r.mu.Lock()
			for _, n := range concreteNames(o, oc.Image.Name) {
				r.notReached[n] = true
			}
			r.mu.Unlock()
			return
		}
		if next != nil {
			next(done, total, oc)
		}
	}
	return r
}

func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// interrupted is the error for a run whose context ended in r's phase.
func (r *reach) interrupted(published string) *InterruptedError {
	return &InterruptedError{Phase: r.phase, Cause: context.Cause(r.ctx), Published: published, NotReached: r.marked}
}

// mark puts the interruption into rep: failures that are only the run's end
// move to the images not reached, and nothing counts as written.
func (r *reach) mark(rep *report.Report, order map[string]int, all []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	nr := map[string]bool{}
	for n := range r.notReached {
		nr[n] = true
	}
	for _, n := range all {
		nr[n] = true
	}
	kept := rep.Failures[:0]
	for _, f := range rep.Failures {
		if nr[f.Image] {
			continue
		}
		kept = append(kept, f)
	}
	rep.Failures = kept
	names := make([]string, 0, len(nr))
	for n := range nr {
		names = append(names, n)
	}
	sort.SliceStable(names, func(i, j int) bool {
		oi, iok := order[names[i]]
		oj, jok := order[names[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	r.marked = len(names)
	rep.Interrupted = &report.Interrupted{Reason: reasonOf(context.Cause(r.ctx)), Phase: r.phase, NotReached: names}
}

// concreteNames are the names an image not reached stands for: a
// per-release source ("Ubuntu {release}") whose releases were not listed yet
// stands for the --only names of its releases, which people asked for and
// --only accepts; without --only its releases are unknown, and its own name
// says so.
func concreteNames(o *Options, name string) []string {
	if o.Sources == nil || len(o.Only) == 0 {
		return []string{name}
	}
	for _, img := range o.Sources.Images {
		if img.Name != name || !img.PerRelease() {
			continue
		}
		var out []string
		for _, n := range o.Only {
			if img.MatchesName(n) {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return []string{name}
}
