module example.com/quartet/packages/optimistic

go 1.26
