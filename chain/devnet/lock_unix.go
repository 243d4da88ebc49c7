//go:build unix

package devnet

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes an exclusive lock on LockFile in dir, so that two processes never run
// the same devnet (both would append to the log). The lock goes with the process.
func lockDir(dir string) (*os.File, error) {
	path := dir + string(os.PathSeparator) + LockFile
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is locked by another process", ErrInUse, dir)
		}
		return nil, fmt.Errorf("devnet: locking %s: %w", path, err)
	}
	return f, nil
}
