package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/cli/run"
	"github.com/osism/image-crawler/internal/cli/verify"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/fakegithub"
	"github.com/osism/image-crawler/internal/testenv/golden"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// The tests here run image-crawler the way the GitHub runner runs the
// Docker action: the arguments of action.yml's runs.args, INPUT_* for every
// input (action.yml's default unless the workflow's `with:` says
// otherwise), the runner's GITHUB_* variables, and empty GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files. The catalog is the workflow's own repository,
// osism/catalog, on the git server, which is where GITHUB_SERVER_URL points.

// actionRun is what one step of the action left behind.
type actionRun struct {
	code           int
	stdout, stderr string
	outputs        map[string]string
	summary        string
}

// actionDefaults returns action.yml's inputs with their defaults.
func actionDefaults(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct{ Default string }
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	in := map[string]string{}
	for name, v := range action.Inputs {
		in[name] = v.Default
	}
	return in
}

// newActionWorld is the forge world with the catalog also published as
// osism/catalog, the repository the workflow runs in.
func newActionWorld(t *testing.T) *forgeWorld {
	t.Helper()
	w := newForgeWorld(t)
	files := map[string]string{"README.md": "catalog\n"}
	for _, name := range []string{"ubuntu.yml", "cirros.yml"} {
		files["etc/images/"+name] = w.read(name)
	}
	w.git.CreateRepo("osism/catalog", "main", files)
	w.gh.UseBranches(repoBranches{w.git, "osism/catalog"})
	return w
}

// runAction runs one step of the action with the workflow's `with:`
// inputs and extra environment.
func (w *forgeWorld) runAction(with, env map[string]string, extraArgs ...string) actionRun {
	w.t.Helper()
	dir := w.t.TempDir()
	outputFile, summaryFile := filepath.Join(dir, "set_output"), filepath.Join(dir, "step_summary")
	for _, f := range []string{outputFile, summaryFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			w.t.Fatal(err)
		}
	}
	inputs := actionDefaults(w.t)
	inputs["token"] = canary // ${{ github.token }}
	inputs["only"] = "Ubuntu 24.04\nDebian 12"
	inputs["add"] = "Debian 12" // the catalog has none yet
	inputs["mirror"] = "https://cloud-images.ubuntu.com/=" + w.mirror.URL + "/ubuntu/\n" +
		"https://cloud.debian.org/=" + w.mirror.URL + "/debian/"
	inputs["labels"] = "images"
	inputs["signatures"] = "optional" // no signatures by the real keys on the test mirror
	for k, v := range with {
		inputs[k] = v
	}
	e := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"CI":                  "true",
		"GITHUB_REPOSITORY":   "osism/catalog",
		"GITHUB_SERVER_URL":   w.git.URL(),
		"GITHUB_API_URL":      w.gh.URL,
		"GITHUB_OUTPUT":       outputFile,
		"GITHUB_STEP_SUMMARY": summaryFile,
		"GITHUB_WORKSPACE":    dir,
	}
	for name, v := range inputs {
		e["INPUT_"+strings.ToUpper(name)] = v
	}
	for k, v := range env {
		e[k] = v
	}
	ios, _, out, errOut := iostreams.Test()
	args := append([]string{inputs["command"]}, extraArgs...) // runs.args: [${{ inputs.command }}]
	r := actionRun{code: Main(context.Background(), args, ios, mapEnv(e)), stdout: out.String(), stderr: errOut.String()}

	outputs, err := os.ReadFile(outputFile)
	if err != nil {
		w.t.Fatal(err)
	}
	summary, err := os.ReadFile(summaryFile)
	if err != nil {
		w.t.Fatal(err)
	}
	r.outputs, r.summary = parseGitHubOutput(w.t, string(outputs)), string(summary)
	checkOffline(w.t, r.stdout, r.stderr, r.summary)

	// The token reaches the runner once, in the mask command that opens
	// the output, and nowhere else.
	mask := "::add-mask::" + canary + "\n"
	if !strings.HasPrefix(r.stdout, mask) {
		w.t.Fatalf("stdout does not open with the mask command:\n%s", r.stdout)
	}
	for name, s := range map[string]string{"stdout": r.stdout[len(mask):], "stderr": r.stderr, "outputs": string(outputs), "summary": r.summary} {
		if strings.Contains(s, canary) {
			w.t.Fatalf("the token appears unmasked in %s:\n%s", name, s)
		}
	}
	return r
}

