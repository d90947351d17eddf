// Package render turns a catalog image into the YAML text of its catalog
// entry through Jinja2 templates (gonja), so operators can shape the output.
//
// Templates only see the documented variables: they are loaded from one
// directory (or the built-in set) through a loader that cannot leave it, and
// the context holds no environment, no file access, no functions beyond
// gonja's pure built-ins and the YAML filters below.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2"
	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/templates"
)

// Version is one version of an image as the template sees it.
type Version struct {
	Version   string
	URL       string
	Checksum  string
	BuildDate string
	// Extra holds the version's other keys as the catalog has them
	// (mirror_url, id, hidden, ...), each value as one-line YAML text, so
	// re-rendering an entry never drops what people added by hand.
	Extra []Extra
}

// Extra is one additional key of a version.
type Extra struct {
	Key  string
	YAML string
}

// Renderer renders catalog entries.
type Renderer struct {
	templates map[string]*exec.Template
	dir       string // for messages

	mu     sync.Mutex // one rendering at a time: they share budget
	budget *budget
}

// LoadDefault parses the built-in templates.
func LoadDefault() (*Renderer, error) {
	return Load(templates.FS, "templates (built-in)")
}

// LoadDir parses every *.j2 template in dir.
func LoadDir(dir string) (*Renderer, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open templates: %w", err)
	}
	// os.Root keeps a symlink inside the directory from leading the
	// loader to files elsewhere on the machine.
	return Load(root.FS(), dir)
}

