package store

import (
	"encoding/json"
	"time"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Result is Walrus's BlobStoreResult: exactly one of its fields is set, and its JSON is
// the externally tagged form the publisher returns ({"newlyCreated":{…}},
// {"alreadyCertified":{…}}, {"markedInvalid":{…}} or {"error":{…}}).
type Result struct {
	NewlyCreated     *NewlyCreated     `json:"newlyCreated,omitempty"`
	AlreadyCertified *AlreadyCertified `json:"alreadyCertified,omitempty"`
	MarkedInvalid    *MarkedInvalid    `json:"markedInvalid,omitempty"`
	Error            *ErrorResult      `json:"error,omitempty"`

	// Timings is where the time went (not part of the JSON).
	Timings Timings `json:"-"`
}

// BlobID is the blob ID the result is about (zero for an error before encoding).
func (r *Result) BlobID() encoding.BlobID {
	switch {
	case r.NewlyCreated != nil:
		return r.NewlyCreated.BlobObject.BlobID
	case r.AlreadyCertified != nil:
		return r.AlreadyCertified.BlobID
	case r.MarkedInvalid != nil:
		return r.MarkedInvalid.BlobID
	case r.Error != nil && r.Error.BlobID != nil:
		return *r.Error.BlobID
	}
	return encoding.BlobID{}
}

// EndEpoch is the epoch the blob is stored until (exclusive), 0 if not stored.
func (r *Result) EndEpoch() uint32 {
	switch {
	case r.NewlyCreated != nil:
		return r.NewlyCreated.BlobObject.Storage.EndEpoch
	case r.AlreadyCertified != nil:
		return r.AlreadyCertified.EndEpoch
	}
	return 0
}

// Kind names the variant: newlyCreated, alreadyCertified, markedInvalid or error.
func (r *Result) Kind() string {
	switch {
	case r.NewlyCreated != nil:
		return "newlyCreated"
	case r.AlreadyCertified != nil:
		return "alreadyCertified"
	case r.MarkedInvalid != nil:
		return "markedInvalid"
	}
	return "error"
}

// NewlyCreated is a blob registered and certified by this store.
type NewlyCreated struct {
	BlobObject        BlobObject        `json:"blobObject"`
	ResourceOperation ResourceOperation `json:"resourceOperation"`
	// Cost is the WAL paid, in FROST.
	Cost             uint64     `json:"cost"`
	SharedBlobObject *walrus.ID `json:"sharedBlobObject,omitempty"`
}

// BlobObject is the JSON of a Blob Move object (walrus-sui move_structs::Blob).
type BlobObject struct {
	ID              walrus.ID             `json:"id"`
	RegisteredEpoch uint32                `json:"registeredEpoch"`
	BlobID          encoding.BlobID       `json:"blobId"`
	Size            uint64                `json:"size"`
	EncodingType    encoding.EncodingType `json:"encodingType"`
	CertifiedEpoch  *uint32               `json:"certifiedEpoch"`
	Storage         StorageObject         `json:"storage"`
	Deletable       bool                  `json:"deletable"`
}

// StorageObject is the JSON of a Storage resource.
type StorageObject struct {
	ID          walrus.ID `json:"id"`
	StartEpoch  uint32    `json:"startEpoch"`
	EndEpoch    uint32    `json:"endEpoch"`
	StorageSize uint64    `json:"storageSize"`
}

// NewBlobObject converts a Blob object.
func NewBlobObject(b *walrus.Blob) BlobObject {
	return BlobObject{
		ID: b.ID, RegisteredEpoch: b.RegisteredEpoch, BlobID: b.BlobID, Size: b.Size,
		EncodingType: encoding.EncodingType(b.EncodingType), CertifiedEpoch: b.CertifiedEpoch, Deletable: b.Deletable,
		Storage: StorageObject{ID: b.Storage.ID, StartEpoch: b.Storage.StartEpoch, EndEpoch: b.Storage.EndEpoch, StorageSize: b.Storage.StorageSize},
	}
}

// ResourceOperation is Walrus's RegisterBlobOp: how the storage was obtained. Exactly one
// field is set.
type ResourceOperation struct {
	RegisterFromScratch *RegisterFromScratch `json:"registerFromScratch,omitempty"`
	ReuseStorage        *EncodedLength       `json:"reuseStorage,omitempty"`
	ReuseRegistration   *EncodedLength       `json:"reuseRegistration,omitempty"`
}

// RegisterFromScratch: storage bought and the blob registered in this store.
type RegisterFromScratch struct {
	EncodedLength uint64 `json:"encodedLength"`
	EpochsAhead   uint32 `json:"epochsAhead"`
}

// EncodedLength is the payload of the reuse operations.
type EncodedLength struct {
	EncodedLength uint64 `json:"encodedLength"`
}

// AlreadyCertified: the blob was certified long enough already; nothing was paid. Event
// is the certification event (from the nodes' status), or Object an owned Blob object.
type AlreadyCertified struct {
	BlobID   encoding.BlobID `json:"blobId"`
	Event    *api.EventID    `json:"event,omitempty"`
	Object   *walrus.ID      `json:"object,omitempty"`
	EndEpoch uint32          `json:"endEpoch"`
}

// MarkedInvalid: the blob ID was invalidated on chain.
type MarkedInvalid struct {
	BlobID encoding.BlobID `json:"blobId"`
	Event  api.EventID     `json:"event"`
}

// ErrorResult is the error variant (used per file by multi-blob stores).
type ErrorResult struct {
	BlobID       *encoding.BlobID `json:"blobId"`
	FailurePhase string           `json:"failurePhase"`
	ErrorMsg     string           `json:"errorMsg"`
}

// Timings is the time a store spent in each stage.
type Timings struct {
	Encode, Status, Register, Upload, Certify time.Duration
}

// Chain is the part of Timings spent in transactions.
func (t Timings) Chain() time.Duration { return t.Register + t.Certify }

// Network is the part spent talking to storage nodes.
func (t Timings) Network() time.Duration { return t.Status + t.Upload }

// MarshalJSON makes sure an empty Result is not silently "{}".
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.NewlyCreated == nil && r.AlreadyCertified == nil && r.MarkedInvalid == nil && r.Error == nil {
		r.Error = &ErrorResult{FailurePhase: "unknown", ErrorMsg: "empty result"}
	}
	return json.Marshal(plain(r))
}
