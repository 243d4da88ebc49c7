package rpc

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Reasons carried in BadRequest field violations, as sui.rpc.v2.ErrorReason names them.
const (
	reasonFieldMissing = "FIELD_MISSING"
	reasonFieldInvalid = "FIELD_INVALID"
)

// fieldError is an InvalidArgument status whose message names the offending field and
// which carries a google.rpc.BadRequest detail, as Sui's FieldViolation errors do.
func fieldError(field, reason, format string, args ...any) error {
	desc := fmt.Sprintf(format, args...)
	st := status.New(codes.InvalidArgument, field+": "+desc)
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
		Field:       field,
		Description: desc,
		Reason:      reason,
	}}}); err == nil {
		st = d
	}
	return st.Err()
}

func missingField(field string) error {
	return fieldError(field, reasonFieldMissing, "missing %s", lastComponent(field))
}

func invalidField(field string, format string, args ...any) error {
	return fieldError(field, reasonFieldInvalid, format, args...)
}

func lastComponent(field string) string {
	for i := len(field) - 1; i >= 0; i-- {
		if field[i] == '.' {
			return field[i+1:]
		}
	}
	return field
}

// ledgerError maps an error from the Ledger to a gRPC status: ErrNotFound → NotFound
// with notFoundMsg, context errors → Canceled/DeadlineExceeded, anything else → Internal
// (and logged, since it is a server-side fault).
func (s *Server) ledgerError(ctx context.Context, op string, err error, notFoundMsg string) error {
	switch {
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, notFoundMsg)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return status.FromContextError(err).Err()
	case ctx.Err() != nil:
		return status.FromContextError(ctx.Err()).Err()
	}
	s.log.Error("ledger error", zap.String("op", op), zap.Error(err))
	return status.Errorf(codes.Internal, "%s: internal error", op)
}
