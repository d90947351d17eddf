package actions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/osism/image-crawler/internal/redact"
	"github.com/osism/image-crawler/internal/report"
)

// Finish hands the runner the step outputs and the job summary of a run.
// rep is nil when the run failed before it had a report; runErr is that
// failure, which the summary states. (Annotations are printed with the rest
// of the run's output: see Annotate.)
func (r *Runtime) Finish(rep *report.Report, runErr error) error {
	outs, err := Outputs(rep)
	if err != nil {
		return err
	}
	if err := r.SetOutputs(outs); err != nil {
		return err
	}
	return r.AppendSummary(report.Summary(rep, runErr))
}

// Outputs are the action's outputs (action.yml) for a report.
func Outputs(rep *report.Report) ([]Output, error) {
	pr := &report.PullRequest{Operation: "none"}
	updates, failures := []report.Update{}, 0
	written, pushed, interrupted := []string{}, false, ""
	if rep != nil {
		written = append(written, rep.Written...)
		pushed = rep.Pushed
		if rep.Interrupted != nil {
			interrupted = rep.Interrupted.Reason
		}
		if rep.PullRequest != nil {
			pr = rep.PullRequest
		}
		if rep.Updates != nil {
			updates = rep.Updates
		}
		failures = len(rep.Failures)
	}
	number := ""
	if pr.Number > 0 {
		number = strconv.Itoa(pr.Number)
	}
	// The updates as the JSON report writes them, for
	// fromJSON(steps.<id>.outputs.updates).
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(updates); err != nil {
		return nil, fmt.Errorf("step output updates: %w", err)
	}
	// What reached its place: a failed write or push, or an interruption,
	// shows here rather than in updates alone (docs/operations.md).
	wj, err := json.Marshal(written)
	if err != nil {
		return nil, fmt.Errorf("step output written: %w", err)
	}
	return []Output{
		{"pull-request-number", number},
		{"pull-request-url", pr.URL},
		{"pull-request-operation", pr.Operation},
		{"pull-request-branch", pr.Branch},
		{"pull-request-head-sha", pr.HeadSHA},
		{"updates", strings.TrimSuffix(js.String(), "\n")},
		{"failures", strconv.Itoa(failures)},
		{"written", string(wj)},
		{"pushed", strconv.FormatBool(pushed)},
		{"interrupted", interrupted},
	}, nil
}

// Annotate writes an error annotation per failed image and a warning per
// respin and per warning of the report. The runner shows the first ten of
// each kind on the run's page; the job summary lists all of them.
func Annotate(w io.Writer, rep *report.Report) error {
	if rep == nil {
		return nil
	}
	for _, f := range rep.Failures {
		if err := Error(w, Annotation{Title: "image-crawler: " + f.Image + " failed", Message: f.Error}); err != nil {
			return err
		}
	}
	for _, u := range rep.Respins() {
		msg := fmt.Sprintf("Upstream replaced the published build %s of %s: checksum %s is now %s. Check upstream's announcement before merging.",
			u.Version, u.Image, u.PreviousChecksum, u.Checksum)
		if err := Warning(w, Annotation{Title: "image-crawler: respin of " + u.Image + " " + u.Version, Message: msg}); err != nil {
			return err
		}
	}
	for _, warn := range rep.Warnings {
		if err := Warning(w, Annotation{Title: "image-crawler", Message: warn}); err != nil {
			return err
		}
	}
	return nil
}

// MaxSummary caps the job summary. The runner refuses a step's summary over
// 1 MiB and then shows none of it; a quarter of that holds the table of
// every image of a large catalog and leaves room for other steps' output.
const MaxSummary = 256 << 10

// AppendSummary appends Markdown to the file GITHUB_STEP_SUMMARY names,
// cut to MaxSummary; without GITHUB_STEP_SUMMARY it writes nothing.
func (r *Runtime) AppendSummary(markdown string) error {
	path := r.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" || markdown == "" {
		return nil
	}
	// Text in the summary is escaped (report.MarkdownText), which turns a
	// token's "_" into "\_": mask the escaped form too.
	secrets := slices.Clone(r.Secrets)
	for _, s := range r.Secrets {
		secrets = append(secrets, report.MarkdownText(s))
	}
	markdown = capSummary(redact.String(markdown, secrets...), MaxSummary)
	return appendFile(path, "job summary", func(w io.Writer) error {
		_, err := io.WriteString(w, markdown)
		return err
	})
}

const cutNote = "\n… (the summary was cut here to stay within GitHub's size limit; the job log has everything)\n"

// capSummary cuts s at the last line break that leaves room for the note,
// so that no table row or list item is left half written.
func capSummary(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := strings.LastIndexByte(s[:limit-len(cutNote)], '\n')
	if cut < 0 {
		cut = 0
	}
	return s[:cut+1] + cutNote
}
