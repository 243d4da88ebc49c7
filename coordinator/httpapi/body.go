package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// body is a request body read in full: in memory when small, otherwise spooled to a
// temporary file and mapped, so that large bodies waiting for their turn do not sit on
// the heap.
type body struct {
	data  []byte
	file  *os.File
	unmap func() error
}

// Bytes is the body's content; valid until Close.
func (b *body) Bytes() []byte { return b.data }

// Close releases the body's memory and temporary file.
func (b *body) Close() error {
	var errs []error
	if b.unmap != nil {
		errs = append(errs, b.unmap())
	}
	if b.file != nil {
		errs = append(errs, b.file.Close(), os.Remove(b.file.Name()))
	}
	return errors.Join(errs...)
}

func tooLarge(max int64) *apiError {
	return newError(http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", "the request body exceeds the maximum of %d bytes", max)
}

// readBody reads r's body, refusing more than max bytes (413), keeping at most memLimit
// bytes in memory and spooling larger bodies to a file in dir.
func readBody(r *http.Request, max, memLimit int64, dir string) (*body, error) {
	if r.ContentLength > max {
		return nil, tooLarge(max)
	}
	src := io.LimitReader(r.Body, max+1)
	if r.ContentLength >= 0 && r.ContentLength <= memLimit {
		buf := make([]byte, r.ContentLength+1)
		n, err := io.ReadFull(src, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		if int64(n) != r.ContentLength {
			return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "the body has %d or more bytes, Content-Length says %d", n, r.ContentLength)
		}
		return &body{data: buf[:n]}, nil
	}
	// Unknown or large length: the first memLimit bytes in memory, the rest to a file.
	head := make([]byte, memLimit+1)
	n, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(n) <= memLimit {
		return &body{data: head[:n]}, nil
	}
	f, err := os.CreateTemp(dir, "tusk-upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool request body: %w", err)
	}
	b := &body{file: f}
	total, err := f.Write(head[:n])
	if err == nil {
		var m int64
		m, err = io.Copy(f, src)
		total += int(m)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("spool request body: %w", err)
	}
	if int64(total) > max {
		b.Close()
		return nil, tooLarge(max)
	}
	if err := b.mapFile(int64(total)); err != nil {
		b.Close()
		return nil, fmt.Errorf("map spooled body: %w", err)
	}
	return b, nil
}