// Load parses every *.j2 file at the top of fsys. A template that does not
// parse stops the run before anything is crawled (exit 2), naming the file.
func Load(fsys fs.FS, name string) (*Renderer, error) {
	entries, err := fs.Glob(fsys, "*.j2")
	if err != nil {
		return nil, fmt.Errorf("list templates in %s: %w", name, err)
	}
	r := &Renderer{templates: map[string]*exec.Template{}, dir: name, budget: &budget{}}
	loader := &fsLoader{fsys: fsys}
	env := environment(r.budget)
	var errs []error
	for _, e := range entries {
		tpl, err := exec.NewTemplate(e, newConfig(), loader, env)
		err = r.budget.result(err)
		r.budget.reset(nil)
		if err != nil {
			errs = append(errs, &TemplateError{File: path.Join(name, e), Err: err})
			continue
		}
		r.templates[e] = tpl
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if _, ok := r.templates[templates.Default]; !ok {
		return nil, &TemplateError{File: path.Join(name, templates.Default), Err: errors.New("the default template is missing")}
	}
	// A typo (v.versoin) is the operator's input: say so once, naming the
	// file and line, before anything is crawled, not once per image.
	for _, n := range r.Names() {
		if err := r.sample(n); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// checkImage has every field a template can read set, so rendering it
// reaches every expression outside conditions on upstream data.
var checkImage = source.Image{
	Name: "Sample 1.0", Shortname: "sample-1.0", Arch: "x86_64", Type: "sample",
	Meta: source.Meta{
		Format: "qcow2", Login: "sample", Password: "sample", MinDisk: 8, MinRAM: 512,
		Tags:       []string{"sample"},
		Properties: source.Fields{{Key: "os_distro", Value: "sample"}},
	},
}

var checkVersions = []Version{{
	Version: "20260101", URL: "https://example.org/sample-20260101.qcow2",
	Checksum: "sha256:" + strings.Repeat("0", 64), BuildDate: "2026-01-01",
	Extra: []Extra{{Key: "mirror_url", YAML: "https://mirror.example.org/sample.qcow2"}},
}}

// sample renders template name over checkImage: an undefined variable or
// a filter given the wrong value fails here, as an UndefinedError.
func (r *Renderer) sample(name string) error {
	img := checkImage
	img.Template = name
	if _, err := r.execute(r.templates[name], Context(img, checkVersions)); err != nil {
		return &TemplateError{File: path.Join(r.dir, name), Err: undefined(err)}
	}
	// What the output holds is checked per image (Entry).
	return nil
}

// UndefinedError is a template expression naming a variable or attribute
// that does not exist.
type UndefinedError struct {
	Line int    // 1-based line in the template, 0 when unknown
	Expr string // the expression, e.g. v.versoin
	Err  error  // gonja's own error
}

func (e *UndefinedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s is undefined", e.Line, e.Expr)
	}
	return fmt.Sprintf("%s is undefined", e.Expr)
}
func (e *UndefinedError) Unwrap() error { return e.Err }

// gonja reports an undefined variable only as text, wrapped once per
// enclosing block, each wrap naming its own line: the innermost line and
// the expression are read from that text.
var (
	gonjaLine      = regexp.MustCompile(`(?i)\bline[ =](\d+)`)
	gonjaUndefined = regexp.MustCompile(`(?i)unable to evaluate (?:name "([^"]+)"|(\S+): (?:attribute|item) '?[^' ]+'? not found)`)
)

func undefined(err error) error {
	msg := err.Error()
	m := gonjaUndefined.FindStringSubmatch(msg)
	if m == nil {
		return err
	}
	expr := m[1] + m[2]
	line := 0
	if ls := gonjaLine.FindAllStringSubmatch(msg, -1); len(ls) > 0 {
		line, _ = strconv.Atoi(ls[len(ls)-1][1])
	}
	return &UndefinedError{Line: line, Expr: expr, Err: err}
}

// Names lists the templates, sorted.
func (r *Renderer) Names() []string {
	var names []string
	for n := range r.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Has reports whether a template of that name exists.
func (r *Renderer) Has(name string) bool {
	_, ok := r.templates[name]
	return ok
}

// TemplateError is a template that failed to parse or render.
type TemplateError struct {
	File string
	Err  error
}

func (e *TemplateError) Error() string { return fmt.Sprintf("template %s: %v", e.File, e.Err) }
func (e *TemplateError) Unwrap() error { return e.Err }

func newConfig() *config.Config {
	c := config.New()
	// A typo in a variable name must fail loudly rather than render an
	// empty value into a catalog that thousands of machines boot from.
	c.StrictUndefined = true
	c.KeepTrailingNewline = true
	return c
}

func environment(b *budget) *exec.Environment {
	filters := exec.NewFilterSet(map[string]exec.FilterFunction{})
	filters.Update(builtins.Filters)
	for _, name := range []string{"center", "indent", "truncate", "wordwrap", "batch", "slice"} {
		if fn, ok := builtins.Filters.Get(name); ok {
			_ = filters.Replace(name, boundedFilter(b, name, fn))
		}
	}
	for name, fn := range map[string]exec.FilterFunction{
		"yaml": filterYAML,
		"q":    filterQuote,
		"date": filterDate,
		"key":  filterKey,
	} {
		_ = filters.Replace(name, fn)
		_ = filters.Register(name, fn)
	}
	return &exec.Environment{
		// Only gonja's pure built-ins: no environment, no files.
		// range() and every tag are counted against the rendering's
		// budget (bounds.go).
		Context:           exec.EmptyContext().Update(builtins.GlobalFunctions).Update(exec.NewContext(map[string]any{"range": boundedRange(b)})),
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: boundedStructures(b),
		Methods:           builtins.Methods,
	}
}

// Entry renders the catalog entry of img with the given versions (oldest
// first). The template chosen is img.Template or the default. The result is
// parsed back and checked: a template that drops or alters a version, or
// writes something that is not one YAML list item, is an error and nothing of
// it reaches the catalog.
func (r *Renderer) Entry(img source.Image, versions []Version) ([]byte, error) {
	name := img.Template
	if name == "" {
		name = templates.Default
	}
	tpl, ok := r.templates[name]
	if !ok {
		return nil, &TemplateError{File: path.Join(r.dir, name), Err: fmt.Errorf("no such template (have %s)", strings.Join(r.Names(), ", "))}
	}
	out, err := r.execute(tpl, Context(img, versions))
	if err != nil {
		return nil, &TemplateError{File: path.Join(r.dir, name), Err: fmt.Errorf("render %s: %w", img.Name, undefined(err))}
	}
	out = normalize(out)
	if err := check(out, img, versions); err != nil {
		return nil, &TemplateError{File: path.Join(r.dir, name), Err: fmt.Errorf("render %s: %w", img.Name, err)}
	}
	return out, nil
}

// execute renders tpl within the renderer's bounds (docs/security.md): one
// rendering at a time, as they share one budget.
func (r *Renderer) execute(tpl *exec.Template, ctx map[string]any) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := &limitWriter{b: r.budget}
	r.budget.reset(w)
	err := r.budget.result(tpl.Execute(w, exec.NewContext(ctx)))
	r.budget.reset(nil)
	if err == nil && w.n > MaxOutput {
		err = fmt.Errorf("%w: output larger than %d bytes", ErrLimit, MaxOutput)
	}
	return w.buf, err
}

// normalize trims leading blank lines and ends the entry with exactly one
// newline, so template whitespace choices cannot make the output unstable.
func normalize(b []byte) []byte {
	b = bytes.TrimLeft(b, "\r\n")
	b = bytes.TrimRight(b, " \t\r\n")
	return append(b, '\n')
}

// Context is the data a template sees: the variables docs/templates.md
// lists, which must change with it.
func Context(img source.Image, versions []Version) map[string]any {
	meta := make([]map[string]any, 0, len(img.Meta.Properties))
	for _, f := range img.Meta.Properties {
		meta = append(meta, map[string]any{"key": f.Key, "value": f.Value})
	}
	tags := make([]any, 0, len(img.Meta.Tags))
	for _, t := range img.Meta.Tags {
		tags = append(tags, t)
	}
	vs := make([]map[string]any, 0, len(versions))
	for _, v := range versions {
		extra := make([]map[string]any, 0, len(v.Extra))
		for _, e := range v.Extra {
			extra = append(extra, map[string]any{"key": e.Key, "yaml": e.YAML})
		}
		vs = append(vs, map[string]any{
			"version":    v.Version,
			"url":        v.URL,
			"checksum":   v.Checksum,
			"build_date": v.BuildDate,
			"extra":      extra,
		})
	}
	latestURL, latestChecksumURL := LatestURLs(img)
	image := map[string]any{
		"name":                img.Name,
		"shortname":           img.Shortname,
		"arch":                img.Arch,
		"type":                img.Type,
		"format":              img.Meta.Format,
		"login":               img.Meta.Login,
		"password":            img.Meta.Password,
		"min_disk":            img.Meta.MinDisk,
		"min_ram":             img.Meta.MinRAM,
		"status":              orDefault(img.Meta.Status, "active"),
		"visibility":          orDefault(img.Meta.Visibility, "public"),
		"multi":               boolOr(img.Meta.Multi, true),
		"enable":              boolOr(img.Meta.Enable, true),
		"tags":                tags,
		"meta":                meta,
		"latest_url":          latestURL,
		"latest_checksum_url": latestChecksumURL,
	}
	return map[string]any{"image": image, "versions": vs}
}

// LatestURLs are the latest_url and latest_checksum_url a template writes
// for img: its latest alias image and checksum file ("" when the source
// names none). An entry holding exactly these follows its source's stream.
func LatestURLs(img source.Image) (latestURL, latestChecksumURL string) {
	u := img.Upstream
	if u.URL == "" {
		return "", ""
	}
	latestDir := strings.TrimSuffix(u.URL, "/") + "/" + strings.TrimPrefix(u.Latest, "/")
	latestDir = strings.TrimSuffix(latestDir, "/") + "/"
	if u.Filename != "" {
		latestURL = latestDir + u.Filename
	}
	if u.Checksums != "" {
		latestChecksumURL = latestDir + u.Checksums
	}
	return latestURL, latestChecksumURL
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// rendered is what check reads back from a rendered entry.
type rendered struct {
	Name     string `yaml:"name"`
	Versions []struct {
		Version   string `yaml:"version"`
		URL       string `yaml:"url"`
		Checksum  string `yaml:"checksum"`
		BuildDate string `yaml:"build_date"`
	} `yaml:"versions"`
}

func check(out []byte, img source.Image, versions []Version) error {
	var items []rendered
	if err := yaml.Unmarshal(out, &items); err != nil {
		return fmt.Errorf("output is not valid YAML: %w", err)
	}
	if len(items) != 1 {
		return fmt.Errorf("output must be exactly one list item (\"- name: ...\"), got %d", len(items))
	}
	got := items[0]
	if got.Name != img.Name {
		return fmt.Errorf("output names the image %q, want %q", got.Name, img.Name)
	}
	if len(got.Versions) != len(versions) {
		return fmt.Errorf("output has %d versions, want %d", len(got.Versions), len(versions))
	}
	for i, v := range versions {
		g := got.Versions[i]
		if g.Version != v.Version || g.URL != v.URL || g.Checksum != v.Checksum || g.BuildDate != v.BuildDate {
			return fmt.Errorf("version %d reads back as %q %q %q %q, want %q %q %q %q", i+1,
				g.Version, g.URL, g.Checksum, g.BuildDate, v.Version, v.URL, v.Checksum, v.BuildDate)
		}
	}
	return nil
}

// fsLoader reads templates from one fs.FS, so {% include %} and
// {% extends %} cannot reach files outside the templates directory.
type fsLoader struct{ fsys fs.FS }

func (l *fsLoader) Read(p string) (io.Reader, error) {
	name, err := l.Resolve(p)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return nil, err
	}
	if err := checkSource(name, string(b)); err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

func (l *fsLoader) Resolve(p string) (string, error) {
	name := path.Clean(strings.TrimPrefix(p, "/"))
	if !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("template path %q is outside the templates directory", p)
	}
	return name, nil
}

func (l *fsLoader) Inherit(string) (loaders.Loader, error) { return l, nil }

var _ = gonja.DefaultConfig // keep the module's root package, whose init registers the built-ins, linked
