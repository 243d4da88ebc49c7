//go:build !amd64 || purego

package merkle

// prefetchDigests is a no-op without the amd64 assembly.
func prefetchDigests(p *[prefetchBatch]*Digest, n int) {}
