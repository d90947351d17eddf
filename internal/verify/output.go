package verify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes one line per item: where it is, what it is, its status
// and the reason.
func (r *Report) WriteTable(w io.Writer) error {
	if len(r.Items) == 0 {
		_, err := fmt.Fprintf(w, "No version item added or changed since %s (%s): nothing to check.\n", shortHash(r.Base), r.BaseRef)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE:LINE\tIMAGE\tVERSION\tCHANGE\tSTATUS\tREASON")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "%s:%d\t%s\t%s\t%s\t%s\t%s\n", it.File, it.Line, dash(it.Image), dash(it.Version), it.Change, it.Status, oneLine(it.Reason()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s against %s (%s): %d ok, %d failed, %d not checkable.\n",
		plural(len(r.Items), "item", "items"), shortHash(r.Base), r.BaseRef, r.Count(OK), r.Count(Failed), r.Count(NotCheckable))
	return err
}

// Markdown is the job summary: the verdict, then a table of every item.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("## image-crawler verify\n\n")
	if len(r.Items) == 0 {
		fmt.Fprintf(&b, "No version item added or changed since `%s` (%s): nothing to check.\n", shortHash(r.Base), md(r.BaseRef))
		return b.String()
	}
	verdict := "✅ every changed item checks out against upstream"
	switch {
	case r.Count(Failed) > 0:
		verdict = fmt.Sprintf("❌ %s failed", plural(r.Count(Failed), "item", "items"))
	case r.Count(NotCheckable) > 0:
		verdict = fmt.Sprintf("⚠️ nothing failed, but %s could not be checked: look at them yourself", plural(r.Count(NotCheckable), "item", "items"))
	}
	fmt.Fprintf(&b, "%s (%d ok, %d failed, %d not checkable; compared with `%s`, %s).\n\n",
		verdict, r.Count(OK), r.Count(Failed), r.Count(NotCheckable), shortHash(r.Base), md(r.BaseRef))
	b.WriteString("| Item | Image | Version | Change | Status | Reason |\n|---|---|---|---|---|---|\n")
	for _, it := range r.Items {
		status := string(it.Status)
		switch it.Status {
		case OK:
			status = "✅ ok"
		case Failed:
			status = "❌ failed"
		case NotCheckable:
			status = "⚠️ not checkable"
		}
		fmt.Fprintf(&b, "| `%s:%d` | %s | %s | %s | %s | %s |\n", md(it.File), it.Line, md(it.Image), md(it.Version), it.Change, status, md(oneLine(it.Reason())))
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

var mdEscaper = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "'", "*", `\*`, "_", `\_`)

// md keeps text from the catalog and from upstream from adding Markdown
// structure to the summary.
func md(s string) string { return mdEscaper.Replace(s) }
