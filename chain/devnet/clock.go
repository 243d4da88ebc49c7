package devnet

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/sui"
)

// The devnet's Clock (0x6) follows wall time as on Sui, where the consensus commit
// prologue sets it to the commit's timestamp: every transaction sees the timestamp of its
// own record, which is also the timestamp of the checkpoint holding it. The timestamp is
// fixed when the transaction first reads the Clock (as an input or from a function) and
// is then the record's; a transaction that never reads it gets the wall clock at commit.
// Replay gives each transaction its record's timestamp again, so the effects are the
// same. A simulation sees the wall clock.
//
// The stored Clock object keeps its genesis contents (only its reads are timed), so a
// gRPC GetObject of 0x6 shows the genesis time; the checkpoints carry the chain time.
//
// Executions and simulations are serialised (runMu) so that a transaction's clock is its
// own: through Devnet.Execute and Simulate and through the gRPC server (clockedExecutor).

// run is the transaction being executed or simulated. d.mu guards it.
type run struct {
	active   bool
	simulate bool
	clockMs  uint64 // the Clock the transaction saw; 0: not read yet
}

// beginRun starts a transaction's run; endRun must follow.
func (d *Devnet) beginRun(simulate bool) {
	d.execMu.Lock()
	d.mu.Lock()
	d.run = run{active: true, simulate: simulate}
	d.mu.Unlock()
}

func (d *Devnet) endRun() {
	d.mu.Lock()
	d.run = run{}
	d.mu.Unlock()
	d.execMu.Unlock()
}

// clockNow is the Clock's time for the transaction being run (d.mu held): the record's
// while replaying, fixed at the first read for an execution, the wall clock for a
// simulation.
func (d *Devnet) clockNow() uint64 {
	switch {
	case d.replay != nil:
		return d.replay.TimestampMs
	case d.run.simulate || !d.run.active:
		return d.now()
	case d.run.clockMs == 0:
		d.run.clockMs = d.now()
	}
	return d.run.clockMs
}

// commitTimestamp is the timestamp of a committed transaction's record (d.mu held).
func (d *Devnet) commitTimestamp() uint64 {
	if d.run.active && !d.run.simulate && d.run.clockMs != 0 {
		return d.run.clockMs
	}
	return d.now()
}

// timedClock returns the Clock object o as the running transaction sees it.
func (d *Devnet) timedClock(o *sui.Object) (*sui.Object, sui.ObjectRef, error) {
	if o.Data.Kind != sui.DataMove || len(o.Data.Move.Contents) != 40 {
		return nil, sui.ObjectRef{}, fmt.Errorf("devnet: object %s is not a Clock", exec.ClockID)
	}
	d.mu.Lock()
	ts := d.clockNow()
	d.mu.Unlock()
	contents := append([]byte(nil), o.Data.Move.Contents...)
	binary.LittleEndian.PutUint64(contents[32:], ts)
	o.Data.Move.Contents = contents
	ref, _ := o.Ref()
	return o, ref, nil
}

// clockedExecutor is the gRPC server's executor: each call is a run.
type clockedExecutor struct {
	d     *Devnet
	inner rpc.Executor
}

func (e clockedExecutor) Execute(ctx context.Context, txBytes []byte, signatures [][]byte) (*rpc.ExecutionResult, error) {
	e.d.beginRun(false)
	defer e.d.endRun()
	return e.inner.Execute(ctx, txBytes, signatures)
}

func (e clockedExecutor) Simulate(ctx context.Context, txBytes []byte) (*rpc.ExecutionResult, error) {
	e.d.beginRun(true)
	defer e.d.endRun()
	return e.inner.Simulate(ctx, txBytes)
}
