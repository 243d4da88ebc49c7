package rpc

import (
	"context"
	"fmt"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Default read masks, as on a Sui full node.
const (
	objectMaskDefault     = "object_id,version,digest"
	checkpointMaskDefault = "sequence_number,digest"
)

var (
	objectDesc     = (&v2.Object{}).ProtoReflect().Descriptor()
	checkpointDesc = (&v2.Checkpoint{}).ProtoReflect().Descriptor()
)

func (s *ledgerService) GetServiceInfo(ctx context.Context, _ *v2.GetServiceInfoRequest) (*v2.GetServiceInfoResponse, error) {
	info, err := s.ledger.ServiceInfo(ctx)
	if err != nil {
		return nil, s.ledgerError(ctx, "GetServiceInfo", err, "service info not available")
	}
	return &v2.GetServiceInfoResponse{
		ChainId:                          proto.String(info.ChainID.String()),
		Chain:                            proto.String(info.Chain),
		Epoch:                            proto.Uint64(info.Epoch),
		CheckpointHeight:                 proto.Uint64(info.CheckpointHeight),
		Timestamp:                        renderTime(info.Timestamp),
		LowestAvailableCheckpoint:        proto.Uint64(info.LowestAvailableCheckpoint),
		LowestAvailableCheckpointObjects: proto.Uint64(info.LowestAvailableCheckpointObjects),
		Server:                           proto.String(s.cfg.ServerVersion),
	}, nil
}

func (s *ledgerService) GetObject(ctx context.Context, req *v2.GetObjectRequest) (*v2.GetObjectResponse, error) {
	mask, err := objectReadMask(req.GetReadMask())
	if err != nil {
		return nil, err
	}
	id, err := parseID("object_id", req.ObjectId)
	if err != nil {
		return nil, err
	}
	obj, err := s.getObject(ctx, id, req.Version, mask)
	if err != nil {
		return nil, err
	}
	return &v2.GetObjectResponse{Object: obj}, nil
}

// BatchGetObjects validates the whole request first (an invalid or missing object_id
// fails the call with InvalidArgument naming requests[i].object_id, as on a full node);
// objects that do not exist get a per-object google.rpc.Status with code NotFound. The
// read_mask of the batch applies to all objects; per-request read masks are ignored.
func (s *ledgerService) BatchGetObjects(ctx context.Context, req *v2.BatchGetObjectsRequest) (*v2.BatchGetObjectsResponse, error) {
	mask, err := objectReadMask(req.GetReadMask())
	if err != nil {
		return nil, err
	}
	if n := len(req.GetRequests()); n > s.cfg.MaxBatchRequests {
		return nil, invalidField("requests", "%d requests exceed the limit of %d", n, s.cfg.MaxBatchRequests)
	}
	type key struct {
		id      walrus.ID
		version *uint64
	}
	keys := make([]key, len(req.GetRequests()))
	for i, r := range req.GetRequests() {
		if r == nil {
			return nil, missingField(fmt.Sprintf("requests[%d].object_id", i))
		}
		id, err := parseID(fmt.Sprintf("requests[%d].object_id", i), r.ObjectId)
		if err != nil {
			return nil, err
		}
		keys[i] = key{id, r.Version}
	}
	resp := &v2.BatchGetObjectsResponse{Objects: make([]*v2.GetObjectResult, len(keys))}
	for i, k := range keys {
		obj, err := s.getObject(ctx, k.id, k.version, mask)
		if err == nil {
			resp.Objects[i] = &v2.GetObjectResult{Result: &v2.GetObjectResult_Object{Object: obj}}
			continue
		}
		st, ok := status.FromError(err)
		if !ok || st.Code() != codes.NotFound {
			return nil, err // the ledger failed or the call was cancelled: fail the batch
		}
		resp.Objects[i] = &v2.GetObjectResult{Result: &v2.GetObjectResult_Error{Error: st.Proto()}}
	}
	return resp, nil
}

func objectReadMask(m *fieldmaskpb.FieldMask) (*readMask, error) {
	mask, err := parseReadMask(m, objectMaskDefault, objectDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	return mask, nil
}

// getObject reads and renders one object. As on a full node, object_id and version are
// always present, whatever the mask.
func (s *Server) getObject(ctx context.Context, id walrus.ID, version *uint64, mask *readMask) (*v2.Object, error) {
	o, err := s.ledger.Object(ctx, id, version)
	if err != nil {
		msg := fmt.Sprintf("Object %s not found", id)
		if version != nil {
			msg = fmt.Sprintf("Object %s with version %d not found", id, *version)
		}
		return nil, s.ledgerError(ctx, "GetObject", err, msg)
	}
	m := renderObject(&o)
	mask.apply(m)
	m.ObjectId = proto.String(o.ID.String())
	m.Version = proto.Uint64(o.Version)
	return m, nil
}

// GetCheckpoint returns the checkpoint with the requested sequence number or digest, or
// the latest one when neither is given.
func (s *ledgerService) GetCheckpoint(ctx context.Context, req *v2.GetCheckpointRequest) (*v2.GetCheckpointResponse, error) {
	mask, err := parseReadMask(req.GetReadMask(), checkpointMaskDefault, checkpointDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	var (
		cp       Checkpoint
		notFound string
	)
	switch id := req.GetCheckpointId().(type) {
	case *v2.GetCheckpointRequest_SequenceNumber:
		notFound = fmt.Sprintf("Checkpoint %d not found", id.SequenceNumber)
		cp, err = s.ledger.Checkpoint(ctx, id.SequenceNumber)
	case *v2.GetCheckpointRequest_Digest:
		d, perr := sui.ParseDigest(id.Digest)
		if perr != nil {
			return nil, invalidField("digest", "invalid digest %q: want base58 of 32 bytes", id.Digest)
		}
		idx, ok := s.ledger.(CheckpointDigestIndex)
		if !ok {
			return nil, status.Error(codes.Unimplemented, "GetCheckpoint by digest is not supported by this ledger")
		}
		notFound = fmt.Sprintf("Checkpoint %s not found", d)
		cp, err = idx.CheckpointByDigest(ctx, d)
	default:
		var info ServiceInfo
		if info, err = s.ledger.ServiceInfo(ctx); err == nil {
			notFound = fmt.Sprintf("Checkpoint %d not found", info.CheckpointHeight)
			cp, err = s.ledger.Checkpoint(ctx, info.CheckpointHeight)
		}
	}
	if err != nil {
		return nil, s.ledgerError(ctx, "GetCheckpoint", err, notFound)
	}
	m := renderCheckpoint(&cp)
	mask.apply(m)
	return &v2.GetCheckpointResponse{Checkpoint: m}, nil
}

// parseID parses a required object ID or address field.
func parseID(field string, v *string) (walrus.ID, error) {
	if v == nil {
		return walrus.ID{}, missingField(field)
	}
	id, err := walrus.ParseID(*v)
	if err != nil {
		return walrus.ID{}, invalidField(field, "invalid %s %q: want 0x and 1 to 64 hex digits", lastComponent(field), *v)
	}
	return id, nil
}

var epochDesc = (&v2.Epoch{}).ProtoReflect().Descriptor()

// GetEpoch describes the current epoch (number, start, first checkpoint when known, and
// reference gas price); the devnet keeps no history of earlier epochs, so asking for
// another epoch is NotFound. The default mask is "epoch", as on a full node.
func (s *ledgerService) GetEpoch(ctx context.Context, req *v2.GetEpochRequest) (*v2.GetEpochResponse, error) {
	mask, err := parseReadMask(req.GetReadMask(), "epoch", epochDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	info, err := s.ledger.ServiceInfo(ctx)
	if err != nil {
		return nil, s.ledgerError(ctx, "GetEpoch", err, "epoch not available")
	}
	if req.Epoch != nil && req.GetEpoch() != info.Epoch {
		return nil, status.Errorf(codes.NotFound, "Epoch %d not found", req.GetEpoch())
	}
	m := &v2.Epoch{
		Epoch:             proto.Uint64(info.Epoch),
		Start:             renderTime(info.EpochStart),
		ReferenceGasPrice: proto.Uint64(info.ReferenceGasPrice),
	}
	mask.apply(m)
	return &v2.GetEpochResponse{Epoch: m}, nil
}
