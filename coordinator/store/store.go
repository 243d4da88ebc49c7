// Package store is the coordinator's store flow: encode a blob, check whether it is
// already certified, register it on chain paying WAL (or reuse an owned registration),
// send its metadata and slivers to the nodes of every shard in parallel, collect storage
// confirmations (each verified) until they cover n-f shards, aggregate them and certify
// the blob on chain. Up to f shards' worth of nodes may be down, slow or lying.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Errors callers branch on (errors.Is).
var (
	// ErrInvalidOptions: the options cannot be satisfied (epochs out of range, both
	// epochs and end epoch, share and send-to together).
	ErrInvalidOptions = errors.New("store: invalid options")
	// ErrNotEnoughConfirmations: the nodes that confirmed hold fewer than n-f shards. No
	// certification was attempted; the registration stays and can be reused.
	ErrNotEnoughConfirmations = errors.New("store: not enough storage confirmations")
	// ErrUnsupported: the chain client cannot do what was asked (share a blob, send the
	// Blob object to another address): it lacks BlobSharer or ObjectTransferrer.
	ErrUnsupported = errors.New("store: not supported")
	// ErrEpochChanged: the epoch moved on during the store more often than a store
	// follows, or past the end of the blob's storage; the Blob object stays registered
	// and uncertified. Storing again reuses it if its storage still covers the epochs
	// asked for, and registers anew otherwise.
	ErrEpochChanged = errors.New("store: the epoch changed during the store")
	// ErrBlobTooLarge: the blob exceeds the maximum size for the shard count.
	ErrBlobTooLarge = encoding.ErrBlobTooLarge
)

// Chain is what the store flow needs from the chain (chain.Client has these methods).
type Chain interface {
	Address() walrus.Address
	RegisterBlob(ctx context.Context, req chain.RegisterBlobRequest) (*chain.RegisteredBlob, error)
	CertifyBlob(ctx context.Context, blobObjectID walrus.ID, cert *messages.ConfirmationCertificate) (sui.Digest, error)
	BlobsOwnedBy(ctx context.Context, owner walrus.Address) ([]chain.BlobObject, error)
}

// ObjectTransferrer is the optional chain capability that send-to-address needs: moving
// an owned object to another address. A Blob must stay with the signer until certified,
// so it is sent after certification.
type ObjectTransferrer interface {
	TransferObject(ctx context.Context, objectID walrus.ID, to walrus.Address) (sui.Digest, error)
}

// StorageLister is the optional chain capability that storage reuse needs: the Storage
// resources the signer owns (chain.Client does not list them yet).
type StorageLister interface {
	OwnedStorage(ctx context.Context, owner walrus.Address) ([]walrus.Storage, error)
}

// Committees gives the current committee (committees.Source).
type Committees interface {
	Current(ctx context.Context) (*committees.State, error)
	Invalidate()
}

// Config tunes the talks with the storage nodes.
type Config struct {
	// MaxConcurrentRequests bounds the node requests in flight for one store.
	MaxConcurrentRequests int `yaml:"max_concurrent_requests"`
	// MaxRequestsPerNode bounds the sliver uploads in flight to one node.
	MaxRequestsPerNode int `yaml:"max_requests_per_node"`
	// RequestTimeout bounds one attempt of one request.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// Attempts is the number of tries of a request that fails in a retryable way.
	Attempts int `yaml:"attempts"`
	// RetryBackoff is the first wait between attempts; it doubles up to MaxRetryBackoff.
	RetryBackoff    time.Duration `yaml:"retry_backoff"`
	MaxRetryBackoff time.Duration `yaml:"max_retry_backoff"`
	// NodeTimeout bounds everything done with one node for one blob.
	NodeTimeout time.Duration `yaml:"node_timeout"`
	// TailWait is how long, once n-f shards confirmed, the uploads to the other nodes may
	// go on before the certificate is built (they would otherwise recover the slivers).
	TailWait time.Duration `yaml:"tail_wait"`
	// StatusTimeout bounds the blob-status check before registering.
	StatusTimeout time.Duration `yaml:"status_timeout"`
}

