"""The demo council (Kingsmead Borough Council) and the synthetic data the tests and the
benchmarks use: dev-only, on top of every other app.

Nothing in Townhall imports this package (the import contract forbids it), so a production
install leaves it out: settings add `townhall.demo` to INSTALLED_APPS only in demo mode
(`TOWNHALL_DEMO=1`, which `make demo` sets) and under the tests. The demo fills the domain
through the domain's own functions (cases through `cases.services`, the services from their
service files in `services/` through `builder.services`, which publishes the library
processes they name), never the other way round.
"""
