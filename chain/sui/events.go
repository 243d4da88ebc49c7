package sui

import (
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Event is a Move event (sui_types::event::Event): the package and module whose function
// the transaction called (not necessarily the module that defines the event type), the
// sender, the event's struct type and its BCS contents. The module and the names in Type
// are Move identifiers, checked when decoding as Sui does.
type Event struct {
	PackageID         walrus.ID
	TransactionModule string
	Sender            walrus.ID
	Type              StructTag
	Contents          []byte
}

func (ev *Event) MarshalBCS(e *bcs.Encoder) {
	ev.PackageID.MarshalBCS(e)
	e.String(ev.TransactionModule)
	ev.Sender.MarshalBCS(e)
	ev.Type.MarshalBCS(e)
	e.ByteVec(ev.Contents)
}

func (ev *Event) UnmarshalBCS(d *bcs.Decoder) {
	*ev = Event{}
	ev.PackageID.UnmarshalBCS(d)
	ev.TransactionModule = getIdentifier(d)
	ev.Sender.UnmarshalBCS(d)
	ev.Type.UnmarshalBCS(d)
	checkStructIdentifiers(d, &ev.Type)
	ev.Contents = getBytes(d)
}

// minEventSize is the smallest BCS Event: two addresses, a one-letter module, and a struct
// tag with an address, two one-letter names and no parameters, and empty contents.
const minEventSize = 32 + 2 + 32 + (32 + 2 + 2 + 1) + 1

// TransactionEvents is the events a transaction emitted, in order (a BCS vector of Event).
type TransactionEvents []Event

func (t *TransactionEvents) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(*t)))
	for i := range *t {
		(*t)[i].MarshalBCS(e)
	}
}

func (t *TransactionEvents) UnmarshalBCS(d *bcs.Decoder) {
	*t = nil
	n := d.Len(minEventSize)
	if d.Err() != nil || n == 0 {
		return
	}
	evs := make(TransactionEvents, n)
	for i := range evs {
		if evs[i].UnmarshalBCS(d); d.Err() != nil {
			return
		}
	}
	*t = evs
}

// DecodeEvents decodes the BCS of TransactionEvents; errors wrap bcs.ErrMalformed.
func DecodeEvents(b []byte) (TransactionEvents, error) {
	var t TransactionEvents
	if err := bcs.Unmarshal(b, &t); err != nil {
		return nil, err
	}
	return t, nil
}

// Bytes is the BCS of the events.
func (t TransactionEvents) Bytes() []byte { return bcs.Marshal(&t) }

// Digest is the events digest that effects commit to: BLAKE2b-256("TransactionEvents::" ‖
// BCS). Sui leaves events_digest empty when a transaction emits no event.
func (t TransactionEvents) Digest() Digest { return saltedDigest("TransactionEvents::", t.Bytes()) }
