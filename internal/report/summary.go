package report

import (
	"fmt"
	"strings"
)

// Summary is the job summary of a run in Markdown (the Action writes it to
// GITHUB_STEP_SUMMARY; docs/action.md). rep is nil when the run failed
// before it had a report; runErr is that failure, which the summary states.
// A run that found nothing new and nothing wrong gets one line. Its text is
// escaped as the pull request body's is.
func Summary(rep *Report, runErr error) string {
	var b strings.Builder
	if runErr != nil {
		fmt.Fprintf(&b, "## image-crawler failed\n\n> %s\n\n", md(runErr.Error()))
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
			fmt.Fprintf(&b, "> - **%s %s**: `%s` → `%s`\n", md(u.Image), md(u.Version), mdCode(shortSum(u.PreviousChecksum)), mdCode(shortSum(u.Checksum)))
		}
		b.WriteString("\n")
	}
	if len(rep.Updates) > 0 {
		b.WriteString(updateTable(rep.Updates))
		b.WriteString("\n")
	}
	if len(rep.EndOfLife) > 0 {
		b.WriteString(EndOfLifeSection(rep.EndOfLife))
	}
	b.WriteString(problemsSection(rep, func(s string) string { return s }))
	if len(rep.Unchanged) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s up to date</summary>\n\n", plural(len(rep.Unchanged), "image", "images"))
		for _, u := range rep.Unchanged {
			fmt.Fprintf(&b, "- %s %s\n", md(u.Image), md(u.Version))
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// prSentence says what happened to the pull request, or "" when nothing did.
func prSentence(rep *Report, lead string) string {
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