// DefaultConfig is the default tuning.
func DefaultConfig() Config {
	return Config{
		MaxConcurrentRequests: 128, MaxRequestsPerNode: 16, RequestTimeout: 30 * time.Second,
		Attempts: 6, RetryBackoff: 100 * time.Millisecond, MaxRetryBackoff: 3 * time.Second,
		NodeTimeout: 3 * time.Minute, TailWait: 2 * time.Second, StatusTimeout: 10 * time.Second,
	}
}

// Validate checks the tuning; it returns the names of bad fields.
func (c *Config) Validate() error {
	var errs []error
	pos := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive, got %d", name, v))
		}
	}
	posD := func(name string, v time.Duration) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive, got %s", name, v))
		}
	}
	pos("max_concurrent_requests", c.MaxConcurrentRequests)
	pos("max_requests_per_node", c.MaxRequestsPerNode)
	pos("attempts", c.Attempts)
	posD("request_timeout", c.RequestTimeout)
	posD("retry_backoff", c.RetryBackoff)
	posD("node_timeout", c.NodeTimeout)
	posD("status_timeout", c.StatusTimeout)
	if c.MaxRetryBackoff < c.RetryBackoff {
		errs = append(errs, fmt.Errorf("max_retry_backoff: must be at least retry_backoff (%s), got %s", c.RetryBackoff, c.MaxRetryBackoff))
	}
	if c.TailWait < 0 {
		errs = append(errs, fmt.Errorf("tail_wait: must not be negative, got %s", c.TailWait))
	}
	return errors.Join(errs...)
}

// Options are the choices of one store.
type Options struct {
	// Epochs is the number of epochs to store for, from the current one (default 1).
	Epochs uint32
	// EndEpoch, if set instead of Epochs, is the epoch the storage ends at (exclusive).
	EndEpoch uint32
	// Permanent stores a permanent blob; blobs are deletable by default.
	Permanent bool
	// Force skips the checks for an existing certification or registration.
	Force bool
	// ReuseResources registers the blob with an owned Storage resource that fits, when
	// there is one, instead of buying storage (needs a chain client that lists them).
	ReuseResources bool
	// SendObjectTo sends the Blob object to this address once certified.
	SendObjectTo *walrus.Address
	// Share wraps the certified Blob into a new shared object (walrus::shared_blob) in the
	// certifying transaction, so that anyone can fund and extend it; the result names it
	// (NewlyCreated.SharedBlobObject). Not with SendObjectTo. As with Walrus, a blob found
	// already certified (alreadyCertified) is not shared. Needs a BlobSharer chain.
	Share bool
	// Attributes are set on the Blob object when it is registered.
	Attributes walrus.StringMap
	// Progress, if set, is told how the store advances (from several goroutines, one call
	// at a time).
	Progress func(Progress)
}

// Phases reported in Progress.
const (
	PhaseEncode   = "encoding"
	PhaseStatus   = "checking status"
	PhaseRegister = "registering"
	PhaseUpload   = "uploading"
	PhaseCertify  = "certifying"
	PhaseDone     = "done"
)

// Progress says where a store is: in Phase, Done out of Total units (slivers sent during
// the upload, shards confirmed out of those needed, 0/0 otherwise).
type Progress struct {
	Phase       string
	Done, Total int
	Confirmed   int // shards confirmed
	Needed      int // shards needed (n-f)
}

// Writer runs the store flow. It is safe for concurrent use.
type Writer struct {
	chain      Chain
	committees Committees
	cfg        Config
	log        *zap.Logger
	metrics    *metrics.Metrics
	codecs     encoding.Codecs
	// workspaces keeps the memory of finished encodes (*encoding.Workspace) for the
	// next ones: a large blob expands to hundreds of megabytes, which the kernel would
	// otherwise fault in afresh for every blob. Idle ones go with the garbage collector.
	workspaces sync.Pool
}

// NewWriter returns a Writer.
func NewWriter(c Chain, com Committees, cfg Config, log *zap.Logger, m *metrics.Metrics) *Writer {
	if log == nil {
		log = zap.NewNop()
	}
	return &Writer{chain: c, committees: com, cfg: cfg, log: log.Named("store"), metrics: m}
}

