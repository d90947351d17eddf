package source

import (
	"fmt"

	"github.com/osism/image-crawler/sources"
)

// DefaultPath is how the built-in sources file is named in messages.
const DefaultPath = "sources/" + sources.Name

// Default returns the sources file built into the binary.
func Default() (*File, error) {
	data, err := sources.FS.ReadFile(sources.Name)
	if err != nil {
		return nil, fmt.Errorf("read built-in sources: %w", err)
	}
	return Parse(DefaultPath, data)
}

// Load reads the sources file at path, or the built-in one when path is "".
func Load(path string) (*File, error) {
	if path == "" {
		return Default()
	}
	return LoadFile(path)
}
