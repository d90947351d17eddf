// Package actions is image-crawler's side of the GitHub Actions runner: it
// reads the action's inputs from INPUT_* variables, writes step outputs to
// GITHUB_OUTPUT and the job summary (rendered by report.Summary) to
// GITHUB_STEP_SUMMARY, and prints
// workflow commands (masks, groups, annotations) with the runner's escaping.
//
// Nothing here knows about flags or cobra: Inputs and Defaults return flag
// names and values, and the command line decides what to do with them. The
// order the command line applies them in is the documented precedence:
// command-line flag, then action input, then IMAGE_CRAWLER_* variable, then
// the defaults below.
package actions

import (
	"fmt"
	"net/mail"
	"strings"
)

// LookupEnv reads one environment variable: os.LookupEnv, or a map in tests.
type LookupEnv func(key string) (string, bool)

// Runtime is the GitHub Actions runner around this process.
type Runtime struct {
	env LookupEnv
	// Secrets are masked in everything written to the runner's files
	// (outputs and summary), which do not pass through the redacting
	// writers of stdout and stderr.
	Secrets []string
}

// Detect returns the runtime when the process runs inside GitHub Actions
// (GITHUB_ACTIONS=true, which the runner sets in every step and container),
// and nil otherwise.
func Detect(env LookupEnv) *Runtime {
	if v, _ := env("GITHUB_ACTIONS"); v != "true" {
		return nil
	}
	return &Runtime{env: env}
}

// Getenv returns the variable's value, "" when it is not set.
func (r *Runtime) Getenv(key string) string {
	v, _ := r.env(key)
	return v
}

