module example.com/quartet/packages/requestlog

go 1.26
