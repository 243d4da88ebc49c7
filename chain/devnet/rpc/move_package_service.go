package rpc

import (
	"context"
	"fmt"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tuskstore/tusk/chain/sui"
)

// GetFunction describes pkg::module::name from the FunctionCatalog. All three fields are
// required; an unknown package, module or function is NotFound.
func (s *movePackageService) GetFunction(ctx context.Context, req *v2.GetFunctionRequest) (*v2.GetFunctionResponse, error) {
	if s.functions == nil {
		return nil, status.Error(codes.Unimplemented, "GetFunction is not supported by this server")
	}
	pkg, err := parseID("package_id", req.PackageId)
	if err != nil {
		return nil, err
	}
	if req.ModuleName == nil {
		return nil, missingField("module_name")
	}
	if !sui.IsValidIdentifier(*req.ModuleName) {
		return nil, invalidField("module_name", "invalid module_name %q: not a Move identifier", *req.ModuleName)
	}
	if req.Name == nil {
		return nil, missingField("name")
	}
	if !sui.IsValidIdentifier(*req.Name) {
		return nil, invalidField("name", "invalid name %q: not a Move identifier", *req.Name)
	}
	f, err := s.functions.Function(ctx, pkg, *req.ModuleName, *req.Name)
	if err != nil {
		return nil, s.ledgerError(ctx, "GetFunction", err, fmt.Sprintf("Function %s::%s::%s not found", pkg, *req.ModuleName, *req.Name))
	}
	if f.Name == "" {
		f.Name = *req.Name
	}
	return &v2.GetFunctionResponse{Function: renderFunction(&f)}, nil
}

func renderFunction(f *MoveFunction) *v2.FunctionDescriptor {
	m := &v2.FunctionDescriptor{Name: proto.String(f.Name), IsEntry: proto.Bool(f.IsEntry)}
	if f.Visibility != 0 {
		v := v2.FunctionDescriptor_Visibility(f.Visibility)
		m.Visibility = &v
	}
	for _, constraints := range f.TypeParameters {
		tp := &v2.TypeParameter{Constraints: []v2.Ability{}}
		for _, a := range constraints {
			tp.Constraints = append(tp.Constraints, v2.Ability(a))
		}
		m.TypeParameters = append(m.TypeParameters, tp)
	}
	for i := range f.Parameters {
		m.Parameters = append(m.Parameters, renderOpenSignature(&f.Parameters[i]))
	}
	for i := range f.Returns {
		m.Returns = append(m.Returns, renderOpenSignature(&f.Returns[i]))
	}
	return m
}

func renderOpenSignature(s *OpenSignature) *v2.OpenSignature {
	m := &v2.OpenSignature{Body: renderOpenType(&s.Body, 0)}
	if s.Reference != RefNone {
		r := v2.OpenSignature_Reference(s.Reference)
		m.Reference = &r
	}
	return m
}

func renderOpenType(t *OpenType, depth int) *v2.OpenSignatureBody {
	kind := v2.OpenSignatureBody_Type(t.Kind)
	m := &v2.OpenSignatureBody{Type: &kind}
	if depth > 64 {
		return m
	}
	switch t.Kind {
	case TypeDatatype:
		m.TypeName = proto.String(t.TypeName)
	case TypeTypeParameter:
		m.TypeParameter = proto.Uint32(t.TypeParameter)
	}
	for i := range t.TypeArgs {
		m.TypeParameterInstantiation = append(m.TypeParameterInstantiation, renderOpenType(&t.TypeArgs[i], depth+1))
	}
	return m
}
