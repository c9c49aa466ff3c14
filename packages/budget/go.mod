module example.com/quartet/packages/budget

go 1.26
