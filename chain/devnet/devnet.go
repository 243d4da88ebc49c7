package devnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/devnet/rpc/execrpc"
	"github.com/tuskstore/tusk/chain/devnet/walrusmove"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// LockFile is the name of the lock file in the data directory.
const LockFile = "LOCK"

var (
	// ErrInUse is wrapped by Open's error when another process has the data directory.
	ErrInUse = errors.New("devnet: data directory in use")
	// ErrClosed is returned by operations on a closed Devnet.
	ErrClosed = errors.New("devnet: closed")
	// ErrReplay is wrapped by Open's error when replaying the operation log does not
	// reproduce what the log recorded (a different effects digest or coin ID, or an
	// operation that fails now).
	ErrReplay = errors.New("devnet: replay diverged from the operation log")
)

// Devnet is an embedded Sui with the Walrus Move API, persisted in a data directory as
// its genesis (GenesisFile) and an operation log (LogFile) replayed at Open. It is safe
// for concurrent use.
type Devnet struct {
	dir     string
	log     *zap.Logger
	gen     *genesisFile
	created bool
	// driveEpochs runs an epoch driver with Run (Config.DriveEpochs).
	driveEpochs bool

	state   *walrusmove.GenesisState
	store   *exec.MemStore
	reg     *exec.Registry
	ledger  *execrpc.Ledger
	inner   exec.Store // the ledger's store: MemStore commits, sequenced into checkpoints
	ex      *exec.Executor
	faucet  *walrusmove.Faucet
	capture captureInserter // where faucet writes: coins are logged before they are inserted
	srv     *rpc.Server
	lis     net.Listener
	lock    *os.File

	// clock is the chain time in ms, the ledger's Now: the timestamp of the record being
	// committed (or replayed), so that checkpoints get the logged timestamps.
	clock atomic.Int64

	// mu serialises state changes with their log records (held from the record's write
	// to its application) and guards the fields below.
	mu            sync.Mutex
	w             *logWriter // nil once closed
	epoch         uint64     // the executor's epoch and its start, as logged
	epochStart    uint64
	lastTs        uint64  // timestamp of the last record
	replay        *record // the record being replayed, nil when live
	replayApplied bool
	replayErr     error
	run           run // the transaction being executed or simulated (clock.go)

	// execMu serialises executions and simulations, so that each sees its own Clock.
	execMu sync.Mutex

	runMu   sync.Mutex
	running bool
	closed  bool
	stopRun context.CancelFunc
	runDone chan struct{}
}

// Open opens the devnet in dir, creating dir and a new devnet when it holds none. An
// existing devnet must have been created with the same genesis (cfg.Genesis, Grants and,
// when set, GenesisTime); it is rebuilt by replaying its log, and a torn final record (a
// crash in the middle of an append) is truncated. Open listens on cfg.RPCAddr; Run serves
// it. log may be nil.
func Open(ctx context.Context, dir string, cfg Config, log *zap.Logger) (_ *Devnet, err error) {
	if log == nil {
		log = zap.NewNop()
	}
	if dir == "" {
		return nil, errors.New("devnet: no data directory given")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("devnet: data directory: %w", err)
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("devnet: data directory: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("devnet: data directory %s is not a directory", dir)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lock.Close()
		}
	}()

	gen, created, err := loadOrCreateGenesis(dir, &cfg)
	if err != nil {
		return nil, err
	}
	d := &Devnet{dir: dir, log: log.Named("devnet"), gen: gen, created: created, lock: lock, driveEpochs: cfg.DriveEpochs}
	if err := d.build(); err != nil {
		return nil, err
	}
	if err := d.replayLog(ctx); err != nil {
		if d.w != nil {
			d.w.f.Close()
		}
		return nil, err
	}
	defer func() {
		if err != nil {
			d.w.f.Close()
		}
	}()
	d.lis, err = net.Listen("tcp", cfg.RPCAddr)
	if err != nil {
		return nil, fmt.Errorf("devnet: listen on %s: %w", cfg.RPCAddr, err)
	}
	d.log.Info("devnet open", zap.String("dir", dir), zap.Bool("created", created),
		zap.Uint64("records", d.w.seq), zap.String("endpoint", d.Endpoint()))
	return d, nil
}

