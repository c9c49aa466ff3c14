module example.com/quartet/packages/identity

go 1.26
