package devnet

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The operation log (LogFile in the data directory) is the devnet's durable state: the
// genesis plus this log rebuild the ledger exactly, because the executor is
// deterministic.
//
//	file    = magic record*
//	magic   = "tusk-devnet-log" 0x01                       (16 bytes; the last byte is the version)
//	record  = length:u32le  length_crc:u32le  payload_crc:u32le  payload
//
// length is the payload's size (at most maxRecordSize), length_crc the CRC-32C
// (Castagnoli) of the 4 length bytes and payload_crc the CRC-32C of the payload. The
// payload is BCS:
//
//	payload = seq:u64  timestamp_ms:u64  op
//	op      = enum { Transaction(tx), Faucet(faucet) }
//	tx      = epoch:u64  epoch_start_ms:u64  effects_digest:[32]u8
//	          tx_bytes:vector<u8>  signatures:vector<vector<u8>>
//	faucet  = owner:[32]u8  wal:u64  sui:u64  wal_coin:[32]u8  sui_coin:[32]u8
//
// seq numbers the records from 0. timestamp_ms is the chain time of the record: for a
// transaction the timestamp of the checkpoint that holds it, which is also the time its
// reads of the Clock (0x6) return (see clock.go). epoch and epoch_start_ms are
// the executor's epoch inputs (TxContext epoch and epoch_timestamp_ms); effects_digest is
// checked on replay. A faucet record's coins are the IDs minted (zero for an amount of
// 0), also checked on replay.
//
// Reading tolerates a torn final record (a crash in the middle of an append): a record
// cut short by the end of the file, one whose payload checksum fails while it ends
// exactly at the end of the file, or a header that fails its checksum with only zero
// bytes (or less than a header) after it. Such a tail is truncated. Any other damage is
// an error, since records after it would be lost.

// LogFile is the name of the operation log in the data directory.
const LogFile = "oplog"

// logMagic starts the log file.
var logMagic = [16]byte{'t', 'u', 's', 'k', '-', 'd', 'e', 'v', 'n', 'e', 't', '-', 'l', 'o', 'g', 1}

const (
	frameHeaderSize = 12
	// maxRecordSize bounds a record's payload: far above a transaction (Sui's limit is
	// 128 KiB of transaction and a few signatures).
	maxRecordSize = 16 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Operation kinds (the op enum's variants).
const (
	opTransaction = 0
	opFaucet      = 1
	opCount       = 2
)

// record is one logged operation.
type record struct {
	Seq         uint64
	TimestampMs uint64
	Kind        int
	Tx          txRecord     // Kind == opTransaction
	Faucet      faucetRecord // Kind == opFaucet
}

type txRecord struct {
	Epoch         uint64
	EpochStartMs  uint64
	EffectsDigest sui.Digest
	TxBytes       []byte
	Signatures    [][]byte
}

type faucetRecord struct {
	Owner   walrus.Address
	WAL     uint64
	SUI     uint64
	WALCoin walrus.ID
	SUICoin walrus.ID
}

func (r *record) MarshalBCS(e *bcs.Encoder) {
	e.U64(r.Seq)
	e.U64(r.TimestampMs)
	e.ULEB128(uint64(r.Kind))
	switch r.Kind {
	case opTransaction:
		e.U64(r.Tx.Epoch)
		e.U64(r.Tx.EpochStartMs)
		e.Fixed(r.Tx.EffectsDigest[:])
		e.ByteVec(r.Tx.TxBytes)
		e.ULEB128(uint64(len(r.Tx.Signatures)))
		for _, s := range r.Tx.Signatures {
			e.ByteVec(s)
		}
	case opFaucet:
		e.Fixed(r.Faucet.Owner[:])
		e.U64(r.Faucet.WAL)
		e.U64(r.Faucet.SUI)
		e.Fixed(r.Faucet.WALCoin[:])
		e.Fixed(r.Faucet.SUICoin[:])
	default:
		panic(fmt.Sprintf("devnet: record kind %d", r.Kind))
	}
}

func (r *record) UnmarshalBCS(d *bcs.Decoder) {
	r.Seq = d.U64()
	r.TimestampMs = d.U64()
	r.Kind = d.Tag(opCount)
	switch r.Kind {
	case opTransaction:
		r.Tx.Epoch = d.U64()
		r.Tx.EpochStartMs = d.U64()
		d.FixedInto(r.Tx.EffectsDigest[:])
		r.Tx.TxBytes = bytes.Clone(d.ByteVec())
		n := d.Len(1)
		for range n {
			r.Tx.Signatures = append(r.Tx.Signatures, bytes.Clone(d.ByteVec()))
		}
	case opFaucet:
		d.FixedInto(r.Faucet.Owner[:])
		r.Faucet.WAL = d.U64()
		r.Faucet.SUI = d.U64()
		d.FixedInto(r.Faucet.WALCoin[:])
		d.FixedInto(r.Faucet.SUICoin[:])
	}
}

// frame encodes r as a log record: header and payload.
func frame(r *record) ([]byte, error) {
	payload := bcs.Marshal(r)
	if len(payload) > maxRecordSize {
		return nil, fmt.Errorf("devnet: log record of %d bytes exceeds %d", len(payload), maxRecordSize)
	}
	out := make([]byte, frameHeaderSize, frameHeaderSize+len(payload))
	binary.LittleEndian.PutUint32(out[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(out[4:8], crc32.Checksum(out[0:4], castagnoli))
	binary.LittleEndian.PutUint32(out[8:12], crc32.Checksum(payload, castagnoli))
	return append(out, payload...), nil
}

// ErrCorruptLog is wrapped by the errors of a damaged operation log (other than a torn
// final record, which is repaired).
var ErrCorruptLog = errors.New("devnet: corrupt operation log")

// logReader reads the records of a log file in order.
type logReader struct {
	path string
	r    *bufio.Reader
	off  int64 // offset of the next record
	seq  uint64
}

// newLogReader checks the magic of the log at path, read through f.
func newLogReader(path string, f io.Reader) (*logReader, error) {
	lr := &logReader{path: path, r: bufio.NewReaderSize(f, 1<<16)}
	var magic [len(logMagic)]byte
	if _, err := io.ReadFull(lr.r, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: %s: too short for its header: %v", ErrCorruptLog, path, err)
	}
	if magic != logMagic {
		if bytes.Equal(magic[:len(magic)-1], logMagic[:len(logMagic)-1]) {
			return nil, fmt.Errorf("%w: %s: log format version %d, this build reads version %d", ErrCorruptLog, path, magic[len(magic)-1], logMagic[len(logMagic)-1])
		}
		return nil, fmt.Errorf("%w: %s: not a tusk devnet operation log", ErrCorruptLog, path)
	}
	lr.off = int64(len(logMagic))
	return lr, nil
}

// errTorn is returned by next for a torn final record; off is then where it starts.
var errTorn = errors.New("torn final record")

// next returns the next record, io.EOF at a clean end of the log, errTorn for a torn
// final record, or an error wrapping ErrCorruptLog.
func (lr *logReader) next() (*record, error) {
	start := lr.off
	var hdr [frameHeaderSize]byte
	n, err := io.ReadFull(lr.r, hdr[:])
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		return nil, errTorn
	case err != nil:
		return nil, fmt.Errorf("devnet: reading %s: %w", lr.path, err)
	}
	_ = n
	length := binary.LittleEndian.Uint32(hdr[0:4])
	if crc32.Checksum(hdr[0:4], castagnoli) != binary.LittleEndian.Uint32(hdr[4:8]) {
		// A torn append may leave zeros where the header was going to be.
		rest, rerr := io.ReadAll(lr.r)
		if rerr == nil && allZero(hdr[:]) && allZero(rest) {
			return nil, errTorn
		}
		return nil, lr.corrupt(start, "the header checksum does not match")
	}
	if length > maxRecordSize {
		return nil, lr.corrupt(start, fmt.Sprintf("length %d exceeds the maximum %d", length, maxRecordSize))
	}
	payload := make([]byte, length)
	if _, err := io.ReadFull(lr.r, payload); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errTorn
		}
		return nil, fmt.Errorf("devnet: reading %s: %w", lr.path, err)
	}
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(hdr[8:12]) {
		if _, err := lr.r.Peek(1); err == io.EOF {
			return nil, errTorn // the last record, not completely written
		}
		return nil, lr.corrupt(start, "the payload checksum does not match")
	}
	var r record
	if err := bcs.Unmarshal(payload, &r); err != nil {
		return nil, lr.corrupt(start, fmt.Sprintf("undecodable payload: %v", err))
	}
	if r.Seq != lr.seq {
		return nil, lr.corrupt(start, fmt.Sprintf("sequence number %d, want %d", r.Seq, lr.seq))
	}
	lr.seq++
	lr.off = start + frameHeaderSize + int64(length)
	return &r, nil
}

func (lr *logReader) corrupt(off int64, why string) error {
	return fmt.Errorf("%w: %s: record %d at offset %d: %s", ErrCorruptLog, lr.path, lr.seq, off, why)
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// logWriter appends records to the log and syncs each one before it returns.
type logWriter struct {
	f      *os.File
	off    int64 // end of the last complete record
	seq    uint64
	failed error // a failed append leaves the file in an unknown state
}

// append writes r (its Seq is set here) and fsyncs the file.
func (w *logWriter) append(r *record) error {
	if w.failed != nil {
		return fmt.Errorf("devnet: the operation log failed earlier, restart the devnet: %w", w.failed)
	}
	r.Seq = w.seq
	b, err := frame(r)
	if err != nil {
		return err
	}
	if _, err := w.f.WriteAt(b, w.off); err != nil {
		return w.fail(fmt.Errorf("devnet: writing the operation log: %w", err))
	}
	if err := w.f.Sync(); err != nil {
		return w.fail(fmt.Errorf("devnet: syncing the operation log: %w", err))
	}
	w.off += int64(len(b))
	w.seq++
	return nil
}

// fail remembers err and cuts off what may have been written of the failed record, so
// that the log on disk ends with a complete record (replay would also drop a torn tail).
func (w *logWriter) fail(err error) error {
	w.failed = err
	_ = w.f.Truncate(w.off)
	_ = w.f.Sync()
	return err
}

// createLog writes a new, empty log at path (replacing one that holds no records) and
// syncs it and its directory.
func createLog(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("devnet: creating the operation log: %w", err)
	}
	if _, err := f.Write(logMagic[:]); err != nil {
		f.Close()
		return fmt.Errorf("devnet: writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("devnet: syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("devnet: closing %s: %w", path, err)
	}
	return syncDir(path)
}
