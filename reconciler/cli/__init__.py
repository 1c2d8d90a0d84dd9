"""The command line: parse options into typed values, call the engine, map errors to exit codes.

One module per subcommand, each exporting a click command named after it; ``main`` wires them.
"""
