package nodes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

var (
	// ErrBlobNotFound: a quorum of shards answered 404 (or "nonexistent" with f+1 weight
	// and nothing later): the blob ID does not exist.
	ErrBlobNotFound = errors.New("nodes: blob ID does not exist")
	// ErrNoValidStatus: no status reached f+1 shards (too many nodes down or disagreeing).
	ErrNoValidStatus = errors.New("nodes: no blob status confirmed by f+1 shards")
)

// BlobStatus asks every member for the blob's status (within timeout) and returns the
// latest status, in Walrus's order, that at least f+1 shards report: that many cannot
// all be lying. It returns ErrBlobNotFound when 2f+1 shards answer 404 or when the only
// confirmed status is "nonexistent", and ErrNoValidStatus when nothing is confirmed.
func (c *Committee) BlobStatus(ctx context.Context, id encoding.BlobID, timeout time.Duration) (api.BlobStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		st     api.BlobStatus
		err    error
		weight int
	}
	answers := make(chan answer, len(c.Members))
	var wg sync.WaitGroup
	for i := range c.Members {
		m := &c.Members[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := m.Node.BlobStatus(ctx, id)
			answers <- answer{st, err, len(m.Shards)}
		}()
	}
	go func() { wg.Wait(); close(answers) }()

	type tally struct {
		st     api.BlobStatus
		weight int
	}
	byKey := map[string]*tally{}
	var okWeight, notFound int
	var lastErr error
	for a := range answers {
		if a.err != nil {
			if IsNotFound(a.err) {
				notFound += a.weight
			}
			lastErr = a.err
			continue
		}
		k, _ := json.Marshal(a.st)
		t := byKey[string(k)]
		if t == nil {
			t = &tally{st: a.st}
			byKey[string(k)] = t
		}
		t.weight += a.weight
		okWeight += a.weight
		if c.IsQuorum(okWeight + notFound) {
			// Enough answers: the rest cannot change a status confirmed by f+1 of them
			// into one that is not, only add weight; stop early as Walrus does.
			cancel()
		}
	}
	if c.IsQuorum(notFound) {
		return api.BlobStatus{}, ErrBlobNotFound
	}
	list := make([]*tally, 0, len(byKey))
	for _, t := range byKey {
		list = append(list, t)
	}
	sort.Slice(list, func(i, j int) bool { return CompareStatus(list[i].st, list[j].st) > 0 })
	for _, t := range list {
		if c.IsValidity(t.weight) {
			if t.st.Kind == api.BlobNonexistent {
				return t.st, ErrBlobNotFound
			}
			return t.st, nil
		}
	}
	if lastErr != nil {
		return api.BlobStatus{}, fmt.Errorf("%w (last error: %v)", ErrNoValidStatus, lastErr)
	}
	return api.BlobStatus{}, ErrNoValidStatus
}

// CompareStatus orders statuses as Walrus's Ord for BlobStatus: nonexistent first,
// invalid last, deletable before permanent; permanent by (certified, end epoch,
// deletable counts, earlier initial certification), deletable by (counts, earlier initial
// certification).
func CompareStatus(a, b api.BlobStatus) int {
	rank := func(k api.BlobStatusKind) int {
		switch k {
		case api.BlobNonexistent:
			return 0
		case api.BlobDeletable:
			return 1
		case api.BlobPermanent:
			return 2
		}
		return 3
	}
	if ra, rb := rank(a.Kind), rank(b.Kind); ra != rb {
		return cmpInt(ra, rb)
	}
	counts := func() int {
		if c := cmpInt(int(a.Deletable.Total), int(b.Deletable.Total)); c != 0 {
			return c
		}
		return cmpInt(int(a.Deletable.Certified), int(b.Deletable.Certified))
	}
	// Reverse(Option<u32>): None < Some in Rust, so reversed Some(x) < None, and smaller
	// epochs are larger.
	initial := func() int {
		switch {
		case a.InitialCertifiedEpoch == nil && b.InitialCertifiedEpoch == nil:
			return 0
		case a.InitialCertifiedEpoch == nil:
			return 1
		case b.InitialCertifiedEpoch == nil:
			return -1
		}
		return -cmpInt(int(*a.InitialCertifiedEpoch), int(*b.InitialCertifiedEpoch))
	}
	switch a.Kind {
	case api.BlobPermanent:
		if a.IsCertified != b.IsCertified {
			if a.IsCertified {
				return 1
			}
			return -1
		}
		if c := cmpInt(int(a.EndEpoch), int(b.EndEpoch)); c != 0 {
			return c
		}
		if c := counts(); c != 0 {
			return c
		}
		return initial()
	case api.BlobDeletable:
		if c := counts(); c != 0 {
			return c
		}
		return initial()
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// RetryPolicy bounds the attempts of one request to one node.
type RetryPolicy struct {
	// Attempts is the number of tries (at least 1).
	Attempts int
	// Timeout bounds each attempt.
	Timeout time.Duration
	// Backoff is the wait before the second attempt; it doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

// Do runs op until it succeeds, fails with an error Retryable rejects, the attempts are
// used up or ctx ends. It returns the last error.
func (p RetryPolicy) Do(ctx context.Context, op func(ctx context.Context) error) error {
	attempts := max(p.Attempts, 1)
	wait := p.Backoff
	var err error
	for a := 0; a < attempts; a++ {
		if a > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(err, ctx.Err())
			case <-t.C:
			}
			wait = min(wait*2, max(p.MaxBackoff, p.Backoff))
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if p.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, p.Timeout)
		}
		err = op(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !Retryable(err) {
			return err
		}
	}
	return err
}
