package cmdutil

import (
	"errors"
	"io"
	"testing"

	"github.com/spf13/pflag"

	"github.com/osism/image-crawler/internal/source"
)

func TestFlagError(t *testing.T) {
	parse := func(args ...string) error {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var p source.SignaturePolicy
		fs.Var(&p, "signatures", "")
		fs.Int("per-host", 6, "")
		return fs.Parse(args)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--signatures", "maybe"}, `--signatures "maybe": want required, optional or off`},
		{[]string{"--signatures=maybe"}, `--signatures "maybe": want required, optional or off`},
		{[]string{"--per-host", "x"}, `--per-host "x": strconv.ParseInt: parsing "x": invalid syntax`},
		{[]string{"--nope"}, "unknown flag: --nope"},
	} {
		err := FlagError(parse(tt.args...))
		var st *ExitStatus
		if !errors.As(err, &st) || st.Code != ExitUsage || err.Error() != tt.want {
			t.Errorf("%q: %v, want exit 2 and %q", tt.args, err, tt.want)
		}
	}
}

func TestExitStatus(t *testing.T) {
	if err := Exit(ExitFailures); err.Error() != "exit status 3" || errors.Unwrap(err) != nil {
		t.Errorf("Exit(3) = %v", err)
	}
	inner := errors.New("bad")
	if err := UsageError(inner); err.Error() != "bad" || !errors.Is(err, inner) {
		t.Errorf("UsageError = %v", err)
	}
}
