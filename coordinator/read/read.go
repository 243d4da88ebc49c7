// Package read is the coordinator's read flow: fetch a blob's metadata from the storage
// nodes and verify it against the blob ID (a node serving wrong metadata is skipped),
// fetch primary slivers from at least n-2f pairs in parallel, verify each against the
// metadata, decode and run the consistency check. Reads survive 2f shards' worth of
// nodes down or serving corrupt data. Byte ranges are served from the systematic
// slivers that cover them, without decoding.
package read

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Errors callers branch on (errors.Is).
var (
	// ErrBlobNotFound: the blob ID does not exist (a quorum of shards says so).
	ErrBlobNotFound = errors.New("read: blob not found")
	// ErrBlobUnavailable: the blob could not be read now (not enough nodes answered with
	// valid data); retrying later may work.
	ErrBlobUnavailable = errors.New("read: blob currently not retrievable")
	// ErrInconsistent: the blob was encoded inconsistently by its writer; it can never be
	// read.
	ErrInconsistent = errors.New("read: blob is inconsistently encoded")
	// ErrInvalidRange: the byte range is not within the blob.
	ErrInvalidRange = errors.New("read: byte range not satisfiable")
	// ErrBlobTooLarge: the blob is larger than this reader is configured to serve.
	ErrBlobTooLarge = errors.New("read: blob larger than the configured maximum")
)

// Committees gives the committees to read from (committees.Source).
type Committees interface {
	Current(ctx context.Context) (*committees.State, error)
}

// Config tunes the reads.
type Config struct {
	// MaxConcurrentRequests bounds the sliver requests in flight for one read.
	MaxConcurrentRequests int `yaml:"max_concurrent_requests"`
	// MetadataParallelism is how many nodes are asked for the metadata at once.
	MetadataParallelism int `yaml:"metadata_parallelism"`
	// RequestTimeout bounds one request.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// StatusTimeout bounds a blob-status query.
	StatusTimeout time.Duration `yaml:"status_timeout"`
	// HedgeAfter is how long a read waits without any answer before it asks one more node
	// than it needs, so that a slow node costs this long rather than a request timeout.
	HedgeAfter time.Duration `yaml:"hedge_after"`
	// MaxBlobSize refuses to read blobs larger than this (0: no limit).
	MaxBlobSize uint64 `yaml:"max_blob_size"`
}

// DefaultConfig is the default tuning.
func DefaultConfig() Config {
	return Config{MaxConcurrentRequests: 64, MetadataParallelism: 3, RequestTimeout: 30 * time.Second, StatusTimeout: 10 * time.Second, HedgeAfter: 750 * time.Millisecond}
}

// Validate checks the tuning.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxConcurrentRequests <= 0 {
		errs = append(errs, fmt.Errorf("max_concurrent_requests: must be positive, got %d", c.MaxConcurrentRequests))
	}
	if c.MetadataParallelism <= 0 {
		errs = append(errs, fmt.Errorf("metadata_parallelism: must be positive, got %d", c.MetadataParallelism))
	}
	if c.RequestTimeout <= 0 {
		errs = append(errs, fmt.Errorf("request_timeout: must be positive, got %s", c.RequestTimeout))
	}
	if c.StatusTimeout <= 0 {
		errs = append(errs, fmt.Errorf("status_timeout: must be positive, got %s", c.StatusTimeout))
	}
	if c.HedgeAfter <= 0 {
		errs = append(errs, fmt.Errorf("hedge_after: must be positive, got %s", c.HedgeAfter))
	}
	return errors.Join(errs...)
}

// Reader runs the read flow. It is safe for concurrent use.
type Reader struct {
	committees Committees
	cfg        Config
	log        *zap.Logger
	metrics    *metrics.Metrics
	codecs     encoding.Codecs
}

// NewReader returns a Reader.
func NewReader(c Committees, cfg Config, log *zap.Logger, m *metrics.Metrics) *Reader {
	if log == nil {
		log = zap.NewNop()
	}
	return &Reader{committees: c, cfg: cfg, log: log.Named("read"), metrics: m}
}

// committee picks the committee serving reads of id: the current one, or during an epoch
// change the previous one for blobs certified before the current epoch.
func (r *Reader) committee(ctx context.Context, id encoding.BlobID) (*nodes.Committee, error) {
	st, err := r.committees.Current(ctx)
	if err != nil {
		return nil, err
	}
	if st.Previous == nil {
		return st.Write, nil
	}
	status, err := st.Write.BlobStatus(ctx, id, r.cfg.StatusTimeout)
	if err != nil {
		return st.ReadCommittee(nil), nil
	}
	return st.ReadCommittee(status.InitialCertifiedEpoch), nil
}

