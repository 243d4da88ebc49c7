package rest

import _ "embed"

// openAPI is the OpenAPI 3 description served at /v1/api.
//
//go:embed openapi.json
var openAPI []byte
