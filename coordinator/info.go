package coordinator

import (
	"context"
	"time"

	"github.com/tuskstore/tusk/chain"
)

// Info is what `tusk info` shows: epoch, committee, prices and sizes.
type Info struct {
	Epoch          uint32    `json:"epoch"`
	EpochStart     time.Time `json:"epochStart"`
	EpochDuration  string    `json:"epochDuration"`
	EpochChanging  bool      `json:"epochChanging"`
	MaxEpochsAhead uint32    `json:"maxEpochsAhead"`
	NShards        int       `json:"nShards"`
	// F is the number of faulty shards tolerated; a certificate needs n-f.
	F          int    `json:"f"`
	MinCorrect int    `json:"minCorrect"`
	MaxBlob    uint64 `json:"maxBlobSize"`
	// MetadataSize is the metadata stored per node for every blob.
	MetadataSize uint64 `json:"metadataSize"`
	// Prices are in FROST per MiB of encoded size (storage: per epoch).
	StoragePrice  uint64         `json:"storagePricePerUnitPerEpoch"`
	WritePrice    uint64         `json:"writePricePerUnit"`
	UnitSize      uint64         `json:"unitSize"`
	CapacityTotal uint64         `json:"capacityTotal"`
	CapacityUsed  uint64         `json:"capacityUsed"`
	Committee     []InfoMember   `json:"committee"`
	Examples      []PriceExample `json:"priceExamples"`
}

// InfoMember is one node of the committee.
type InfoMember struct {
	Name           string `json:"name"`
	NodeID         string `json:"nodeId"`
	NetworkAddress string `json:"networkAddress"`
	Shards         int    `json:"shards"`
}

// PriceExample is the cost of storing a blob of Size bytes for one epoch.
type PriceExample struct {
	Size          uint64 `json:"size"`
	EncodedLength uint64 `json:"encodedLength"`
	Cost          uint64 `json:"costPerEpoch"`
	WriteCost     uint64 `json:"writeCost"`
}

// Info gathers the system information.
func (c *Client) Info(ctx context.Context) (*Info, error) {
	st, err := c.committees.Current(ctx)
	if err != nil {
		return nil, err
	}
	p := st.Write.Params
	in := &Info{
		Epoch: st.Epoch, EpochStart: st.EpochStart.UTC(), EpochDuration: st.EpochDuration.String(), EpochChanging: st.Previous != nil,
		MaxEpochsAhead: st.MaxEpochsAhead, NShards: p.NShards, F: p.F, MinCorrect: p.MinCorrect(), MaxBlob: p.MaxBlobSize(),
		MetadataSize: p.MetadataLength(), StoragePrice: st.Prices.StoragePerUnitEpoch, WritePrice: st.Prices.WritePerUnit,
		UnitSize: chain.BytesPerUnit, CapacityTotal: st.Capacity.Total, CapacityUsed: st.Capacity.Used,
	}
	for _, m := range st.Write.Members {
		in.Committee = append(in.Committee, InfoMember{Name: m.Name, NodeID: m.NodeID.String(), NetworkAddress: m.NetworkAddress, Shards: len(m.Shards)})
	}
	for _, size := range []uint64{1 << 10, 1 << 20, 100 << 20, 1 << 30} {
		if size > p.MaxBlobSize() {
			continue
		}
		enc, err := p.EncodedLength(size)
		if err != nil {
			continue
		}
		in.Examples = append(in.Examples, PriceExample{Size: size, EncodedLength: enc,
			Cost: st.Prices.StorageCost(enc, 1), WriteCost: st.Prices.WriteCost(enc)})
	}
	return in, nil
}
