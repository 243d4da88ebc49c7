package feed

import "net/url"

// urlpkg builds a *url.URL in the fuzz target without shadowing the package name.
type urlpkg struct{ RawQuery string }

func (u urlpkg) URL() *url.URL { return &url.URL{Path: Path, RawQuery: u.RawQuery} }
