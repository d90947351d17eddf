// Package templates embeds the default Jinja2 templates that render catalog
// entries, so the binary runs without a checkout. --templates replaces them.
package templates

import "embed"

// FS holds the *.j2 templates.
//
//go:embed *.j2
var FS embed.FS

// Default is the template every image uses unless its source names another.
const Default = "image.yml.j2"
