// Package report turns the outcome of a run into what people and scripts
// read: the JSON report (docs/reference.md), the pull request title and body, the
// commit message, the Action's job summary (docs/action.md), and the terminal
// table. Every Markdown rendering escapes upstream text the same way
// (docs/security.md).
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/osism/image-crawler/internal/plan"
)

// Schema is the version of the JSON report.
const Schema = 1

// Report is the JSON report (`--report FILE`, `crawl --json`).
type Report struct {
	Schema      int          `json:"schema"`
	Updates     []Update     `json:"updates"`
	Unchanged   []Unchanged  `json:"unchanged"`
	Failures    []Failure    `json:"failures"`
	Files       []string     `json:"files"`
	PullRequest *PullRequest `json:"pull_request"`
	// PullRequests are the pull requests of a run with --split-by file, one
	// per catalog file that has or had one; PullRequest is then the first
	// that changed.
	PullRequests []PullRequest `json:"pull_requests,omitempty"`
	// Dashboard is the dashboard issue (--dashboard); absent without it.
	Dashboard *Dashboard `json:"dashboard,omitempty"`
	// Pruned are versions removed because their files are gone upstream
	// and no mirror_url keeps them; Repinned moved to upstream's archive.
	Pruned   []Pruned   `json:"pruned"`
	Repinned []Repinned `json:"repinned"`
	// NotUpdated are catalog entries the run left alone on purpose: no
	// source describes them, or the stream they follow. Not failures.
	NotUpdated []NotUpdated `json:"not_updated"`
	// Available are images the sources offer that the catalog lacks; a run
	// adds them only on request (--add NAME, --add-all).
	Available []string `json:"available"`
	// EndOfLife are enabled catalog images whose release is past its end
	// of free support or within 90 days of it (docs/lifecycle.md).
	EndOfLife []EndOfLife `json:"end_of_life,omitempty"`
	// Warnings are things a person should know that are not failures: a
	// branch left alone because someone pushed to it, signatures switched off.
	Warnings []string `json:"warnings,omitempty"`
	// DryRun is true when nothing left the machine.
	DryRun bool `json:"dry_run"`
	// Written, NotWritten, Pushed and Interrupted say what the run
	// published and what it did not (publish.go, docs/operations.md).
	Written     []string     `json:"written"`
	NotWritten  []string     `json:"not_written,omitempty"`
	Pushed      bool         `json:"pushed"`
	Interrupted *Interrupted `json:"interrupted,omitempty"`
}

// Update is one changed image.
type Update struct {
	Image            string  `json:"image"`
	File             string  `json:"file"`
	PreviousVersion  *string `json:"previous_version"`
	Version          string  `json:"version"`
	Checksum         string  `json:"checksum"`
	URL              string  `json:"url"`
	BuildDate        string  `json:"build_date"`
	Kind             string  `json:"kind"`
	ChecksumURL      string  `json:"checksum_url,omitempty"`
	PreviousChecksum string  `json:"previous_checksum,omitempty"`
	Verified         bool    `json:"signature_verified"`
	// BuildID is upstream's build identifier when the entry records the
	// build under a version of its own scheme (the build date).
	BuildID string `json:"build_id,omitempty"`
	// NewImage says why a new entry was written: bootstrap, requested, new
	// release or new architecture; absent for an existing entry.
	NewImage string `json:"new_image,omitempty"`
	// ReleaseNotes links upstream's release notes of the build, where the
	// source names them (upstream.release_notes).
	ReleaseNotes string `json:"release_notes,omitempty"`
}

// EndOfLife is an enabled image whose release's support ends soon or ended.
type EndOfLife struct {
	Image string `json:"image"`
	File  string `json:"file"`
	// EOL is the last day of free support, YYYY-MM-DD.
	EOL string `json:"eol"`
	// State is "ended" or "ending" (within 90 days).
	State string `json:"state"`
	// Origin says where the date came from: the built-in tables, upstream's
	// own data, or the sources file.
	Origin string `json:"origin"`
	// Disabled is true when this run proposes enable: false for it
	// (--disable-eol).
	Disabled bool `json:"disabled,omitempty"`
}

// Pruned is a version removed from an entry.
type Pruned struct {
	Image   string `json:"image"`
	File    string `json:"file"`
	Version string `json:"version"`
	URL     string `json:"url"`
	Reason  string `json:"reason"`
}

// Repinned is a version whose url now points at upstream's archive.
type Repinned struct {
	Image   string `json:"image"`
	File    string `json:"file"`
	Version string `json:"version"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// NotUpdated is a catalog entry the run did not touch, and why.
type NotUpdated struct {
	Image   string `json:"image"`
	File    string `json:"file"`
	Follows string `json:"follows,omitempty"`
	Reason  string `json:"reason"`
}

// Unchanged is an image already up to date.
type Unchanged struct {
	Image   string `json:"image"`
	Version string `json:"version"`
}

// Failure is an image that failed; its catalog entry was left as it was.
type Failure struct {
	Image string `json:"image"`
	Error string `json:"error"`
}

// PullRequest is what happened to the pull request.
type PullRequest struct {
	Number    int    `json:"number"`
	URL       string `json:"url"`
	Branch    string `json:"branch"`
	Operation string `json:"operation"` // created, updated, closed, none
	// HeadSHA is the commit at the head of the bot's branch after the run;
	// "" when the branch is gone or was left alone.
	HeadSHA string `json:"head_sha,omitempty"`
}

// New builds a report. Slices are never nil, so the JSON always has [].
func New(updates []plan.Update, unchanged []plan.Unchanged, failures []plan.Failure, files []string) *Report {
	r := &Report{Schema: Schema, Updates: []Update{}, Unchanged: []Unchanged{}, Failures: []Failure{}, Files: []string{},
		Pruned: []Pruned{}, Repinned: []Repinned{}, NotUpdated: []NotUpdated{}, Available: []string{}, Written: []string{}}
	for _, u := range updates {
		ru := Update{
			Image: u.Image, File: u.File, Version: u.Version, Checksum: u.Checksum, URL: u.URL,
			BuildDate: u.BuildDate, Kind: string(u.Kind), ChecksumURL: u.ChecksumURL,
			PreviousChecksum: u.PreviousChecksum, Verified: u.Verified,
			BuildID: u.BuildID, NewImage: u.NewImage, ReleaseNotes: u.ReleaseNotes,
		}
		if u.PreviousVersion != "" {
			p := u.PreviousVersion
			ru.PreviousVersion = &p
		}
		r.Updates = append(r.Updates, ru)
	}
	for _, u := range unchanged {
		r.Unchanged = append(r.Unchanged, Unchanged{Image: u.Image, Version: u.Version})
	}
	for _, f := range failures {
		r.Failures = append(r.Failures, Failure{Image: f.Image, Error: f.Error})
	}
	r.Files = append(r.Files, files...)
	sort.Strings(r.Files)
	return r
}

// WriteJSON writes the report, indented, with a final newline.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// Respins are the updates that replaced a published build.
func (r *Report) Respins() []Update {
	var out []Update
	for _, u := range r.Updates {
		if u.Kind == string(plan.Respin) {
			out = append(out, u)
		}
	}
	return out
}
