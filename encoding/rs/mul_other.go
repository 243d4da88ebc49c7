//go:build !amd64 || purego

package rs

var hasAVX2 = false

func (t *fieldTables) mulAddAsm(x, y []byte, logM uint16) bool { return false }

func (t *fieldTables) butterflyAsm(x, y []byte, logM uint16, inverse bool) bool { return false }
