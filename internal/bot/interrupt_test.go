package bot

import (
	"context"
	"fmt"
	"testing"
)

type sigCause string

func (s sigCause) Error() string      { return "received " + string(s) }
func (s sigCause) SignalName() string { return string(s) }

func TestInterruptedErrorSaysWhat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  *InterruptedError
		want string
	}{
		{&InterruptedError{Phase: PhaseCrawling, Cause: sigCause("SIGINT"), NotReached: 3},
			"interrupted while crawling (SIGINT): nothing was written or pushed; 3 images not reached (the report lists them)"},
		{&InterruptedError{Phase: PhaseStarting, Cause: fmt.Errorf("clone: %w", context.DeadlineExceeded)},
			"interrupted while starting (timeout): nothing was written or pushed"},
		{&InterruptedError{Phase: PhasePublishing, Cause: context.Canceled, Published: "the branch was pushed"},
			"interrupted while publishing (cancelled): the branch was pushed"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\nwant      %q", got, tc.want)
		}
	}
}

func TestNotWritten(t *testing.T) {
	t.Parallel()
	got := notWritten([]string{"a.yml", "b.yml", "c.yml"}, []string{"b.yml"})
	if fmt.Sprint(got) != "[a.yml c.yml]" {
		t.Errorf("notWritten = %v", got)
	}
}