// Status is the blob's status confirmed by f+1 shards of the current committee;
// ErrBlobNotFound if it does not exist, ErrBlobUnavailable if nothing is confirmed.
func (r *Reader) Status(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	st, err := r.committees.Current(ctx)
	if err != nil {
		return api.BlobStatus{}, err
	}
	s, err := st.Write.BlobStatus(ctx, id, r.cfg.StatusTimeout)
	switch {
	case errors.Is(err, nodes.ErrBlobNotFound):
		return s, fmt.Errorf("%w: %s", ErrBlobNotFound, id)
	case errors.Is(err, nodes.ErrNoValidStatus):
		return s, fmt.Errorf("%w: %v", ErrBlobUnavailable, err)
	}
	return s, err
}

// Metadata fetches the blob's metadata and verifies it.
func (r *Reader) Metadata(ctx context.Context, id encoding.BlobID) (encoding.VerifiedMetadata, error) {
	com, err := r.committee(ctx, id)
	if err != nil {
		return encoding.VerifiedMetadata{}, err
	}
	return r.metadata(ctx, com, id)
}

// metadata asks the members, a few at a time in random order, until one serves metadata
// that verifies against id.
func (r *Reader) metadata(ctx context.Context, com *nodes.Committee, id encoding.BlobID) (encoding.VerifiedMetadata, error) {
	t := time.Now()
	defer func() { r.metrics.Stage("read", "metadata", time.Since(t)) }()
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	order := rand.Perm(len(com.Members))
	type answer struct {
		vm     encoding.VerifiedMetadata
		err    error
		member int
	}
	answers := make(chan answer, len(order))
	launch := func(i int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := &com.Members[i]
			actx, acancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
			defer acancel()
			mw, err := m.Node.Metadata(actx, id)
			if err != nil {
				answers <- answer{err: err, member: i}
				return
			}
			if mw.BlobID != id {
				answers <- answer{err: fmt.Errorf("%w: metadata for blob %s", encoding.ErrBlobIDMismatch, mw.BlobID), member: i}
				return
			}
			vm, err := encoding.VerifyMetadata(com.Params, id, mw.Metadata)
			answers <- answer{vm: vm, err: err, member: i}
		}()
	}
	next, running := 0, 0
	for ; next < len(order) && running < r.cfg.MetadataParallelism; next++ {
		launch(order[next])
		running++
	}
	var notFound int
	var lastErr error
	hedge := time.NewTimer(r.hedgeAfter())
	defer hedge.Stop()
	for running > 0 {
		var a answer
		select {
		case a = <-answers:
		case <-hedge.C:
			if next < len(order) {
				launch(order[next])
				next++
				running++
			}
			hedge.Reset(r.hedgeAfter())
			continue
		}
		running--
		m := &com.Members[a.member]
		switch {
		case a.err == nil:
			r.metrics.NodeRequest("metadata", "ok")
			cancel()
			return a.vm, nil
		case nodes.IsNotFound(a.err):
			r.metrics.NodeRequest("metadata", "not_found")
			notFound += len(m.Shards)
		case errors.Is(a.err, encoding.ErrBlobIDMismatch) || errors.Is(a.err, encoding.ErrInvalidMetadata):
			r.metrics.NodeRequest("metadata", "invalid")
			r.log.Warn("node served wrong metadata; skipped", zap.String("node", m.Label()), zap.Stringer("blob_id", id), zap.Error(a.err))
		default:
			r.metrics.NodeRequest("metadata", "error")
		}
		lastErr = &nodes.NodeError{Node: m.Label(), Op: "metadata", Err: a.err}
		if com.IsQuorum(notFound) {
			return encoding.VerifiedMetadata{}, fmt.Errorf("%w: %s", ErrBlobNotFound, id)
		}
		if ctx.Err() != nil {
			return encoding.VerifiedMetadata{}, ctx.Err()
		}
		if next < len(order) {
			launch(order[next])
			next++
			running++
		}
	}
	return encoding.VerifiedMetadata{}, fmt.Errorf("%w: no valid metadata for %s from any node (last: %v)", ErrBlobUnavailable, id, lastErr)
}

