package keys

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// secretFileMode is the mode secret key files are written with.
const secretFileMode os.FileMode = 0o600

// writeFileAtomic writes data to path with mode 0600: a temporary file in the same
// directory is written, synced and renamed over path, and the directory is synced, so a
// crash leaves either the old file or the new one, never a partial key.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("keys: creating temporary file for %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it explicit whatever the umask did.
	if err = tmp.Chmod(secretFileMode); err != nil {
		return fmt.Errorf("keys: chmod %s: %w", tmpName, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("keys: writing %s: %w", tmpName, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("keys: syncing %s: %w", tmpName, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("keys: closing %s: %w", tmpName, err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("keys: renaming %s to %s: %w", tmpName, path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// readSecretFile reads a secret key file, refusing one that group or others can access.
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("keys: %s is not a regular file", path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; a secret key must not be accessible to group or others (run: chmod 600 %s)",
			ErrInsecurePermissions, path, perm, path)
	}
	const maxKeyFile = 1 << 16
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("keys: reading %s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes, not a key file", ErrInvalidKey, path, maxKeyFile)
	}
	return data, nil
}
