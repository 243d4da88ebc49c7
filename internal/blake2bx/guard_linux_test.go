//go:build linux

package blake2bx

import (
	"syscall"
	"testing"
)

// TestLeavesAtPageEdges hashes messages that start right after an inaccessible page
// and end right before one: the eight-lane leaf kernel loads each block from one byte
// before the message and past its end with masks, and must not touch those bytes.
func TestLeavesAtPageEdges(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	// Pages 0 and 3 are guards; the messages live in pages 1 and 2.
	for _, g := range []int{0, 3} {
		if err := syscall.Mprotect(mem[g*page:(g+1)*page], syscall.PROT_NONE); err != nil {
			t.Fatal(err)
		}
	}
	body := mem[page : 3*page]
	for i := range body {
		body[i] = byte(i * 7)
	}
	impls(t, func(t *testing.T) {
		for _, size := range []int{0, 1, 63, 64, 127, 128, 129, 255, 256, 300, 1000} {
			// Eight messages of size bytes ending at the last guard, each one starting
			// at the previous one's end, and eight starting at the first guard.
			dst := make([][32]byte, 8)
			end := body[len(body)-8*size:]
			SumManyStrided(dst, 0x01, end, size, size)
			for i := range dst {
				if dst[i] != ref(true, 1, end[i*size:(i+1)*size]) {
					t.Fatalf("size %d, ending at the guard: lane %d", size, i)
				}
			}
			SumManyStrided(dst, 0x01, body, size, size)
			for i := range dst {
				if dst[i] != ref(true, 1, body[i*size:(i+1)*size]) {
					t.Fatalf("size %d, starting at the guard: lane %d", size, i)
				}
			}
		}
	})
}
