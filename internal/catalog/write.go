package catalog

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// checkRel checks a catalog file's path relative to the catalog directory:
// a clean relative slash path that stays inside it.
func checkRel(rel string) error {
	switch {
	case rel == "" || rel == ".":
		return errors.New("empty path")
	case strings.HasPrefix(rel, "/") || path.IsAbs(rel) || strings.Contains(rel, `\`):
		return errors.New("not a relative slash path")
	case path.Clean(rel) != rel:
		return errors.New("path is not clean")
	}
	for _, el := range strings.Split(rel, "/") {
		if el == ".." {
			return errors.New(`path leaves the catalog directory ("..")`)
		}
	}
	return nil
}

func writeIn(root *os.Root, rel string, data []byte) (err error) {
	dir, base := path.Split(rel)
	dir = path.Clean(dir)
	if dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	mode := fs.FileMode(0o644)
	switch fi, err := root.Lstat(rel); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return errors.New("refusing to write through or replace a symbolic link")
	case !fi.Mode().IsRegular():
		return fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	default:
		mode = fi.Mode().Perm()
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return err
	}
	// The umask may have narrowed the mode the file was created with.
	if err := root.Chmod(tmp, mode); err != nil {
		return err
	}
	if err := root.Rename(tmp, rel); err != nil {
		return err
	}
	// Make the rename itself durable. Some file systems cannot sync a
	// directory; the file is in place either way, so that is not an error.
	if d, err := root.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
