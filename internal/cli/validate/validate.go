// Package validate is the validate command: the sources file, the
// templates and the catalog files, checked offline (docs/reference.md).
package validate

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/problem"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
)

// Options are validate's flags.
type Options struct {
	Factory    *cmdutil.Factory
	Sources    string
	Templates  string
	Catalog    string
	CatalogDir string
	AllowEmpty bool
}

// NewCmd makes the validate command. runF, when not nil, is called with the
// parsed options instead of running (tests).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the sources file, the templates and the catalog files",
		Long: `validate checks, without any network access:

  - the sources file (keys, types, URLs), every error naming file:line;
  - the templates: each image of the sources file is rendered with a sample version, and the
    result must validate against the image manager's schema;
  - every catalog file under --catalog/--catalog-dir: it must parse and satisfy the catalog
    repository's own schema (etc/schema.yaml, the folder above --catalog-dir) or, without one,
    the built-in copy of the image manager's; and each entry's latest version by the image
    manager's natsort must be its newest build_date;
  - that there is a catalog file at all (--allow-empty for a catalog meant to start empty).

Exit status: 0 all good; 2 the sources file or a template is bad; 1 a catalog file is bad.`,
		Example: `  image-crawler validate --catalog .
  image-crawler validate --sources my-sources.yaml --templates ./templates`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runValidate(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Sources, "sources", "", "image sources file (default: the built-in one)")
	cmd.Flags().StringVar(&opts.Templates, "templates", "", "directory of Jinja2 templates (default: the built-in ones)")
	cmd.Flags().StringVar(&opts.Catalog, "catalog", ".", "local directory of the catalog repository")
	cmd.Flags().StringVar(&opts.CatalogDir, "catalog-dir", "etc/images", "folder inside it that holds the catalog files")
	cmd.Flags().BoolVar(&opts.AllowEmpty, "allow-empty", false, "a catalog without any catalog file is fine (a new catalog the first run will fill)")
	return cmd
}

// runValidate prints an "ok" line for each part that passed, and each
// problem found, with its place.
func runValidate(ctx context.Context, opts *Options) error {
	f := opts.Factory
	w := f.IOStreams.Out
	// usage are the sources file's and the templates' problems (exit 2),
	// bad the catalog's (exit 1).
	var usage, bad []problem.Problem
	src, err := source.Load(opts.Sources)
	if err == nil {
		// validate checks every key, whatever --signatures a run uses.
		err = source.CheckKeys(src.Images)
	}
	if err != nil {
		usage = append(usage, problem.All(err)...)
		src = nil
	} else {
		fmt.Fprintf(w, "ok  sources %s (%d images)\n", src.Path, len(src.Images))
	}
	tpl, err := cmdutil.LoadTemplates(opts.Templates)
	if err != nil {
		usage = append(usage, problem.All(err)...)
	} else if src != nil {
		if ps := checkTemplates(src, tpl); len(ps) > 0 {
			usage = append(usage, ps...)
		} else {
			fmt.Fprintf(w, "ok  templates %s (%d images rendered)\n", cmdutil.TemplatesName(opts.Templates), len(src.Images))
		}
	}
	schema, err := validateSchema(opts.Catalog, opts.CatalogDir)
	if err != nil {
		bad = append(bad, problem.All(err)...)
	} else if schema != catalog.BuiltinSchema() {
		fmt.Fprintf(w, "ok  schema %s\n", schema.Source())
	}
	dir := filepath.Join(opts.Catalog, filepath.FromSlash(opts.CatalogDir))
	cat, err := cmdutil.LoadCatalog(ctx, opts.Catalog, opts.CatalogDir)
	if err != nil {
		bad = append(bad, problem.All(err)...)
	} else {
		for _, fe := range cat.Errors {
			// The catalog names its files inside --catalog-dir.
			bad = append(bad, fe.Problem().Under(opts.CatalogDir))
		}
		for _, cf := range cat.Files {
			rel := path.Join(opts.CatalogDir, cf.Path)
			errs := append(catalog.ValidateWith(schema, rel, cf.Data), catalog.CheckLatest(rel, cf.Data)...)
			for _, e := range errs {
				bad = append(bad, problem.Of(e))
			}
			if len(errs) == 0 {
				fmt.Fprintf(w, "ok  %s (%d images)\n", rel, len(cf.Images))
			}
		}
		if len(cat.Files) == 0 && len(cat.Errors) == 0 && !opts.AllowEmpty {
			bad = append(bad, problem.Problem{Message: fmt.Sprintf("no catalog file (*.yml, *.yaml) in %s: check --catalog and --catalog-dir (pass --allow-empty for a catalog that is meant to start empty)", dir)})
		}
	}
	all := append(usage, bad...)
	for _, p := range all {
		fmt.Fprintln(f.IOStreams.ErrOut, p)
	}
	annotate(f, all)
	switch {
	case len(usage) > 0:
		return cmdutil.Exit(cmdutil.ExitUsage)
	case len(bad) > 0:
		return cmdutil.Exit(cmdutil.ExitError)
	}
	return nil
}

// validateSchema is the catalog repository's own etc/schema.yaml, or the
// built-in copy of the image manager's schema when it has none.
func validateSchema(catalogLoc, catalogDir string) (*catalog.Schema, error) {
	r, err := os.OpenRoot(catalogLoc)
	if err != nil {
		return catalog.BuiltinSchema(), nil
	}
	defer r.Close()
	return catalog.LoadSchema(r.FS(), strings.Trim(catalogDir, "/"))
}

// sampleVersion is what validate renders each template with.
var sampleVersion = render.Version{
	Version: "20260101", URL: "https://example.org/images/20260101/image.qcow2",
	Checksum:  "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	BuildDate: "2026-01-01",
}

func checkTemplates(src *source.File, tpl *render.Renderer) []problem.Problem {
	var ps []problem.Problem
	at := func(img source.Image, format string, args ...any) {
		ps = append(ps, problem.Problem{File: src.Path, Line: img.Line, Message: fmt.Sprintf(format, args...)})
	}
	for _, img := range src.Images {
		if img.Template != "" && !tpl.Has(img.Template) {
			at(img, "image %q names template %q, which does not exist", img.Name, img.Template)
			continue
		}
		entry, err := tpl.Entry(img, []render.Version{sampleVersion})
		if err != nil {
			at(img, "%v", err)
			continue
		}
		for _, e := range catalog.Validate(img.Name+" (rendered)", catalog.NewFile([][]byte{entry})) {
			at(img, "template output for %q fails the image manager schema: %v", img.Name, e)
		}
	}
	return ps
}

// annotate turns validate's problems into error annotations on the lines
// they name, so a pull request check points at them (GitHub Actions only).
func annotate(f *cmdutil.Factory, ps []problem.Problem) {
	if f.Actions == nil {
		return
	}
	for _, p := range ps {
		_ = actions.Error(f.IOStreams.Out, actions.Annotation{Title: "image-crawler validate", File: p.File, Line: p.Line, Message: p.Message})
	}
}
