// Package list is the list command: the images the sources offer, offline
// (docs/reference.md).
package list

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/source"
)

// Image is one image of `image-crawler list --json` (docs/reference.md).
type Image struct {
	Name     string `json:"name"`
	File     string `json:"file"`
	Type     string `json:"type"`
	Arch     string `json:"arch"`
	Releases int    `json:"releases,omitempty"` // newest releases a per-release source stands for
}

// Options are list's flags.
type Options struct {
	Factory *cmdutil.Factory
	Sources string
	JSON    bool
}

// NewCmd makes the list command. runF, when not nil, is called with the
// parsed options instead of running (tests).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
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
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Sources, "sources", "", "image sources file (default: the built-in one)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON instead of a table")
	return cmd
}

func runList(opts *Options) error {
	out := opts.Factory.IOStreams.Out
	src, err := source.Load(opts.Sources)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	imgs := make([]Image, 0, len(src.Images))
	for _, img := range src.Images {
		imgs = append(imgs, Image{Name: img.Name, File: img.File, Type: img.Type, Arch: img.Arch, Releases: img.Upstream.Releases})
	}
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(imgs)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tFILE\tTYPE\tARCH")
	for _, l := range imgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, l.File, l.Type, l.Arch)
	}
	return tw.Flush()
}
