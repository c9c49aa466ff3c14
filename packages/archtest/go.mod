module example.com/quartet/packages/archtest

go 1.26
