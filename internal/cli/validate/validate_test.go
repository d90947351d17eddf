package validate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/actions"
	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/iostreams"
)

// TestProblemsKeepTheirPlace: every problem is printed as file:line:
// message and, in GitHub Actions, annotated on its own file and line, from
// the fields the sources file and the catalog report, never from text.
func TestProblemsKeepTheirPlace(t *testing.T) {
	dir := t.TempDir()
	sources := filepath.Join(dir, "bad.yaml")
	write(t, sources, "version: 1\nimages:\n  - name: X\n    tpye: ubuntu\n  - name: Y\n    fiel: y.yml\n")
	catalogDir := filepath.Join(dir, "catalog")
	// A message that itself reads like a place must not be taken for one.
	write(t, filepath.Join(catalogDir, "etc/images/broken.yml"), "images:\n  - name: \"x.yml:9: y\"\n    name: twice\n")

	for _, inActions := range []bool{false, true} {
		ios, _, out, errOut := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios}
		if inActions {
			f.Actions = actions.Detect(func(k string) (string, bool) { return "true", k == "GITHUB_ACTIONS" })
		}
		cmd := NewCmd(f, nil)
		cmd.SetArgs([]string{"--sources", sources, "--catalog", catalogDir})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		err := cmd.Execute()
		var st *cmdutil.ExitStatus
		if !errors.As(err, &st) || st.Code != cmdutil.ExitUsage {
			t.Fatalf("actions %v: %v, want exit 2 (the sources file is bad)", inActions, err)
		}
		for _, want := range []string{
			sources + `:4: unknown key "tpye"`,
			sources + `:6: unknown key "fiel"`,
			"etc/images/broken.yml:3: ",
		} {
			if !strings.Contains(errOut.String(), want) {
				t.Errorf("actions %v: stderr lacks %q:\n%s", inActions, want, errOut)
			}
		}
		annotations := 0
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "::error ") {
				annotations++
			}
		}
		if !inActions {
			if annotations != 0 {
				t.Errorf("annotations outside Actions:\n%s", out)
			}
			continue
		}
		for _, want := range []string{
			"::error title=image-crawler validate,file=" + sources + ",line=4::unknown key \"tpye\"",
			"::error title=image-crawler validate,file=" + sources + ",line=6::unknown key \"fiel\"",
			"::error title=image-crawler validate,file=etc/images/broken.yml,line=3::",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("no annotation %q:\n%s", want, out)
			}
		}
		if strings.Contains(out.String(), "file=x.yml") {
			t.Errorf("a message was parsed for a place:\n%s", out)
		}
		if n := strings.Count(errOut.String(), "\n"); annotations != n {
			t.Errorf("%d annotations for %d problems:\n%s\n%s", annotations, n, out, errOut)
		}
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
