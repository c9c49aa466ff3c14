module example.com/quartet/packages/problem

go 1.26