// epochsAhead resolves Epochs/EndEpoch against the current epoch.
func (o *Options) epochsAhead(st *committees.State) (uint32, error) {
	if o.Epochs != 0 && o.EndEpoch != 0 {
		return 0, fmt.Errorf("%w: give epochs or an end epoch, not both", ErrInvalidOptions)
	}
	e := o.Epochs
	if o.EndEpoch != 0 {
		if o.EndEpoch <= st.Epoch {
			return 0, fmt.Errorf("%w: end epoch %d is not after the current epoch %d", ErrInvalidOptions, o.EndEpoch, st.Epoch)
		}
		e = o.EndEpoch - st.Epoch
	}
	if e == 0 {
		e = 1
	}
	if st.MaxEpochsAhead > 0 && e > st.MaxEpochsAhead {
		return 0, fmt.Errorf("%w: %d epochs ahead, the system allows at most %d", ErrInvalidOptions, e, st.MaxEpochsAhead)
	}
	return e, nil
}

type reporter struct {
	mu sync.Mutex
	f  func(Progress)
	p  Progress
}

func (r *reporter) set(f func(p *Progress)) {
	if r.f == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.p)
	r.f(r.p)
}

func (r *reporter) phase(ph string, total int) {
	r.set(func(p *Progress) { p.Phase, p.Done, p.Total = ph, 0, total })
}