// parseGitHubOutput reads GITHUB_OUTPUT as the runner does: name=value,
// or name<<DELIMITER, lines, DELIMITER.
func parseGitHubOutput(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if s == "" {
		return out
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		eq, hd := strings.Index(lines[i], "="), strings.Index(lines[i], "<<")
		if eq > 0 && (hd < 0 || eq < hd) {
			out[lines[i][:eq]] = lines[i][eq+1:]
			continue
		}
		if hd <= 0 {
			t.Fatalf("GITHUB_OUTPUT line %q is neither name=value nor name<<DELIMITER", lines[i])
		}
		name, delim := lines[i][:hd], lines[i][hd+2:]
		if len(delim) < 20 {
			t.Fatalf("output %s: delimiter %q is not random enough", name, delim)
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s: delimiter never closes:\n%s", name, s)
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

// checkOutputs compares the step outputs, the updates list by image, kind
// and version.
func checkOutputs(t *testing.T, r actionRun, want map[string]string, updates ...string) {
	t.Helper()
	for k, v := range want {
		if r.outputs[k] != v {
			t.Errorf("output %s = %q, want %q", k, r.outputs[k], v)
		}
	}
	var list []report.Update
	if err := json.Unmarshal([]byte(r.outputs["updates"]), &list); err != nil || list == nil {
		t.Fatalf("output updates is not a JSON list: %v\n%s", err, r.outputs["updates"])
	}
	var got []string
	for _, u := range list {
		got = append(got, u.Image+" "+u.Kind+" "+u.Version)
	}
	if strings.Join(got, ", ") != strings.Join(updates, ", ") {
		t.Errorf("output updates %q, want %q", got, updates)
	}
	if len(r.outputs) != 10 {
		t.Errorf("outputs %v: want the ten of action.yml", r.outputs)
	}
}

// annotations returns the workflow commands of stdout, the mask aside.
func annotations(stdout string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::") && !strings.HasPrefix(l, "::add-mask::") {
			out = append(out, l)
		}
	}
	return out
}

func TestActionLifecycle(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	// The token is the workflow's GITHUB_TOKEN, and the repository does not
	// allow Actions to open pull requests yet: GitHub's default.
	w.gh.AddToken(canary, fakegithub.Token{Actions: true})

	// 1. The setting is off: the run fails, and says which setting to turn on.
	r := w.runAction(nil, nil)
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d\n%s\n%s", r.code, ExitError, r.stdout, r.stderr)
	}
	an := annotations(r.stdout)
	if len(an) != 1 || !strings.HasPrefix(an[0], "::error title=image-crawler::") || !strings.Contains(an[0], `turn on "Allow GitHub Actions to create and approve pull requests"`) {
		t.Fatalf("annotations %q", an)
	}
	if !strings.HasPrefix(r.summary, "## image-crawler failed\n\n> ") || !strings.Contains(r.summary, "Allow GitHub Actions to create and approve pull requests") {
		t.Fatalf("summary of the failed run:\n%s", r.summary)
	}

	// 2. Setting on: the pull request is opened.
	w.gh.SetActionsCanCreatePullRequests(true)
	r = w.runAction(nil, nil)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkOutputs(t, r, map[string]string{
		"pull-request-number": "1", "pull-request-url": "https://github.com/osism/catalog/pull/1",
		"pull-request-operation": "created", "pull-request-branch": "image-crawler/updates", "failures": "0",
	}, "Ubuntu 24.04 new 20260705", "Debian 12 new 20250210-2019")
	golden.Assert(t, "testdata/actions/summary.golden.md", r.summary)
	if an := annotations(r.stdout); len(an) != 0 {
		t.Errorf("a clean run annotated: %q", an)
	}
	// The crawl's log lines are one collapsible group.
	if g, e := strings.Index(r.stderr, "::group::"), strings.Index(r.stderr, "::endgroup::"); g < 0 || e < g || !strings.Contains(r.stderr[g:e], "crawled") {
		t.Errorf("log not grouped:\n%s", r.stderr)
	}
	if prs := w.gh.PullRequests("osism", "catalog"); len(prs) != 1 || strings.Join(prs[0].Labels, ",") != "images" {
		t.Fatalf("pull requests %+v", prs)
	}

	// 3. The pull request is merged: the next run closes it, and the one
	// after that finds nothing new and says so in one line.
	for _, f := range []string{"etc/images/ubuntu.yml", "etc/images/debian.yml"} {
		body, err := w.git.ReadFile("osism/catalog", "image-crawler/updates", f)
		if err != nil {
			t.Fatal(err)
		}
		w.git.Commit("osism/catalog", "main", map[string]string{f: body}, "Reviewer <reviewer@example.org>", "Merge "+f)
	}
	r = w.runAction(nil, nil)
	if r.code != ExitOK || r.outputs["pull-request-operation"] != "closed" {
		t.Fatalf("after the merge: exit %d, outputs %v\n%s", r.code, r.outputs, r.stderr)
	}
	writes, pushes := w.gh.Writes(), w.git.Pushes()
	r = w.runAction(nil, nil)
	if r.code != ExitOK {
		t.Fatalf("nothing new: exit %d\n%s", r.code, r.stderr)
	}
	checkOutputs(t, r, map[string]string{
		"pull-request-number": "", "pull-request-url": "", "pull-request-operation": "none",
		"pull-request-branch": "image-crawler/updates", "failures": "0",
	})
	if r.summary != "image-crawler: nothing new; 2 images up to date.\n" {
		t.Errorf("summary of a run with nothing new: %q", r.summary)
	}
	if an := annotations(r.stdout); len(an) != 0 || w.gh.Writes() != writes || w.git.Pushes() != pushes {
		t.Errorf("a run with nothing new annotated %q, wrote %d, pushed %d", an, w.gh.Writes()-writes, w.git.Pushes()-pushes)
	}

	// 4. Upstream replaces the published Ubuntu build, and Debian's mirror
	// breaks: a new pull request with the respin, a warning for it, an
	// error for Debian, and exit 3.
	layout.Ubuntu(w.mirror, "/ubuntu/releases/noble/", ubuntuFile, []string{"20260601", "20260615", "20260705"}, "respin")
	w.mirror.Fault("/debian/images/cloud/bookworm/latest/SHA512SUMS", mirror.Fault{Status: 404})
	r = w.runAction(nil, nil)
	if r.code != ExitFailures {
		t.Fatalf("respin and failure: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkOutputs(t, r, map[string]string{
		"pull-request-number": "2", "pull-request-operation": "created", "failures": "1",
	}, "Ubuntu 24.04 respin 20260705")
	an = annotations(r.stdout)
	if len(an) != 2 ||
		!strings.HasPrefix(an[0], "::error title=image-crawler%3A Debian 12 failed::") ||
		!strings.HasPrefix(an[1], "::warning title=image-crawler%3A respin of Ubuntu 24.04 20260705::Upstream replaced the published build 20260705 of Ubuntu 24.04: checksum sha256:") {
		t.Errorf("annotations:\n%s", strings.Join(an, "\n"))
	}
	golden.Assert(t, "testdata/actions/summary-respin.golden.md", strings.ReplaceAll(r.summary, w.mirror.URL, "http://mirror.test"))
}

