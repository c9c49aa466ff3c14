module example.com/quartet/packages/testenv

go 1.26
