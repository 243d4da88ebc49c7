package httpapi

import (
	"context"
	"net/http"
)

// limiter admits at most max requests at a time and lets at most queue more wait for a
// slot; anything beyond is refused at once with 429.
type limiter struct {
	slots   chan struct{}
	waiting chan struct{}
}

func newLimiter(max, queue int) *limiter {
	return &limiter{slots: make(chan struct{}, max), waiting: make(chan struct{}, max+queue)}
}

// acquire returns a release function, or an error answer when the service is full.
func (l *limiter) acquire(ctx context.Context, service string) (func(), error) {
	select {
	case l.waiting <- struct{}{}:
	default:
		e := newError(http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "the %s is receiving too many requests; please try again later", service)
		e.retryAfter = 1
		return nil, e
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots; <-l.waiting }, nil
	case <-ctx.Done():
		<-l.waiting
		return nil, ctx.Err()
	}
}
