package render

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/nikolalohinski/gonja/v2/exec"

	"github.com/osism/image-crawler/internal/source"
)

// MirrorURL is --mirror-url-template: a Jinja2 template of one line that
// writes the mirror_url of every version the bot adds, over the same
// variables as the entry templates (image.*, and version.* for the version
// being added). The image manager's mirror step uploads `url` to
// `mirror_url`, so it needs the key before it can mirror anything
// (docs/templates.md).
type MirrorURL struct {
	tpl    *exec.Template
	src    string
	mu     sync.Mutex // one rendering at a time: they share budget
	budget *budget
}

// mirrorFile is the name the template has in messages.
const mirrorFile = "--mirror-url-template"

// ParseMirrorURL parses a mirror URL template. An empty src is no template:
// nil, nil.
func ParseMirrorURL(src string) (*MirrorURL, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if strings.ContainsAny(src, "\r\n") {
		return nil, &TemplateError{File: mirrorFile, Err: fmt.Errorf("must be one line")}
	}
	fsys := fstest.MapFS{"mirror_url": {Data: []byte(src)}}
	b := &budget{}
	tpl, err := exec.NewTemplate("mirror_url", newConfig(), &fsLoader{fsys: fsys}, environment(b))
	if err != nil {
		return nil, &TemplateError{File: mirrorFile, Err: err}
	}
	m := &MirrorURL{tpl: tpl, src: src, budget: b}
	// A typo (image.shortnme) or a result that is no URL is the user's
	// input: say so once, before anything is crawled, not per image.
	sample := source.Image{Name: "Sample 1.0", Shortname: "sample-1.0", Arch: "x86_64", Meta: source.Meta{Format: "qcow2"}}
	if _, err := m.Render(sample, "", Version{Version: "20260101", URL: "https://example.org/sample.qcow2", Checksum: "sha256:00", BuildDate: "2026-01-01"}); err != nil {
		return nil, err
	}
	return m, nil
}

// Render writes the mirror_url of version v of img. shortname, when not
// empty, is the catalog entry's own shortname, which wins over the
// source's: the operator's mirror is laid out by the names in their catalog.
// The result must be an absolute http(s) URL.
func (m *MirrorURL) Render(img source.Image, shortname string, v Version) (string, error) {
	ctx := Context(img, []Version{v})
	image := ctx["image"].(map[string]any)
	if shortname != "" {
		image["shortname"] = shortname
	}
	ctx["version"] = ctx["versions"].([]map[string]any)[0]
	m.mu.Lock()
	w := &limitWriter{b: m.budget}
	m.budget.reset(w)
	err := m.budget.result(m.tpl.Execute(w, exec.NewContext(ctx)))
	m.budget.reset(nil)
	m.mu.Unlock()
	out := string(w.buf)
	if err != nil {
		return "", &TemplateError{File: mirrorFile, Err: fmt.Errorf("render %s: %w", img.Name, err)}
	}
	out = strings.TrimSpace(out)
	u, err := url.Parse(out)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(out, " \t\r\n") {
		return "", &TemplateError{File: mirrorFile, Err: fmt.Errorf("render %s: %q is not an absolute http(s) URL", img.Name, out)}
	}
	return out, nil
}
