package httpapi

import (
	"encoding/json"
	"net/http"
)

// openAPI serves the OpenAPI 3 description of the routes this server offers.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	b, err := json.MarshalIndent(s.OpenAPI(), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

type obj = map[string]any

func param(name, in, typ, desc string, required bool) obj {
	return obj{"name": name, "in": in, "required": required, "description": desc, "schema": obj{"type": typ}}
}

func errorResponses(codes ...string) obj {
	out := obj{}
	for _, c := range codes {
		out[c] = obj{"$ref": "#/components/responses/Error"}
	}
	return out
}

func merge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}

var binary = obj{"application/octet-stream": obj{"schema": obj{"type": "string", "format": "binary"}}}

// OpenAPI is the API's OpenAPI 3.0 document, for the routes of the server's mode.
func (s *Server) OpenAPI() obj {
	publisherParams := []any{
		param("epochs", "query", "integer", "Number of epochs to store the blob for (default 1).", false),
		param("permanent", "query", "boolean", "Store a permanent blob (blobs are deletable by default).", false),
		param("deletable", "query", "boolean", "Deprecated, no effect (blobs are deletable by default); must not be given with permanent.", false),
		param("force", "query", "boolean", "Store even if the blob is already certified.", false),
		param("reuse_resources", "query", "boolean", "Reuse owned registrations (always done unless force).", false),
		param("encoding_type", "query", "string", "RS2 (the only encoding).", false),
		param("send_object_to", "query", "string", "Sui address to send the Blob object to once certified.", false),
		param("share", "query", "boolean", "Wrap the certified Blob into a new shared object (SharedBlob) that anyone can fund and extend; its ID is newlyCreated.sharedBlobObject. Not with send_object_to.", false),
	}
	readParams := []any{
		param("strict_consistency_check", "query", "boolean", "Re-encode the blob and compare its blob ID.", false),
		param("skip_consistency_check", "query", "boolean", "Skip the consistency check (slivers are still verified).", false),
		param("Range", "header", "string", "bytes=first-last, bytes=first- or bytes=-suffix: answered with 206 Partial Content.", false),
	}
	paths := obj{
		"/status": obj{"get": obj{"summary": "Liveness", "responses": obj{"200": obj{"description": "The service is running (body OK)."}}}},
		"/v1/api": obj{"get": obj{"summary": "This OpenAPI document", "responses": obj{"200": obj{"description": "OpenAPI 3.0 JSON"}}}},
	}
	if s.mode.publishes() {
		paths["/v1/blobs"] = obj{"put": obj{
			"summary": "Store a blob", "parameters": publisherParams,
			"requestBody": obj{"required": true, "content": binary},
			"responses": merge(obj{"200": obj{"description": "BlobStoreResult: newlyCreated, alreadyCertified or markedInvalid", "content": obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/BlobStoreResult"}}}}},
				errorResponses("400", "401", "413", "429", "501", "503")),
		}}
		paths["/v1/quilts"] = obj{"put": obj{
			"summary":     "Store files as a quilt",
			"description": "multipart/form-data: one field per file (the field name is the identifier), optional _metadata = JSON [{\"identifier\":…,\"tags\":{…}}].",
			"parameters":  append(publisherParams, param("quilt_version", "query", "string", "V1", false)),
			"requestBody": obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": obj{"type": "object"}}}},
			"responses": merge(obj{"200": obj{"description": "QuiltStoreResult {blobStoreResult, storedQuiltBlobs:[{identifier, quiltPatchId}]}"}},
				errorResponses("400", "401", "413", "415", "429", "503")),
		}}
	}
	if s.mode.aggregates() {
		blobID := param("blob_id", "path", "string", "Blob ID, URL-safe base64 without padding.", true)
		paths["/v1/blobs/{blob_id}"] = obj{"get": obj{
			"summary": "Read a blob", "parameters": append([]any{blobID}, readParams...),
			"responses": merge(obj{"200": obj{"description": "The blob", "content": binary}, "206": obj{"description": "Part of the blob (Range)", "content": binary}, "304": obj{"description": "Not modified (If-None-Match)"}},
				errorResponses("400", "403", "404", "416", "429", "503")),
		}}
		paths["/v1/blobs/{blob_id}/byte-range"] = obj{"get": obj{
			"summary":    "Read a byte range (200, cacheable)",
			"parameters": []any{blobID, param("start", "query", "integer", "First byte.", true), param("length", "query", "integer", "Number of bytes.", true)},
			"responses":  merge(obj{"200": obj{"description": "The bytes", "content": binary}}, errorResponses("400", "404", "429", "503")),
		}}
		paths["/v1/blobs/by-object-id/{blob_object_id}"] = obj{"get": obj{
			"summary":    "Read the blob of a Blob or SharedBlob object, with its allowed attributes as headers",
			"parameters": append([]any{param("blob_object_id", "path", "string", "Sui object ID.", true)}, readParams...),
			"responses":  merge(obj{"200": obj{"description": "The blob", "content": binary}}, errorResponses("400", "404", "416", "429", "503")),
		}}
		paths["/v1/blobs/by-quilt-patch-id/{quilt_patch_id}"] = obj{"get": obj{
			"summary":    "Read a quilt patch by patch ID (identifier in X-Quilt-Patch-Identifier)",
			"parameters": []any{param("quilt_patch_id", "path", "string", "Quilt patch ID.", true)},
			"responses":  merge(obj{"200": obj{"description": "The patch", "content": binary}}, errorResponses("400", "404", "429", "503")),
		}}
		paths["/v1/blobs/by-quilt-id/{quilt_id}/{identifier}"] = obj{"get": obj{
			"summary":    "Read a quilt patch by identifier",
			"parameters": []any{param("quilt_id", "path", "string", "Quilt ID (a blob ID).", true), param("identifier", "path", "string", "Patch identifier.", true)},
			"responses":  merge(obj{"200": obj{"description": "The patch", "content": binary}}, errorResponses("400", "404", "429", "503")),
		}}
		paths["/v1/quilts/{quilt_id}/patches"] = obj{"get": obj{
			"summary":    "List the patches of a quilt",
			"parameters": []any{param("quilt_id", "path", "string", "Quilt ID.", true)},
			"responses":  merge(obj{"200": obj{"description": "[{identifier, patch_id, tags}]"}}, errorResponses("400", "404", "429", "503")),
		}}
	}
	return obj{
		"openapi": "3.0.3",
		"info":    obj{"title": "tusk " + string(s.mode) + " (Walrus-compatible)", "version": "v1"},
		"paths":   paths,
		"components": obj{
			"responses": obj{"Error": obj{"description": "Error envelope {\"error\":{\"code\",\"status\",\"message\",\"details\":[{\"@type\":\"ErrorInfo\",\"reason\",\"domain\",\"metadata\"}]}}; 429 and 503 carry Retry-After.",
				"content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}},
			"schemas": obj{"BlobStoreResult": obj{"type": "object", "description": "Exactly one of newlyCreated, alreadyCertified, markedInvalid, error."}},
		},
	}
}
