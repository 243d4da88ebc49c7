// Package lifecycle runs the long-lived services of a tusk process as one
// group: they start together, the first failure (or the cancellation of the
// parent context) stops them all, and shutdown happens in the reverse order
// of registration within a bounded time.
//
// A service is anything with Run(ctx) error that returns once ctx is
// cancelled. Returning context.Canceled (or an error wrapping it) after its
// context was cancelled is a clean stop, not an error.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// DefaultShutdownTimeout is used when New is given a timeout <= 0.
const DefaultShutdownTimeout = 30 * time.Second

// Service is a long-running component of the process. Run blocks until the
// service is done, which must happen soon after ctx is cancelled.
type Service interface {
	Run(ctx context.Context) error
}

// Func adapts a function to Service.
type Func func(ctx context.Context) error

// Run calls f(ctx).
func (f Func) Run(ctx context.Context) error { return f(ctx) }

// ServiceError is the failure of one named service.
type ServiceError struct {
	Service string
	Err     error
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("lifecycle: service %q: %v", e.Service, e.Err)
}

func (e *ServiceError) Unwrap() error { return e.Err }

// ShutdownTimeoutError names the services that had not returned when the
// shutdown timeout expired.
type ShutdownTimeoutError struct {
	Timeout  time.Duration
	Services []string // in registration order
}

func (e *ShutdownTimeoutError) Error() string {
	quoted := make([]string, len(e.Services))
	for i, s := range e.Services {
		quoted[i] = strconv.Quote(s)
	}
	return fmt.Sprintf("lifecycle: shutdown timed out after %s; still running: %s", e.Timeout, strings.Join(quoted, ", "))
}

// Group runs a set of named services. Create it with New, register services
// with Add, then call Run, or Start and Wait.
//
// The services all start at once. A service that returns nil before the
// group shuts down has simply finished; the others keep running. The group
// shuts down when the parent context is cancelled, when Stop is called, or
// when a service fails (returns an error or panics). Shutdown cancels the
// services one at a time in the reverse order of Add, waiting for each to
// return before cancelling the next, so that a service added later (say, an
// HTTP API) stops before the ones it depends on (say, a store). All of
// shutdown shares one timeout; when it expires, the services not yet
// cancelled are cancelled together and get a short grace (a tenth of the
// timeout, within [100ms, 1s]) to return, and Wait returns a
// *ShutdownTimeoutError naming every service still running after that.
type Group struct {
	log     *zap.Logger
	timeout time.Duration

	mu      sync.Mutex
	items   []*item
	names   map[string]bool
	started bool
	stop    context.CancelFunc

	done chan struct{} // closed when the result is known
	err  error
}

type item struct {
	name   string
	svc    Service
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
	err    error         // Run's result after classification; nil for a clean stop
}

// New returns an empty group. Services that do not stop within
// shutdownTimeout of the start of shutdown are reported by name; a timeout
// <= 0 means DefaultShutdownTimeout.
func New(log *zap.Logger, shutdownTimeout time.Duration) *Group {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	return &Group{
		log:     log.Named("lifecycle"),
		timeout: shutdownTimeout,
		names:   map[string]bool{},
		done:    make(chan struct{}),
	}
}

// Add registers a service under a unique, non-empty name. It panics if the
// name is empty or taken, or if the group has already started: these are
// programming errors.
func (g *Group) Add(name string, svc Service) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case name == "":
		panic("lifecycle: Add with an empty service name")
	case g.names[name]:
		panic(fmt.Sprintf("lifecycle: service %q added twice", name))
	case g.started:
		panic(fmt.Sprintf("lifecycle: service %q added after Start", name))
	case svc == nil:
		panic(fmt.Sprintf("lifecycle: service %q is nil", name))
	}
	g.names[name] = true
	g.items = append(g.items, &item{name: name, svc: svc, done: make(chan struct{})})
}

// AddFunc registers fn as a service; see Add.
func (g *Group) AddFunc(name string, fn func(ctx context.Context) error) {
	if fn == nil {
		panic(fmt.Sprintf("lifecycle: service %q is nil", name))
	}
	g.Add(name, Func(fn))
}

// Run starts the services and waits for them: Start(ctx) then Wait().
func (g *Group) Run(ctx context.Context) error {
	g.Start(ctx)
	return g.Wait()
}

