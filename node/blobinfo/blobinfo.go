// Package blobinfo is a storage node's record of one blob ID as the chain's events
// describe it: the Blob objects registered for it (permanent or deletable, with their
// end epochs and certification), or the event that marked it invalid. From it follow
// what the node may accept (uploads need a live registration), what it may sign
// (confirmations need a live registration; deletable ones the named object), when it
// must sync (certified but not stored) and when its data can go (nothing live is left).
//
// Unlike Walrus's aggregate counters (crates/walrus-service/src/node/storage/blob_info),
// the record keeps each live object, so that deletion, extension and expiry are exact;
// expired and deleted objects are dropped. The status it reports (api.BlobStatus) is
// computed as Walrus's to_blob_status does. Pure: no I/O. The persisted form is BCS
// behind a version byte.
package blobinfo

import (
	"errors"
	"fmt"
	"sort"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
)

// Object is one live Blob object of the blob ID.
type Object struct {
	ID              walrus.ID
	Deletable       bool
	RegisteredEpoch uint32
	// EndEpoch is exclusive: the object is live while the current epoch is below it.
	EndEpoch  uint32
	Certified bool
	// CertifiedEpoch is the epoch of the object's first certification (if Certified).
	CertifiedEpoch uint32
	// Event is the last event that changed the object.
	Event api.EventID
}

// Live reports whether the object exists in epoch.
func (o *Object) Live(epoch uint32) bool { return o.EndEpoch > epoch }

// Info is the node's record of a blob ID. The zero value is an unknown blob.
type Info struct {
	// Invalid is set once the blob ID was marked invalid; it never changes after that.
	Invalid *api.EventID
	// InvalidEpoch is the epoch of the InvalidBlobID event.
	InvalidEpoch uint32
	// Objects are the live Blob objects, sorted by ID.
	Objects []Object
}

// ErrUnknownObject reports an event about an object the record does not hold (a
// certification or deletion without its registration): the event is ignored.
var ErrUnknownObject = errors.New("blobinfo: event for an unknown Blob object")

func (in *Info) find(id walrus.ID) int {
	i := sort.Search(len(in.Objects), func(i int) bool { return in.Objects[i].ID.Compare(id) >= 0 })
	if i < len(in.Objects) && in.Objects[i].ID == id {
		return i
	}
	return -1
}

// Register records a BlobRegistered event. A repeated registration of an object is a
// no-op; an invalid blob is not changed.
func (in *Info) Register(ev *walrus.BlobRegistered, event api.EventID) {
	if in.Invalid != nil || in.find(ev.ObjectID) >= 0 {
		return
	}
	o := Object{ID: ev.ObjectID, Deletable: ev.Deletable, RegisteredEpoch: ev.Epoch, EndEpoch: ev.EndEpoch, Event: event}
	i := sort.Search(len(in.Objects), func(i int) bool { return in.Objects[i].ID.Compare(ev.ObjectID) > 0 })
	in.Objects = append(in.Objects, Object{})
	copy(in.Objects[i+1:], in.Objects[i:])
	in.Objects[i] = o
}

// Certify records a BlobCertified event: the first certification of the object, or
// (IsExtension) a new end epoch.
func (in *Info) Certify(ev *walrus.BlobCertified, event api.EventID) error {
	if in.Invalid != nil {
		return nil
	}
	i := in.find(ev.ObjectID)
	if i < 0 {
		return fmt.Errorf("%w: certification of %s", ErrUnknownObject, ev.ObjectID)
	}
	o := &in.Objects[i]
	if !o.Certified {
		o.Certified = true
		o.CertifiedEpoch = ev.Epoch
	}
	if ev.EndEpoch > o.EndEpoch {
		o.EndEpoch = ev.EndEpoch
	}
	o.Event = event
	return nil
}

// Delete records a BlobDeleted event: the object is gone.
func (in *Info) Delete(ev *walrus.BlobDeleted) error {
	if in.Invalid != nil {
		return nil
	}
	i := in.find(ev.ObjectID)
	if i < 0 {
		return fmt.Errorf("%w: deletion of %s", ErrUnknownObject, ev.ObjectID)
	}
	in.Objects = append(in.Objects[:i], in.Objects[i+1:]...)
	return nil
}

// MarkInvalid records an InvalidBlobID event. The objects are dropped: an invalid blob
// ID can never be read, confirmed or synced again.
func (in *Info) MarkInvalid(epoch uint32, event api.EventID) {
	if in.Invalid != nil {
		return
	}
	e := event
	in.Invalid, in.InvalidEpoch, in.Objects = &e, epoch, nil
}

// Expire drops the objects whose end epoch is at or before epoch and reports whether
// any was dropped.
func (in *Info) Expire(epoch uint32) bool {
	out := in.Objects[:0]
	for _, o := range in.Objects {
		if o.Live(epoch) {
			out = append(out, o)
		}
	}
	changed := len(out) != len(in.Objects)
	clear(in.Objects[len(out):])
	in.Objects = out
	return changed
}

// IsRegistered reports whether a live Blob object exists in epoch: the condition for
// storing metadata and slivers and for signing confirmations.
func (in *Info) IsRegistered(epoch uint32) bool {
	if in == nil || in.Invalid != nil {
		return false
	}
	for i := range in.Objects {
		if in.Objects[i].Live(epoch) {
			return true
		}
	}
	return false
}

// IsCertified reports whether a live object was certified at or before epoch.
func (in *Info) IsCertified(epoch uint32) bool {
	if in == nil || in.Invalid != nil {
		return false
	}
	for i := range in.Objects {
		o := &in.Objects[i]
		if o.Live(epoch) && o.Certified && o.CertifiedEpoch <= epoch {
			return true
		}
	}
	return false
}

