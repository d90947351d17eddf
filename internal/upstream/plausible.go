package upstream

import (
	"fmt"
	"time"

	"github.com/osism/image-crawler/internal/redact"

	"github.com/osism/image-crawler/internal/httpclient"
)

// EarliestBuild is the first day a build date may name. No distribution the
// bot knows published a cloud image before 2010 (Ubuntu's cloud images, the
// oldest, start in 2009-2010), so an earlier date is a server's placeholder
// (Last-Modified of 1970-01-01, the epoch, or 1900) or a stray directory,
// never a build (docs/security.md).
var EarliestBuild = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

// futureSlack is how far past the machine's clock a build date may lie:
// upstream's clock and time zone, not a build from the future.
const futureSlack = 48 * time.Hour

// ImplausibleDateError is a build date no real build can have.
type ImplausibleDateError struct {
	Date   string // YYYY-MM-DD
	Reason string
}

func (e *ImplausibleDateError) Error() string {
	return fmt.Sprintf("build date %s is implausible: %s", e.Date, e.Reason)
}

// plausibleBuildDate refuses a build date (YYYY-MM-DD) before EarliestBuild
// or well past now.
func plausibleBuildDate(date string) error {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return fmt.Errorf("build date %q: %w", date, err)
	}
	return plausibleTime(t)
}

func plausibleTime(t time.Time) error {
	date := t.UTC().Format(time.DateOnly)
	if t.Before(EarliestBuild) {
		return &ImplausibleDateError{Date: date, Reason: "before " + EarliestBuild.Format(time.DateOnly) + ", earlier than any cloud image build"}
	}
	if t.After(time.Now().Add(futureSlack)) {
		return &ImplausibleDateError{Date: date, Reason: "in the future"}
	}
	return nil
}

// headBuildDate is the build date a HEAD answer's Last-Modified gives the
// file at u: the day (UTC), refused when the header is missing, unparsable
// or implausible.
func headBuildDate(head *httpclient.Response, u string) (string, error) {
	if head.LastModified.IsZero() {
		if head.LastModifiedHeader != "" {
			return "", fmt.Errorf("HEAD %s sent an unparsable Last-Modified %s", u, redact.Quote(head.LastModifiedHeader))
		}
		return "", fmt.Errorf("HEAD %s sent no Last-Modified", u)
	}
	if err := plausibleTime(head.LastModified); err != nil {
		return "", fmt.Errorf("HEAD %s: Last-Modified %w", u, err)
	}
	return head.LastModified.UTC().Format(time.DateOnly), nil
}
