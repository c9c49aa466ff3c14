module example.com/quartet/packages/validation

go 1.26
