package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/frost"
	"github.com/tuskstore/tusk/internal/lifecycle"
)

// lowGas is the SUI balance (MIST) under which New warns that the operator's key may
// not pay for its transactions.
const lowGas = 1_000_000_000

// Deps are what an Operator is built from besides its Config.
type Deps struct {
	// Chain signs with the operator's key (Config.LoadSigner) and pays the gas.
	Chain *chain.Client
	// NodeID is the node operated: its StorageNodeCap must be the operator's.
	NodeID walrus.ID
	// Log receives the logs (named "operator"); nil logs nothing.
	Log *zap.Logger
	// Registerer receives the Prometheus metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer
	// ShutdownTimeout bounds Run's shutdown (default lifecycle.DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
}

// Operator is a node's operator on chain: its Writer (node.ChainWriter), and, as
// configured, an EpochDriver and a CommissionCollector that Run runs.
type Operator struct {
	cfg        Config
	log        *zap.Logger
	cap        *chain.NodeCapObject
	writer     *Writer
	driver     *EpochDriver
	commission *CommissionCollector
	timeout    time.Duration
}

// New validates cfg, finds the node's StorageNodeCap (Config.NodeCapID, or the one the
// operator's address owns for the node) and builds the enabled parts.
func New(ctx context.Context, cfg Config, deps Deps) (*Operator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("operator: %w", err)
	}
	if deps.Chain == nil || deps.NodeID.IsZero() {
		return nil, errors.New("operator: Chain and NodeID are required")
	}
	if deps.Chain.Address().IsZero() {
		return nil, fmt.Errorf("operator: %w", chain.ErrNoSigner)
	}
	log := deps.Log
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("operator")
	var capID walrus.ID
	if cfg.NodeCapID != "" {
		capID, _ = walrus.ParseID(cfg.NodeCapID)
	}
	k, err := FindNodeCap(ctx, deps.Chain, deps.Chain.Address(), deps.NodeID, capID)
	if err != nil {
		return nil, err
	}
	m := newMetrics(deps.Registerer)
	o := &Operator{cfg: cfg, log: log, cap: k, writer: newWriter(deps.Chain, k.ID, log, m), timeout: deps.ShutdownTimeout}
	if cfg.Epochs.Drive {
		if o.driver, err = NewEpochDriver(deps.Chain, cfg.Epochs, log); err != nil {
			return nil, err
		}
	}
	if cfg.Commission.Collect {
		sched, err := ParseSchedule(cfg.Commission.Schedule)
		if err != nil {
			return nil, fmt.Errorf("operator: commission.schedule: %w", err)
		}
		minAmount, err := cfg.Commission.minAmount()
		if err != nil {
			return nil, fmt.Errorf("operator: commission.min_amount: %w", err)
		}
		o.commission = newCommissionCollector(deps.Chain, CommissionOptions{
			NodeID: deps.NodeID, Cap: k.ID, MinAmount: minAmount, Receiver: cfg.receiver(), Schedule: sched, Log: log,
		}, m)
	}
	if bal, err := deps.Chain.SUIBalance(ctx, deps.Chain.Address()); err != nil {
		log.Warn("cannot read the operator's SUI balance", zap.Error(err))
	} else if bal < lowGas {
		log.Warn("the operator's address holds little SUI for gas", zap.Stringer("address", deps.Chain.Address()),
			zap.Stringer("sui", frost.Amount(bal))) // MIST has 9 decimals too
	}
	log.Info("operator ready", zap.Stringer("address", deps.Chain.Address()), zap.Stringer("node_id", deps.NodeID),
		zap.Stringer("node_cap", k.ID), zap.Bool("drive_epochs", o.driver != nil), zap.Bool("collect_commission", o.commission != nil))
	return o, nil
}

// Writer is the node's node.ChainWriter.
func (o *Operator) Writer() *Writer { return o.writer }

// NodeCap is the node's StorageNodeCap as New found it.
func (o *Operator) NodeCap() *chain.NodeCapObject { return o.cap }

// EpochDriver is the epoch driver, nil when epoch driving is off.
func (o *Operator) EpochDriver() *EpochDriver { return o.driver }

// Commission is the commission collector, nil when collection is off.
func (o *Operator) Commission() *CommissionCollector { return o.commission }

// Run runs the epoch driver and the commission schedule, as configured, until ctx is
// done; it then stops them and returns nil.
func (o *Operator) Run(ctx context.Context) error {
	if o.driver == nil && o.commission == nil {
		<-ctx.Done()
		return nil
	}
	g := lifecycle.New(o.log, o.timeout)
	if o.driver != nil {
		g.AddFunc("epoch-driver", o.driver.Run)
	}
	if o.commission != nil {
		g.AddFunc("commission", o.commission.Run)
	}
	return g.Run(ctx)
}
