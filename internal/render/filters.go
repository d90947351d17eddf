package render

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// plainSafe matches strings that every YAML reader, including the YAML 1.1
// rules of the image manager's PyYAML, reads back as the same string when
// written unquoted: they start with a letter or slash (never a digit, so no
// number or date), and hold no character with a meaning in YAML.
var plainSafe = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9 ._/:+=~-]*$`)

// yaml11Special are plain words YAML 1.1 reads as booleans or null.
var yaml11Special = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true, "~": true,
}

// Scalar renders v as a YAML scalar or flow sequence that reads back as v.
func Scalar(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10), nil
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case string:
		if isPlainSafe(x) {
			return x, nil
		}
		return Quote(x), nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, err := Scalar(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case []string:
		parts := make([]any, len(x))
		for i, s := range x {
			parts[i] = s
		}
		return Scalar(parts)
	default:
		return "", fmt.Errorf("cannot write a %T as a YAML scalar", v)
	}
}

func isPlainSafe(s string) bool {
	return plainSafe.MatchString(s) &&
		!yaml11Special[strings.ToLower(s)] &&
		!strings.Contains(s, ": ") &&
		!strings.HasSuffix(s, ":") &&
		!strings.HasSuffix(s, " ")
}

// Quote writes s as a double-quoted YAML scalar. A JSON string is one, and
// escapes every control character and quote, so no upstream value can end
// the scalar early or start a new key.
func Quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func filterYAML(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in // an undefined variable: the error names it
	}
	s, err := Scalar(in.Interface())
	if err != nil {
		return exec.AsValue(err)
	}
	return exec.AsSafeValue(s)
}

func filterQuote(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in // an undefined variable: the error names it
	}
	if in.IsNil() {
		return exec.AsValue(fmt.Errorf("q: value is undefined"))
	}
	return exec.AsSafeValue(Quote(in.String()))
}

// filterDate writes an unquoted date, which the image manager's schema needs
// (day()), and refuses anything that is not one.
func filterDate(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in // an undefined variable: the error names it
	}
	s := in.String()
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return exec.AsValue(fmt.Errorf("date: %q is not a YYYY-MM-DD date", s))
	}
	return exec.AsSafeValue(s)
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func filterKey(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in // an undefined variable: the error names it
	}
	s := in.String()
	if plainKey.MatchString(s) && !yaml11Special[strings.ToLower(s)] {
		return exec.AsSafeValue(s)
	}
	return exec.AsSafeValue(Quote(s))
}
