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
	return r.AppendSummary(Summary(rep, runErr))
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
	// Text in the summary went through mdText, which turns a token's "_"
	// into "\_": mask the escaped form too.
	secrets := slices.Clone(r.Secrets)
	for _, s := range r.Secrets {
		secrets = append(secrets, mdText(s))
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

// Summary is the job summary of a run in Markdown. A run that found
// nothing new and nothing wrong gets one line.
func Summary(rep *report.Report, runErr error) string {
	var b strings.Builder
	if runErr != nil {
		fmt.Fprintf(&b, "## image-crawler failed\n\n> %s\n\n", mdText(runErr.Error()))
		if rep == nil {
			return b.String()
		}
	}
	if rep == nil {
		return ""
	}
	if runErr == nil && len(rep.Updates) == 0 && len(rep.Failures) == 0 && len(rep.Warnings) == 0 {
		return "image-crawler: nothing new; " + plural(len(rep.Unchanged), "image", "images") + " up to date" + prSentence(rep, "; ") + ".\n"
	}
	if runErr == nil {
		var parts []string
		if len(rep.Updates) > 0 {
			parts = append(parts, plural(len(rep.Updates), "updated image", "updated images"))
		}
		if len(rep.Failures) > 0 {
			parts = append(parts, fmt.Sprintf("%d failed", len(rep.Failures)))
		}
		if len(parts) == 0 {
			parts = append(parts, "nothing new")
		}
		fmt.Fprintf(&b, "## image-crawler: %s\n\n", strings.Join(parts, ", "))
	}
	switch pr := prSentence(rep, ""); {
	case rep.DryRun:
		b.WriteString("Dry run: nothing was pushed and no pull request was touched.\n\n")
	case pr != "":
		b.WriteString(strings.ToUpper(pr[:1]) + pr[1:] + ".\n\n")
	case runErr == nil && rep.PullRequest == nil && len(rep.Files) > 0:
		fmt.Fprintf(&b, "Wrote %s in place; nothing was committed.\n\n", plural(len(rep.Files), "catalog file", "catalog files"))
	}
	if respins := rep.Respins(); len(respins) > 0 {
		b.WriteString("> [!WARNING]\n> **Respin: upstream replaced a published build.** Check upstream's announcement before merging.\n>\n")
		for _, u := range respins {
			fmt.Fprintf(&b, "> - **%s %s**: `%s` → `%s`\n", mdText(u.Image), mdText(u.Version), mdCode(shortSum(u.PreviousChecksum)), mdCode(shortSum(u.Checksum)))
		}
		b.WriteString("\n")
	}
	if len(rep.Updates) > 0 {
		b.WriteString(report.UpdateTable(rep.Updates))
		b.WriteString("\n")
	}
	if len(rep.EndOfLife) > 0 {
		b.WriteString(report.EndOfLifeSection(rep.EndOfLife))
	}
	if len(rep.Failures) > 0 {
		fmt.Fprintf(&b, "### Failed (%d)\n\nThese images were not updated; their catalog entries are unchanged.\n\n", len(rep.Failures))
		for _, f := range rep.Failures {
			fmt.Fprintf(&b, "- **%s**: %s\n", mdText(f.Image), mdText(f.Error))
		}
		b.WriteString("\n")
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(&b, "> [!NOTE]\n> %s\n\n", mdText(w))
	}
	if len(rep.Unchanged) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s up to date</summary>\n\n", plural(len(rep.Unchanged), "image", "images"))
		for _, u := range rep.Unchanged {
			fmt.Fprintf(&b, "- %s %s\n", mdText(u.Image), mdText(u.Version))
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// prSentence says what happened to the pull request, or "" when nothing did.
func prSentence(rep *report.Report, lead string) string {
	pr := rep.PullRequest
	if pr == nil || pr.Number == 0 {
		return ""
	}
	link := fmt.Sprintf("[#%d](%s)", pr.Number, mdURL(pr.URL))
	switch pr.Operation {
	case "created", "updated":
		return fmt.Sprintf("%spull request %s %s on branch `%s`", lead, link, pr.Operation, mdCode(pr.Branch))
	case "closed":
		return fmt.Sprintf("%sclosed pull request %s: the base branch holds every update", lead, link)
	default:
		return fmt.Sprintf("%spull request %s is unchanged", lead, link)
	}
}

// shortSum shortens "sha256:<64 hex>" to "sha256:0123456789ab", as the
// update table does.
func shortSum(s string) string {
	algo, hex, ok := strings.Cut(s, ":")
	if !ok || len(hex) <= 12 {
		return s
	}
	return algo + ":" + hex[:12]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// mdText makes text from upstream or from an error safe inside a Markdown
// line: one line, and no characters that would start a table cell, a
// link, HTML or emphasis.
var mdText = func() func(string) string {
	r := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ",
		`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "'", "*", `\*`, "_", `\_`)
	return r.Replace
}()

// mdCode keeps a value inside `...`.
func mdCode(s string) string { return strings.ReplaceAll(oneLine(s), "`", "'") }

func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// mdURL keeps a URL from closing its Markdown link early.
func mdURL(s string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(oneLine(s))
}
