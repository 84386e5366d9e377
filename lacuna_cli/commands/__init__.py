"""One module per command group: parse options, call the stages, pick the output format."""
