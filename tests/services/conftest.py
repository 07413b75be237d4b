from backends import backend, paths, pytest_generate_tests, services  # noqa: F401 - fixtures and hook of both backends
