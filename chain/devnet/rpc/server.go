package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"
)

// Config tunes the server. The zero value is completed by defaults.
type Config struct {
	// ServerVersion is reported as GetServiceInfoResponse.server.
	ServerVersion string
	// ShutdownTimeout bounds the graceful stop: after it, remaining calls (a subscriber
	// that stopped reading, say) are cut off.
	ShutdownTimeout time.Duration
	// MaxSubscriptions caps concurrent SubscribeCheckpoints streams; more get
	// codes.Unavailable, as on a full node.
	MaxSubscriptions int
	// MaxBatchRequests caps BatchGetObjectsRequest.requests.
	MaxBatchRequests int
}

// Defaults.
const (
	DefaultServerVersion    = "tusk-devnet"
	DefaultShutdownTimeout  = 5 * time.Second
	DefaultMaxSubscriptions = 1024
	DefaultMaxBatchRequests = 1000
)

// WithDefaults returns c with unset fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.ServerVersion == "" {
		c.ServerVersion = DefaultServerVersion
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.MaxSubscriptions == 0 {
		c.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if c.MaxBatchRequests == 0 {
		c.MaxBatchRequests = DefaultMaxBatchRequests
	}
	return c
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	switch {
	case c.ShutdownTimeout < 0:
		return fmt.Errorf("rpc: ShutdownTimeout %v is negative", c.ShutdownTimeout)
	case c.MaxSubscriptions < 0:
		return fmt.Errorf("rpc: MaxSubscriptions %d is negative", c.MaxSubscriptions)
	case c.MaxBatchRequests < 0:
		return fmt.Errorf("rpc: MaxBatchRequests %d is negative", c.MaxBatchRequests)
	}
	return nil
}

// Server serves the Sui gRPC API (sui.rpc.v2) over a Ledger, with the SDK's generated
// service types. LedgerService (GetServiceInfo, GetObject, BatchGetObjects,
// GetCheckpoint, and GetTransaction and BatchGetTransactions with a TransactionStore),
// StateService (GetBalance, ListOwnedObjects), SubscriptionService
// (SubscribeCheckpoints), TransactionExecutionService (ExecuteTransaction and
// SimulateTransaction with an Executor) and MovePackageService (GetFunction with a
// FunctionCatalog) are implemented; every other method, and those whose dependency is
// not configured, answers codes.Unimplemented.
type Server struct {
	ledger        Ledger
	cfg           Config
	log           *zap.Logger
	subscriptions atomic.Int64

	executor  Executor
	txs       TransactionStore
	functions FunctionCatalog
}

// Option adds an optional dependency to a Server.
type Option func(*Server)

// WithExecutor serves TransactionExecutionService with e.
func WithExecutor(e Executor) Option { return func(s *Server) { s.executor = e } }

// WithTransactionStore serves GetTransaction and BatchGetTransactions from ts. Without
// it, a ledger that implements TransactionStore serves them.
func WithTransactionStore(ts TransactionStore) Option { return func(s *Server) { s.txs = ts } }

// WithFunctionCatalog serves MovePackageService.GetFunction from c.
func WithFunctionCatalog(c FunctionCatalog) Option { return func(s *Server) { s.functions = c } }