// Store stores blob with the options and returns Walrus's result. Errors wrap the
// package's sentinels, chain errors (chain.ErrInsufficientWAL, aborts) or the context's.
func (w *Writer) Store(ctx context.Context, blob []byte, opts Options) (res *Result, err error) {
	defer func() {
		if err != nil {
			w.metrics.Result("store", "error")
		} else {
			w.metrics.Result("store", res.Kind())
			w.metrics.Bytes("store", len(blob))
		}
	}()
	sharer, err := w.sharer(&opts)
	if err != nil {
		return nil, err
	}
	var transfer ObjectTransferrer
	if opts.SendObjectTo != nil && *opts.SendObjectTo != w.chain.Address() {
		t, ok := w.chain.(ObjectTransferrer)
		if !ok {
			return nil, fmt.Errorf("%w: sending the Blob object to another address (the chain client has no object transfer yet)", ErrUnsupported)
		}
		transfer = t
	}
	st, err := w.committees.Current(ctx)
	if err != nil {
		return nil, err
	}
	epochs, err := opts.epochsAhead(st)
	if err != nil {
		return nil, err
	}
	com := st.Write
	rep := &reporter{f: opts.Progress}
	res = &Result{}

	// Encode.
	rep.phase(PhaseEncode, 0)
	codec, err := w.codecs.Get(com.NShards())
	if err != nil {
		return nil, err
	}
	if uint64(len(blob)) > com.Params.MaxBlobSize() {
		return nil, fmt.Errorf("%w: %d bytes, at most %d for %d shards", ErrBlobTooLarge, len(blob), com.Params.MaxBlobSize(), com.NShards())
	}
	t := time.Now()
	ws, _ := w.workspaces.Get().(*encoding.Workspace)
	if ws == nil {
		ws = &encoding.Workspace{}
	}
	// The slivers live in ws until the store is done with them: every upload goroutine
	// has ended when Store returns.
	defer w.workspaces.Put(ws)
	enc, err := codec.EncodeTo(ws, blob)
	if err != nil {
		return nil, fmt.Errorf("store: encode: %w", err)
	}
	res.Timings.Encode = time.Since(t)
	w.metrics.Stage("store", "encode", res.Timings.Encode)
	id := enc.Metadata.BlobID()
	log := w.log.With(zap.Stringer("blob_id", id), zap.Int("size", len(blob)))
	endEpoch := st.Epoch + epochs

	// Existing certification or registration.
	var reg *chain.RegisteredBlob
	var op ResourceOperation
	if !opts.Force {
		rep.phase(PhaseStatus, 0)
		t = time.Now()
		status, serr := com.BlobStatus(ctx, id, w.cfg.StatusTimeout)
		res.Timings.Status = time.Since(t)
		switch {
		case serr == nil && status.Kind == api.BlobInvalid:
			res.MarkedInvalid = &MarkedInvalid{BlobID: id, Event: status.Event}
			return res, nil
		case serr == nil && opts.Permanent && status.Kind == api.BlobPermanent && status.IsCertified && status.EndEpoch >= endEpoch:
			ev := status.Event
			res.AlreadyCertified = &AlreadyCertified{BlobID: id, Event: &ev, EndEpoch: status.EndEpoch}
			return res, nil
		case serr != nil && !errors.Is(serr, nodes.ErrBlobNotFound):
			log.Debug("blob status unknown; storing anyway", zap.Error(serr))
		}
		owned, oerr := w.chain.BlobsOwnedBy(ctx, w.chain.Address())
		if oerr != nil {
			return nil, fmt.Errorf("store: list owned blobs: %w", oerr)
		}
		if r, done := reuse(owned, id, !opts.Permanent, endEpoch, st.Epoch); done != nil {
			res.AlreadyCertified = done
			return res, nil
		} else if r != nil {
			reg = &chain.RegisteredBlob{ObjectID: r.ID, Blob: r.Blob}
			op.ReuseRegistration = &EncodedLength{EncodedLength: enc.Metadata.EncodedLength()}
			log.Info("reusing an owned registration", zap.Stringer("object", r.ID))
		}
	}

	// Register.
	if reg == nil {
		rep.phase(PhaseRegister, 0)
		t = time.Now()
		root := enc.Metadata.RootHash()
		req := chain.RegisterBlobRequest{
			BlobID: id, RootHash: root, Size: uint64(len(blob)), Deletable: !opts.Permanent,
			Epochs: epochs, Attributes: opts.Attributes,
		}
		if opts.ReuseResources {
			if sid, ok := w.fittingStorage(ctx, enc.Metadata.EncodedLength(), st.Epoch, endEpoch); ok {
				req.Storage = &sid
			}
		}
		reg, err = w.chain.RegisterBlob(ctx, req)
		res.Timings.Register = time.Since(t)
		w.metrics.Stage("store", "register", res.Timings.Register)
		if err != nil {
			if isEpochMismatch(err) {
				w.committees.Invalidate()
			}
			return nil, fmt.Errorf("store %s: register: %w", id, err)
		}
		if req.Storage != nil {
			op.ReuseStorage = &EncodedLength{EncodedLength: enc.Metadata.EncodedLength()}
		} else {
			op.RegisterFromScratch = &RegisterFromScratch{EncodedLength: enc.Metadata.EncodedLength(), EpochsAhead: epochs}
		}
		log.Debug("registered", zap.Stringer("object", reg.ObjectID), zap.Uint64("cost", reg.Paid))
	}
	persistence := messages.Permanent()
	if reg.Blob.Deletable {
		persistence = messages.Deletable(reg.ObjectID)
	}

	// Upload, collect confirmations and certify.
	com, shared, err := w.publish(ctx, com, enc, reg, persistence, sharer, rep, &res.Timings, log)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", id, err)
	}
	if transfer != nil {
		if _, err := transfer.TransferObject(ctx, reg.ObjectID, *opts.SendObjectTo); err != nil {
			return nil, fmt.Errorf("store %s: send Blob object %s to %s: %w", id, reg.ObjectID, *opts.SendObjectTo, err)
		}
	}
	b := reg.Blob
	b.ID = reg.ObjectID
	ce := com.Epoch
	if b.CertifiedEpoch == nil {
		b.CertifiedEpoch = &ce
	}
	res.NewlyCreated = &NewlyCreated{BlobObject: NewBlobObject(&b), ResourceOperation: op, Cost: reg.Paid, SharedBlobObject: shared}
	rep.phase(PhaseDone, 0)
	if shared != nil {
		log = log.With(zap.Stringer("shared_object", shared))
	}
	log.Info("stored", zap.Stringer("object", reg.ObjectID), zap.Uint32("end_epoch", b.Storage.EndEpoch),
		zap.Duration("encode", res.Timings.Encode), zap.Duration("upload", res.Timings.Upload), zap.Duration("chain", res.Timings.Chain()))
	return res, nil
}

// fittingStorage picks the smallest owned Storage resource that holds encodedSize bytes
// from the current epoch to at least endEpoch.
func (w *Writer) fittingStorage(ctx context.Context, encodedSize uint64, epoch, endEpoch uint32) (walrus.ID, bool) {
	l, ok := w.chain.(StorageLister)
	if !ok {
		return walrus.ID{}, false
	}
	all, err := l.OwnedStorage(ctx, w.chain.Address())
	if err != nil {
		w.log.Debug("cannot list owned storage; buying new", zap.Error(err))
		return walrus.ID{}, false
	}
	var best *walrus.Storage
	for i := range all {
		s := &all[i]
		if s.StorageSize < encodedSize || s.StartEpoch > epoch || s.EndEpoch < endEpoch {
			continue
		}
		if best == nil || s.StorageSize < best.StorageSize || (s.StorageSize == best.StorageSize && s.EndEpoch < best.EndEpoch) {
			best = s
		}
	}
	if best == nil {
		return walrus.ID{}, false
	}
	return best.ID, true
}

