package lifecycle

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext returns a copy of parent that is cancelled when the process
// receives SIGINT or SIGTERM; context.Cause then names the signal. Once ctx
// is done (by a signal, by parent, or by stop) the handler is removed, so a
// second signal has its default effect: a second Ctrl-C kills a process
// whose shutdown hangs. Call stop when done with ctx.
func SignalContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