// New returns a server over ledger. log may be nil.
func New(ledger Ledger, cfg Config, log *zap.Logger, opts ...Option) (*Server, error) {
	if ledger == nil {
		return nil, errors.New("rpc: nil Ledger")
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{ledger: ledger, cfg: cfg, log: log.Named("rpc")}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.txs == nil {
		if ts, ok := ledger.(TransactionStore); ok {
			s.txs = ts
		}
	}
	return s, nil
}

type ledgerService struct {
	v2.UnimplementedLedgerServiceServer
	*Server
}

type stateService struct {
	v2.UnimplementedStateServiceServer
	*Server
}

type subscriptionService struct {
	v2.UnimplementedSubscriptionServiceServer
	*Server
}

type executionService struct {
	v2.UnimplementedTransactionExecutionServiceServer
	*Server
}

type movePackageService struct {
	v2.UnimplementedMovePackageServiceServer
	*Server
}

// Register registers all sui.rpc.v2 services on r.
func (s *Server) Register(r grpc.ServiceRegistrar) {
	v2.RegisterLedgerServiceServer(r, &ledgerService{Server: s})
	v2.RegisterStateServiceServer(r, &stateService{Server: s})
	v2.RegisterSubscriptionServiceServer(r, &subscriptionService{Server: s})
	v2.RegisterTransactionExecutionServiceServer(r, &executionService{Server: s})
	v2.RegisterMovePackageServiceServer(r, &movePackageService{Server: s})
	v2.RegisterNameServiceServer(r, v2.UnimplementedNameServiceServer{})
	v2.RegisterSignatureVerificationServiceServer(r, v2.UnimplementedSignatureVerificationServiceServer{})
}

// errServerStopping is the cancellation cause of stream contexts when the server stops.
var errServerStopping = errors.New("rpc: server stopping")

// Serve runs a gRPC server on lis until ctx is cancelled (then it stops gracefully:
// subscription streams end cleanly, in-flight calls finish within
// Config.ShutdownTimeout, and lis is closed) or until serving fails. It returns nil after
// a stop caused by ctx.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	stopCtx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	gs := grpc.NewServer(
		grpc.ChainUnaryInterceptor(s.recoverUnary),
		grpc.ChainStreamInterceptor(s.recoverStream, stopStreams(stopCtx)),
		// The SDK's client pings every 30 s, also without active streams; grpc-go's
		// default policy (5 min) would answer that with GOAWAY too_many_pings.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
	)
	s.Register(gs)

	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	s.log.Info("serving sui.rpc.v2", zap.Stringer("addr", lis.Addr()))

	select {
	case err := <-served:
		stop(errServerStopping)
		gs.Stop()
		return fmt.Errorf("rpc: serve %s: %w", lis.Addr(), err)
	case <-ctx.Done():
	}
	stop(errServerStopping)
	graceful := make(chan struct{})
	go func() {
		gs.GracefulStop()
		close(graceful)
	}()
	timer := time.NewTimer(s.cfg.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-graceful:
	case <-timer.C:
		s.log.Warn("graceful stop timed out; closing remaining connections", zap.Duration("timeout", s.cfg.ShutdownTimeout))
		gs.Stop()
		<-graceful
	}
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("rpc: serve %s: %w", lis.Addr(), err)
	}
	s.log.Info("stopped sui.rpc.v2", zap.Stringer("addr", lis.Addr()))
	return nil
}

// Start listens on the TCP address addr (for example "127.0.0.1:0") and serves in the
// background. It returns the bound address and stop, which stops the server gracefully
// and returns Serve's result; stop may be called more than once.
func (s *Server) Start(addr string) (bound string, stop func() error, err error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("rpc: listen %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, lis) }()
	var once sync.Once
	var result error
	stop = func() error {
		once.Do(func() {
			cancel()
			result = <-done
		})
		return result
	}
	return lis.Addr().String(), stop, nil
}

// Run serves on addr until ctx is cancelled; it is Serve on a new TCP listener.
func (s *Server) Run(ctx context.Context, addr string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("rpc: listen %s: %w", addr, err)
	}
	return s.Serve(ctx, lis)
}

func (s *Server) recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", zap.String("method", info.FullMethod), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			resp, err = nil, status.Error(codes.Internal, "internal error")
		}
	}()
	return handler(ctx, req)
}

func (s *Server) recoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", zap.String("method", info.FullMethod), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			err = status.Error(codes.Internal, "internal error")
		}
	}()
	return handler(srv, ss)
}

// stopStreams gives every stream a context that is also cancelled, with cause
// errServerStopping, when stopCtx is: GracefulStop waits for handlers but does not cancel
// them, and a subscription would otherwise never end.
func stopStreams(stopCtx context.Context) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, cancel := context.WithCancelCause(ss.Context())
		defer cancel(nil)
		unhook := context.AfterFunc(stopCtx, func() { cancel(errServerStopping) })
		defer unhook()
		return handler(srv, &stream{ServerStream: ss, ctx: ctx})
	}
}

type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }
