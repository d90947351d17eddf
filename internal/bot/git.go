package bot

import (
	"context"
	"fmt"
)

// openGit clones a git URL catalog. The git and pull request flow lives in
// gitflow.go.
func openGit(ctx context.Context, o *Options) (workspace, error) {
	return nil, fmt.Errorf("git catalogs are not supported yet")
}
