package bot

import (
	"errors"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/publish"
)

func TestDiff(t *testing.T) {
	files := []publish.File{
		{Path: "etc/images/ubuntu.yml", Old: []byte("a\nb\nc\n"), New: []byte("a\nB\nc\n")},
		{Path: "etc/images/new.yml", New: []byte("x\n"), Created: true},
		{Path: "etc/images/same.yml", Old: []byte("s\n"), New: []byte("s\n")},
	}
	d := Diff(files)
	for _, want := range []string{
		"diff --git a/etc/images/ubuntu.yml b/etc/images/ubuntu.yml\n--- a/etc/images/ubuntu.yml\n+++ b/etc/images/ubuntu.yml\n",
		"-b\n+B\n",
		"diff --git a/etc/images/new.yml b/etc/images/new.yml\nnew file mode 100644\n--- /dev/null\n+++ b/etc/images/new.yml\n",
		"+x\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "same.yml") {
		t.Errorf("an unchanged file is in the diff:\n%s", d)
	}
}

func TestNewProblemsIgnoresOldOnes(t *testing.T) {
	minDisk := errors.New("images[0].min_disk: -1 is below 0")
	base := problemSet([]error{&catalog.FileError{Path: "a.yml", Line: 3, Err: minDisk}})
	if problemSet(nil) == nil || len(base) != 1 {
		t.Fatalf("problemSet: %v", base)
	}
	for _, tt := range []struct {
		name string
		err  error
		old  bool
	}{
		// The same problem at another line is not new: lines move when
		// entries are added.
		{"same problem, other line", &catalog.FileError{Path: "a.yml", Line: 9, Err: minDisk}, true},
		{"other problem", &catalog.FileError{Path: "a.yml", Line: 3, Err: errors.New("images[0].min_ram: -1 is below 0")}, false},
		// A message that merely reads like a place is not cut.
		{"text without place", errors.New("a.yml:3: images[0].min_disk: -1 is below 0"), false},
	} {
		for k := range problemSet([]error{tt.err}) {
			if _, old := base[k]; old != tt.old {
				t.Errorf("%s: %q counted as old %v, want %v", tt.name, k, old, tt.old)
			}
		}
	}
}

func TestIsGitURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://github.com/o/r": true, "file:///srv/r.git": true, "http://127.0.0.1/r.git": true,
		".": false, "/srv/catalog": false, "github.com/o/r": false,
	} {
		if IsGitURL(in) != want {
			t.Errorf("IsGitURL(%q) = %v", in, !want)
		}
	}
}
