package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/report"
)

// The dashboard (--dashboard) is one issue in the catalog repository that
// lists what fails and since when; docs/pull-requests.md describes it. The
// runner keeps no state: the time each image started failing lives in the
// issue body, in a hidden marker that the next run reads back.

const (
	// DashboardLabel labels the dashboard issue.
	DashboardLabel = "image-crawler"
	// DefaultFailAfter is how long an image may fail, with the dashboard
	// on, before the run exits 3 (--fail-after).
	DefaultFailAfter = 7 * 24 * time.Hour

	dashboardTitle  = "image-crawler: image status"
	dashboardMarker = "<!-- image-crawler:dashboard -->"
	sincePrefix     = "<!-- image-crawler:failing-since "
	sinceSuffix     = " -->"
	maxErrorText    = 300
)

// DashboardSection is one list of the dashboard besides the failures.
// Attention sections keep the issue open while they have items; the others
// only inform.
type DashboardSection struct {
	Title     string
	Intro     string
	Items     []string
	Attention bool
}

// dashboardSections are the report's lists that the dashboard shows, in
// order. A report list that needs a person (images past their end of life)
// belongs here with Attention set.
func dashboardSections(rep *report.Report) []DashboardSection {
	var out []DashboardSection
	if len(rep.Available) > 0 {
		out = append(out, DashboardSection{
			Title: "Available, not in the catalog",
			Intro: "The sources offer these images and the catalog lacks them; a run adds them with `--add NAME` or `--add-all`.",
			Items: rep.Available,
		})
	}
	return out
}

// DashboardStatus decides the exit status of a run with the dashboard on: a
// failure is reported in the issue and turns the run red only once an image
// has failed for longer than FailAfter, or when every image failed.
type DashboardStatus struct {
	Failing   []report.Failing
	Images    int // images the run tried
	FailAfter time.Duration
	Now       time.Time
}

// ExitCode is 3 when an image has failed for longer than FailAfter or every
// image failed, else 0.
func (d *DashboardStatus) ExitCode() int {
	if len(d.Failing) == 0 {
		return 0
	}
	if len(d.Failing) >= d.Images {
		return 3
	}
	for _, f := range d.Failing {
		if d.Now.Sub(f.Since) > d.FailAfter {
			return 3
		}
	}
	return 0
}

// parseSince reads the failing-since marker of a dashboard body; a body
// without one, or with a damaged one, gives an empty map.
func parseSince(body string) map[string]time.Time {
	out := map[string]time.Time{}
	i := strings.LastIndex(body, sincePrefix)
	if i < 0 {
		return out
	}
	rest := body[i+len(sincePrefix):]
	j := strings.Index(rest, sinceSuffix)
	if j < 0 {
		return out
	}
	var m map[string]time.Time
	if json.Unmarshal([]byte(rest[:j]), &m) != nil {
		return out
	}
	return m
}

// sinceMarker writes the marker. encoding/json escapes <, > and &, so no
// image name can end the HTML comment early.
func sinceMarker(failing []report.Failing) string {
	m := map[string]string{}
	for _, f := range failing {
		m[f.Image] = f.Since.UTC().Format(time.RFC3339)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	_ = enc.Encode(m) // a map of strings always encodes
	return sincePrefix + strings.TrimSpace(b.String()) + sinceSuffix
}

// failingSince pairs the report's failures with the time each began: the
// previous dashboard's, or now for a new failure.
func failingSince(rep *report.Report, prev map[string]time.Time, now time.Time) []report.Failing {
	var out []report.Failing
	seen := map[string]bool{}
	for _, f := range rep.Failures {
		if seen[f.Image] {
			continue
		}
		seen[f.Image] = true
		since, ok := prev[f.Image]
		if !ok || since.IsZero() || since.After(now) {
			since = now
		}
		out = append(out, report.Failing{Image: f.Image, Since: since.UTC()})
	}
	return out
}

// imagesTried counts the distinct images of the report.
func imagesTried(rep *report.Report) int {
	seen := map[string]bool{}
	for _, u := range rep.Updates {
		seen[u.Image] = true
	}
	for _, u := range rep.Unchanged {
		seen[u.Image] = true
	}
	for _, f := range rep.Failures {
		seen[f.Image] = true
	}
	return len(seen)
}

// DashboardBody renders the dashboard issue's body.
func DashboardBody(rep *report.Report, failing []report.Failing, sections []DashboardSection, prs []report.PullRequest, failAfter time.Duration, now time.Time) string {
	var b strings.Builder
	b.WriteString(dashboardMarker + "\n")
	b.WriteString("image-crawler updates this issue on every run and closes it when no image fails and nothing needs attention.\n\n")
	errs := map[string]string{}
	for _, f := range rep.Failures {
		if _, ok := errs[f.Image]; !ok {
			errs[f.Image] = f.Error
		}
	}
	if len(failing) == 0 {
		b.WriteString("## Failing images\n\nNone: every image was crawled.\n\n")
	} else {
		fmt.Fprintf(&b, "## Failing images (%d)\n\n", len(failing))
		fmt.Fprintf(&b, "An image that fails for longer than %s turns the scheduled run red.\n\n", days(failAfter))
		b.WriteString("| Image | Failing since | Error |\n|---|---|---|\n")
		sorted := append([]report.Failing(nil), failing...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Since.Before(sorted[j].Since) })
		for _, f := range sorted {
			fmt.Fprintf(&b, "| %s | %s (%s) | %s |\n", cell(f.Image), f.Since.UTC().Format("2006-01-02 15:04 UTC"), days(now.Sub(f.Since)), cell(clip(errs[f.Image])))
		}
		b.WriteString("\n")
	}
	for _, s := range sections {
		if len(s.Items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "## %s (%d)\n\n", s.Title, len(s.Items))
		if s.Intro != "" {
			b.WriteString(s.Intro + "\n\n")
		}
		for _, it := range s.Items {
			fmt.Fprintf(&b, "- %s\n", oneLine(it))
		}
		b.WriteString("\n")
	}
	b.WriteString("## Pull request\n\n")
	open := 0
	for _, pr := range prs {
		if pr.Number == 0 || pr.Operation == OpClosed {
			continue
		}
		open++
		fmt.Fprintf(&b, "- #%d (branch `%s`)\n", pr.Number, pr.Branch)
	}
	if open == 0 {
		b.WriteString("None open: the catalog holds every build image-crawler found.\n")
	}
	b.WriteString("\n" + sinceMarker(failing) + "\n")
	return b.String()
}

