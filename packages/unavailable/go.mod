module example.com/quartet/packages/unavailable

go 1.26
