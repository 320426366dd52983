"""Contract tests: generated operations against Stoplight Prism mocks (`nox -s contract`)."""
