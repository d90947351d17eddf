// Package publish is the last step of a run: it takes what the run proposes
// (the regenerated catalog files, the report, the pull request's title and
// body) and puts it where it belongs. A Publisher does that one way:
//
//   - InPlace writes the files into a catalog directory on this machine;
//   - DryRun writes nothing (a local --dry-run: the run prints a diff);
//   - Git commits onto the bot's branch of a cloned catalog repository,
//     pushes it under a lease, and opens, updates or closes the pull
//     request and the dashboard issue through a forge (internal/forge). A
//     Git made for a dry run reads the branch and the pull request and only
//     says what it would do.
//
// docs/pull-requests.md describes what the pull request does and when;
// docs/operations.md what a write in place promises.
package publish

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/report"
)

// File is one catalog file's old and new content.
type File struct {
	Path    string // slash path relative to the repository root
	Rel     string // relative to the catalog directory
	Old     []byte // nil for a new file
	New     []byte
	Created bool
}

// Proposal is what a run proposes to publish. Publish records on it what
// it did: the files written, the push and the pull request in Report, what
// it did or would do in Intent, and the dashboard's verdict.
type Proposal struct {
	Report *report.Report
	Files  []File
	Title  string // pull request title
	Body   string // pull request body
	// BodyOptions are the options Body was rendered with; a pull request
	// per file (--split-by file) renders its own body with them.
	BodyOptions report.BodyOptions
	// Intent says what a run did or, in a dry run, would do with the
	// branch and the pull request.
	Intent []string
	// Dashboard decides the exit status when the dashboard is on.
	Dashboard *DashboardStatus
}

// Publisher puts a proposal where it belongs. A Publisher stopped by ctx
// stops at the next file or request, and the report says what got out.
type Publisher interface {
	Publish(ctx context.Context, p *Proposal) error
}

// UsageError marks errors that are the operator's input (exit 2): a bad
// --repo, --github-api-url or template.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// DryRun publishes nothing: a dry run of a local catalog, which the run
// shows as a diff.
type DryRun struct{}

// Publish does nothing.
func (DryRun) Publish(context.Context, *Proposal) error { return nil }

// InPlace writes the files into the catalog under Root, in place.
type InPlace struct {
	Root       string // the repository (or directory) root
	CatalogDir string // the folder of catalog files under Root
	Logger     *slog.Logger
}

// Publish writes the files in place under the repository's write lock, each
// only if it is still the bytes the run read (docs/operations.md). The
// files written are added to p.Report.Written, also when it fails halfway.
func (l InPlace) Publish(ctx context.Context, p *Proposal) error {
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(l.Root, 0o755); err != nil {
		return fmt.Errorf("make catalog directory: %w", err)
	}
	repo, err := catalog.OpenRepo(l.Root, l.CatalogDir)
	if err != nil {
		return err
	}
	defer repo.Close()
	unlock, err := repo.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if removed, err := repo.CleanTemp(); err != nil {
		log.Warn("could not remove temporary files a killed run left", "error", err)
	} else if len(removed) > 0 {
		log.Info("removed temporary files a killed run left", "files", removed)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	changes := make([]catalog.Change, 0, len(p.Files))
	for _, f := range p.Files {
		changes = append(changes, catalog.Change{Rel: f.Rel, Old: f.Old, New: f.New, Created: f.Created})
	}
	written, err := repo.Replace(changes)
	p.Report.Written = append(p.Report.Written, written...)
	return err
}
