package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/iostreams"
)

func noEnv(string) (string, bool) { return "", false }

// The demo removes the temporary catalog it made, and its --help is its own.
func TestDemoLeavesNothingBehind(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ios, _, out, errOut := iostreams.Test()
	if code := run(context.Background(), []string{"--only", "Debian 12"}, ios, noEnv); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out.String(), "Debian 12") {
		t.Fatalf("the dry run proposes no Debian 12:\n%s", out)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("left behind in the temporary directory: %v", left)
	}
}

func TestDemoHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		ios, _, out, _ := iostreams.Test()
		if code := run(context.Background(), []string{arg}, ios, noEnv); code != 0 {
			t.Fatalf("%s: exit %d", arg, code)
		}
		if !strings.HasPrefix(out.String(), "demo: image-crawler at work without network access") || strings.Contains(out.String(), "Crawl upstream, update the catalog") {
			t.Fatalf("%s shows no demo help:\n%s", arg, out)
		}
	}
}
