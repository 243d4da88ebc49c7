package coordinator

import (
	"errors"
	"strings"

	"github.com/tuskstore/tusk/config"
)

// wrapFields turns the "field: reason" errors of the flows' Validate into
// *config.FieldError values, so that Nested can prefix their paths.
func wrapFields(err error) error {
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		field, reason, ok := strings.Cut(e.Error(), ": ")
		if !ok {
			out = append(out, e)
			continue
		}
		out = append(out, config.Invalid(field, "%s", reason))
	}
	return errors.Join(out...)
}