// Start launches every service in its own goroutine and returns at once.
// The services' contexts carry ctx's values but are cancelled only by the
// group, in shutdown order. Start panics if called twice.
func (g *Group) Start(ctx context.Context) {
	g.mu.Lock()
	if g.started {
		g.mu.Unlock()
		panic("lifecycle: Start called twice")
	}
	g.started = true
	ctx, g.stop = context.WithCancel(ctx)
	items := g.items
	g.mu.Unlock()

	base := context.WithoutCancel(ctx)
	finished := make(chan *item, len(items)) // never blocks a service goroutine
	for _, it := range items {
		var sctx context.Context
		sctx, it.cancel = context.WithCancel(base)
		go g.runOne(sctx, it, finished)
	}
	go g.supervise(ctx, items, finished)
}

// Stop begins shutdown, as cancelling the parent context would. It does not
// wait; call Wait for the result. Stop before Start does nothing.
func (g *Group) Stop() {
	g.mu.Lock()
	stop := g.stop
	g.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// Wait blocks until the group has stopped and returns the first real error
// of a service (a *ServiceError), joined with a *ShutdownTimeoutError if some
// services did not stop in time. It returns nil after a clean shutdown.
// Wait may be called any number of times, from any goroutine, after Start.
func (g *Group) Wait() error {
	<-g.done
	return g.err
}

// Done is closed when the group has stopped, i.e. when Wait would return.
func (g *Group) Done() <-chan struct{} { return g.done }

func (g *Group) runOne(ctx context.Context, it *item, finished chan<- *item) {
	defer func() {
		if r := recover(); r != nil {
			it.err = &ServiceError{Service: it.name, Err: fmt.Errorf("panic: %v\n%s", r, debug.Stack())}
		}
		finished <- it
		close(it.done)
	}()
	g.log.Debug("service starting", zap.String("service", it.name))
	err := it.svc.Run(ctx)
	switch {
	case err == nil:
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		err = nil // a clean stop after cancellation
	default:
		err = &ServiceError{Service: it.name, Err: err}
	}
	it.err = err
}

func (g *Group) supervise(ctx context.Context, items []*item, finished <-chan *item) {
	var errs []error // real errors, in the order the services returned
	record := func(it *item) {
		if it.err != nil {
			errs = append(errs, it.err)
			g.log.Error("service failed", zap.String("service", it.name), zap.Error(it.err))
		} else {
			g.log.Info("service stopped", zap.String("service", it.name))
		}
	}

	running := len(items)
	for running > 0 {
		select {
		case <-ctx.Done():
			g.log.Info("shutting down", zap.NamedError("reason", context.Cause(ctx)))
			running = -1
		case it := <-finished:
			running--
			record(it)
			if it.err != nil {
				running = -1
			}
		}
	}
	timedOut := false
	if running < 0 {
		timedOut = g.shutdown(items, finished, record)
	}
	// Release the contexts: the parent-derived one and the services'.
	g.stop()
	for _, it := range items {
		it.cancel()
	}

	var result error
	if len(errs) > 0 {
		result = errs[0]
	}
	g.finish(result, items, timedOut)
}

// shutdown cancels the services in reverse order, waiting for each, within
// the group's timeout, and reports whether the timeout expired.
func (g *Group) shutdown(items []*item, finished <-chan *item, record func(*item)) bool {
	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	drain := func() {
		for {
			select {
			case it := <-finished:
				record(it)
			default:
				return
			}
		}
	}
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		it.cancel()
		select {
		case <-it.done:
			drain()
		case <-timer.C:
			// Cancel everything left and give the services whose turn had
			// not come a short grace to return.
			for _, rest := range items[:i] {
				rest.cancel()
			}
			grace := time.NewTimer(g.grace())
			defer grace.Stop()
			for _, rest := range items[:i] {
				select {
				case <-rest.done:
				case <-grace.C:
					drain()
					return true
				}
			}
			drain()
			return true
		}
	}
	drain()
	return false
}

// grace is how long services first cancelled when the shutdown timeout
// expires have to return: a tenth of the timeout, within [100ms, 1s].
func (g *Group) grace() time.Duration {
	return min(max(g.timeout/10, 100*time.Millisecond), time.Second)
}

func (g *Group) finish(first error, items []*item, timedOut bool) {
	var stuck []string
	if timedOut {
		for _, it := range items {
			select {
			case <-it.done:
			default:
				stuck = append(stuck, it.name)
			}
		}
	}
	err := first
	if len(stuck) > 0 {
		te := &ShutdownTimeoutError{Timeout: g.timeout, Services: stuck}
		g.log.Error("shutdown timed out", zap.Strings("still_running", stuck), zap.Duration("timeout", g.timeout))
		err = errors.Join(first, te)
	}
	g.err = err
	close(g.done)
}
