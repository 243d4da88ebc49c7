package encoding

import (
	"runtime"
	"sync"

	"github.com/tuskstore/tusk/encoding/rs"
)

// splitUnits cuts [0, total) into parts consecutive ranges of about equal numbers of
// units, a unit starting at 0 and the next one after the unit at a at next(a). It
// returns the parts+1 boundaries; a part may be empty.
func splitUnits(total, parts int, next func(a int) int) []int {
	var starts []int
	for a := 0; a < total; a = next(a) {
		starts = append(starts, a)
	}
	bounds := make([]int, parts+1)
	for i := range parts {
		bounds[i] = total
		if j, _ := partRange(len(starts), i, parts); j < len(starts) {
			bounds[i] = starts[j]
		}
	}
	bounds[parts] = total
	return bounds
}

// goroutinesFor is the number of goroutines that share out units independent pieces
// of work: GOMAXPROCS, but at least one and at most one per unit.
func goroutinesFor(units int) int {
	return max(1, min(runtime.GOMAXPROCS(0), units))
}

// partRange is the range [lo, hi) of part i when [0, total) is cut into parts nearly
// equal consecutive parts.
func partRange(total, i, parts int) (lo, hi int) {
	return total * i / parts, total * (i + 1) / parts
}

// inParallel calls fn(0), ..., fn(count-1), each on a goroutine of its own if there are
// several, and returns when all have returned.
func inParallel(count int, fn func(i int)) {
	if count <= 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}

// runParts has worker i do the part [bounds[i], bounds[i+1]) with fn, the workers in
// parallel. Once it returns, the sliver writes of every worker (streamed with
// non-temporal stores, which each worker fences on its own core) are visible to the
// caller.
func runParts(crew []*worker, bounds []int, fn func(w *worker, from, to int)) {
	inParallel(len(crew), func(i int) {
		if bounds[i] < bounds[i+1] {
			fn(crew[i], bounds[i], bounds[i+1])
		}
		rs.StreamFence()
	})
}

// firstError returns the first error of the parts that is not nil: that of the lowest
// part, whatever the order they failed in.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
