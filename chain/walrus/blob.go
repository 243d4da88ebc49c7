package walrus

import (
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Storage is walrus::storage_resource::Storage: a reservation of StorageSize encoded bytes
// for the epochs [StartEpoch, EndEpoch).
type Storage struct {
	ID          ID
	StartEpoch  uint32
	EndEpoch    uint32 // exclusive
	StorageSize uint64 // encoded bytes
}

func (s *Storage) MarshalBCS(e *bcs.Encoder) {
	s.ID.MarshalBCS(e)
	e.U32(s.StartEpoch)
	e.U32(s.EndEpoch)
	e.U64(s.StorageSize)
}

func (s *Storage) UnmarshalBCS(d *bcs.Decoder) {
	s.ID.UnmarshalBCS(d)
	s.StartEpoch = d.U32()
	s.EndEpoch = d.U32()
	s.StorageSize = d.U64()
}

// Blob is walrus::blob::Blob. Its attributes, if any, are the dynamic field
// BlobMetadataField named MetadataFieldName.
type Blob struct {
	ID              ID
	RegisteredEpoch uint32
	BlobID          encoding.BlobID // u256
	Size            uint64          // unencoded length
	EncodingType    uint8
	CertifiedEpoch  *uint32 // Option<u32>: the epoch first certified
	Storage         Storage
	Deletable       bool
}

func (b *Blob) MarshalBCS(e *bcs.Encoder) {
	b.ID.MarshalBCS(e)
	e.U32(b.RegisteredEpoch)
	putBlobID(e, &b.BlobID)
	e.U64(b.Size)
	e.U8(b.EncodingType)
	putOptU32(e, b.CertifiedEpoch)
	b.Storage.MarshalBCS(e)
	e.Bool(b.Deletable)
}

func (b *Blob) UnmarshalBCS(d *bcs.Decoder) {
	b.ID.UnmarshalBCS(d)
	b.RegisteredEpoch = d.U32()
	getBlobID(d, &b.BlobID)
	b.Size = d.U64()
	b.EncodingType = d.U8()
	b.CertifiedEpoch = getOptU32(d)
	b.Storage.UnmarshalBCS(d)
	b.Deletable = d.Bool()
}

// EndEpoch is the storage's end epoch (exclusive).
func (b *Blob) EndEpoch() uint32 { return b.Storage.EndEpoch }

// IsCertified reports whether the blob has been certified.
func (b *Blob) IsCertified() bool { return b.CertifiedEpoch != nil }

// IsExpired reports whether the blob's storage has ended by epoch.
func (b *Blob) IsExpired(epoch uint32) bool { return b.Storage.EndEpoch <= epoch }

// SharedBlob is walrus::shared_blob::SharedBlob.
type SharedBlob struct {
	ID    ID
	Blob  Blob
	Funds uint64 // Balance<WAL>
}

func (s *SharedBlob) MarshalBCS(e *bcs.Encoder) {
	s.ID.MarshalBCS(e)
	s.Blob.MarshalBCS(e)
	e.U64(s.Funds)
}

func (s *SharedBlob) UnmarshalBCS(d *bcs.Decoder) {
	s.ID.UnmarshalBCS(d)
	s.Blob.UnmarshalBCS(d)
	s.Funds = d.U64()
}

// Metadata is walrus::metadata::Metadata, a blob's attributes: { metadata: VecMap<String,
// String> }.
type Metadata struct {
	Metadata StringMap
}

func (m *Metadata) MarshalBCS(e *bcs.Encoder)   { m.Metadata.MarshalBCS(e) }
func (m *Metadata) UnmarshalBCS(d *bcs.Decoder) { m.Metadata.UnmarshalBCS(d) }

// StoragePool is walrus::storage_pool::StoragePool; its inner state is the dynamic field
// StoragePoolStateField named by Version.
type StoragePool struct {
	ID      ID
	Version uint64
}

func (p *StoragePool) MarshalBCS(e *bcs.Encoder) {
	p.ID.MarshalBCS(e)
	e.U64(p.Version)
}

func (p *StoragePool) UnmarshalBCS(d *bcs.Decoder) {
	p.ID.UnmarshalBCS(d)
	p.Version = d.U64()
}

// StoragePoolInnerV1 is walrus::storage_pool::StoragePoolInnerV1.
type StoragePoolInnerV1 struct {
	Storage          Storage
	UsedEncodedBytes uint64
	BlobCount        uint64
	Blobs            Table // ObjectTable<u256, PooledBlob>
}

func (p *StoragePoolInnerV1) MarshalBCS(e *bcs.Encoder) {
	p.Storage.MarshalBCS(e)
	e.U64(p.UsedEncodedBytes)
	e.U64(p.BlobCount)
	p.Blobs.MarshalBCS(e)
}

func (p *StoragePoolInnerV1) UnmarshalBCS(d *bcs.Decoder) {
	p.Storage.UnmarshalBCS(d)
	p.UsedEncodedBytes = d.U64()
	p.BlobCount = d.U64()
	p.Blobs.UnmarshalBCS(d)
}

// PooledBlob is walrus::storage_pool::PooledBlob.
type PooledBlob struct {
	ID              ID
	RegisteredEpoch uint32
	BlobID          encoding.BlobID // u256
	UnencodedSize   uint64
	EncodingType    uint8
	CertifiedEpoch  *uint32 // Option<u32>
	StoragePoolID   ID
	Deletable       bool
}

func (b *PooledBlob) MarshalBCS(e *bcs.Encoder) {
	b.ID.MarshalBCS(e)
	e.U32(b.RegisteredEpoch)
	putBlobID(e, &b.BlobID)
	e.U64(b.UnencodedSize)
	e.U8(b.EncodingType)
	putOptU32(e, b.CertifiedEpoch)
	b.StoragePoolID.MarshalBCS(e)
	e.Bool(b.Deletable)
}

func (b *PooledBlob) UnmarshalBCS(d *bcs.Decoder) {
	b.ID.UnmarshalBCS(d)
	b.RegisteredEpoch = d.U32()
	getBlobID(d, &b.BlobID)
	b.UnencodedSize = d.U64()
	b.EncodingType = d.U8()
	b.CertifiedEpoch = getOptU32(d)
	b.StoragePoolID.UnmarshalBCS(d)
	b.Deletable = d.Bool()
}

// IsCertified reports whether the pooled blob has been certified.
func (b *PooledBlob) IsCertified() bool { return b.CertifiedEpoch != nil }
