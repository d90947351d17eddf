package report

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marker identifies the bot's pull requests, hidden in their body.
const Marker = "<!-- image-crawler:managed -->"

// MaxBody is the longest pull request body written; GitHub refuses bodies
// over 65,536 characters, so keep a margin.
const MaxBody = 65000

// maxTitle keeps titles readable in GitHub's lists.
const maxTitle = 120

// Title is the pull request title and the commit subject:
// "Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019".
func Title(updates []Update) string {
	if len(updates) == 0 {
		return "Update images"
	}
	title := "Update images: "
	for i, u := range updates {
		part := plainLine(u.Image) + " " + plainLine(u.Version)
		if i > 0 {
			part = ", " + part
		}
		more := fmt.Sprintf(" and %d more", len(updates)-i)
		if len(title)+len(part) > maxTitle && i > 0 {
			return title + more
		}
		title += part
	}
	return title
}

// CommitMessage is the bot's commit: the title, then one line per update.
func CommitMessage(r *Report, trailers ...string) string {
	var b strings.Builder
	b.WriteString(Title(r.Updates))
	b.WriteString("\n\n")
	for _, u := range r.Updates {
		fmt.Fprintf(&b, "- %s: %s -> %s (%s, %s)\n  %s\n", u.Image, prev(u), u.Version, u.BuildDate, shortSum(u.Checksum), u.URL)
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(&b, "\nNot updated (%d failed): ", len(r.Failures))
		for i, f := range r.Failures {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Image)
		}
		b.WriteString("\n")
	}
	if len(trailers) > 0 {
		b.WriteString("\n")
		for _, t := range trailers {
			b.WriteString(t)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func prev(u Update) string {
	if u.PreviousVersion == nil {
		return "(new image)"
	}
	return *u.PreviousVersion
}

// shortSum shortens "sha256:<64 hex>" to "sha256:0123456789ab".
func shortSum(s string) string {
	algo, hex, ok := strings.Cut(s, ":")
	if !ok || len(hex) <= 12 {
		return s
	}
	return algo + ":" + hex[:12]
}

// VerifyDocURL is the page that says what `image-crawler verify` checks,
// linked from every pull request body.
const VerifyDocURL = "https://github.com/osism/image-crawler/blob/main/docs/verify.md"

// BodyOptions adds what the body says beyond the report.
type BodyOptions struct {
	// SignaturesOff is set when --signatures off switched verification off.
	SignaturesOff bool
}

// Body is the pull request body: written for the reviewer, who should be
// able to check every update from it.
func Body(r *Report, o BodyOptions) string {
	full := body(r, o, len(r.Updates))
	if len(full) <= MaxBody {
		return full
	}
	// Too long for GitHub: list as many updates as fit and summarise the rest.
	lo, hi := 0, len(r.Updates)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(body(r, o, mid)) <= MaxBody {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	out := body(r, o, lo)
	if len(out) > MaxBody {
		// Even the failures do not fit: cut hard, keep the marker. The cut
		// goes back to a character boundary: half a UTF-8 sequence is not
		// text, and GitHub would refuse or mangle the body.
		cut := MaxBody - len(Marker) - 40
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + "\n\n… (cut: see the job log)\n" + Marker + "\n"
	}
	return out
}

func body(r *Report, o BodyOptions, shown int) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	fmt.Fprintf(&b, "image-crawler found %s.\n\n", plural(len(r.Updates), "updated image", "updated images"))
	if o.SignaturesOff {
		b.WriteString("> [!CAUTION]\n> Signature verification was switched off for this run (`--signatures off`): **no checksum file in this pull request was verified**. Check the checksums against upstream before merging.\n\n")
	}
	if respins := r.Respins(); len(respins) > 0 {
		b.WriteString("> [!WARNING]\n> **Respin: upstream replaced a published build.** The same version now has a different checksum. Check upstream's announcement before merging; machines built from the old image differ from new ones.\n>\n")
		for _, u := range respins {
			fmt.Fprintf(&b, "> - **%s %s**: `%s` → `%s`\n", md(u.Image), md(u.Version), shortSum(u.PreviousChecksum), shortSum(u.Checksum))
		}
		b.WriteString("\n")
	}
	if len(r.Updates) > 0 {
		b.WriteString(updateTable(r.Updates[:shown]))
		if shown < len(r.Updates) {
			fmt.Fprintf(&b, "\n… and %d more updates, not listed to stay within GitHub's size limit; see the job log or the JSON report.\n", len(r.Updates)-shown)
		}
		b.WriteString("\n")
	}
	if len(r.Pruned) > 0 || len(r.Repinned) > 0 {
		b.WriteString("### Older versions whose files are gone upstream\n\nThe image manager fetches every version it has not imported yet and stops at one that no longer downloads, so these change in this pull request too.\n\n")
		for _, p := range r.Pruned {
			fmt.Fprintf(&b, "- **%s %s** removed: %s (`%s`)\n", md(p.Image), md(p.Version), md(p.Reason), mdCode(p.URL))
		}
		for _, p := range r.Repinned {
			fmt.Fprintf(&b, "- **%s %s** now points at upstream's archive: `%s`\n", md(p.Image), md(p.Version), mdCode(p.To))
		}
		b.WriteString("\n")
	}
	if len(r.EndOfLife) > 0 {
		b.WriteString(EndOfLifeSection(r.EndOfLife))
	}
	// The body keeps each message to its first line: the job log has the
	// rest.
	b.WriteString(problemsSection(r, oneLine))
	if len(r.Unchanged) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", plural(len(r.Unchanged), "image unchanged", "images unchanged"))
		for _, u := range r.Unchanged {
			fmt.Fprintf(&b, "- %s %s\n", md(u.Image), md(u.Version))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.NotUpdated) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s left as they are</summary>\n\n", plural(len(r.NotUpdated), "catalog entry", "catalog entries"))
		for _, n := range r.NotUpdated {
			fmt.Fprintf(&b, "- %s (`%s`): not updated, %s\n", md(n.Image), mdCode(n.File), md(oneLine(n.Reason)))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Available) > 0 {
		fmt.Fprintf(&b, "<details><summary>%s available, not in your catalog</summary>\n\nAdd one with `--add NAME` (action input `add`), or all with `--add-all`.\n\n", plural(len(r.Available), "image", "images"))
		for _, a := range r.Available {
			fmt.Fprintf(&b, "- %s\n", md(a))
		}
		b.WriteString("\n</details>\n\n")
	}
	b.WriteString("Every version item in this pull request can be checked against upstream with `image-crawler verify`, run as a required check on catalog pull requests: [what it checks](" + VerifyDocURL + ").\n\n")
	b.WriteString("This pull request is regenerated on every run of image-crawler; commits pushed to its branch by hand make the bot leave it alone.\n")
	return b.String()
}

// updateTable is the Markdown table of updates used in the pull request body
// and the job summary.
func updateTable(updates []Update) string {
	var b strings.Builder
	b.WriteString("| Image | Version | Build date | Checksum | Signature | Links |\n|---|---|---|---|---|---|\n")
	for _, u := range updates {
		version := fmt.Sprintf("%s → **%s**", md(prev(u)), md(u.Version))
		if u.Kind == "respin" {
			version = fmt.Sprintf("**%s** (respin ⚠️)", md(u.Version))
		}
		if u.NewImage != "" && u.NewImage != "bootstrap" {
			version = fmt.Sprintf("**%s** (new image: %s)", md(u.Version), md(u.NewImage))
		}
		if u.BuildID != "" {
			version += fmt.Sprintf(" (build %s)", md(u.BuildID))
		}
		sig := "not verified"
		if u.Verified {
			sig = "✅ verified"
		}
		links := fmt.Sprintf("[image](%s)", mdURL(u.URL))
		if u.ChecksumURL != "" {
			links += fmt.Sprintf(" · [checksums](%s)", mdURL(u.ChecksumURL))
		}
		if u.ReleaseNotes != "" {
			links += fmt.Sprintf(" · [release notes](%s)", mdURL(u.ReleaseNotes))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | `%s` | %s | %s |\n", md(u.Image), version, md(u.BuildDate), shortSum(u.Checksum), sig, links)
	}
	return b.String()
}

// EndOfLifeSection is the pull request body's "End of life" section.
func EndOfLifeSection(eol []EndOfLife) string {
	var b strings.Builder
	b.WriteString("### End of life\n\nThese enabled images are past the end of their release's free support, or within 90 days of it. `--disable-eol` (action input `disable-eol`) proposes `enable: false` for those past it.\n\n")
	for _, e := range eol {
		what := "support ends"
		if e.State == "ended" {
			what = "support ended"
		}
		fmt.Fprintf(&b, "- **%s** (`%s`): %s %s (%s)", md(e.Image), md(e.File), what, md(e.EOL), md(e.Origin))
		if e.Disabled {
			b.WriteString("; disabled in this pull request")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// The escaping of text in Markdown, shared by the pull request body and the
// job summary (docs/security.md). A backslash is escaped first, so that text
// cannot undo the escapes after it; a line break becomes a space, so that
// text stays on its line, in its list item or table row.
var (
	mdEscaper = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ",
		`\`, `\\`, "&", "&amp;", "|", `\|`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "'", "*", `\*`, "_", `\_`)
	// codeEscaper leaves & and \ alone: a code span shows them as written.
	codeEscaper = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ",
		"|", `\|`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "'", "*", `\*`, "_", `\_`)
	urlEscaper = strings.NewReplacer("\r", "%0D", "\n", "%0A", " ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")
)

// references are what GitHub turns into notifications or cross-links in a
// pull request body: @user and @org/team mentions, #123, owner/repo#123 and
// GH-123 references.
var references = regexp.MustCompile(`@[A-Za-z0-9]|#[0-9]|\bGH-[0-9]`)

// md escapes text that came from upstream or from errors so it cannot add
// Markdown structure (table cells, links, HTML, line breaks) to the body or
// the job summary, nor mention people or link issues: a zero-width space
// (&#8203;) after the @ or # keeps the text as it reads and makes GitHub see
// no reference (docs/security.md).
func md(s string) string {
	return noReferences(mdEscaper.Replace(s))
}

// MarkdownText is text as the body and the job summary show it: escaped by
// md. A secret masked in the Markdown must be masked in this form too (a
// token's "_" becomes "\_").
func MarkdownText(s string) string { return md(s) }

// mdCode escapes text shown in a code span, where GitHub links no
// reference, so none is broken up.
func mdCode(s string) string { return codeEscaper.Replace(s) }

func noReferences(s string) string {
	return references.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "GH-") {
			return "GH&#8203;-" + m[3:]
		}
		return m[:1] + "&#8203;" + m[1:]
	})
}

// plainLine is text fit for a one-line title: control characters (a newline
// would end the title and start the body) become spaces.
func plainLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
}

// mdURL keeps a URL from closing its Markdown link early.
func mdURL(s string) string {
	return urlEscaper.Replace(s)
}

// problemsSection is the "Failed" section and the warnings of r, each
// message shown as text(message) (the body: its first line; the job
// summary: whole).
func problemsSection(r *Report, text func(string) string) string {
	var b strings.Builder
	if len(r.Failures) > 0 {
		fmt.Fprintf(&b, "### Failed (%d)\n\nThese images were not updated; their catalog entries are unchanged.\n\n", len(r.Failures))
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "- **%s**: %s\n", md(f.Image), md(text(f.Error)))
		}
		b.WriteString("\n")
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "> [!NOTE]\n> %s\n\n", md(text(w)))
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	first, _, _ := strings.Cut(s, "\n")
	return first
}