func TestActionInputPrecedence(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	tests := []struct {
		name   string
		args   []string
		input  string
		env    string
		branch string
	}{
		{"flag over input", []string{"--branch", "from-flag"}, "from-input", "from-env", "from-flag"},
		{"input over environment", nil, "from-input", "from-env", "from-input"},
		{"environment when the input is empty", nil, "", "from-env", "from-env"},
		{"the default", nil, "", "", "image-crawler/updates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.env != "" {
				env["IMAGE_CRAWLER_BRANCH"] = tt.env
			}
			r := w.runAction(map[string]string{"dry-run": "true", "branch": tt.input}, env, tt.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "would push branch "+tt.branch) {
				t.Errorf("the dry run does not use branch %s:\n%s", tt.branch, r.stdout)
			}
			checkOutputs(t, r, map[string]string{"pull-request-operation": "none", "pull-request-number": "", "pull-request-branch": ""},
				"Ubuntu 24.04 new 20260705", "Debian 12 new 20250210-2019")
			if !strings.HasPrefix(r.summary, "## image-crawler: 2 updated images\n\nDry run: nothing was pushed") {
				t.Errorf("summary:\n%s", r.summary)
			}
		})
	}
	if w.gh.Writes() != 0 || w.git.Pushes() != 0 {
		t.Fatalf("dry runs wrote: %d API writes, %d pushes", w.gh.Writes(), w.git.Pushes())
	}
}

func TestActionBadInputFailsEarly(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	r := w.runAction(map[string]string{"dry-run": "yes", "author": "no address"}, nil)
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitUsage, r.stderr)
	}
	an := annotations(r.stdout)
	if len(an) != 1 || !strings.HasPrefix(an[0], "::error title=image-crawler::") ||
		!strings.Contains(an[0], `input dry-run: "yes" is not a boolean`) || !strings.Contains(an[0], "input author") {
		t.Fatalf("annotations %q", an)
	}
	if !strings.HasPrefix(r.summary, "## image-crawler failed\n") || len(r.outputs) != 0 {
		t.Errorf("summary %q, outputs %v", r.summary, r.outputs)
	}
	if w.git.Requests() != 0 || w.gh.Writes() != 0 {
		t.Error("a run with bad inputs went on")
	}
}