// loadOrCreateGenesis reads dir's genesis.yaml and checks it against cfg, or, for a new
// devnet, writes the log and then genesis.yaml (so that a genesis.yaml always has a log).
func loadOrCreateGenesis(dir string, cfg *Config) (*genesisFile, bool, error) {
	genPath := filepath.Join(dir, GenesisFile)
	logPath := filepath.Join(dir, LogFile)
	_, statErr := os.Stat(genPath)
	switch {
	case statErr == nil:
		gen, err := readGenesisFile(genPath)
		if err != nil {
			return nil, false, err
		}
		if err := checkSameGenesis(genPath, gen, cfg); err != nil {
			return nil, false, err
		}
		if _, err := os.Stat(logPath); err != nil {
			return nil, false, fmt.Errorf("devnet: %s has a genesis but its operation log is missing: %w", dir, err)
		}
		return gen, false, nil
	case errors.Is(statErr, fs.ErrNotExist):
		// A log without genesis.yaml is left by a creation that did not finish; it can
		// hold no records, unless something else deleted genesis.yaml.
		if st, err := os.Stat(logPath); err == nil && st.Size() > int64(len(logMagic)) {
			return nil, false, fmt.Errorf("devnet: %s holds an operation log with records but no %s; refusing to overwrite it", dir, GenesisFile)
		}
		ms := time.Now().UnixMilli()
		if !cfg.GenesisTime.IsZero() {
			ms = cfg.GenesisTime.UnixMilli()
		}
		gen := &genesisFile{
			Format:            genesisFormat,
			Genesis:           cfg.Genesis,
			Grants:            cfg.Grants,
			GenesisTimeMs:     uint64(ms),
			WalrusEpoch:       walrusmove.DefaultEpoch,
			SuiEpoch:          0,
			ReferenceGasPrice: exec.DefaultReferenceGasPrice,
		}
		if err := createLog(logPath); err != nil {
			return nil, false, err
		}
		if err := writeGenesisFile(genPath, gen); err != nil {
			return nil, false, err
		}
		return gen, true, nil
	default:
		return nil, false, fmt.Errorf("devnet: %w", statErr)
	}
}

// build creates the genesis state, the executor, the ledger and the gRPC server.
func (d *Devnet) build() error {
	g := d.gen
	grants := func(gs []Grant) []walrusmove.Grant {
		out := make([]walrusmove.Grant, len(gs))
		for i, x := range gs {
			out[i] = walrusmove.Grant{Owner: x.Owner, Amount: x.Amount}
		}
		return out
	}
	st, err := walrusmove.Genesis(g.Genesis, walrusmove.GenesisOptions{
		Epoch:            g.WalrusEpoch,
		ClockTimestampMs: g.GenesisTimeMs,
		SUI:              grants(g.Grants.SUI),
		WAL:              grants(g.Grants.WAL),
	})
	if err != nil {
		return fmt.Errorf("devnet: genesis: %w", err)
	}
	d.state = st
	d.store = exec.NewMemStore()
	if err := d.store.Insert(st.Objects...); err != nil {
		return fmt.Errorf("devnet: genesis: %w", err)
	}
	d.reg = exec.NewRegistry()
	if err := walrusmove.Register(d.reg, st.IDs); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	d.clock.Store(int64(g.GenesisTimeMs))
	d.lastTs = g.GenesisTimeMs
	d.ledger = execrpc.NewExecLedger(d.store, execrpc.LedgerConfig{
		GenesisTime:       time.UnixMilli(int64(g.GenesisTimeMs)),
		ReferenceGasPrice: g.ReferenceGasPrice,
		Now:               func() time.Time { return time.UnixMilli(d.clock.Load()) },
	})
	d.inner = d.ledger.Store()
	d.epoch, d.epochStart = g.SuiEpoch, g.GenesisTimeMs
	d.ex = exec.New(logStore{d}, d.reg, exec.Config{
		ReferenceGasPrice:     g.ReferenceGasPrice,
		ChainID:               d.ledger.ChainID(),
		Epoch:                 d.epoch,
		EpochStartTimestampMs: d.epochStart,
	})
	d.faucet = st.Faucet(&d.capture)
	d.srv, err = rpc.New(d.ledger, rpc.Config{}, d.log,
		rpc.WithExecutor(clockedExecutor{d: d, inner: execrpc.NewExecutor(d.ex, d.store)}),
		rpc.WithFunctionCatalog(execrpc.NewFunctionCatalog(d.reg, execrpc.CatalogOptions{TxContext: true})))
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	return nil
}