// CertifiedBefore reports whether a live object in epoch was certified in an earlier
// epoch: the blobs a shard gained at the change to epoch holds, and that its previous
// owner transfers (Walrus's certified_blob_info_iter_before_epoch). Blobs certified in
// epoch itself reach the shard's new owner by blob sync.
func (in *Info) CertifiedBefore(epoch uint32) bool {
	if in == nil || in.Invalid != nil {
		return false
	}
	for i := range in.Objects {
		o := &in.Objects[i]
		if o.Live(epoch) && o.Certified && o.CertifiedEpoch < epoch {
			return true
		}
	}
	return false
}

// ObjectRegistered reports whether the deletable object id is live in epoch: the
// condition for a deletable confirmation naming it.
func (in *Info) ObjectRegistered(id walrus.ID, epoch uint32) bool {
	if in == nil || in.Invalid != nil {
		return false
	}
	i := in.find(id)
	return i >= 0 && in.Objects[i].Deletable && in.Objects[i].Live(epoch)
}

// Empty reports whether nothing is left to remember: no live object and not invalid.
func (in *Info) Empty() bool { return in == nil || (in.Invalid == nil && len(in.Objects) == 0) }

// Status is the blob's status in epoch, as Walrus computes it.
func (in *Info) Status(epoch uint32) api.BlobStatus {
	if in == nil {
		return api.BlobStatus{}
	}
	if in.Invalid != nil {
		return api.BlobStatus{Kind: api.BlobInvalid, Event: *in.Invalid}
	}
	var (
		counts            api.DeletableCounts
		initial           *uint32
		permAny, permCert *Object
	)
	for i := range in.Objects {
		o := &in.Objects[i]
		if !o.Live(epoch) {
			continue
		}
		if o.Certified {
			if initial == nil || o.CertifiedEpoch < *initial {
				e := o.CertifiedEpoch
				initial = &e
			}
		}
		if o.Deletable {
			counts.Total++
			if o.Certified {
				counts.Certified++
			}
			continue
		}
		if permAny == nil || o.EndEpoch > permAny.EndEpoch {
			permAny = o
		}
		if o.Certified && (permCert == nil || o.EndEpoch > permCert.EndEpoch) {
			permCert = o
		}
	}
	switch {
	case permCert != nil:
		return api.BlobStatus{Kind: api.BlobPermanent, EndEpoch: permCert.EndEpoch, IsCertified: true,
			Event: permCert.Event, Deletable: counts, InitialCertifiedEpoch: initial}
	case permAny != nil:
		return api.BlobStatus{Kind: api.BlobPermanent, EndEpoch: permAny.EndEpoch,
			Event: permAny.Event, Deletable: counts, InitialCertifiedEpoch: initial}
	case counts != (api.DeletableCounts{}):
		return api.BlobStatus{Kind: api.BlobDeletable, Deletable: counts, InitialCertifiedEpoch: initial}
	}
	return api.BlobStatus{}
}

// version is the first byte of the persisted form.
const version = 1

// Marshal is the persisted form: a version byte, then BCS.
func (in *Info) Marshal() []byte {
	var e bcs.Encoder
	e.U8(version)
	e.Bool(in.Invalid != nil)
	if in.Invalid != nil {
		marshalEventID(&e, *in.Invalid)
		e.U32(in.InvalidEpoch)
	}
	e.ULEB128(uint64(len(in.Objects)))
	for i := range in.Objects {
		o := &in.Objects[i]
		o.ID.MarshalBCS(&e)
		e.Bool(o.Deletable)
		e.U32(o.RegisteredEpoch)
		e.U32(o.EndEpoch)
		e.Bool(o.Certified)
		e.U32(o.CertifiedEpoch)
		marshalEventID(&e, o.Event)
	}
	return e.Bytes()
}

// Unmarshal reads the persisted form.
func Unmarshal(b []byte) (*Info, error) {
	d := bcs.NewDecoder(b)
	if v := d.U8(); d.Err() == nil && v != version {
		return nil, fmt.Errorf("blobinfo: unknown record version %d", v)
	}
	in := &Info{}
	if d.Bool() {
		ev := unmarshalEventID(d)
		in.Invalid = &ev
		in.InvalidEpoch = d.U32()
	}
	n := d.Len(32 + 1 + 4 + 4 + 1 + 4 + 32 + 8)
	if n > 0 {
		in.Objects = make([]Object, n)
	}
	for i := 0; i < n && d.Err() == nil; i++ {
		o := &in.Objects[i]
		o.ID.UnmarshalBCS(d)
		o.Deletable = d.Bool()
		o.RegisteredEpoch = d.U32()
		o.EndEpoch = d.U32()
		o.Certified = d.Bool()
		o.CertifiedEpoch = d.U32()
		o.Event = unmarshalEventID(d)
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("blobinfo: %w", err)
	}
	for i := 1; i < len(in.Objects); i++ {
		if in.Objects[i-1].ID.Compare(in.Objects[i].ID) >= 0 {
			return nil, errors.New("blobinfo: objects not sorted")
		}
	}
	return in, nil
}

func marshalEventID(e *bcs.Encoder, id api.EventID) {
	e.Fixed(id.TxDigest[:])
	e.U64(id.EventSeq)
}

func unmarshalEventID(d *bcs.Decoder) api.EventID {
	var id api.EventID
	d.FixedInto(id.TxDigest[:])
	id.EventSeq = d.U64()
	return id
}
