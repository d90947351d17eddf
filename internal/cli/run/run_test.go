package run

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/bot"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/publish"
)

// options parses args as run does and turns them into the bot's options.
func options(t *testing.T, args ...string) (bot.Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmd(&cmdutil.Factory{IOStreams: ios, Token: "t0ken"}, func(o *Options) error { got = o; return nil })
	// Signatures off: these tests are about the flags, not the keys.
	cmd.SetArgs(append([]string{"--signatures", "off"}, args...))
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err != nil {
		return bot.Options{}, err
	}
	return got.botOptions()
}

const gitURL = "https://github.com/o/r"

func TestRunOptions(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check func(o bot.Options) bool
	}{
		{"defaults", []string{"--catalog", gitURL}, func(o bot.Options) bool {
			return o.Git.Branch == publish.DefaultBranch && o.Git.Author == publish.DefaultAuthor && o.Git.Committer == publish.DefaultAuthor &&
				o.Git.APIURL == "https://api.github.com/" && o.Git.FailAfter == publish.DefaultFailAfter && !o.DryRun && o.MirrorURL == nil &&
				o.Token == "t0ken" && o.Signatures.Off()
		}},
		{"committer from the author", []string{"--catalog", gitURL, "--author-name", "A", "--author-email", "a@x", "--committer-email", "c@x"}, func(o bot.Options) bool {
			return o.Git.Author == publish.Identity{Name: "A", Email: "a@x"} && o.Git.Committer == publish.Identity{Name: "A", Email: "c@x"}
		}},
		{"pull request", []string{"--catalog", gitURL, "--label", "a", "--label", "b", "--draft", "--reviewer", "r", "--milestone", "3", "--split-by", "file", "--dashboard", "--sign-commits"}, func(o bot.Options) bool {
			return len(o.Git.Labels) == 2 && o.Git.Draft && len(o.Git.Reviewers) == 1 && o.Git.Milestone == 3 && o.Git.SplitBy == publish.SplitByFile && o.Git.Dashboard && o.Git.SignCommits
		}},
		{"entries", []string{"--catalog", gitURL, "--regenerate", "--disable-eol", "--mirror-url-template", "https://m.example/{{ image.shortname }}", "--dry-run"}, func(o bot.Options) bool {
			for _, img := range o.Sources.Images {
				if !img.Regenerate {
					return false
				}
			}
			return o.DisableEOL && o.MirrorURL != nil && o.DryRun && o.Git.TitleTemplate == nil
		}},
		{"title template", []string{"--catalog", gitURL, "--title", "chore: {{ default }}"}, func(o bot.Options) bool { return o.Git.TitleTemplate != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := options(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Fatalf("options %+v", o)
			}
		})
	}
}

// TestRunRefusesWhatCannotWork: bad publish flags are usage errors (exit
// 2), found before any request.
func TestRunRefusesWhatCannotWork(t *testing.T) {
	local := filepath.Join(t.TempDir(), "none")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--catalog", local, "--dashboard"}, "--dashboard and --sign-commits need a git URL"},
		{[]string{"--catalog", gitURL, "--split-by", "image"}, `--split-by "image": want file`},
		{[]string{"--catalog", gitURL, "--milestone", "-1"}, "--milestone -1"},
		{[]string{"--catalog", gitURL, "--fail-after", "0s"}, "--fail-after 0s"},
		{[]string{"--catalog", gitURL, "--title", "{{ broken"}, "--title"},
		{[]string{"--catalog", gitURL, "--mirror-url-template", "{{ broken"}, "mirror"},
	} {
		_, err := options(t, tt.args...)
		var st *cmdutil.ExitStatus
		if !errors.As(err, &st) || st.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want a usage error saying %q", tt.args, err, tt.want)
		}
	}
}
