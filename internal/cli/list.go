package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/source"
)

// listed is one image of `image-crawler list --json` (docs/reference.md).
type listed struct {
	Name     string `json:"name"`
	File     string `json:"file"`
	Type     string `json:"type"`
	Arch     string `json:"arch"`
	Releases int    `json:"releases,omitempty"` // newest releases a per-release source stands for
}

func (a *app) newListCmd() *cobra.Command {
	var sourcesPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the images the sources offer",
		Long: `list prints every image of the sources file, its catalog file and its type, without any
network access. These are the names --only and --add take. A per-release source ("Fedora {release}")
stands for one image per current release of it, which only a crawl can tell.`,
		Example: `  image-crawler list
  image-crawler list --json | jq -r '.[].name'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			src, err := source.Load(sourcesPath)
			if err != nil {
				return usageErr(err)
			}
			out := make([]listed, 0, len(src.Images))
			for _, img := range src.Images {
				out = append(out, listed{Name: img.Name, File: img.File, Type: img.Type, Arch: img.Arch, Releases: img.Upstream.Releases})
			}
			if asJSON {
				enc := json.NewEncoder(a.ios.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			tw := tabwriter.NewWriter(a.ios.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "IMAGE\tFILE\tTYPE\tARCH")
			for _, l := range out {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, l.File, l.Type, l.Arch)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&sourcesPath, "sources", "", "image sources file (default: the built-in one)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}