// replayLog applies every record of the log, truncates a torn final record, and leaves
// the log open for appending.
func (d *Devnet) replayLog(ctx context.Context) error {
	path := filepath.Join(d.dir, LogFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	lr, err := newLogReader(path, f)
	if err != nil {
		f.Close()
		return err
	}
	d.w = &logWriter{f: f}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := lr.next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, errTorn) {
			d.log.Warn("truncating a torn final record of the operation log (an append was interrupted)",
				zap.String("log", path), zap.Uint64("record", lr.seq), zap.Int64("offset", lr.off))
			if err := f.Truncate(lr.off); err != nil {
				return fmt.Errorf("devnet: truncating the torn end of %s: %w", path, err)
			}
			if err := f.Sync(); err != nil {
				return fmt.Errorf("devnet: syncing %s: %w", path, err)
			}
			break
		}
		if err != nil {
			return err
		}
		if err := d.apply(ctx, r); err != nil {
			return fmt.Errorf("devnet: replaying record %d of %s: %w", r.Seq, path, err)
		}
	}
	d.w.off, d.w.seq = lr.off, lr.seq
	return nil
}

// apply replays one record.
func (d *Devnet) apply(ctx context.Context, r *record) error {
	switch r.Kind {
	case opTransaction:
		digest := sui.TransactionDigest(r.Tx.TxBytes)
		d.mu.Lock()
		d.replay, d.replayApplied, d.replayErr = r, false, nil
		d.mu.Unlock()
		d.ex.SetEpoch(r.Tx.Epoch, r.Tx.EpochStartMs)
		_, err := d.ex.Execute(ctx, r.Tx.TxBytes, r.Tx.Signatures)
		d.mu.Lock()
		applied, rerr := d.replayApplied, d.replayErr
		d.replay = nil
		if applied {
			d.epoch, d.epochStart, d.lastTs = r.Tx.Epoch, r.Tx.EpochStartMs, r.TimestampMs
		}
		d.mu.Unlock()
		switch {
		case rerr != nil:
			return rerr
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w: transaction %s: %w", ErrReplay, digest, err)
		case !applied:
			return fmt.Errorf("%w: transaction %s was not committed again (it had been already)", ErrReplay, digest)
		}
		return nil
	case opFaucet:
		d.mu.Lock()
		defer d.mu.Unlock()
		fr := &r.Faucet
		walCoin, suiCoin, objs, err := d.mint(fr.Owner, fr.WAL, fr.SUI)
		if err != nil {
			return fmt.Errorf("%w: faucet for %s: %w", ErrReplay, fr.Owner, err)
		}
		if walCoin != fr.WALCoin || suiCoin != fr.SUICoin {
			return fmt.Errorf("%w: faucet for %s minted coins %s and %s, the log says %s and %s", ErrReplay, fr.Owner, walCoin, suiCoin, fr.WALCoin, fr.SUICoin)
		}
		if err := d.store.Insert(objs...); err != nil {
			return fmt.Errorf("%w: faucet for %s: %w", ErrReplay, fr.Owner, err)
		}
		d.lastTs = r.TimestampMs
		return nil
	}
	return fmt.Errorf("devnet: record kind %d", r.Kind)
}

// logStore is the executor's store: it logs each commit (and syncs the log) before
// applying it to the ledger, or, while replaying, checks it against the record.
type logStore struct{ d *Devnet }

func (s logStore) Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error) {
	o, ref, err := s.d.inner.Object(ctx, id)
	if err != nil || id != exec.ClockID {
		return o, ref, err
	}
	return s.d.timedClock(o)
}

func (s logStore) Executed(ctx context.Context, digest sui.Digest) (*exec.Changes, error) {
	return s.d.inner.(exec.ExecutedStore).Executed(ctx, digest)
}

func (s logStore) Apply(ctx context.Context, c *exec.Changes) error {
	d := s.d
	d.mu.Lock()
	defer d.mu.Unlock()
	// Once the record is decided the commit must happen whatever ctx says.
	applyCtx := context.WithoutCancel(ctx)
	if r := d.replay; r != nil {
		if got := c.Effects.Digest(); got != r.Tx.EffectsDigest {
			d.replayErr = fmt.Errorf("%w: transaction %s: effects digest %s on replay, %s in the log (effects %s)",
				ErrReplay, c.Digest, got, r.Tx.EffectsDigest, statusText(c))
			return d.replayErr
		}
		d.clock.Store(int64(r.TimestampMs))
		if err := d.inner.Apply(applyCtx, c); err != nil {
			d.replayErr = fmt.Errorf("%w: transaction %s: %w", ErrReplay, c.Digest, err)
			return d.replayErr
		}
		d.replayApplied = true
		return nil
	}
	if d.w == nil {
		return ErrClosed
	}
	ts := d.commitTimestamp()
	rec := &record{TimestampMs: ts, Kind: opTransaction, Tx: txRecord{
		Epoch: d.epoch, EpochStartMs: d.epochStart, EffectsDigest: c.Effects.Digest(),
		TxBytes: c.Transaction, Signatures: c.Signatures,
	}}
	if err := d.w.append(rec); err != nil {
		return err
	}
	d.lastTs = max(d.lastTs, ts) // a faucet record may have come between the Clock read and now
	d.clock.Store(int64(ts))
	if err := d.inner.Apply(applyCtx, c); err != nil {
		// The log holds a transaction the ledger does not: stop taking operations, a
		// restart replays the log.
		d.w.failed = fmt.Errorf("transaction %s logged but not applied: %w", c.Digest, err)
		return err
	}
	return nil
}