// Read reads the whole blob and checks it with check.
func (r *Reader) Read(ctx context.Context, id encoding.BlobID, check encoding.ConsistencyCheck) (out []byte, err error) {
	defer func() {
		if err != nil {
			r.metrics.Result("read", "error")
		} else {
			r.metrics.Result("read", "ok")
			r.metrics.Bytes("read", len(out))
		}
	}()
	com, err := r.committee(ctx, id)
	if err != nil {
		return nil, err
	}
	vm, err := r.metadata(ctx, com, id)
	if err != nil {
		return nil, err
	}
	return r.decode(ctx, com, vm, check)
}

func (r *Reader) hedgeAfter() time.Duration {
	if r.cfg.HedgeAfter > 0 {
		return r.cfg.HedgeAfter
	}
	return DefaultConfig().HedgeAfter
}

func (r *Reader) checkSize(vm encoding.VerifiedMetadata) error {
	if r.cfg.MaxBlobSize > 0 && vm.UnencodedLength() > r.cfg.MaxBlobSize {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrBlobTooLarge, vm.UnencodedLength(), r.cfg.MaxBlobSize)
	}
	return nil
}

// decode fetches n-2f primary slivers (systematic ones first) and decodes.
func (r *Reader) decode(ctx context.Context, com *nodes.Committee, vm encoding.VerifiedMetadata, check encoding.ConsistencyCheck) ([]byte, error) {
	if err := r.checkSize(vm); err != nil {
		return nil, err
	}
	k := com.Params.PrimarySymbols()
	n := com.NShards()
	order := make([]int, 0, n)
	for p := range k {
		order = append(order, p)
	}
	for _, p := range rand.Perm(n - k) {
		order = append(order, k+p)
	}
	t := time.Now()
	slivers, err := r.slivers(ctx, com, vm, order, k)
	r.metrics.Stage("read", "slivers", time.Since(t))
	if err != nil {
		return nil, err
	}
	codec, err := r.codecs.Get(n)
	if err != nil {
		return nil, err
	}
	t = time.Now()
	blob, err := codec.Decode(vm, slivers, check)
	r.metrics.Stage("read", "decode", time.Since(t))
	if errors.Is(err, encoding.ErrInconsistentBlob) {
		return nil, fmt.Errorf("%w: %s: %v", ErrInconsistent, vm.BlobID(), err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: decode: %w", vm.BlobID(), err)
	}
	return blob, nil
}

// slivers fetches verified primary slivers of the pairs in order (trying them in that
// order, at most MaxConcurrentRequests at a time) until want of them are in hand.
func (r *Reader) slivers(ctx context.Context, com *nodes.Committee, vm encoding.VerifiedMetadata, order []int, want int) ([]encoding.Sliver, error) {
	codec, err := r.codecs.Get(com.NShards())
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	id := vm.BlobID()
	type answer struct {
		s    *encoding.Sliver
		err  error
		pair int
	}
	answers := make(chan answer, len(order))
	launch := func(pair int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := &com.Members[com.OwnerOfPair(id, pair)]
			actx, acancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
			defer acancel()
			s, err := m.Node.Sliver(actx, id, uint16(pair), encoding.Primary)
			if err == nil {
				if s.Axis != encoding.Primary || int(s.Index) != pair {
					err = fmt.Errorf("%w: asked for primary sliver %d, got %s sliver %d", encoding.ErrInvalidSliver, pair, s.Axis, s.Index)
				} else {
					err = codec.VerifySliver(vm, *s)
				}
			}
			if err != nil {
				err = &nodes.NodeError{Node: m.Label(), Op: fmt.Sprintf("primary sliver %d", pair), Err: err}
			}
			answers <- answer{s: s, err: err, pair: pair}
		}()
	}
	var got []encoding.Sliver
	next, running, extra := 0, 0, 0
	fill := func() {
		for next < len(order) && running < r.cfg.MaxConcurrentRequests+extra && len(got)+running < want+extra {
			launch(order[next])
			next++
			running++
		}
	}
	fill()
	var failures []error
	hedge := time.NewTimer(r.hedgeAfter())
	defer hedge.Stop()
	for running > 0 {
		var a answer
		select {
		case a = <-answers:
		case <-hedge.C:
			// No answer for a while: ask one more node than needed.
			extra++
			fill()
			hedge.Reset(r.hedgeAfter())
			continue
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !hedge.Stop() {
			select {
			case <-hedge.C:
			default:
			}
		}
		hedge.Reset(r.hedgeAfter())
		running--
		if a.err != nil {
			outcome := "error"
			if errors.Is(a.err, encoding.ErrSliverHashMismatch) || errors.Is(a.err, encoding.ErrInvalidSliver) {
				outcome = "invalid"
				r.log.Warn("node served a corrupt sliver; skipped", zap.Stringer("blob_id", id), zap.Error(a.err))
			}
			r.metrics.NodeRequest("sliver", outcome)
			failures = append(failures, a.err)
		} else {
			r.metrics.NodeRequest("sliver", "ok")
			got = append(got, *a.s)
			if len(got) == want {
				cancel()
				return got, nil
			}
		}
		fill()
	}
	return nil, fmt.Errorf("%w: %d of the %d primary slivers needed for %s: %w", ErrBlobUnavailable, len(got), want, id, errors.Join(failures...))
}

// Range is the result of a byte-range read.
type Range struct {
	Data []byte
	// Start is the offset of Data in the blob, and Size the blob's length.
	Start, Size uint64
}

// RangeError is a byte range that does not fit the blob; it matches ErrInvalidRange.
type RangeError struct {
	Size   uint64 // the blob's size
	Reason string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("%v: %s (blob size %d)", ErrInvalidRange, e.Reason, e.Size)
}

// Is makes errors.Is(err, ErrInvalidRange) true.
func (e *RangeError) Is(target error) bool { return target == ErrInvalidRange }

// ReadRange reads length bytes from offset start (length is clipped at the end of the
// blob). The bytes come from the systematic primary slivers that hold them, each verified
// against the metadata; the blob as a whole is not consistency-checked. If one of those
// slivers cannot be had, the blob is decoded from any n-2f slivers instead.
func (r *Reader) ReadRange(ctx context.Context, id encoding.BlobID, start, length uint64) (*Range, error) {
	return r.ReadRangeFunc(ctx, id, func(size uint64) (uint64, uint64, error) {
		if length == 0 || start >= size {
			return 0, 0, &RangeError{Size: size, Reason: fmt.Sprintf("start %d, length %d", start, length)}
		}
		return start, min(length, size-start), nil
	})
}

// ReadRangeFunc is ReadRange with the range chosen by resolve once the blob's size is
// known (for ranges relative to the end). resolve must return a range within the blob
// or an error (a *RangeError for a range that does not fit).
func (r *Reader) ReadRangeFunc(ctx context.Context, id encoding.BlobID, resolve func(size uint64) (start, length uint64, err error)) (*Range, error) {
	com, err := r.committee(ctx, id)
	if err != nil {
		return nil, err
	}
	vm, err := r.metadata(ctx, com, id)
	if err != nil {
		return nil, err
	}
	size := vm.UnencodedLength()
	start, length, err := resolve(size)
	if err != nil {
		return nil, err
	}
	if length == 0 || start >= size || length > size-start {
		return nil, &RangeError{Size: size, Reason: fmt.Sprintf("start %d, length %d", start, length)}
	}
	end := start + length
	rowLen := uint64(vm.SliverSize(encoding.Primary))
	first, last := int(start/rowLen), int((end-1)/rowLen)
	pairs := make([]int, 0, last-first+1)
	for p := first; p <= last; p++ {
		pairs = append(pairs, p)
	}
	out := &Range{Start: start, Size: size}
	slivers, err := r.slivers(ctx, com, vm, pairs, len(pairs))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.log.Debug("systematic slivers unavailable for a range read; decoding the blob", zap.Stringer("blob_id", id), zap.Error(err))
		blob, err := r.decode(ctx, com, vm, encoding.CheckDefault)
		if err != nil {
			return nil, err
		}
		out.Data = blob[start:end]
		return out, nil
	}
	byIndex := make(map[int][]byte, len(slivers))
	for _, s := range slivers {
		byIndex[int(s.Index)] = s.Data
	}
	out.Data = make([]byte, 0, end-start)
	for p := first; p <= last; p++ {
		rowStart := uint64(p) * rowLen
		lo := max(start, rowStart) - rowStart
		hi := min(end, rowStart+rowLen) - rowStart
		out.Data = append(out.Data, byIndex[p][lo:hi]...)
	}
	r.metrics.Bytes("read", len(out.Data))
	return out, nil
}
