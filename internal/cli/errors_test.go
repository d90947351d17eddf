package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/osism/image-crawler/templates"
)

// A typo in a template is the operator's input: exit 2, before anything is
// crawled, naming the file, the line and the undefined variable once.
func TestTemplateTypoIsUsageError(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	def, err := templates.FS.ReadFile(templates.Default)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(def), "v.version | q", "v.versoin | q", 1)
	if bad == string(def) {
		t.Fatal("the default template has no v.version | q to misspell")
	}
	line := 1 + strings.Count(bad[:strings.Index(bad, "v.versoin")], "\n")
	if err := os.WriteFile(filepath.Join(dir, templates.Default), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "crawl"} {
		r := w.run(nil, w.args(cmd, "--templates", dir)...)
		if r.code != ExitUsage {
			t.Fatalf("%s: exit %d, want 2\n%s", cmd, r.code, r.stderr)
		}
		want := filepath.Join(dir, templates.Default) + ": line " + strconv.Itoa(line) + ": v.versoin is undefined"
		if strings.Count(r.stderr, want) != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%s: stderr should say %q once, in one line:\n%s", cmd, want, r.stderr)
		}
	}
}