func statusText(c *exec.Changes) string {
	if err := c.Effects.Status().Err(); err != nil {
		return "failed: " + err.Error()
	}
	return "succeeded"
}

// now is the timestamp of a new record: the wall clock, never before the last record.
// d.mu must be held.
func (d *Devnet) now() uint64 {
	ts := uint64(max(time.Now().UnixMilli(), 0))
	return max(ts, d.lastTs)
}

// captureInserter collects what the faucet mints.
type captureInserter struct{ objs []*sui.Object }

func (c *captureInserter) Insert(objs ...*sui.Object) error {
	c.objs = append(c.objs, objs...)
	return nil
}

// mint has the faucet mint the coins (WAL first) without inserting them. d.mu must be
// held.
func (d *Devnet) mint(owner walrus.Address, walAmount, suiAmount uint64) (walCoin, suiCoin walrus.ID, objs []*sui.Object, err error) {
	d.capture.objs = nil
	if walAmount > 0 {
		if walCoin, err = d.faucet.WAL(owner, walAmount); err != nil {
			return
		}
	}
	if suiAmount > 0 {
		if suiCoin, err = d.faucet.SUI(owner, suiAmount); err != nil {
			return
		}
	}
	objs, d.capture.objs = d.capture.objs, nil
	return
}

// FaucetCoins are the coins a faucet call minted; an ID is zero for an amount of 0.
type FaucetCoins struct {
	WAL walrus.ID
	SUI walrus.ID
}

