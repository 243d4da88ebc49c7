package chain

import (
	"fmt"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Checkpoint is one Sui checkpoint as the checkpoint stream delivers it: its summary
// fields and every transaction it holds, in execution order, with effects, events and
// the objects they wrote, all decoded from the BCS the full node sent.
type Checkpoint struct {
	Sequence    uint64
	Digest      sui.Digest
	Epoch       uint64
	TimestampMs uint64
	// Transactions are in the checkpoint's order.
	Transactions []Transaction
}

// Transaction is one executed transaction of a checkpoint.
type Transaction struct {
	Digest  sui.Digest
	Sender  walrus.Address
	Effects *sui.TransactionEffects
	// Events are the events it emitted, in order (empty for a failed transaction).
	Events []sui.Event
	// Objects are the objects it wrote (created, mutated or unwrapped), at their output
	// versions. Deleted and wrapped objects are in Effects.ObjectChanges().
	Objects []*sui.Object
	// Inputs are the objects it changed as it found them, at their input versions
	// (those the full node sent; Sui sends every one).
	Inputs []*sui.Object
}

// Input returns the object with the given ID as the transaction found it, if known.
func (t *Transaction) Input(id walrus.ID) (*sui.Object, bool) {
	for _, o := range t.Inputs {
		if oid, ok := o.ID(); ok && oid == id {
			return o, true
		}
	}
	return nil, false
}

// Succeeded reports whether the transaction executed successfully.
func (t *Transaction) Succeeded() bool {
	return t.Effects != nil && t.Effects.Status().Success()
}

// Object returns the output object with the given ID, if the transaction wrote it.
func (t *Transaction) Object(id walrus.ID) (*sui.Object, bool) {
	for _, o := range t.Objects {
		if oid, ok := o.ID(); ok && oid == id {
			return o, true
		}
	}
	return nil, false
}

// EventPosition locates an event in the chain's total order: checkpoint, transaction
// index within it, event index within the transaction. It orders lexicographically.
type EventPosition struct {
	Checkpoint uint64
	TxIndex    uint32
	EventIndex uint32
}

// Less reports whether p comes before q.
func (p EventPosition) Less(q EventPosition) bool {
	if p.Checkpoint != q.Checkpoint {
		return p.Checkpoint < q.Checkpoint
	}
	if p.TxIndex != q.TxIndex {
		return p.TxIndex < q.TxIndex
	}
	return p.EventIndex < q.EventIndex
}

func (p EventPosition) String() string {
	return fmt.Sprintf("%d/%d/%d", p.Checkpoint, p.TxIndex, p.EventIndex)
}

// WalrusEvent is a decoded Walrus event with where and when it was emitted.
type WalrusEvent struct {
	Position    EventPosition
	TxDigest    sui.Digest
	TimestampMs uint64
	// Type is the event's full Move type as emitted (the original package's address).
	Type sui.StructTag
	// Contents is the event's BCS as emitted.
	Contents []byte
	Event    walrus.Event
}

// WalrusEvents returns the Walrus events of the checkpoint's successful transactions, in
// order: the events whose type is <pkg>::events::<Name> for the Walrus package's
// original ID pkg (event types keep the original package's address across upgrades).
// An event of that module that does not decode is an error: the chain and this client
// disagree about the Walrus types.
func (c *Checkpoint) WalrusEvents(pkg walrus.ID) ([]WalrusEvent, error) {
	var out []WalrusEvent
	for ti := range c.Transactions {
		tx := &c.Transactions[ti]
		if !tx.Succeeded() {
			continue // a failed transaction's events are discarded
		}
		for ei := range tx.Events {
			ev := &tx.Events[ei]
			if ev.Type.Address != pkg || ev.Type.Module != walrus.EventsModule {
				continue
			}
			pos := EventPosition{Checkpoint: c.Sequence, TxIndex: uint32(ti), EventIndex: uint32(ei)}
			decoded, err := walrus.DecodeEvent(ev.Type.Name, ev.Contents)
			if err != nil {
				return nil, fmt.Errorf("checkpoint %d: event %s in %s: %w", c.Sequence, pos, tx.Digest, err)
			}
			out = append(out, WalrusEvent{
				Position: pos, TxDigest: tx.Digest, TimestampMs: c.TimestampMs,
				Type: ev.Type, Contents: ev.Contents, Event: decoded,
			})
		}
	}
	return out, nil
}
