module example.com/quartet/packages/benchratio

go 1.26
