package cli

import (
	"strings"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/redact"
)

// tokenVars are every environment variable that may hold a GitHub token the
// process can see, whether or not the bot uses it: each is masked
// everywhere (docs/security.md). lookupTokens picks the one to use.
var tokenVars = []string{"INPUT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"}

// registerSecrets makes every token of the environment a secret that all
// redaction masks, in the report and the pull request body as well as on
// the terminal.
func registerSecrets(env LookupEnv) {
	for _, k := range tokenVars {
		if v, ok := env(k); ok {
			redact.Register(strings.TrimSpace(v))
		}
	}
}

// guardOutput keeps every line printed in Actions, by any command, from being
// taken for a workflow command (docs/security.md): a file name or YAML key
// with a newline could otherwise forge annotations or stop command
// processing. The package's own annotations still pass.
func guardOutput(f *cmdutil.Factory) func() {
	if f.Actions == nil {
		return func() {}
	}
	out, errOut := actions.NewSafeWriter(f.IOStreams.Out), actions.NewSafeWriter(f.IOStreams.ErrOut)
	f.IOStreams.Out, f.IOStreams.ErrOut = out, errOut
	return func() {
		_ = out.Flush()
		_ = errOut.Flush()
	}
}
