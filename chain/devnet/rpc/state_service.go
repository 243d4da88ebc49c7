package rpc

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Paging of ListOwnedObjects, as on a full node.
const (
	ownedObjectsMaskDefault = "object_id,version,object_type"
	defaultPageSize         = 50
	maxPageSize             = 1000
)

// Field numbers of sui.rpc.v2.Balance newer than the SDK's generated type: the server adds
// them as unknown fields, so newer clients (the TypeScript SDK reads them) see them and
// older ones ignore them.
const (
	balanceFieldAddressBalance protowire.Number = 4
	balanceFieldCoinBalance    protowire.Number = 5
)

// GetBalance reports the owner's balance of coin_type: balance is the total; the newer
// address_balance and coin_balance fields split it as a full node does.
func (s *stateService) GetBalance(ctx context.Context, req *v2.GetBalanceRequest) (*v2.GetBalanceResponse, error) {
	owner, err := parseID("owner", req.Owner)
	if err != nil {
		return nil, err
	}
	if req.CoinType == nil {
		return nil, missingField("coin_type")
	}
	coinType, err := sui.ParseStructTag(*req.CoinType)
	if err != nil {
		return nil, invalidField("coin_type", "invalid coin_type %q: %v", *req.CoinType, err)
	}
	canonical := coinType.String()
	b, err := s.ledger.Balance(ctx, owner, canonical)
	if err != nil {
		return nil, s.ledgerError(ctx, "GetBalance", err, "balance not found")
	}
	total := b.CoinBalance + b.AddressBalance
	if total < b.CoinBalance {
		total = math.MaxUint64
	}
	bal := &v2.Balance{CoinType: proto.String(canonical), Balance: proto.Uint64(total)}
	if total > 0 {
		var extra []byte
		if b.AddressBalance > 0 {
			extra = protowire.AppendTag(extra, balanceFieldAddressBalance, protowire.VarintType)
			extra = protowire.AppendVarint(extra, b.AddressBalance)
		}
		if b.CoinBalance > 0 {
			extra = protowire.AppendTag(extra, balanceFieldCoinBalance, protowire.VarintType)
			extra = protowire.AppendVarint(extra, b.CoinBalance)
		}
		bal.ProtoReflect().SetUnknown(extra)
	}
	return &v2.GetBalanceResponse{Balance: bal}, nil
}

// ListOwnedObjects lists the objects an address owns, optionally only those of one type
// (a type without type parameters matches all its instantiations). page_size defaults to
// 50 and is clamped to [1, 1000]; next_page_token is absent on the last page. A page
// token is only valid with the owner and object_type of the call that returned it.
func (s *stateService) ListOwnedObjects(ctx context.Context, req *v2.ListOwnedObjectsRequest) (*v2.ListOwnedObjectsResponse, error) {
	owner, err := parseID("owner", req.Owner)
	if err != nil {
		return nil, err
	}
	filter := ""
	if req.ObjectType != nil {
		t, err := sui.ParseStructTag(*req.ObjectType)
		if err != nil {
			return nil, invalidField("object_type", "invalid object_type %q: %v", *req.ObjectType, err)
		}
		filter = t.String()
	}
	pageSize := defaultPageSize
	if req.PageSize != nil {
		pageSize = int(min(max(*req.PageSize, 1), maxPageSize))
	}
	var cursor []byte
	if req.PageToken != nil {
		if cursor, err = decodePageToken(req.PageToken, owner, filter); err != nil {
			return nil, invalidField("page_token", "invalid page_token: %v", err)
		}
	}
	mask, err := parseReadMask(req.GetReadMask(), ownedObjectsMaskDefault, objectDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}

	objs, next, err := s.ledger.OwnedObjects(ctx, owner, filter, cursor, pageSize)
	if errors.Is(err, ErrInvalidCursor) {
		return nil, invalidField("page_token", "invalid page_token: %v", err)
	}
	if err != nil {
		return nil, s.ledgerError(ctx, "ListOwnedObjects", err, "owned objects not found")
	}
	// A full node renders the stored object (which always carries object_id and version)
	// when the mask asks for more than the owned-object index holds.
	loaded := false
	for _, f := range []string{"bcs", "digest", "owner", "has_public_transfer", "contents", "previous_transaction", "storage_rebate", "json"} {
		loaded = loaded || mask.contains(f)
	}
	resp := &v2.ListOwnedObjectsResponse{Objects: make([]*v2.Object, 0, len(objs))}
	for i := range objs {
		m := renderObject(&objs[i])
		mask.apply(m)
		if loaded {
			m.ObjectId = proto.String(objs[i].ID.String())
			m.Version = proto.Uint64(objs[i].Version)
		}
		resp.Objects = append(resp.Objects, m)
	}
	if next != nil {
		resp.NextPageToken = encodePageToken(owner, filter, next)
	}
	return resp, nil
}

// A page token binds the ledger's cursor to the owner and filter of the listing:
// version 1 ‖ owner (32 bytes) ‖ uvarint length ‖ filter ‖ cursor.
const pageTokenVersion = 1

func encodePageToken(owner walrus.Address, filter string, cursor []byte) []byte {
	b := make([]byte, 0, 1+32+binary.MaxVarintLen64+len(filter)+len(cursor))
	b = append(b, pageTokenVersion)
	b = append(b, owner[:]...)
	b = binary.AppendUvarint(b, uint64(len(filter)))
	b = append(b, filter...)
	return append(b, cursor...)
}

var (
	errTokenMalformed = errors.New("malformed token")
	errTokenMismatch  = errors.New("token was issued for another owner or object_type")
)

func decodePageToken(tok []byte, owner walrus.Address, filter string) ([]byte, error) {
	if len(tok) < 1+32 || tok[0] != pageTokenVersion {
		return nil, errTokenMalformed
	}
	rest := tok[1+32:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)-k) {
		return nil, errTokenMalformed
	}
	rest = rest[k:]
	if !bytes.Equal(tok[1:1+32], owner[:]) || string(rest[:n]) != filter {
		return nil, errTokenMismatch
	}
	cursor := rest[n:]
	if len(cursor) == 0 {
		return nil, errTokenMalformed
	}
	return cursor, nil
}