// reuse looks among the owned Blob objects for one of blob id, of the same persistence,
// covering endEpoch: a certified one means the store is done; an uncertified one is a
// registration to reuse.
func reuse(owned []chain.BlobObject, id encoding.BlobID, deletable bool, endEpoch, epoch uint32) (*chain.BlobObject, *AlreadyCertified) {
	var reg *chain.BlobObject
	for i := range owned {
		b := &owned[i]
		if b.BlobID != id || b.Deletable != deletable || b.Storage.EndEpoch < endEpoch || b.IsExpired(epoch) {
			continue
		}
		if b.IsCertified() {
			oid := b.ID
			return nil, &AlreadyCertified{BlobID: id, Object: &oid, EndEpoch: b.Storage.EndEpoch}
		}
		if reg == nil {
			reg = b
		}
	}
	return reg, nil
}

// maxEpochChanges is how many epoch changes one store follows between its upload and
// its certification before giving up.
const maxEpochChanges = 2

// publish uploads the slivers to the committee, aggregates the confirmations into a
// certificate and certifies the registered Blob with it, adding the time of each step to
// tm. The epoch may move on meanwhile: the nodes then refuse shards they no longer hold
// or sign for the new epoch, or the chain refuses the previous epoch's certificate
// (EIncorrectEpoch). Then the committee is read again and, if its epoch moved on (and
// the blob's storage did not end with it), the slivers go to the new committee (nodes
// that kept their shards already have them) and its certificate is used instead. It
// returns the committee that certified.
func (w *Writer) publish(ctx context.Context, com *nodes.Committee, enc *encoding.EncodedBlob, reg *chain.RegisteredBlob, p messages.BlobPersistence, sharer BlobSharer, rep *reporter, tm *Timings, log *zap.Logger) (*nodes.Committee, *walrus.ID, error) {
	defer func() {
		w.metrics.Stage("store", "upload", tm.Upload)
		if tm.Certify > 0 {
			w.metrics.Stage("store", "certify", tm.Certify)
		}
	}()
	for changes := 0; ; changes++ {
		t := time.Now()
		cert, err := w.upload(ctx, com, enc, p, rep)
		tm.Upload += time.Since(t)
		if err != nil {
			err = fmt.Errorf("upload to the committee of epoch %d (Blob object %s registered): %w", com.Epoch, reg.ObjectID, err)
		} else {
			rep.phase(PhaseCertify, 0)
			t = time.Now()
			shared, cerr := w.certify(ctx, reg.ObjectID, cert, sharer)
			tm.Certify += time.Since(t)
			if cerr == nil {
				return com, shared, nil
			}
			err = fmt.Errorf("certify with the certificate of epoch %d: %w", com.Epoch, cerr)
			if !isEpochMismatch(cerr) {
				return nil, nil, err
			}
		}
		if ctx.Err() != nil {
			return nil, nil, err
		}
		w.committees.Invalidate()
		now, serr := w.committees.Current(ctx)
		switch {
		case serr != nil || now.Epoch == com.Epoch:
			return nil, nil, err
		case changes == maxEpochChanges:
			return nil, nil, fmt.Errorf("%w %d times: %w", ErrEpochChanged, changes+1, err)
		case now.Epoch >= reg.Blob.Storage.EndEpoch:
			return nil, nil, fmt.Errorf("%w to %d, where the storage of Blob object %s has ended: %w", ErrEpochChanged, now.Epoch, reg.ObjectID, err)
		}
		log.Info("the epoch changed during the store; uploading to the new committee",
			zap.Uint32("from", com.Epoch), zap.Uint32("to", now.Epoch), zap.NamedError("attempt", err))
		com = now.Write
	}
}

func isEpochMismatch(err error) bool {
	return errors.Is(err, chain.ErrIncorrectEpoch) || errors.Is(err, chain.ErrIncorrectCommittee) || errors.Is(err, chain.ErrInvalidIDEpoch)
}