// TestActionValidate is the reviewers' check: command validate on the
// checked-out pull request, with the bot's inputs that do not apply to it.
func TestActionValidate(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	r := w.runAction(map[string]string{"command": "validate", "catalog": w.catalog}, nil)
	if r.code != ExitOK || !strings.Contains(r.stdout, "ok  etc/images/ubuntu.yml") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	broken := filepath.Join(w.catalog, "etc/images/broken.yml")
	if err := os.WriteFile(broken, []byte("images:\n  - name: Broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r = w.runAction(map[string]string{"command": "validate", "catalog": w.catalog}, nil); r.code != ExitError || !strings.Contains(r.stderr, "broken.yml") {
		t.Fatalf("a broken catalog file passed: exit %d\n%s", r.code, r.stderr)
	}
	// The problem is an annotation on the file and line it names, so the
	// pull request check points at it.
	if !strings.Contains(r.stdout, "::error title=image-crawler validate,file=etc/images/broken.yml,line=2::") {
		t.Fatalf("no annotation on the broken line:\n%s", r.stdout)
	}
}

// TestActionInputsHaveFlags keeps the inputs and the run command's flags in
// step; skip-mirror is verify's alone.
func TestActionInputsHaveFlags(t *testing.T) {
	t.Parallel()
	f := &cmdutil.Factory{Env: mapEnv(nil)}
	runCmd, verifyCmd := run.NewCmd(f, nil), verify.NewCmd(f, nil)
	for _, name := range actions.FlagNames() {
		cmd := runCmd
		if name == "skip-mirror" {
			cmd = verifyCmd
		}
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("an action input sets --%s, which %s does not have", name, cmd.Name())
		}
	}
}

// TestRunStepOutsideTheAction: image-crawler in a plain `run:` step
// (GITHUB_ACTIONS=true, no INPUT_*) keeps the command line's defaults, and
// still masks the token and writes outputs and a summary.
func TestRunStepOutsideTheAction(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dir := t.TempDir()
	outputFile, summaryFile := filepath.Join(dir, "out"), filepath.Join(dir, "summary")
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "osism/elsewhere", "GITHUB_SERVER_URL": "http://127.0.0.1:1",
		"GITHUB_OUTPUT": outputFile, "GITHUB_STEP_SUMMARY": summaryFile, "GITHUB_TOKEN": canary,
	}
	r := w.runPlain(env, w.args("run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "::add-mask::"+canary+"\n") || strings.Count(r.stdout+r.stderr, canary) != 1 {
		t.Fatalf("token handling:\n%s\n%s", r.stdout, r.stderr)
	}
	data, err := os.ReadFile(outputFile)
	if err != nil {
		t.Fatal(err)
	}
	outputs := parseGitHubOutput(t, string(data))
	if outputs["pull-request-operation"] != "none" || outputs["failures"] != "0" {
		t.Errorf("outputs %v", outputs)
	}
	summary, _ := os.ReadFile(summaryFile)
	if !strings.Contains(string(summary), "Wrote 2 catalog files in place; nothing was committed.") {
		t.Errorf("summary:\n%s", summary)
	}
}

// repoBranches lets the fake GitHub see the branches of one repository of
// the git server.
type repoBranches struct {
	s interface {
		Head(name, branch string) string
		Git(name string, args ...string) string
	}
	name string
}

func (g repoBranches) Exists(_, _, branch string) (bool, error) {
	return g.s.Head(g.name, branch) != "", nil
}

func (g repoBranches) Ahead(_, _, base, head string) (bool, error) {
	return strings.TrimSpace(g.s.Git(g.name, "rev-list", "--count", base+".."+head)) != "0", nil
}

func (g repoBranches) Delete(_, _, branch string) (bool, error) {
	if g.s.Head(g.name, branch) == "" {
		return false, nil
	}
	g.s.Git(g.name, "update-ref", "-d", "refs/heads/"+branch)
	return true, nil
}

// The crawl command in the action reports like run does, with no pull
// request: outputs, summary and annotations.
func TestActionCrawl(t *testing.T) {
	t.Parallel()
	w := newActionWorld(t)
	w.mirror.Fault("/debian/images/cloud/bookworm/latest/SHA512SUMS", mirror.Fault{Status: 503})
	r := w.runAction(map[string]string{"command": "crawl"}, nil)
	if r.code != ExitFailures {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r.outputs["pull-request-operation"] != "none" || r.outputs["failures"] != "1" || !strings.Contains(r.outputs["updates"], `"Ubuntu 24.04"`) {
		t.Fatalf("outputs %v", r.outputs)
	}
	if !strings.Contains(r.summary, "Ubuntu 24.04") || !strings.Contains(r.summary, "Debian 12") {
		t.Fatalf("summary:\n%s", r.summary)
	}
	if !strings.Contains(r.stdout, "::error title=image-crawler%3A Debian 12 failed::") {
		t.Fatalf("no annotation for the failed image:\n%s", r.stdout)
	}
}
