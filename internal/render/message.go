package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Message is a Jinja2 template of a pull request title or commit message
// (--title, --commit-message) over the JSON report: the report's fields as
// the JSON report names them (updates, failures, files, ...), and default,
// the text image-crawler would write without the template
// (docs/pull-requests.md).
type Message struct {
	tpl  *exec.Template
	name string
}

// ParseMessage parses a message template; name is the flag it came from,
// for errors. An empty src is no template: nil, nil.
func ParseMessage(name, src string) (*Message, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	fsys := fstest.MapFS{"message": {Data: []byte(src)}}
	tpl, err := exec.NewTemplate("message", newConfig(), &fsLoader{fsys: fsys}, environment())
	if err != nil {
		return nil, &TemplateError{File: name, Err: err}
	}
	return &Message{tpl: tpl, name: name}, nil
}

// Render renders the template over report (any value that marshals to a
// JSON object) and the default text. The result has surrounding white
// space trimmed; an empty result is an error, as git and GitHub refuse an
// empty message or title.
func (m *Message) Render(report any, def string) (string, error) {
	raw, err := json.Marshal(report)
	if err != nil {
		return "", &TemplateError{File: m.name, Err: err}
	}
	vars := map[string]any{}
	if err := json.Unmarshal(raw, &vars); err != nil {
		return "", &TemplateError{File: m.name, Err: fmt.Errorf("the report is not a JSON object: %w", err)}
	}
	vars["default"] = def
	out, err := m.tpl.ExecuteToString(exec.NewContext(vars))
	if err != nil {
		return "", &TemplateError{File: m.name, Err: err}
	}
	out = strings.TrimSpace(out)
	if out == "" {
		return "", &TemplateError{File: m.name, Err: fmt.Errorf("renders to nothing")}
	}
	return out, nil
}
