package source

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/signature"
	"github.com/osism/image-crawler/sources"
)

// maxKeyFile bounds a key file: real distribution keys are a few KiB (the
// Flatcar key with its nine subkeys is under 20 KiB).
const maxKeyFile = 1 << 20

// loadKeys reads every key file the image names, so that a typo stops the
// run at load (exit 2) instead of failing the image at crawl time. It does
// not parse them: that costs more than the rest of loading (RSA
// self-signatures) and only the images a run verifies need it, so
// CheckKeys does it for them. Errors point at the key's own line.
func (img *Image) loadKeys(path string, n *yaml.Node, dir fs.FS) Errors {
	var errs Errors
	lines := keyLines(n)
	img.Upstream.KeyData = nil
	img.Upstream.keyLines = nil
	img.Upstream.keyPath = path
	for i, name := range img.Upstream.Keys {
		line := n.Line
		if i < len(lines) {
			line = lines[i]
		}
		data, err := readKeyFile(dir, name)
		if err != nil {
			errs = append(errs, &Error{Path: path, Line: line, Msg: fmt.Sprintf("image %q: upstream.keys: %s: %v", img.Name, name, unwrapKeyErr(err))})
			continue
		}
		img.Upstream.KeyData = append(img.Upstream.KeyData, data)
		img.Upstream.keyLines = append(img.Upstream.keyLines, line)
	}
	return errs
}

// checkedKeys remembers, by content, the key files already parsed: several
// images share a key, and checking a key verifies its self-signatures (RSA),
// which would otherwise dominate the start of a run.
var checkedKeys sync.Map // [sha256.Size]byte -> error

// checkKey parses a key file once per content and process.
func checkKey(data []byte) error {
	sum := sha256.Sum256(data)
	if err, ok := checkedKeys.Load(sum); ok {
		if err == nil {
			return nil
		}
		return err.(error)
	}
	_, err := signature.LoadKeyring(data)
	checkedKeys.Store(sum, err)
	return err
}

// readKeyFile reads name from dir, else from the built-in keys. fs.FS paths
// cannot climb out with ".." or start at "/", which keeps a sources file from
// naming arbitrary files on the machine as keys.
func readKeyFile(dir fs.FS, name string) ([]byte, error) {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, "\\") {
		return nil, errors.New("want a path relative to the sources file's directory, without \"..\" segments")
	}
	for _, fsys := range []fs.FS{dir, sources.FS} {
		if fsys == nil {
			continue
		}
		fi, err := fs.Stat(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, errors.New("not a regular file")
		}
		if fi.Size() > maxKeyFile {
			return nil, fmt.Errorf("%d bytes: larger than any public key file (limit %d)", fi.Size(), maxKeyFile)
		}
		return fs.ReadFile(fsys, name)
	}
	return nil, errors.New("no such key file (looked next to the sources file and among the built-in keys under sources/keys/)")
}

// unwrapKeyErr drops LoadKeyring's "key file 1:" prefix: the message names
// the file already.
func unwrapKeyErr(err error) error {
	if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), "key file 1: ") {
		return u
	}
	return err
}

// keyLines finds the line of every upstream.keys item of an image node,
// following aliases and merge keys the way decoding does.
func keyLines(n *yaml.Node) []int {
	return itemLines(mapValue(mapValue(n, "upstream"), "keys"))
}

// itemLines is the line of every item of a sequence node.
func itemLines(keys *yaml.Node) []int {
	if keys == nil || keys.Kind != yaml.SequenceNode {
		return nil
	}
	lines := make([]int, 0, len(keys.Content))
	for _, item := range keys.Content {
		lines = append(lines, item.Line)
	}
	return lines
}

// mapValue returns the value of key in mapping n; a key written in n wins
// over one merged in with <<, as in decoding.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		for v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		switch {
		case k.Value == "<<" && v.Kind == yaml.SequenceNode:
			merged = append(merged, v.Content...)
		case k.Value == "<<":
			merged = append(merged, v)
		case k.Value == key:
			return v
		}
	}
	for _, m := range merged {
		if v := mapValue(m, key); v != nil {
			return v
		}
	}
	return nil
}
