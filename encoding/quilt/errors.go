package quilt

import "errors"

// Errors callers can branch on with errors.Is. Every error the package returns wraps one
// of them (decoding errors from the BCS layer also wrap bcs.ErrMalformed).
var (
	// ErrInvalidIdentifier reports an identifier that is empty, too long, not UTF-8, ends
	// in white space or holds a control character.
	ErrInvalidIdentifier = errors.New("quilt: invalid identifier")
	// ErrDuplicateIdentifier reports two patches with the same identifier.
	ErrDuplicateIdentifier = errors.New("quilt: duplicate identifier")
	// ErrInvalidTags reports tags that are not UTF-8 or too large to store.
	ErrInvalidTags = errors.New("quilt: invalid tags")
	// ErrNoPatches reports a quilt built from no patches.
	ErrNoPatches = errors.New("quilt: no patches")
	// ErrTooManyPatches reports more patches than the quilt has columns for.
	ErrTooManyPatches = errors.New("quilt: too many patches")
	// ErrTooLarge reports patches that do not fit in one quilt: a symbol size above the
	// RS2 maximum, or a single patch above 4 GiB.
	ErrTooLarge = errors.New("quilt: too large")
	// ErrMalformed reports quilt bytes, slivers or an index that are not a valid quilt.
	ErrMalformed = errors.New("quilt: malformed quilt")
	// ErrUnsupportedVersion reports a quilt or patch ID of a version other than 1.
	ErrUnsupportedVersion = errors.New("quilt: unsupported quilt version")
	// ErrPatchNotFound reports an identifier that is not in the quilt.
	ErrPatchNotFound = errors.New("quilt: patch not found")
	// ErrInvalidPatchID reports text or bytes that are not a quilt patch ID.
	ErrInvalidPatchID = errors.New("quilt: invalid patch ID")
	// ErrMissingSlivers reports a read that needs secondary slivers the caller did not give.
	ErrMissingSlivers = errors.New("quilt: missing slivers")
	// ErrInvalidParams reports RS2 parameters that are not those of a valid shard count, or
	// a codec whose shard count is not the quilt's.
	ErrInvalidParams = errors.New("quilt: invalid parameters")
)
