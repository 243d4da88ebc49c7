package httpapi_test

import (
	"fmt"

	"github.com/tuskstore/tusk/coordinator/read"
)

var errUnavailable = fmt.Errorf("%w: 2 of 4 slivers", read.ErrBlobUnavailable)
