// Package verify is a reviewer's check of a catalog change against upstream
// (image-crawler verify, docs/verify.md): every version item a change adds
// or modifies, whoever wrote it, is checked against what upstream publishes
// for that build, and so are the changed files against the catalog's schema.
package verify

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"golang.org/x/sync/errgroup"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Status is the verdict on one item.
type Status string

const (
	OK           Status = "ok"
	Failed       Status = "failed"
	NotCheckable Status = "not checkable"
)

// Change says what the change did to an item.
const (
	Added    = "added"
	Modified = "modified"
	Schema   = "schema" // a problem of a changed file, not of one item
)

// Item is the verdict on one version item the change added or modified (or
// on one schema problem of a changed file).
type Item struct {
	File    string `json:"file"` // relative to the repository: etc/images/ubuntu.yml
	Line    int    `json:"line"` // 1-based line of the item
	Image   string `json:"image,omitempty"`
	Version string `json:"version,omitempty"`
	Change  string `json:"change"` // added, modified or schema
	Status  Status `json:"status"`
	// Failures are the rules the item breaks, each a sentence of its own.
	Failures []string `json:"failures,omitempty"`
	// Unchecked says what could not be checked, and why (a not checkable
	// item has at least one; an ok item may have some, such as an
	// unsigned checksum file).
	Unchecked []string `json:"unchecked,omitempty"`
	// Checked names the checks the item passed.
	Checked []string `json:"checked,omitempty"`
}

// Reason is the item's failures, or else what was not checked, in one line.
func (it Item) Reason() string {
	if len(it.Failures) > 0 {
		return strings.Join(it.Failures, "; ")
	}
	return strings.Join(it.Unchecked, "; ")
}

// Report is the outcome of Run.
type Report struct {
	Base    string `json:"base"`     // the merge base the change was compared with
	BaseRef string `json:"base_ref"` // the ref it came from
	Items   []Item `json:"items"`
}

// Count returns how many items have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, it := range r.Items {
		if it.Status == s {
			n++
		}
	}
	return n
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Options configure Run.
type Options struct {
	// Repo is the local git repository whose checked-out catalog is
	// checked: its top directory.
	Repo string
	// CatalogDir is the folder inside Repo that holds the catalog files
	// (slash path, "etc/images").
	CatalogDir string
	// Base is the ref to compare with (its merge base with HEAD); "" is the
	// repository's default branch: DefaultBranch when set (GITHUB_BASE_REF
	// in a pull request's workflow), else origin's HEAD, main or master.
	Base          string
	DefaultBranch string
	// Sources describe the entries; nil means none does.
	Sources *source.File
	// Signatures overrides every source's signature setting when set
	// (required, optional, off).
	Signatures source.SignaturePolicy
	// Fetcher makes every request; a *httpclient.Client shares one request
	// per URL and keeps to its per-host limit.
	Fetcher upstream.Fetcher
	// SkipMirror leaves mirror_url unchecked (mirrors filled after merging).
	SkipMirror bool
	// Concurrency is how many items are checked at once (default 16).
	Concurrency int
}

