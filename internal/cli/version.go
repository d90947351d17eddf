package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/buildinfo"
)

func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  image-crawler version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(a.ios.Out, "image-crawler %s", buildinfo.Version)
			if c := buildinfo.Commit(); c != "" {
				fmt.Fprintf(a.ios.Out, " (%s)", c)
			}
			fmt.Fprintf(a.ios.Out, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
