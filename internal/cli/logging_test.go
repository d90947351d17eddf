package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/osism/image-crawler/internal/cli/cmdutil"

	"github.com/osism/image-crawler/internal/iostreams"
)

// runLog runs a command against the world's mirror and returns its stderr.
func runLog(w *world, terminal bool, env map[string]string, args ...string) (int, string) {
	ios, _, _, errOut := iostreams.Test()
	ios.Terminal = terminal
	code := Main(context.Background(), w.args(args...), ios, mapEnv(env))
	return code, errOut.String()
}

func TestLogging(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tests := []struct {
		name     string
		terminal bool
		env      map[string]string
		args     []string
		json     bool
		debug    bool
		progress bool
	}{
		{"text, info", false, nil, []string{"crawl"}, false, false, false},
		{"json, debug", false, nil, []string{"crawl", "--log-format", "json", "-v"}, true, true, false},
		{"debug from the environment", false, map[string]string{"IMAGE_CRAWLER_VERBOSE": "true"}, []string{"crawl"}, false, true, false},
		{"debug on an Actions re-run with debug logging", false, map[string]string{"GITHUB_ACTIONS": "true", "RUNNER_DEBUG": "1"}, []string{"crawl"}, false, true, false},
		{"progress lines on a terminal", true, nil, []string{"crawl"}, false, false, true},
	}
	textLine := regexp.MustCompile(`^time=\S+ level=(DEBUG|INFO|WARN|ERROR) msg=`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runLog(w, tt.terminal, tt.env, tt.args...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var debug, crawled, progress int
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				switch {
				case strings.HasPrefix(line, "::group::") || line == "::endgroup::":
					// Actions folds the crawl's log lines into a group.
				case strings.Contains(line, cmdutil.EraseLine[1:]):
					// One line on a terminal, rewritten in place per image.
					for _, seg := range strings.Split(line, cmdutil.EraseLine[1:]) {
						seg = strings.TrimSuffix(seg, "\r")
						if seg == "" {
							continue
						}
						if !regexp.MustCompile(`^\[[12]/[12]\] 0 failed; (Ubuntu 24\.04|Debian 12): new build `).MatchString(seg) {
							t.Errorf("progress line %q", seg)
						}
						progress++
					}
				case tt.json:
					var rec struct{ Level, Msg string }
					if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" || rec.Msg == "" {
						t.Fatalf("not a JSON log record: %q (%v)", line, err)
					}
					debug += btoi(rec.Level == "DEBUG")
					crawled += btoi(rec.Msg == "crawled")
				default:
					if !textLine.MatchString(line) {
						t.Fatalf("not a text log record: %q", line)
					}
					debug += btoi(strings.Contains(line, "level=DEBUG"))
					crawled += btoi(strings.Contains(line, "msg=crawled"))
				}
			}
			if (debug > 0) != tt.debug {
				t.Errorf("%d debug lines, want debug %v:\n%s", debug, tt.debug, stderr)
			}
			if tt.progress && (progress != 2 || crawled != 0) {
				t.Errorf("on a terminal: %d progress lines, %d crawled log lines, want 2 and 0:\n%s", progress, crawled, stderr)
			}
			if !tt.progress && (progress != 0 || crawled != 2) {
				t.Errorf("off a terminal: %d progress lines, %d crawled log lines, want 0 and 2:\n%s", progress, crawled, stderr)
			}
		})
	}
	if code, stderr := runLog(w, false, nil, "crawl", "--log-format", "xml"); code != ExitUsage || !strings.Contains(stderr, "--log-format") {
		t.Errorf("--log-format xml: exit %d\n%s", code, stderr)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEveryCommandHasHelpWithExamples walks the command tree, cobra's own
// completion and help commands included.
func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command, path []string)
	n := 0
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
		n++
		ios, _, out, errOut := iostreams.Test()
		if code := Main(context.Background(), append(path, "--help"), ios, mapEnv(nil)); code != ExitOK {
			t.Errorf("%q --help: exit %d\n%s", path, code, errOut)
		}
		if !strings.Contains(out.String(), "\nExamples:\n  ") {
			t.Errorf("image-crawler %s --help has no examples:\n%s", strings.Join(path, " "), out)
		}
	}
	walk(newRoot(&cmdutil.Factory{Env: mapEnv(nil)}), nil)
	if n < 11 { // root, run, crawl, validate, version, help, completion and its four shells
		t.Errorf("walked %d commands", n)
	}
}

func TestShellCompletion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"completion", "bash"}, "__start_image-crawler"},
		{[]string{"completion", "zsh"}, "#compdef image-crawler"},
		{[]string{"completion", "fish"}, "complete -c image-crawler"},
		{[]string{"__complete", "run", "--on"}, "--only\t"},
		{[]string{"__complete", "cr"}, "crawl\t"},
	} {
		ios, _, out, errOut := iostreams.Test()
		if code := Main(context.Background(), tt.args, ios, mapEnv(nil)); code != ExitOK || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%q: exit %d, output lacks %q\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
}