// Run compares the catalog checked out in o.Repo with its base and checks
// every version item the change adds or modifies. Items come back in file
// and line order. An error is returned only when nothing could be checked:
// a *BaseError when the base is not in the local repository.
func Run(ctx context.Context, o Options) (*Report, error) {
	dir := strings.Trim(path.Clean("/"+filepath.ToSlash(o.CatalogDir)), "/")
	repo, err := git.PlainOpen(o.Repo)
	if err != nil {
		return nil, &BaseError{Ref: "HEAD", Err: fmt.Errorf("%s is not the top directory of a git repository: %w", o.Repo, err)}
	}
	baseCommit, baseRef, err := resolveBase(repo, o.Base, o.DefaultBranch)
	if err != nil {
		return nil, err
	}
	base, baseRaw, err := baseCatalog(baseCommit, dir)
	if err != nil {
		return nil, fmt.Errorf("read the catalog at %s: %w", baseCommit.Hash, err)
	}
	head, err := catalog.Load(filepath.Join(o.Repo, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	schema, err := loadSchema(o.Repo, dir)
	if err != nil {
		return nil, err
	}
	rep := &Report{Base: baseCommit.Hash.String(), BaseRef: baseRef}
	rel := func(p string) string { return path.Join(dir, p) }

	// Files: the ones that did not parse, and the schema of every changed one.
	for _, fe := range head.Errors {
		if b, ok := baseRaw[fe.Path]; ok && sameFile(o.Repo, dir, fe.Path, b) {
			continue
		}
		rep.Items = append(rep.Items, Item{File: rel(fe.Path), Line: fe.Line, Change: Schema, Status: Failed, Failures: []string{fe.Err.Error()}})
	}
	baseImages := map[string]*catalog.Image{}
	for _, f := range base {
		for _, img := range f.Images {
			if _, dup := baseImages[img.Name]; !dup {
				baseImages[img.Name] = img
			}
		}
	}
	v := &verifier{o: o, f: o.Fetcher}
	var work []*task
	type group struct {
		img     *catalog.Image
		changed []int
		tasks   []*task
	}
	var groups []group
	for _, f := range head.Files {
		if b, ok := baseRaw[f.Path]; ok && bytes.Equal(b, f.Data) {
			continue
		}
		for _, e := range catalog.ValidateWith(schema, rel(f.Path), f.Data) {
			it := Item{File: rel(f.Path), Change: Schema, Status: Failed, Failures: []string{e.Error()}}
			if fe, ok := e.(*catalog.FileError); ok {
				it.Line, it.Failures = fe.Line, []string{"schema: " + fe.Err.Error()}
			}
			rep.Items = append(rep.Items, it)
		}
		for _, img := range f.Images {
			old := baseImages[img.Name]
			var changed []int
			for i, ver := range img.Versions {
				if ch := changeOf(old, ver); ch != "" {
					changed = append(changed, i)
					work = append(work, &task{file: f, img: img, idx: i, item: Item{
						File: rel(f.Path), Line: ver.Line, Image: img.Name, Version: ver.Version, Change: ch}})
				}
			}
			if len(changed) > 0 {
				groups = append(groups, group{img, changed, work[len(work)-len(changed):]})
			}
		}
	}
	n := cmp.Or(o.Concurrency, 16)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	for _, t := range work {
		g.Go(func() error {
			v.check(gctx, t)
			return nil
		})
	}
	_ = g.Wait()
	// After the items' own checks: a build_date found wrong there says
	// nothing about the order.
	for _, gr := range groups {
		v.latest(gr.img, gr.changed, gr.tasks)
	}
	for _, t := range work {
		t.item.Status = OK
		switch {
		case len(t.item.Failures) > 0:
			t.item.Status = Failed
		case t.uncheckable:
			t.item.Status = NotCheckable
		}
		rep.Items = append(rep.Items, t.item)
	}
	slices.SortStableFunc(rep.Items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

// changeOf says whether ver is new or changed against the image's base
// version of the same version string ("" when it is as it was).
func changeOf(old *catalog.Image, ver catalog.Version) string {
	if old == nil {
		return Added
	}
	for i := len(old.Versions) - 1; i >= 0; i-- {
		b := old.Versions[i]
		if b.Version != ver.Version {
			continue
		}
		if b.URL == ver.URL && b.Checksum == ver.Checksum && b.BuildDate == ver.BuildDate && slices.Equal(b.Extra, ver.Extra) {
			return ""
		}
		return Modified
	}
	return Added
}

// sameFile reports whether the file on disk has the base's bytes.
func sameFile(repo, dir, p string, data []byte) bool {
	b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(dir), filepath.FromSlash(p)))
	return err == nil && bytes.Equal(b, data)
}

// loadSchema is the catalog repository's own etc/schema.yaml (the folder
// above the catalog directory), or the built-in copy.
func loadSchema(repo, dir string) (*catalog.Schema, error) {
	r, err := os.OpenRoot(repo)
	if err != nil {
		return catalog.BuiltinSchema(), nil
	}
	defer r.Close()
	if dir == "" {
		dir = "."
	}
	return catalog.LoadSchema(r.FS(), dir)
}