// inputVar is the variable the runner passes an input in: the name upper
// cased, spaces as underscores, hyphens kept (INPUT_DRY-RUN). A Docker
// action's container receives these verbatim.
func inputVar(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

// Input returns the input's value with surrounding white space removed, as
// @actions/core's getInput does; "" when it is not set.
func (r *Runtime) Input(name string) string {
	v, _ := r.env(inputVar(name))
	return strings.TrimSpace(v)
}

// IsAction reports whether the process runs as the image-crawler action
// rather than in a plain `run:` step. The runner passes every input the
// action declares, with its default when the workflow gives none, so the
// presence of any one of them tells. Only then do inputs apply and does the
// catalog default to the workflow's own repository: in a `run:` step the
// command line keeps its ordinary defaults.
func (r *Runtime) IsAction() bool {
	for _, in := range inputs {
		if _, ok := r.env(inputVar(in.name)); ok {
			return true
		}
	}
	_, ok := r.env(inputVar("token"))
	return ok
}

// Flag is a value for one command-line flag, from an input or a default.
type Flag struct {
	Name   string   // the flag: "label"
	Values []string // one per repetition of the flag
	From   string   // where the value came from, for error messages: "input labels"
}

type kind int

const (
	text kind = iota
	list      // one value per line or comma, for repeatable flags
	boolean
	identity // "Name <email>", split into --author-name and --author-email
)

// inputs are the action's inputs that map to flags (action.yml declares
// them; token is read with the environment by the command line). Each
// command takes the ones it has a flag for and ignores the rest.
var inputs = []struct {
	name, flag string
	kind       kind
}{
	{"catalog", "catalog", text},
	{"catalog-dir", "catalog-dir", text},
	{"sources", "sources", text},
	{"templates", "templates", text},
	{"only", "only", list},
	{"mirror", "mirror", list},
	{"signatures", "signatures", text},
	{"dry-run", "dry-run", boolean},
	{"repo", "repo", text},
	{"base", "base", text},
	{"branch", "branch", text},
	{"github-api-url", "github-api-url", text},
	{"labels", "label", list},
	{"draft", "draft", boolean},
	{"author", "", identity}, // sets author-name and author-email
	{"signoff", "signoff", boolean},
	{"add", "add", list},
	{"add-all", "add-all", boolean},
	{"mirror-url-template", "mirror-url-template", text},
	{"regenerate", "regenerate", boolean},
	{"sign-commits", "sign-commits", boolean},
	{"dashboard", "dashboard", boolean},
	{"fail-after", "fail-after", text},
	{"reviewers", "reviewer", list},
	{"team-reviewers", "team-reviewer", list},
	{"assignees", "assignee", list},
	{"milestone", "milestone", text},
	{"title", "title", text},
	{"commit-message", "commit-message", text},
	{"split-by", "split-by", text},
	{"skip-mirror", "skip-mirror", boolean}, // verify only
	{"disable-eol", "disable-eol", boolean},
}

// FlagNames lists every flag an input can set, for the command line's
// tests: run must have each of them.
func FlagNames() []string {
	var names []string
	for _, in := range inputs {
		if in.kind == identity {
			names = append(names, "author-name", "author-email")
			continue
		}
		names = append(names, in.flag)
	}
	return names
}

// Inputs returns the flag values the action's inputs set, in action.yml's
// order. An empty input sets nothing, so a lower-precedence source (an
// IMAGE_CRAWLER_* variable, the default) still applies. Outside the action
// (see IsAction) it returns nothing.
func (r *Runtime) Inputs() ([]Flag, error) {
	if !r.IsAction() {
		return nil, nil
	}
	var flags []Flag
	var errs []string
	for _, in := range inputs {
		v := r.Input(in.name)
		if v == "" {
			continue
		}
		from := "input " + in.name
		switch in.kind {
		case text:
			flags = append(flags, Flag{Name: in.flag, Values: []string{v}, From: from})
		case list:
			if vs := SplitList(v); len(vs) > 0 {
				flags = append(flags, Flag{Name: in.flag, Values: vs, From: from})
			}
		case boolean:
			b, err := ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", from, err))
				continue
			}
			flags = append(flags, Flag{Name: in.flag, Values: []string{fmt.Sprint(b)}, From: from})
		case identity:
			addr, err := mail.ParseAddress(v)
			if err != nil || addr.Name == "" {
				errs = append(errs, fmt.Sprintf("%s: %q: want \"Name <email@example.org>\"", from, v))
				continue
			}
			flags = append(flags,
				Flag{Name: "author-name", Values: []string{addr.Name}, From: from},
				Flag{Name: "author-email", Values: []string{addr.Address}, From: from})
		}
	}
	if len(errs) > 0 {
		return flags, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return flags, nil
}

// Defaults returns the values the runner's environment gives flags that
// nothing else set (isSet reports the flags that are set). As the action, a
// run or crawl works on the workflow's own repository: the catalog is
// GITHUB_SERVER_URL/GITHUB_REPOSITORY, the pull request goes to
// GITHUB_REPOSITORY through GITHUB_API_URL, which is also right on GitHub
// Enterprise Server. RUNNER_DEBUG=1 ("Enable debug logging" on a re-run)
// turns on debug logging in any step.
func (r *Runtime) Defaults(command string, isSet func(flag string) bool) []Flag {
	var flags []Flag
	add := func(name, value, from string) {
		if value != "" && !isSet(name) {
			flags = append(flags, Flag{Name: name, Values: []string{value}, From: from})
		}
	}
	if r.Getenv("RUNNER_DEBUG") == "1" {
		add("verbose", "true", "RUNNER_DEBUG")
	}
	if !r.IsAction() || (command != "run" && command != "crawl") {
		return flags
	}
	repo := r.Getenv("GITHUB_REPOSITORY")
	if !isSet("catalog") && repo != "" {
		server := strings.TrimSuffix(r.Getenv("GITHUB_SERVER_URL"), "/")
		if server == "" {
			server = "https://github.com"
		}
		add("catalog", server+"/"+repo, "GITHUB_SERVER_URL and GITHUB_REPOSITORY")
		// The pull request goes where the catalog is; a catalog input
		// naming another repository derives its own.
		add("repo", repo, "GITHUB_REPOSITORY")
	}
	add("github-api-url", r.Getenv("GITHUB_API_URL"), "GITHUB_API_URL")
	return flags
}

// SplitList splits a list input the way peter-evans/create-pull-request
// does: one item per line or per comma, blanks dropped.
func SplitList(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, item := range strings.Split(line, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// ParseBool reads a boolean input as @actions/core's getBooleanInput does:
// the YAML 1.2 core schema's true, True, TRUE, false, False, FALSE.
func ParseBool(s string) (bool, error) {
	switch s {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean: want true or false", s)
}
