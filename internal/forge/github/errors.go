package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gogithub "github.com/google/go-github/v60/github"

	"github.com/osism/image-crawler/internal/forge"

	"github.com/osism/image-crawler/internal/redact"
)

// ErrRateLimited reports that GitHub's rate limit did not clear within the
// retries and the wait the Client allows.
var ErrRateLimited = errors.New("GitHub API rate limit exceeded")

// resetMargin is added to a primary limit's reset time: the header has
// whole seconds, and the local clock may run ahead of GitHub's.
const resetMargin = time.Second

// secondaryDefault is GitHub's advice for a secondary limit that comes
// without Retry-After: wait at least a minute.
const secondaryDefault = time.Minute

// client returns the go-github client to use for the next request.
func (c *Client) client() *gogithub.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gh
}

// forget replaces gh after a rate-limit wait. go-github remembers a limit
// by the wall clock and refuses requests without sending them until then;
// the Client has already waited as long as GitHub asked (or, in tests, as
// long as its Sleep pretended to), so the memory is stale.
func (c *Client) forget(gh *gogithub.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gh == gh {
		c.gh = c.newGH()
	}
}

// call runs one API request, retrying it after rate limits: at most
// maxRetries times, never waiting longer than maxWait at once.
func (c *Client) call(ctx context.Context, fn func(*gogithub.Client) (*gogithub.Response, error)) error {
	for attempt := 1; ; attempt++ {
		gh := c.client()
		_, err := fn(gh)
		if err == nil {
			return nil
		}
		wait, limited := rateLimitWait(err)
		if !limited {
			return err
		}
		var secondary *gogithub.AbuseRateLimitError
		if attempt > c.maxRetries || wait > c.maxWait {
			if errors.As(err, &secondary) {
				// Giving up: do not let go-github's reading of the limit
				// (possibly an hour) block the next operation.
				c.forget(gh)
			}
		}
		if attempt > c.maxRetries {
			return &rateLimitError{err: err, msg: fmt.Sprintf("still exceeded after %d %s", attempt, plural(attempt, "attempt", "attempts"))}
		}
		if wait > c.maxWait {
			return &rateLimitError{err: err, msg: fmt.Sprintf("GitHub asks to wait %s, longer than the %s this run waits",
				wait.Round(time.Second), c.maxWait)}
		}
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting %s for the GitHub API rate limit: %w", wait.Round(time.Second), err)
		}
		c.forget(gh)
	}
}

// rateLimitWait reports whether err is a rate limit, and how long to wait
// before the next request. go-github v60 classifies a 403 with
// X-RateLimit-Remaining: 0 as *gogithub.RateLimitError (also the error it
// makes up, without a request, while it remembers a limit) and a 403 whose
// documentation_url names the secondary limits as *gogithub.AbuseRateLimitError.
// GitHub answers either limit with 429 too, which v60 leaves as a plain
// *gogithub.ErrorResponse. The wait follows GitHub's documented order:
// Retry-After, else the reset time when nothing remains, else a minute.
// (go-github reads a secondary limit without Retry-After as lasting until
// the primary window resets, up to an hour.)
func rateLimitWait(err error) (time.Duration, bool) {
	var primary *gogithub.RateLimitError
	if errors.As(err, &primary) {
		return untilReset(primary.Rate.Reset.Time), true
	}
	var secondary *gogithub.AbuseRateLimitError
	if errors.As(err, &secondary) {
		if d, ok := headerWait(secondary.Response); ok {
			return d, true
		}
		if secondary.Response != nil && len(secondary.Response.Header) == 0 &&
			secondary.RetryAfter != nil && *secondary.RetryAfter > 0 {
			// go-github's own refusal while it remembers a limit.
			return *secondary.RetryAfter, true
		}
		return secondaryDefault, true
	}
	var er *gogithub.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusTooManyRequests {
		if d, ok := headerWait(er.Response); ok {
			return d, true
		}
		return secondaryDefault, true
	}
	return 0, false
}

func headerWait(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	h := resp.Header
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Second), true
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return untilReset(time.Unix(s, 0)), true
		}
	}
	return 0, false
}

func untilReset(reset time.Time) time.Duration {
	if reset.IsZero() {
		return secondaryDefault
	}
	return max(time.Until(reset), 0) + resetMargin
}

