package crawl

import (
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/iostreams"
)

// parse runs the command's flag parsing alone: runF receives the options.
func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmd(&cmdutil.Factory{IOStreams: ios}, func(o *Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return got, err
}

// TestCrawlRefusesPublishFlags: crawl writes, commits and proposes nothing,
// so it has none of run's publish flags (docs/reference.md).
func TestCrawlRefusesPublishFlags(t *testing.T) {
	for _, flag := range []string{"--draft", "--label=x", "--signoff", "--author-name=x", "--repo=o/r", "--dry-run", "--regenerate", "--dashboard", "--split-by=file", "--mirror-url-template=x"} {
		if _, err := parse(t, flag); err == nil || !strings.Contains(err.Error(), "unknown flag") {
			t.Errorf("crawl %s: %v, want unknown flag", flag, err)
		}
	}
}

func TestCrawlOptions(t *testing.T) {
	o, err := parse(t, "--json", "--only", "Debian 12", "--only", "Ubuntu 24.04", "--signatures", "off", "--per-host", "2", "--catalog", "https://github.com/o/r")
	if err != nil {
		t.Fatal(err)
	}
	c := o.Crawl
	if !o.JSON || len(c.Only) != 2 || !c.Signatures.Off() || c.PerHost != 2 || c.Catalog != "https://github.com/o/r" || c.CatalogDir != "etc/images" {
		t.Fatalf("options %+v", o)
	}
	// --signatures is checked once, when parsed.
	if _, err := parse(t, "--signatures", "sometimes"); err == nil || !strings.Contains(err.Error(), "want required, optional or off") {
		t.Fatalf("--signatures sometimes: %v", err)
	}
}
