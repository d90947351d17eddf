// Package version is the version command.
package version

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
)

// NewCmd makes the version command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  image-crawler version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(f.IOStreams.Out, "image-crawler %s", buildinfo.Version)
			if c := buildinfo.Commit(); c != "" {
				fmt.Fprintf(f.IOStreams.Out, " (%s)", c)
			}
			fmt.Fprintf(f.IOStreams.Out, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
