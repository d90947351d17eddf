package docs

import (
	"bufio"
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is where README.md lives, relative to this package.
const repoRoot = "../.."

// pages are the Markdown files whose links are checked: the README and
// every page under docs/.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md found")
	}
	return append([]string{filepath.Join(repoRoot, "README.md")}, docs...)
}

// linkRE matches inline links and images, [text](target) or
// [text](target "title"); reference-style links are not used here.
var linkRE = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// stripCode blanks fenced code blocks and inline code spans, where "](" is
// text, not a link. Line count is kept so errors name the right line.
func stripCode(src []byte) []string {
	var out []string
	inFence := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			out = append(out, "")
			continue
		}
		if inFence {
			out = append(out, "")
			continue
		}
		out = append(out, stripSpans(line))
	}
	return out
}

var spanRE = regexp.MustCompile("`[^`]*`")

func stripSpans(line string) string { return spanRE.ReplaceAllString(line, "``") }

// anchor is GitHub's anchor of a heading: lower case, spaces become '-',
// punctuation other than '-' and '_' is dropped.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// anchors lists the anchors of a Markdown file's headings outside code
// fences, numbering repeats as GitHub does (name, name-1, ...).
func anchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	set := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimLeft(line, "#")
		if !strings.HasPrefix(text, " ") {
			continue
		}
		a := anchor(text)
		if n := seen[a]; n > 0 {
			set[a+"-"+strconv.Itoa(n)] = true
		} else {
			set[a] = true
		}
		seen[a]++
	}
	return set
}

func TestAnchor(t *testing.T) {
	for _, tc := range []struct{ heading, want string }{
		{"Quick start", "quick-start"},
		{"Flags of `run` and `crawl`", "flags-of-run-and-crawl"},
		{"`--signatures required|optional|off`", "--signatures-requiredoptionaloff"},
		{"Trusted keys (`sources/keys/`)", "trusted-keys-sourceskeys"},
		{"Alpine: shipped disabled", "alpine-shipped-disabled"},
		{"AlmaLinux, Rocky, CentOS Stream, Fedora", "almalinux-rocky-centos-stream-fedora"},
		{"Check pull requests with `validate`", "check-pull-requests-with-validate"},
	} {
		if got := anchor(tc.heading); got != tc.want {
			t.Errorf("anchor(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

// TestRelativeLinks checks that every relative link of the README and the
// docs names an existing file and, with #fragment, an existing heading of a
// Markdown file.
func TestRelativeLinks(t *testing.T) {
	cache := map[string]map[string]bool{}
	for _, page := range pages(t) {
		src, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot, page)
		for i, line := range stripCode(src) {
			for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
				target := m[1]
				u, err := url.Parse(target)
				if err != nil {
					t.Errorf("%s:%d: link %q: %v", rel, i+1, target, err)
					continue
				}
				if u.Scheme != "" || u.Host != "" {
					continue // absolute links are not checked: tests run offline
				}
				file := page
				if u.Path != "" {
					if strings.HasPrefix(u.Path, "/") {
						t.Errorf("%s:%d: link %q is absolute; make it relative", rel, i+1, target)
						continue
					}
					file = filepath.Join(filepath.Dir(page), filepath.FromSlash(u.Path))
					if _, err := os.Stat(file); err != nil {
						t.Errorf("%s:%d: link %q: no such file", rel, i+1, target)
						continue
					}
				}
				if u.Fragment == "" {
					continue
				}
				if !strings.HasSuffix(file, ".md") {
					t.Errorf("%s:%d: link %q: fragment on a file that is not Markdown", rel, i+1, target)
					continue
				}
				set, ok := cache[file]
				if !ok {
					set = anchors(t, file)
					cache[file] = set
				}
				if !set[u.Fragment] {
					t.Errorf("%s:%d: link %q: no heading with anchor #%s", rel, i+1, target, u.Fragment)
				}
			}
		}
	}
}

// TestReadmeKeepsCommands keeps the two commands a newcomer needs in the
// README: .ci/run runs the README's test command.
func TestReadmeKeepsCommands(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"go run ./cmd/image-crawler run --dry-run --catalog /path/to/catalog\n",
		"go test ./...\n",
		"go run ./cmd/demo\n",
	} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("README.md lacks the line %q", strings.TrimSpace(want))
		}
	}
}

// TestNoPrivateReferences keeps the docs free of files users cannot see.
func TestNoPrivateReferences(t *testing.T) {
	for _, page := range append(pages(t), filepath.Join(repoRoot, "sources", "keys", "README.md")) {
		src, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		// The first name is spelt in lower case here so that a grep of the
		// source for it finds only real references.
		for _, bad := range []string{strings.ToUpper("contract.md"), "../shared"} {
			if bytes.Contains(src, []byte(bad)) {
				t.Errorf("%s mentions %s, which users cannot see", page, bad)
			}
		}
	}
}
