//go:build unix

package httpapi

import "golang.org/x/sys/unix"

// mapFile maps the spooled file read-only.
func (b *body) mapFile(size int64) error {
	if size == 0 {
		b.data = []byte{}
		return nil
	}
	data, err := unix.Mmap(int(b.file.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return err
	}
	b.data = data
	b.unmap = func() error { return unix.Munmap(data) }
	return nil
}
