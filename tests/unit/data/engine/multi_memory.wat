(module
  (import "env" "mem" (memory 1))
  (memory 1))
