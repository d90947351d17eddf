// Package sources embeds the image sources file and the signing keys it
// names, so the binary runs without a checkout.
package sources

import "embed"

// FS holds image-sources.yaml and keys/.
//
//go:embed image-sources.yaml keys/*.asc
var FS embed.FS

// Name is the file name of the default sources file inside FS.
const Name = "image-sources.yaml"