// Faucet mints a Coin<WAL> of walAmount FROST and a SUI gas coin of suiAmount MIST for
// owner (either amount may be 0, not both), as an administrative insertion (no
// transaction). It returns once the operation is in the log and synced.
func (d *Devnet) Faucet(ctx context.Context, owner walrus.Address, walAmount, suiAmount uint64) (FaucetCoins, error) {
	if err := ctx.Err(); err != nil {
		return FaucetCoins{}, err
	}
	if owner.IsZero() {
		return FaucetCoins{}, errors.New("devnet: faucet: no owner address")
	}
	if walAmount == 0 && suiAmount == 0 {
		return FaucetCoins{}, errors.New("devnet: faucet: nothing asked for")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w == nil {
		return FaucetCoins{}, ErrClosed
	}
	if d.w.failed != nil {
		return FaucetCoins{}, fmt.Errorf("devnet: the operation log failed earlier, restart the devnet: %w", d.w.failed)
	}
	if left := d.faucet.WALLeft(); walAmount > left {
		return FaucetCoins{}, fmt.Errorf("%w: %d FROST asked, %d left", walrusmove.ErrFaucetExhausted, walAmount, left)
	}
	walCoin, suiCoin, objs, err := d.mint(owner, walAmount, suiAmount)
	if err != nil {
		// The faucet's counter may have moved: what is minted next would not replay.
		d.w.failed = fmt.Errorf("faucet: %w", err)
		return FaucetCoins{}, fmt.Errorf("devnet: faucet: %w", err)
	}
	ts := d.now()
	rec := &record{TimestampMs: ts, Kind: opFaucet, Faucet: faucetRecord{Owner: owner, WAL: walAmount, SUI: suiAmount, WALCoin: walCoin, SUICoin: suiCoin}}
	if err := d.w.append(rec); err != nil {
		d.w.failed = err // the faucet's counter moved past coins that do not exist
		return FaucetCoins{}, err
	}
	d.lastTs = ts
	if err := d.store.Insert(objs...); err != nil {
		d.w.failed = fmt.Errorf("faucet coins logged but not inserted: %w", err)
		return FaucetCoins{}, fmt.Errorf("devnet: faucet: %w", err)
	}
	return FaucetCoins{WAL: walCoin, SUI: suiCoin}, nil
}

// Execute verifies, executes and commits a signed transaction (exec.Executor.Execute).
// A committed transaction (successful or failed in execution) is in the log, synced,
// before Execute returns; one already committed returns its results again.
func (d *Devnet) Execute(ctx context.Context, txBytes []byte, signatures [][]byte) (*exec.Result, error) {
	d.mu.Lock()
	closed := d.w == nil
	d.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	d.beginRun(false)
	defer d.endRun()
	return d.ex.Execute(ctx, txBytes, signatures)
}

// Simulate dry-runs a transaction; nothing is committed or logged.
func (d *Devnet) Simulate(ctx context.Context, txBytes []byte) (*exec.Result, error) {
	d.beginRun(true)
	defer d.endRun()
	return d.ex.Simulate(ctx, txBytes)
}

// IDs are the Walrus package IDs and the System and Staking objects.
func (d *Devnet) IDs() walrusmove.IDs { return d.state.IDs }

// Genesis is the genesis state (node caps, staked WAL, genesis coins, committee).
func (d *Devnet) Genesis() *walrusmove.GenesisState { return d.state }

// Endpoint is the gRPC address clients dial, host:port: the bound address, with an
// unspecified host (0.0.0.0, ::) replaced by the loopback address.
func (d *Devnet) Endpoint() string {
	a, ok := d.lis.Addr().(*net.TCPAddr)
	if !ok {
		return d.lis.Addr().String()
	}
	ip := a.IP
	if ip == nil || ip.IsUnspecified() { // a dual-stack [::] socket accepts IPv4 too
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// Dir is the data directory.
func (d *Devnet) Dir() string { return d.dir }

// Created reports whether Open created the devnet (a new data directory).
func (d *Devnet) Created() bool { return d.created }

// GenesisTime is the time of the genesis (Clock, checkpoint 0).
func (d *Devnet) GenesisTime() time.Time { return time.UnixMilli(int64(d.gen.GenesisTimeMs)) }

// ChainID is the chain identifier, the digest of checkpoint 0.
func (d *Devnet) ChainID() sui.Digest { return d.ledger.ChainID() }

// ReferenceGasPrice is the minimum gas price, in MIST.
func (d *Devnet) ReferenceGasPrice() uint64 { return d.ex.ReferenceGasPrice() }

// Store is the ledger's object store, for reads. Writing to it directly bypasses the log.
func (d *Devnet) Store() *exec.MemStore { return d.store }

// Ledger is the gRPC ledger (checkpoints, transactions), for reads.
func (d *Devnet) Ledger() *execrpc.Ledger { return d.ledger }

// Records is the number of records in the operation log.
func (d *Devnet) Records() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w == nil {
		return 0
	}
	return d.w.seq
}

// Run serves the gRPC API until ctx is done or Close is called, then stops gracefully
// (in-flight calls finish within the server's shutdown timeout). It returns nil after
// such a stop. Run may be called once.
func (d *Devnet) Run(ctx context.Context) error {
	d.runMu.Lock()
	if d.closed {
		d.runMu.Unlock()
		return ErrClosed
	}
	if d.running {
		d.runMu.Unlock()
		return errors.New("devnet: Run called twice")
	}
	d.running = true
	ctx, cancel := context.WithCancel(ctx)
	d.stopRun = cancel
	d.runDone = make(chan struct{})
	done := d.runDone
	d.runMu.Unlock()
	defer close(done)
	defer cancel()
	if !d.driveEpochs {
		return d.srv.Serve(ctx, d.lis)
	}
	// The epoch driver talks to the server over gRPC; it stops with it.
	driverDone := make(chan struct{})
	go func() {
		defer close(driverDone)
		d.runEpochDriver(ctx)
	}()
	err := d.srv.Serve(ctx, d.lis)
	cancel()
	<-driverDone
	return err
}

// Close stops Run if it is serving, and closes the log and releases the data
// directory. Operations after Close return ErrClosed. Close may be called more than once.
func (d *Devnet) Close() error {
	d.runMu.Lock()
	if d.closed {
		d.runMu.Unlock()
		return nil
	}
	d.closed = true
	running, stop, done := d.running, d.stopRun, d.runDone
	d.runMu.Unlock()
	if running {
		stop()
		<-done
	} else {
		_ = d.lis.Close()
	}
	var err error
	d.mu.Lock()
	if d.w != nil {
		if cerr := d.w.f.Close(); cerr != nil {
			err = fmt.Errorf("devnet: closing the operation log: %w", cerr)
		}
		d.w = nil
	}
	d.mu.Unlock()
	if cerr := d.lock.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("devnet: releasing the lock: %w", cerr)
	}
	return err
}
