package cli

import "github.com/osism/image-crawler/internal/cli/cmdutil"

// LimitMemory sets the run's memory limit and its start-up collector
// setting (cmdutil.LimitMemory). The commands' main functions call it;
// tests do not.
func LimitMemory() { cmdutil.LimitMemory() }