type rateLimitError struct {
	err error
	msg string
}

func (e *rateLimitError) Error() string {
	return fmt.Sprintf("%v: %s (%v)", ErrRateLimited, e.msg, e.err)
}

func (e *rateLimitError) Unwrap() []error { return []error{ErrRateLimited, e.err} }

// explained replaces the text of err with advice while keeping err in the
// chain for errors.As.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// fail names the operation, explains GitHub's refusals and removes the token.
// perm is the permission the operation needs; write tells whether it changes
// anything, which decides how a 403 or 404 reads.
func (c *Client) fail(op string, r forge.Repo, perm string, write bool, err error) error {
	return redact.Error(fmt.Errorf("%s: %w", op, explain("repository "+r.String(), r, perm, write, err)), c.token)
}

// failPR is fail for an operation on pull request number, which a 404 may
// also mean is missing.
func (c *Client) failPR(op string, r forge.Repo, number int, perm string, write bool, err error) error {
	subject := fmt.Sprintf("pull request #%d in %s", number, r)
	return redact.Error(fmt.Errorf("%s: %w", op, explain(subject, r, perm, write, err)), c.token)
}

// explain rewrites GitHub's refusals; subject is what a 404 may mean is
// missing.
func explain(subject string, r forge.Repo, perm string, write bool, err error) error {
	var er *gogithub.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return err
	}
	code := er.Response.StatusCode
	answer := fmt.Sprintf("%d %s", code, er.Message)
	if er.Message == "" {
		answer = fmt.Sprintf("%d %s", code, http.StatusText(code))
	}
	switch {
	case code == http.StatusUnauthorized:
		msg := er.Message
		if msg == "" {
			msg = "Bad credentials"
		}
		return &explained{fmt.Sprintf("GitHub rejected the token (401 %s)", msg), err}
	case code == http.StatusForbidden && strings.Contains(er.Message, "GitHub Actions is not permitted to create or approve pull requests"):
		return &explained{fmt.Sprintf("GitHub Actions may not open pull requests in %s: turn on \"Allow GitHub Actions to create and approve pull requests\" "+
			"in the repository's Settings > Actions > General (or the organisation's), or use a GitHub App token (%s)", r, answer), err}
	case code == http.StatusForbidden && perm != "":
		return &explained{fmt.Sprintf("the token needs %s on %s (%s)", perm, r, answer), err}
	case code == http.StatusNotFound && er.Message == "":
		// Not GitHub's JSON: most likely the web server in front of the API.
		return &explained{fmt.Sprintf("%s: the answer did not come from the GitHub API; for GitHub Enterprise Server the API URL is https://HOST/api/v3/", answer), err}
	case code == http.StatusNotFound && write && perm != "":
		return &explained{fmt.Sprintf("%s not found, or the token needs %s (%s)", subject, perm, answer), err}
	case code == http.StatusNotFound:
		return &explained{fmt.Sprintf("%s not found, or the token cannot see it (%s)", subject, answer), err}
	}
	return err
}

// status returns the HTTP status of a GitHub error answer, or 0.
func status(err error) int {
	var er *gogithub.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

// validation reports whether err is a 422 whose message, or one of whose
// detailed errors, starts with prefix.
func validation(err error, prefix string) bool {
	var er *gogithub.ErrorResponse
	if !errors.As(err, &er) || status(err) != http.StatusUnprocessableEntity {
		return false
	}
	if strings.HasPrefix(er.Message, prefix) {
		return true
	}
	for _, e := range er.Errors {
		if strings.HasPrefix(e.Message, prefix) {
			return true
		}
	}
	return false
}

// validationCode reports whether err is a 422 with a detailed error of code.
func validationCode(err error, code string) bool {
	var er *gogithub.ErrorResponse
	if !errors.As(err, &er) || status(err) != http.StatusUnprocessableEntity {
		return false
	}
	for _, e := range er.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}

// invalidField reports whether err is GitHub's 422 for an invalid field,
// as it answers a pull request whose base or head branch does not exist.
func invalidField(err error, field string) bool {
	var er *gogithub.ErrorResponse
	if !errors.As(err, &er) || status(err) != http.StatusUnprocessableEntity {
		return false
	}
	for _, e := range er.Errors {
		if e.Field == field && e.Code == "invalid" {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
