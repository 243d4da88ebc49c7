package chain

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ErrNoSigner is returned by the calls that send transactions when the client was
// opened without a key.
var ErrNoSigner = errors.New("chain: no signer configured (read-only client)")

// Options are the optional parts of a client.
type Options struct {
	// Signer signs and pays for transactions; nil makes a read-only client.
	Signer *keys.Keypair
	// Logger receives the client's logs (named "chain"); nil logs nothing.
	Logger *zap.Logger
	// MaxGasBudget caps the gas budget of a transaction, in MIST (default 2 SUI). The
	// budget itself is the simulated cost with a margin.
	MaxGasBudget uint64
	// CallTimeout bounds each unary RPC (default 30 s).
	CallTimeout time.Duration
	// WALCoinType overrides the WAL coin type, which is otherwise read from the Walrus
	// package's reserve_space signature.
	WALCoinType string
}

// Deployment is where Walrus lives on the chain the client talks to.
type Deployment struct {
	System, Staking walrus.ID
	// SystemVersion and StakingVersion are the initial shared versions of the two
	// shared objects, which transactions name.
	SystemVersion, StakingVersion uint64
	// Package is the current Walrus package (System.package_id), the one to call.
	Package walrus.ID
	// OriginalPackage is the package that first defined the Walrus types; event and
	// object types carry its address.
	OriginalPackage walrus.ID
	// WAL is the WAL coin type, <wal package>::wal::WAL.
	WAL sui.StructTag
}

// Client is tusk's access to Walrus on Sui over gRPC sui.rpc.v2: typed reads of the
// Walrus objects, typed transactions, and the checkpoint stream. It is safe for
// concurrent use; transactions of one client are sent one at a time, since they pay gas
// from the same coins.
type Client struct {
	conn   *grpc.ClientConn
	ledger v2.LedgerServiceClient
	state  v2.StateServiceClient
	exec   v2.TransactionExecutionServiceClient
	subs   v2.SubscriptionServiceClient
	pkgs   v2.MovePackageServiceClient

	cfg    Config
	opts   Options
	log    *zap.Logger
	deploy Deployment

	txMu    sync.Mutex                  // one transaction at a time
	lastGas map[walrus.ID]sui.ObjectRef // newest refs of coins this client wrote
}

// Dial connects to the Sui full node of cfg and reads the Walrus deployment (System and
// Staking objects, package IDs, WAL type). It fails when cfg is invalid or the objects
// cannot be read.
func Dial(ctx context.Context, cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.SystemObject == "" || cfg.StakingObject == "" {
		return nil, errors.New("chain: system_object and staking_object are required (a devnet writes them into its client config)")
	}
	if opts.MaxGasBudget == 0 {
		opts.MaxGasBudget = 2_000_000_000
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	creds := insecure.NewCredentials()
	if cfg.TLS {
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	conn, err := grpc.NewClient(cfg.RPC, grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20)))
	if err != nil {
		return nil, fmt.Errorf("chain: connect %s: %w", cfg.RPC, err)
	}
	c := &Client{
		conn:    conn,
		ledger:  v2.NewLedgerServiceClient(conn),
		state:   v2.NewStateServiceClient(conn),
		exec:    v2.NewTransactionExecutionServiceClient(conn),
		subs:    v2.NewSubscriptionServiceClient(conn),
		pkgs:    v2.NewMovePackageServiceClient(conn),
		cfg:     cfg,
		opts:    opts,
		log:     opts.Logger.Named("chain"),
		lastGas: map[walrus.ID]sui.ObjectRef{},
	}
	if err := c.discover(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Deployment returns the Walrus deployment read at Dial.
func (c *Client) Deployment() Deployment { return c.deploy }

// WalrusPackage is the Walrus package's original ID, the address of its event types.
func (c *Client) WalrusPackage() walrus.ID { return c.deploy.OriginalPackage }

// Address is the signer's address (zero for a read-only client).
func (c *Client) Address() walrus.Address {
	if c.opts.Signer == nil {
		return walrus.Address{}
	}
	return walrus.Address(c.opts.Signer.Address())
}

func (c *Client) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.opts.CallTimeout)
}

// discover reads the System and Staking objects: their shared versions, the package
// IDs, and the WAL coin type.
func (c *Client) discover(ctx context.Context) error {
	sysID, err := c.cfg.SystemID()
	if err != nil {
		return fmt.Errorf("chain: system_object: %w", err)
	}
	stakingID, err := c.cfg.StakingID()
	if err != nil {
		return fmt.Errorf("chain: staking_object: %w", err)
	}
	objs, err := c.objects(ctx, sysID, stakingID)
	if err != nil {
		return fmt.Errorf("chain: read the Walrus System and Staking objects: %w", err)
	}
	d := Deployment{System: sysID, Staking: stakingID}
	var sys walrus.System
	if err := moveContents(objs[0], "system", "System", &sys); err != nil {
		return fmt.Errorf("chain: System object %s: %w", sysID, err)
	}
	if err := moveContents(objs[1], "staking", "Staking", new(walrus.Staking)); err != nil {
		return fmt.Errorf("chain: Staking object %s: %w", stakingID, err)
	}
	for i, v := range []*uint64{&d.SystemVersion, &d.StakingVersion} {
		if objs[i].Owner.Kind != sui.OwnerShared {
			return fmt.Errorf("chain: %s is not a shared object (owner %s)", objs[i].Data.Move.Type.String(), objs[i].Owner.String())
		}
		*v = objs[i].Owner.Version
	}
	d.Package = sys.PackageID
	d.OriginalPackage = objs[0].Data.Move.Type.StructTag().Address
	if c.opts.WALCoinType != "" {
		if d.WAL, err = sui.ParseStructTag(c.opts.WALCoinType); err != nil {
			return fmt.Errorf("chain: WAL coin type %q: %w", c.opts.WALCoinType, err)
		}
	} else if d.WAL, err = c.walType(ctx, d.Package); err != nil {
		return err
	}
	c.deploy = d
	return nil
}

// walType reads the WAL type from the payment parameter of system::reserve_space
// (&mut Coin<WAL>), as the Walrus clients read it from a Walrus function.
func (c *Client) walType(ctx context.Context, pkg walrus.ID) (sui.StructTag, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.pkgs.GetFunction(cctx, &v2.GetFunctionRequest{
		PackageId: ptr(pkg.String()), ModuleName: ptr("system"), Name: ptr("reserve_space"),
	})
	if err != nil {
		return sui.StructTag{}, fmt.Errorf("chain: read system::reserve_space of %s: %w", pkg, err)
	}
	params := resp.GetFunction().GetParameters()
	if len(params) < 4 {
		return sui.StructTag{}, fmt.Errorf("chain: system::reserve_space has %d parameters, want at least 4", len(params))
	}
	coin := params[3].GetBody()
	if coin.GetTypeName() != "0x0000000000000000000000000000000000000000000000000000000000000002::coin::Coin" || len(coin.GetTypeParameterInstantiation()) != 1 {
		return sui.StructTag{}, fmt.Errorf("chain: system::reserve_space payment is %s, not a Coin", coin.GetTypeName())
	}
	wal, err := sui.ParseStructTag(coin.GetTypeParameterInstantiation()[0].GetTypeName())
	if err != nil {
		return sui.StructTag{}, fmt.Errorf("chain: WAL type of system::reserve_space: %w", err)
	}
	return wal, nil
}

func ptr[T any](v T) *T { return &v }
