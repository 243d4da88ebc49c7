//go:build !unix

package httpapi

import "io"

// mapFile reads the spooled file into memory (no mmap on this platform).
func (b *body) mapFile(size int64) error {
	b.data = make([]byte, size)
	_, err := b.file.ReadAt(b.data, 0)
	if err == io.EOF {
		err = nil
	}
	return err
}