func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	switch {
	case d < 24*time.Hour:
		return "less than a day"
	case n == 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// oneLine puts s on one line, with < and > as entities so that a name or
// an error message neither renders as HTML nor ends the hidden marker.
func oneLine(s string) string {
	return htmlAngles.Replace(strings.Join(strings.Fields(s), " "))
}

var htmlAngles = strings.NewReplacer("<", "&lt;", ">", "&gt;")

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

func clip(s string) string {
	if r := []rune(s); len(r) > maxErrorText {
		return string(r[:maxErrorText]) + "…"
	}
	return s
}

// dashboard brings the dashboard issue up to date with the run: it opens
// the issue when something needs a person, edits it while it does, and
// closes it when nothing does. It also sets the exit status rules of
// DashboardStatus on the outcome.
func (g *Git) dashboard(ctx context.Context, o *config, out *Proposal, fg forge.Forge, prs []report.PullRequest) error {
	if !o.Dashboard || fg == nil {
		return nil
	}
	rep := out.Report
	now := o.Now().UTC().Truncate(time.Second) // as the marker keeps it
	failAfter := o.FailAfter
	if failAfter <= 0 {
		failAfter = DefaultFailAfter
	}
	is, err := fg.FindIssue(ctx, g.remote, DashboardLabel, dashboardMarker)
	if err != nil {
		if !o.DryRun {
			return fmt.Errorf("dashboard: %w", err)
		}
		out.Intent = append(out.Intent, fmt.Sprintf("could not read the dashboard issue of %s: %v", g.remote, err))
	}
	prev := map[string]time.Time{}
	if is != nil {
		prev = parseSince(is.Body)
	}
	failing := failingSince(rep, prev, now)
	out.Dashboard = &DashboardStatus{Failing: failing, Images: imagesTried(rep), FailAfter: failAfter, Now: now}
	sections := dashboardSections(rep)
	attention := len(failing) > 0
	for _, s := range sections {
		attention = attention || (s.Attention && len(s.Items) > 0)
	}
	body := DashboardBody(rep, failing, sections, prs, failAfter, now)
	d := &report.Dashboard{Operation: OpNone, Failing: failing}
	if d.Failing == nil {
		d.Failing = []report.Failing{}
	}
	if is != nil {
		d.Number, d.URL = is.Number, is.URL
	}
	if !o.DryRun {
		rep.Dashboard = d
	}
	switch {
	case !attention && is == nil:
		return nil
	case o.DryRun && !attention:
		out.Intent = append(out.Intent, fmt.Sprintf("would close the dashboard issue #%d: nothing fails", is.Number))
		return nil
	case o.DryRun && is == nil:
		out.Intent = append(out.Intent, "would open the dashboard issue")
		return nil
	case o.DryRun:
		out.Intent = append(out.Intent, fmt.Sprintf("would update the dashboard issue #%d", is.Number))
		return nil
	case !attention:
		const why = "Every image was crawled and nothing needs attention, so image-crawler closed this issue. It opens a new one when an image fails again."
		if err := fg.CloseIssue(ctx, g.remote, is.Number, body, why); err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		d.Operation = OpClosed
	case is == nil:
		created, err := fg.CreateIssue(ctx, g.remote, dashboardTitle, body, []string{DashboardLabel})
		if err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		d.Number, d.URL, d.Operation = created.Number, created.URL, OpCreated
	default:
		changed, err := fg.EditIssue(ctx, g.remote, is, dashboardTitle, body)
		if err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		d.Operation = opFor(changed)
	}
	o.Logger.Info("dashboard", "issue", d.Number, "operation", d.Operation, "failing", len(failing))
	return nil
}
