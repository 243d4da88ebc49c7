package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// noLeaks fails the test if, shortly after it ends, any goroutine of the
// group is still alive.
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			var leaked []string
			for _, g := range strings.Split(stacks, "\n\n") {
				if strings.Contains(g, "lifecycle.(*Group)") || strings.Contains(g, "lifecycle.SignalContext") {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines leaked:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func newGroup(t *testing.T, timeout time.Duration) *Group {
	t.Helper()
	noLeaks(t)
	return New(zaptest.NewLogger(t), timeout)
}

// blocker is a well-behaved service: it runs until cancelled.
type blocker struct {
	started   chan struct{}
	cancelled chan struct{}
}

func newBlocker() *blocker {
	return &blocker{started: make(chan struct{}), cancelled: make(chan struct{})}
}

func (b *blocker) Run(ctx context.Context) error {
	close(b.started)
	<-ctx.Done()
	close(b.cancelled)
	return ctx.Err()
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func waitResult(t *testing.T, g *Group) error {
	t.Helper()
	waitClosed(t, g.Done(), "the group to stop")
	return g.Wait()
}

func TestParentCancelStopsAllCleanly(t *testing.T) {
	g := newGroup(t, time.Second)
	bs := []*blocker{newBlocker(), newBlocker(), newBlocker()}
	for i, b := range bs {
		g.Add(fmt.Sprintf("svc%d", i), b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	for _, b := range bs {
		waitClosed(t, b.started, "start")
	}
	select {
	case <-g.Done():
		t.Fatal("group stopped before anything asked it to")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	if err := waitResult(t, g); err != nil {
		t.Fatalf("Wait = %v, want nil after a clean shutdown", err)
	}
	for i, b := range bs {
		select {
		case <-b.cancelled:
		default:
			t.Errorf("svc%d was not cancelled", i)
		}
	}
}

func TestFailureCancelsOthersAndIsReturned(t *testing.T) {
	g := newGroup(t, time.Second)
	errBoom := errors.New("boom")
	a, c := newBlocker(), newBlocker()
	g.Add("a", a)
	g.AddFunc("b", func(ctx context.Context) error {
		<-a.started
		<-c.started
		return errBoom
	})
	g.Add("c", c)
	err := g.Run(context.Background())
	var se *ServiceError
	if !errors.As(err, &se) || se.Service != "b" || !errors.Is(err, errBoom) {
		t.Fatalf("Run = %v, want ServiceError for b wrapping boom", err)
	}
	if want := `lifecycle: service "b": boom`; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	for name, b := range map[string]*blocker{"a": a, "c": c} {
		select {
		case <-b.cancelled:
		default:
			t.Errorf("%s was not cancelled after b failed", name)
		}
	}
}

func TestFirstErrorWins(t *testing.T) {
	g := newGroup(t, time.Second)
	errFirst, errLater := errors.New("first"), errors.New("later during shutdown")
	g.AddFunc("early", func(ctx context.Context) error {
		<-ctx.Done()
		return errLater // a real error while shutting down
	})
	g.AddFunc("failing", func(ctx context.Context) error { return errFirst })
	err := g.Run(context.Background())
	if !errors.Is(err, errFirst) || errors.Is(err, errLater) {
		t.Fatalf("Run = %v, want only the first error", err)
	}
}

func TestErrorDuringShutdownIsReported(t *testing.T) {
	g := newGroup(t, time.Second)
	errFlush := errors.New("flush failed")
	g.AddFunc("store", func(ctx context.Context) error {
		<-ctx.Done()
		return fmt.Errorf("closing: %w", errFlush)
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := g.Run(ctx)
	var se *ServiceError
	if !errors.As(err, &se) || se.Service != "store" || !errors.Is(err, errFlush) {
		t.Fatalf("Run = %v, want the store's shutdown error", err)
	}
}

func TestShutdownInReverseOrder(t *testing.T) {
	g := newGroup(t, 5*time.Second)
	var (
		mu      sync.Mutex
		events  []string
		started sync.WaitGroup
	)
	logEvent := func(e string) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	for _, name := range []string{"store", "sync", "api"} {
		started.Add(1)
		g.AddFunc(name, func(ctx context.Context) error {
			started.Done()
			<-ctx.Done()
			logEvent("cancel " + name)
			time.Sleep(10 * time.Millisecond) // finishing work takes a while
			logEvent("return " + name)
			return ctx.Err()
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	started.Wait()
	cancel()
	if err := waitResult(t, g); err != nil {
		t.Fatal(err)
	}
	want := []string{"cancel api", "return api", "cancel sync", "return sync", "cancel store", "return store"}
	if strings.Join(events, ",") != strings.Join(want, ",") {
		t.Fatalf("events = %v, want %v", events, want)
	}
}

func TestShutdownTimeoutNamesStuckService(t *testing.T) {
	for _, stuckFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("stuckFirst=%v", stuckFirst), func(t *testing.T) {
			g := newGroup(t, 50*time.Millisecond)
			release := make(chan struct{})
			defer close(release) // lets the stuck goroutine end: checked by noLeaks
			stuckStarted := make(chan struct{})
			stuck := Func(func(ctx context.Context) error {
				close(stuckStarted)
				<-release // ignores ctx
				return nil
			})
			ok1, ok2 := newBlocker(), newBlocker()
			if stuckFirst {
				g.Add("stuck", stuck)
			}
			g.Add("ok1", ok1)
			g.Add("ok2", ok2)
			if !stuckFirst {
				g.Add("stuck", stuck)
			}
			ctx, cancel := context.WithCancel(context.Background())
			g.Start(ctx)
			waitClosed(t, stuckStarted, "stuck to start")
			waitClosed(t, ok1.started, "ok1 to start")
			waitClosed(t, ok2.started, "ok2 to start")
			begin := time.Now()
			cancel()
			err := waitResult(t, g)
			if d := time.Since(begin); d > 2*time.Second {
				t.Errorf("shutdown took %s with a 50ms timeout", d)
			}
			var te *ShutdownTimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("Wait = %v, want a ShutdownTimeoutError", err)
			}
			if len(te.Services) != 1 || te.Services[0] != "stuck" {
				t.Errorf("still running = %v, want [stuck]", te.Services)
			}
			if want := `lifecycle: shutdown timed out after 50ms; still running: "stuck"`; err.Error() != want {
				t.Errorf("message = %q, want %q", err, want)
			}
			// The well-behaved services were all cancelled, even those
			// whose turn came after the stuck one.
			waitClosed(t, ok1.cancelled, "ok1 to be cancelled")
			waitClosed(t, ok2.cancelled, "ok2 to be cancelled")
		})
	}
}

func TestTimeoutJoinedWithFailure(t *testing.T) {
	g := newGroup(t, 30*time.Millisecond)
	release := make(chan struct{})
	defer close(release)
	errBad := errors.New("bad")
	g.AddFunc("hang", func(context.Context) error { <-release; return nil })
	g.AddFunc("fail", func(context.Context) error { return errBad })
	err := g.Run(context.Background())
	var te *ShutdownTimeoutError
	if !errors.Is(err, errBad) || !errors.As(err, &te) || te.Services[0] != "hang" {
		t.Fatalf("Run = %v, want bad joined with a timeout naming hang", err)
	}
}

func TestFinishedServiceDoesNotStopOthers(t *testing.T) {
	g := newGroup(t, time.Second)
	oneshotDone := make(chan struct{})
	g.AddFunc("migrate", func(context.Context) error { close(oneshotDone); return nil })
	long := newBlocker()
	g.Add("long", long)
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	waitClosed(t, oneshotDone, "migrate")
	select {
	case <-g.Done():
		t.Fatal("group stopped when a service returned nil")
	case <-long.cancelled:
		t.Fatal("long was cancelled when a service returned nil")
	case <-time.After(30 * time.Millisecond):
	}
	cancel()
	if err := waitResult(t, g); err != nil {
		t.Fatal(err)
	}
}

func TestAllFinishWithoutCancel(t *testing.T) {
	g := newGroup(t, time.Second)
	g.AddFunc("a", func(context.Context) error { return nil })
	g.AddFunc("b", func(context.Context) error { return nil })
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyGroup(t *testing.T) {
	g := newGroup(t, time.Second)
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledOnlyCleanAfterCancellation(t *testing.T) {
	// context.Canceled from a service whose context was not cancelled is
	// a real error (some inner context of its own was cancelled).
	g := newGroup(t, time.Second)
	g.AddFunc("odd", func(context.Context) error { return fmt.Errorf("inner: %w", context.Canceled) })
	err := g.Run(context.Background())
	var se *ServiceError
	if !errors.As(err, &se) || se.Service != "odd" {
		t.Fatalf("Run = %v, want a ServiceError for odd", err)
	}

	// After cancellation, a wrapped context.Canceled is a clean stop.
	g = newGroup(t, time.Second)
	g.AddFunc("wrapper", func(ctx context.Context) error {
		<-ctx.Done()
		return fmt.Errorf("serve: %w", ctx.Err())
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	g := newGroup(t, time.Second)
	other := newBlocker()
	g.Add("other", other)
	g.AddFunc("crashy", func(context.Context) error {
		<-other.started
		panic("kaboom")
	})
	err := g.Run(context.Background())
	var se *ServiceError
	if !errors.As(err, &se) || se.Service != "crashy" || !strings.Contains(err.Error(), "panic: kaboom") {
		t.Fatalf("Run = %v, want a ServiceError for crashy naming the panic", err)
	}
	waitClosed(t, other.cancelled, "other to be cancelled")
}

func TestStop(t *testing.T) {
	g := newGroup(t, time.Second)
	g.Stop() // before Start: nothing happens
	b := newBlocker()
	g.Add("b", b)
	g.Start(context.Background())
	waitClosed(t, b.started, "start")
	g.Stop()
	if err := waitResult(t, g); err != nil {
		t.Fatal(err)
	}
}

func TestWaitRepeatable(t *testing.T) {
	g := newGroup(t, time.Second)
	errX := errors.New("x")
	g.AddFunc("x", func(context.Context) error { return errX })
	g.Start(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Wait(); !errors.Is(err, errX) {
				t.Errorf("Wait = %v", err)
			}
		}()
	}
	wg.Wait()
	if err := g.Wait(); !errors.Is(err, errX) {
		t.Errorf("second Wait = %v", err)
	}
}

type ctxKey struct{}

func TestContextValuesReachServices(t *testing.T) {
	g := newGroup(t, time.Second)
	var got any
	g.AddFunc("v", func(ctx context.Context) error { got = ctx.Value(ctxKey{}); return nil })
	if err := g.Run(context.WithValue(context.Background(), ctxKey{}, "hello")); err != nil {
		t.Fatal(err)
	}
	if got != "hello" {
		t.Fatalf("value = %v, want hello", got)
	}
}

func TestAddMisusePanics(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	g := newGroup(t, time.Second)
	nop := Func(func(context.Context) error { return nil })
	mustPanic("empty name", func() { g.Add("", nop) })
	mustPanic("nil service", func() { g.Add("nil", nil) })
	mustPanic("nil func", func() { g.AddFunc("nilfunc", nil) })
	g.Add("a", nop)
	mustPanic("duplicate", func() { g.Add("a", nop) })
	g.Start(context.Background())
	mustPanic("add after start", func() { g.Add("late", nop) })
	mustPanic("start twice", func() { g.Start(context.Background()) })
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultTimeout(t *testing.T) {
	g := newGroup(t, 0)
	if g.timeout != DefaultShutdownTimeout {
		t.Fatalf("timeout = %s, want %s", g.timeout, DefaultShutdownTimeout)
	}
}

func TestSignalContextStopsGroup(t *testing.T) {
	noLeaks(t)
	ctx, stop := SignalContext(context.Background())
	defer stop()
	g := New(zaptest.NewLogger(t), time.Second)
	b := newBlocker()
	g.Add("b", b)
	g.Start(ctx)
	waitClosed(t, b.started, "start")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitResult(t, g); err != nil {
		t.Fatal(err)
	}
	if cause := context.Cause(ctx); cause == nil || !strings.Contains(cause.Error(), "terminated") {
		t.Errorf("cause = %v, want it to name SIGTERM", cause)
	}
}

func TestSignalContextStop(t *testing.T) {
	noLeaks(t)
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	ctx, stop := SignalContext(parent)
	if ctx.Err() != nil {
		t.Fatal("context done before any signal")
	}
	stop()
	waitClosed(t, ctx.Done(), "stop to cancel the context")

	ctx, stop = SignalContext(parent)
	defer stop()
	cancelParent()
	waitClosed(t, ctx.Done(), "the parent's cancellation to propagate")
}

func TestSeveralStuckServicesAllNamed(t *testing.T) {
	g := newGroup(t, 20*time.Millisecond)
	release := make(chan struct{})
	defer close(release)
	hang := func(context.Context) error { <-release; return nil }
	g.AddFunc("db", hang)
	g.Add("fine", newBlocker())
	g.AddFunc("http", hang)
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	cancel()
	err := waitResult(t, g)
	var te *ShutdownTimeoutError
	if !errors.As(err, &te) || strings.Join(te.Services, ",") != "db,http" {
		t.Fatalf("Wait = %v, want db and http named", err)
	}
}
