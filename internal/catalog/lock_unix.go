//go:build unix

package catalog

import (
	"errors"
	"os"
	"syscall"
)

// openNonblock keeps open(2) of a FIFO from waiting for a writer.
const openNonblock = syscall.O_NONBLOCK

func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
