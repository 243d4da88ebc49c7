//go:build !unix

package devnet

import (
	"fmt"
	"os"
)

// lockDir creates LockFile in dir; on this platform it does not keep a second process
// out.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir+string(os.PathSeparator)+LockFile, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	return f, nil
}
