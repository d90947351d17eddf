package cli

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/render"
	"github.com/osism/image-crawler/internal/source"
)

func (a *app) newValidateCmd() *cobra.Command {
	var sourcesPath, templatesDir, catalogLoc, catalogDir string
	var allowEmpty bool
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
			w := a.ios.Out
			var usage, bad []error
			src, err := source.Load(sourcesPath)
			if err == nil {
				// validate checks every key, whatever --signatures a run uses.
				err = source.CheckKeys(src.Images)
			}
			if err != nil {
				usage = append(usage, err)
				src = nil
			} else {
				fmt.Fprintf(w, "ok  sources %s (%d images)\n", src.Path, len(src.Images))
			}
			tpl, err := loadTemplates(templatesDir)
			if err != nil {
				usage = append(usage, err)
			} else if src != nil {
				if errs := checkTemplates(src, tpl); len(errs) > 0 {
					usage = append(usage, errs...)
				} else {
					fmt.Fprintf(w, "ok  templates %s (%d images rendered)\n", templatesName(templatesDir), len(src.Images))
				}
			}
			schema, err := validateSchema(catalogLoc, catalogDir)
			if err != nil {
				bad = append(bad, err)
			} else if schema != catalog.BuiltinSchema() {
				fmt.Fprintf(w, "ok  schema %s\n", schema.Source())
			}
			dir := filepath.Join(catalogLoc, filepath.FromSlash(catalogDir))
			cat, err := loadCatalogIn(cmd.Context(), catalogLoc, catalogDir)
			if err != nil {
				bad = append(bad, err)
			} else {
				for _, fe := range cat.Errors {
					bad = append(bad, prefixed(catalogDir, fe))
				}
				for _, f := range cat.Files {
					rel := path.Join(catalogDir, f.Path)
					errs := append(catalog.ValidateWith(schema, rel, f.Data), catalog.CheckLatest(rel, f.Data)...)
					bad = append(bad, errs...)
					if len(errs) == 0 {
						fmt.Fprintf(w, "ok  %s (%d images)\n", rel, len(f.Images))
					}
				}
				if len(cat.Files) == 0 && len(cat.Errors) == 0 && !allowEmpty {
					bad = append(bad, fmt.Errorf("no catalog file (*.yml, *.yaml) in %s: check --catalog and --catalog-dir (pass --allow-empty for a catalog that is meant to start empty)", dir))
				}
			}
			for _, e := range append(usage, bad...) {
				fmt.Fprintln(a.ios.ErrOut, e)
			}
			a.annotateProblems(append(usage, bad...))
			switch {
			case len(usage) > 0:
				return &exitError{code: ExitUsage}
			case len(bad) > 0:
				return &exitError{code: ExitError}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&sourcesPath, "sources", "", "image sources file (default: the built-in one)")
	cmd.Flags().StringVar(&templatesDir, "templates", "", "directory of Jinja2 templates (default: the built-in ones)")
	cmd.Flags().StringVar(&catalogLoc, "catalog", ".", "local directory of the catalog repository")
	cmd.Flags().StringVar(&catalogDir, "catalog-dir", "etc/images", "folder inside it that holds the catalog files")
	cmd.Flags().BoolVar(&allowEmpty, "allow-empty", false, "a catalog without any catalog file is fine (a new catalog the first run will fill)")
	return cmd
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

func prefixed(dir string, err error) error {
	var fe *catalog.FileError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s/%w", dir, err)
	}
	return err
}

// sampleVersion is what validate renders each template with.
var sampleVersion = render.Version{
	Version: "20260101", URL: "https://example.org/images/20260101/image.qcow2",
	Checksum:  "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	BuildDate: "2026-01-01",
}

func checkTemplates(src *source.File, tpl *render.Renderer) []error {
	var errs []error
	for _, img := range src.Images {
		if img.Template != "" && !tpl.Has(img.Template) {
			errs = append(errs, fmt.Errorf("%s:%d: image %q names template %q, which does not exist", src.Path, img.Line, img.Name, img.Template))
			continue
		}
		entry, err := tpl.Entry(img, []render.Version{sampleVersion})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", src.Path, img.Line, err))
			continue
		}
		for _, e := range catalog.Validate(img.Name+" (rendered)", catalog.NewFile([][]byte{entry})) {
			errs = append(errs, fmt.Errorf("%s:%d: template output for %q fails the image manager schema: %w", src.Path, img.Line, img.Name, e))
		}
	}
	return errs
}

// located is a "file:line: message" problem.
var located = regexp.MustCompile(`^([^:\s][^:]*):(\d+): (.*)$`)

// annotateProblems turns validate's problems into error annotations on the
// lines they name, so a pull request check points at them (GitHub Actions
// only).
func (a *app) annotateProblems(errs []error) {
	if a.gha == nil {
		return
	}
	for _, e := range errs {
		msg := e.Error()
		an := actions.Annotation{Title: "image-crawler validate", Message: msg}
		if m := located.FindStringSubmatch(msg); m != nil {
			an.File, an.Message = m[1], m[3]
			an.Line, _ = strconv.Atoi(m[2])
		}
		_ = actions.Error(a.ios.Out, an)
	}
}
