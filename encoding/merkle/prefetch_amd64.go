//go:build amd64 && !purego

package merkle

// prefetchDigests asks the CPU to bring the lines of *p[0], ..., *p[n-1] into the cache.
//
//go:noescape
func prefetchDigests(p *[prefetchBatch]*Digest, n int)
