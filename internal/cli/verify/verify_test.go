package verify

import (
	"errors"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/cli/cmdutil"
	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/source"
)

func parse(t *testing.T, env map[string]string, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	var got *Options
	cmd := NewCmd(f, func(o *Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return got, cmd.Execute()
}

func TestVerifyOptions(t *testing.T) {
	o, err := parse(t, map[string]string{"GITHUB_BASE_REF": " main \n"}, "--signatures", "optional", "--catalog-dir", "etc/images/", "--skip-mirror")
	if err != nil {
		t.Fatal(err)
	}
	vo, err := o.verifyOptions()
	if err != nil {
		t.Fatal(err)
	}
	if vo.Signatures.Mode() != source.SignatureOptional || vo.CatalogDir != "etc/images" || vo.DefaultBranch != "main" || !vo.SkipMirror || vo.Fetcher == nil {
		t.Fatalf("options %+v", vo)
	}
}

func TestVerifyRefuses(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--catalog", "https://github.com/o/r"}, "verify checks a local checkout, not a URL"},
		{[]string{"--per-host", "0"}, "--per-host 0: want at least 1"},
		{[]string{"--retries", "-1"}, "--retries -1: want 0 or more"},
		{[]string{"--mirror", "nonsense"}, "--mirror"},
	} {
		o, err := parse(t, nil, tt.args...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.verifyOptions()
		var st *cmdutil.ExitStatus
		if !errors.As(err, &st) || st.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want a usage error saying %q", tt.args, err, tt.want)
		}
	}
	if _, err := parse(t, nil, "--signatures", "sometimes"); err == nil || !strings.Contains(err.Error(), "want required, optional or off") {
		t.Errorf("--signatures sometimes: %v", err)
	}
}
